import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ALARM_DIMENSIONS, type AlarmDefinition, alarmsFor } from '@streamkit/core';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PipelineMonitoring, type PipelineMonitoringProps } from '../src/monitoring/pipeline-monitoring.ts';
import { bareStack, specOf } from './support/stacks.ts';

// Two consumers, one without a dead-letter queue, so that per-consumer alarms are told apart.
const SPEC = specOf('consumers:\n  - name: orders\n  - name: audit\n    onFailure: none\n');
const DEFINITIONS = alarmsFor(SPEC);

interface Built {
  readonly stack: Stack;
  readonly template: Template;
  readonly monitoring: PipelineMonitoring;
  /** The value each alarm dimension must have, by resource kind. */
  readonly expected: Record<AlarmDefinition['resource']['kind'], (consumer?: string) => Record<string, unknown>>;
}

function build(props: Partial<PipelineMonitoringProps> = {}): Built {
  const stack = bareStack('MonitoringStack');
  const stream = new kinesis.Stream(stack, 'Stream');
  const restApi = new apigateway.RestApi(stack, 'Api', {
    restApiName: 'orders-ingest',
    deployOptions: { stageName: 'live' },
  });
  restApi.root.addMethod('GET', new apigateway.MockIntegration());
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
  const orders = { name: 'orders', function: fn('Orders'), deadLetterQueue: new sqs.Queue(stack, 'OrdersDlq') };
  const audit = { name: 'audit', function: fn('Audit') };
  const monitoring = new PipelineMonitoring(stack, 'Monitoring', {
    alarms: DEFINITIONS,
    stream,
    api: { restApi, stageName: 'live' },
    consumers: [orders, audit],
    ...props,
  });
  const ref = (c: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(c.node.defaultChild as never) });
  const consumers = { orders, audit } as Record<string, typeof orders | typeof audit>;
  return {
    stack,
    template: Template.fromStack(stack),
    monitoring,
    expected: {
      stream: () => ({ StreamName: ref(stream) }),
      api: () => ({ ApiName: 'orders-ingest', Stage: 'live' }),
      function: (name) => ({ FunctionName: ref(consumers[name!]!.function) }),
      deliveryStream: () => assert.fail('this pipeline has no delivery stream'),
      processor: () => assert.fail('this pipeline has no record transformation'),
      cluster: () => assert.fail('this pipeline has no MSK cluster'),
      broker: () => assert.fail('this pipeline has no MSK brokers'),
      consumerGroup: () => assert.fail('this pipeline has no Kafka consumer groups'),
      connector: () => assert.fail('this pipeline has no connector'),
      flinkApplication: () => assert.fail('this pipeline has no Flink application'),
      flinkSource: () => assert.fail('this pipeline has no Flink application'),
      enrichmentFunction: () => assert.fail('this pipeline has no enrichment endpoint'),
      queue: (name) => {
        assert.equal(name, 'orders', 'only orders has a dead-letter queue');
        return {
          QueueName: {
            'Fn::GetAtt': [stack.getLogicalId(orders.deadLetterQueue.node.defaultChild as never), 'QueueName'],
          },
        };
      },
    },
  };
}

const consumerOf = (d: AlarmDefinition) => ('consumer' in d.resource ? d.resource.consumer : undefined);

