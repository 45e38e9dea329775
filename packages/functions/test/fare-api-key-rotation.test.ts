import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FARE_REQUEST_MODEL } from '@streamkit/core';
import {
  apiKeyOf,
  checkRequest,
  currentVersion,
  keyOfVersion,
  keysToRetire,
  keyTags,
  secretString,
  TEST_RIDE,
  testOutcome,
} from '../src/fare-api-key-rotation/rotation.ts';
import { estimateFare } from '../src/fare-estimate/estimate-fare.ts';

const PLAN = 'plan123';

describe('the fare API key rotation’s decisions', () => {
  test('a step proceeds only for an AWSPENDING version of a secret with rotation on', () => {
    const secret = { RotationEnabled: true, VersionIdsToStages: { old: ['AWSCURRENT'], next: ['AWSPENDING'] } };
    assert.equal(checkRequest(secret, 'next', 'createSecret'), 'proceed');
    assert.equal(checkRequest(secret, 'next', 'finishSecret'), 'proceed');
    assert.equal(checkRequest(secret, 'old', 'finishSecret'), 'done', 'a repeated finishSecret has nothing to do');
    const unknown = checkRequest(secret, 'other', 'setSecret');
    assert.ok(unknown instanceof Error && /no version other/.test(unknown.message));
    const off = checkRequest({ ...secret, RotationEnabled: false }, 'next', 'setSecret');
    assert.ok(off instanceof Error && /not enabled/.test(off.message));
    const previous = checkRequest({ VersionIdsToStages: { prev: ['AWSPREVIOUS'] } }, 'prev', 'testSecret');
    assert.ok(previous instanceof Error && /not AWSPENDING \(it is AWSPREVIOUS\)/.test(previous.message));
    const step = checkRequest(secret, 'next', 'rotate');
    assert.ok(step instanceof Error && /createSecret, setSecret, testSecret, finishSecret/.test(step.message));
  });

  test('the secret holds the key as {"apiKey": …}, which the Flink job reads', () => {
    const text = secretString('k'.repeat(40));
    assert.deepEqual(JSON.parse(text), { apiKey: 'k'.repeat(40) });
    assert.equal(apiKeyOf(text), 'k'.repeat(40));
    assert.throws(() => apiKeyOf('not json'), /not JSON; expected \{"apiKey"/);
    assert.throws(() => apiKeyOf('{"apiKey":"short"}'), /at least 20 characters/);
    assert.throws(() => apiKeyOf(undefined), /not JSON/);
  });

  test('setSecret finds the key it made for a version by its tags, so a retried step creates none twice', () => {
    const keys = [
      { id: 'a', tags: keyTags(PLAN, 'v1') },
      { id: 'b', tags: keyTags('another-plan', 'v2') },
      { id: 'c', tags: keyTags(PLAN, 'v2') },
    ];
    assert.equal(keyOfVersion(keys, PLAN, 'v2')?.id, 'c');
    assert.equal(keyOfVersion(keys, PLAN, 'v3'), undefined);
  });

  test('finishSecret keeps the current and the previous version’s keys and retires the rest of its own', () => {
    const stages = { v1: [], v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT'] };
    const keys = [
      { id: 'k1', tags: keyTags(PLAN, 'v1') },
      { id: 'k2', tags: keyTags(PLAN, 'v2') },
      { id: 'k3', tags: keyTags(PLAN, 'v3') },
      { id: 'gone', tags: keyTags(PLAN, 'v0') },
      { id: 'untagged-version', tags: { 'streamkit:usage-plan': PLAN } },
      { id: 'other-plan', tags: keyTags('other', 'v0') },
      { id: 'not-ours' },
    ];
    assert.deepEqual(
      keysToRetire(keys, PLAN, stages).map((k) => k.id),
      ['k1', 'gone', 'untagged-version'],
    );
    assert.equal(currentVersion(stages), 'v3');
    assert.equal(currentVersion({ v1: ['AWSPENDING'] }), undefined);
  });

  test('testSecret passes on a 2xx, calls again on a 403 while attempts remain, fails on anything else', () => {
    assert.equal(testOutcome(200, 1, 6), 'passed');
    assert.equal(testOutcome(403, 1, 6), 'again', 'API Gateway takes a few seconds to accept a new key');
    assert.equal(testOutcome(403, 5, 6), 'again');
    const exhausted = testOutcome(403, 6, 6);
    assert.ok(exhausted instanceof Error && /after 6 calls/.test(exhausted.message));
    const broken = testOutcome(500, 1, 6);
    assert.ok(
      broken instanceof Error && /HTTP 500/.test(broken.message) && /old key stays current/.test(broken.message),
    );
    assert.ok(testOutcome(400, 1, 6) instanceof Error, 'a refused body is a broken test, not a slow key');
  });

  test('the test call’s ride is one the fare API answers 200 (its model’s required fields, the function’s rules)', () => {
    for (const field of FARE_REQUEST_MODEL.required) assert.ok(field in TEST_RIDE, field);
    assert.ok(estimateFare(TEST_RIDE).expected_fare > 0);
  });
});
