import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ApplicationStatus, nextStep, responseBody } from '../src/flink-application-lifecycle/lifecycle.ts';

describe('the Flink application lifecycle resource', () => {
  test('Create and Update start a stopped application and leave a running or starting one alone', () => {
    for (const type of ['Create', 'Update'] as const) {
      assert.deepEqual(nextStep(type, 'READY', true), { kind: 'start' });
      assert.deepEqual(nextStep(type, 'ROLLED_BACK', true), { kind: 'start' });
      assert.deepEqual(nextStep(type, 'RUNNING', true), { kind: 'done' });
      assert.deepEqual(nextStep(type, 'STARTING', true), { kind: 'done' });
      assert.deepEqual(nextStep(type, 'UPDATING', true), { kind: 'wait' });
      assert.deepEqual(nextStep(type, 'STOPPING', true), { kind: 'wait' });
    }
  });

  test('with Start false nothing is started', () => {
    assert.deepEqual(nextStep('Create', 'READY', false), { kind: 'done' });
    assert.deepEqual(nextStep('Update', 'READY', false), { kind: 'done' });
  });

  test('Delete force-stops a running, starting, updating or autoscaling application and waits for READY', () => {
    const stops: ApplicationStatus[] = [
      'RUNNING',
      'STARTING',
      'UPDATING',
      'AUTOSCALING',
      'MAINTENANCE',
      'ROLLING_BACK',
    ];
    for (const status of stops) assert.deepEqual(nextStep('Delete', status, true), { kind: 'stop' }, status);
    assert.deepEqual(nextStep('Delete', 'STOPPING', true), { kind: 'wait' });
    assert.deepEqual(nextStep('Delete', 'FORCE_STOPPING', true), { kind: 'wait' });
    assert.deepEqual(nextStep('Delete', 'READY', true), { kind: 'done' });
  });

  test('an application that is gone or being deleted needs nothing, whatever the request', () => {
    for (const type of ['Create', 'Update', 'Delete'] as const) {
      assert.deepEqual(nextStep(type, undefined, true), { kind: 'done' });
      assert.deepEqual(nextStep(type, 'DELETING', true), { kind: 'done' });
    }
  });

  test('answers CloudFormation with the request’s ids and a reason when it failed', () => {
    const request = { StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Lifecycle' };
    assert.deepEqual(JSON.parse(responseBody(request, { ok: true, physicalResourceId: 'app-lifecycle' })), {
      Status: 'SUCCESS',
      Reason: 'done',
      PhysicalResourceId: 'app-lifecycle',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'Lifecycle',
      NoEcho: false,
    });
    const failed = JSON.parse(responseBody(request, { ok: false, reason: 'x'.repeat(2000), physicalResourceId: 'p' }));
    assert.equal(failed.Status, 'FAILED');
    assert.equal(failed.Reason.length, 1000);
  });
});
