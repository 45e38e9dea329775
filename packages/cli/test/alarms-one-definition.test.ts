/**
 * One alarm definition, two evaluators: core's `alarmsFor(spec)` is what the cloud stack synthesizes into CloudWatch
 * alarms and what the local target evaluates against its own metrics. Changing a definition's threshold in one place
 * changes the synthesized alarm and the local verdict alike. (In cli/test because it needs both the CDK package and
 * the local one, and only the CLI imports both.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PipelineMonitoring, PipelineStack } from '@streamkit/cdk';
import { type AlarmDefinition, alarmsFor, presetSpec } from '@streamkit/core';
import { dimensionsOf, LocalAlarms, LocalMonitoring, MetricStore, resourcesOf } from '@streamkit/local';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';

const spec = presetSpec('apigw-kinesis-lambda');
const consumer = spec.consumers[0]!.name;
const ERRORS = `${consumer}Errors`;

/** The synthesized CloudWatch alarm of a definition list, by definition id. */
function cloudAlarm(definitions: readonly AlarmDefinition[], id: string) {
  const stack = new Stack(new App(), 'Monitoring');
  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
  api.root.addMethod('GET', new apigateway.MockIntegration());
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  const monitoring = new PipelineMonitoring(stack, 'Monitoring', {
    alarms: definitions,
    stream: new kinesis.Stream(stack, 'Stream'),
    api: { restApi: api, stageName: 'prod' },
    consumers: [{ name: consumer, function: fn, deadLetterQueue: new sqs.Queue(stack, 'Dlq') }],
    dashboard: false,
  });
  const logicalId = stack.getLogicalId(monitoring.alarms.get(id)!.node.defaultChild as never);
  return Template.fromStack(stack).toJSON().Resources[logicalId].Properties as Record<string, unknown>;
}

/** The local verdict on a minute in which the function failed `errors` times, under the same definition list. */
function localState(definitions: readonly AlarmDefinition[], id: string, errors: number) {
  const now = Date.UTC(2026, 0, 1, 12, 0, 30);
  const store = new MetricStore({ now: () => now });
  const resources = resourcesOf(spec);
  store.put(
    { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: resources.functions.get(consumer)! } },
    1,
    errors,
  );
  const alarms = new LocalAlarms({ definitions, store, dimensionsOf: (d) => dimensionsOf(resources, d.resource) });
  alarms.evaluate();
  return alarms.get(id)!.state;
}

describe('one alarm definition, two evaluators', () => {
  test('changing the threshold once changes the CloudWatch alarm and the local evaluation', () => {
    const original = alarmsFor(spec);
    // The one change: tolerate two errors a minute instead of none.
    const changed = original.map((d) => (d.id === ERRORS ? { ...d, threshold: 2 } : d));

    assert.equal(cloudAlarm(original, ERRORS).Threshold, 0);
    assert.equal(localState(original, ERRORS, 2), 'ALARM');

    const cloud = cloudAlarm(changed, ERRORS);
    assert.equal(cloud.Threshold, 2);
    assert.equal(cloud.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(localState(changed, ERRORS, 2), 'OK');
    assert.equal(localState(changed, ERRORS, 3), 'ALARM');
  });

  test('the stack and the local target both take their alarms from alarmsFor(spec), with the same dimensions', () => {
    const definitions = alarmsFor(spec);
    const local = new LocalMonitoring(spec).alarms.list();
    assert.deepEqual(
      local.map((a) => a.definition),
      definitions,
    );
    const stack = new PipelineStack(new App(), 'streamkit-one-definition', { spec });
    const synthesized = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(
      (r) => (r as { Properties: Record<string, unknown> }).Properties,
    );
    assert.equal(synthesized.length, definitions.length);
    for (const [i, d] of definitions.entries()) {
      const cloud = synthesized.find((p) => p.AlarmDescription === d.description)!;
      assert.ok(cloud, `a CloudWatch alarm for ${d.id}`);
      assert.deepEqual(
        [cloud.MetricName, cloud.Threshold, cloud.Period, cloud.EvaluationPeriods, cloud.DatapointsToAlarm],
        [d.metricName, d.threshold, d.periodSeconds, d.evaluationPeriods, d.datapointsToAlarm],
      );
      const names = (cloud.Dimensions as { Name: string }[]).map((x) => x.Name);
      assert.deepEqual(names, Object.keys(local[i]!.dimensions), `${d.id}: the same dimension names`);
    }
  });
});