describe('PipelineMonitoring', () => {
  let built: Built;
  before(() => {
    built = build({ alarmEmail: 'ops@example.com' });
  });

  test('there is one CloudWatch alarm per definition from core, and no other', () => {
    assert.equal(DEFINITIONS.length, 7 + 3 * 2 + 1);
    built.template.resourceCountIs('AWS::CloudWatch::Alarm', DEFINITIONS.length);
    assert.deepEqual(
      [...built.monitoring.alarms.keys()],
      DEFINITIONS.map((d) => d.id),
    );
  });

  for (const definition of DEFINITIONS) {
    test(`alarm ${definition.id} watches ${definition.namespace} ${definition.metricName} as core defines it`, () => {
      const dimensions = built.expected[definition.resource.kind](consumerOf(definition));
      built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: definition.description,
        Namespace: definition.namespace,
        MetricName: definition.metricName,
        Statistic: definition.statistic,
        Period: definition.periodSeconds,
        ComparisonOperator: definition.comparison,
        Threshold: definition.threshold,
        EvaluationPeriods: definition.evaluationPeriods,
        DatapointsToAlarm: definition.datapointsToAlarm,
        TreatMissingData: definition.treatMissingData,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      });
    });
  }

  test('every alarm has the dimensions core names for its resource, valued by name, never by ARN (bugs 2 and 3)', () => {
    const alarms = Object.values(built.template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
    }[];
    for (const alarm of alarms) {
      const definition = DEFINITIONS.find((d) => d.metricName === alarm.Properties.MetricName)!;
      const names = (alarm.Properties.Dimensions ?? []).map((d) => d.Name);
      assert.deepEqual(names, [...ALARM_DIMENSIONS[definition.resource.kind]]);
      assert.doesNotMatch(JSON.stringify(alarm.Properties.Dimensions), /"Arn"|arn:/);
    }
  });

  test('every alarm notifies the topic when it goes into ALARM and when it is OK again', () => {
    const topic = { Ref: built.stack.getLogicalId(built.monitoring.topic.node.defaultChild as never) };
    built.template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { AlarmActions: [topic], OKActions: [topic] },
      DEFINITIONS.length,
    );
  });

  test('alarms have no fixed names', () => {
    built.template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { AlarmName: Match.absent() },
      DEFINITIONS.length,
    );
  });

  test('the topic is encrypted with a rotating key that CloudWatch may use', () => {
    const key = built.stack.getLogicalId(built.monitoring.topicKey.node.defaultChild as never);
    built.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    built.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  test('the topic refuses publishing without TLS and lets this account’s alarms publish', () => {
    built.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  test('the alarm email is subscribed to the topic', () => {
    built.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('the dashboard has no fixed name and shows every alarm, the stream, the API, the functions and the queue', () => {
    const dashboards = Object.values(built.template.findResources('AWS::CloudWatch::Dashboard')) as {
      Properties: Record<string, unknown>;
    }[];
    assert.equal(dashboards.length, 1);
    assert.equal(dashboards[0]!.Properties.DashboardName, undefined);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const alarm of built.monitoring.alarms.values()) {
      const id = built.stack.getLogicalId(alarm.node.defaultChild as never);
      assert.ok(body.includes(`{"Fn::GetAtt":["${id}","Arn"]}`), `alarm ${id} is not on the dashboard`);
    }
    for (const text of [
      'Kinesis data stream',
      'Ingest API',
      'Consumer orders',
      'Consumer audit',
      'Dead-letter queue of orders',
    ]) {
      assert.ok(body.includes(text), `no "${text}" section on the dashboard`);
    }
    assert.ok(body.includes('AWS/Kinesis') && body.includes('AWS/Lambda') && body.includes('AWS/SQS'));
  });
});

describe('PipelineMonitoring options', () => {
  test('without dashboard there is no dashboard, and the alarms are still there', () => {
    const { template, monitoring } = build({ dashboard: false });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', DEFINITIONS.length);
    assert.equal(monitoring.facade, undefined);
  });

  test('without an alarm email there is no subscription', () => {
    build().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('an alarm on a dead-letter queue that does not exist is a bug reported as such', () => {
    assert.throws(
      () =>
        build({
          alarms: [
            {
              ...DEFINITIONS.find((d) => d.resource.kind === 'queue')!,
              resource: { kind: 'queue', consumer: 'audit' },
            },
          ],
        }),
      { code: 'SK_INTERNAL', message: /dead-letter queue of consumer audit/ },
    );
  });
});
