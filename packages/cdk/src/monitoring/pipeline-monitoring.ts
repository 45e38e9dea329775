/**
 * The pipeline's alarms and dashboard. Every alarm comes from core's `alarmsFor(spec)` — the same definitions the
 * local runtime evaluates — and carries the dimensions core's `ALARM_DIMENSIONS` names, with each resource's *name*
 * as the value (the original used an ARN or no dimension at all, so some of its alarms never saw data: bugs 2 and 3).
 * Alarms notify an encrypted SNS topic on ALARM and on OK (the original had no actions: bug 5).
 *
 * The dashboard's metric widgets come from cdk-monitoring-constructs; our alarms go on it as an alarm status widget
 * and one alarm widget each.
 */

import { ALARM_DIMENSIONS, type AlarmDefinition, type AlarmResource, StreamkitError } from '@streamkit/core';
import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  DefaultDashboards,
  type IDynamicDashboardFactory,
  type IDynamicDashboardSegment,
  MonitoringFacade,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';

/** A consumer as monitoring sees it: its function and, when it has one, its dead-letter queue. */
export interface MonitoredConsumer {
  /** The consumer's name in the spec (alarm definitions refer to it). */
  readonly name: string;
  readonly function: lambda.IFunction;
  readonly deadLetterQueue?: sqs.IQueue;
}

/** A delivery stream as monitoring sees it. */
export interface MonitoredDeliveryStream {
  /** The delivery stream's *name* — the value of the DeliveryStreamName dimension (the original passed the ARN: bug 2). */
  readonly deliveryStreamName: string;
  /** Its record transformation function, if any. */
  readonly processor?: lambda.IFunction;
  /** Whether it converts records to Parquet (adds conversion graphs). @default false */
  readonly dataFormatConversion?: boolean;
}

/** An MSK cluster as monitoring sees it. */
export interface MonitoredKafka {
  /** The value of MSK's `Cluster Name` dimension. */
  readonly clusterName: string;
  /** Broker IDs to draw per-broker graphs for (1…N). @default - none (serverless or existing clusters) */
  readonly brokerIds?: readonly number[];
  /** Each Kafka consumer's group and topic, by consumer name (the `Consumer Group` and `Topic` dimensions). */
  readonly consumerGroups?: Readonly<Record<string, { readonly groupId: string; readonly topic: string }>>;
}

/** A Managed Flink application (or Studio notebook) as monitoring sees it. */
export interface MonitoredFlinkApplication {
  /** The application's name: the `Application` dimension. */
  readonly applicationName: string;
  /** Its log group, for the Logs Insights widgets. */
  readonly logGroup: logs.ILogGroup;
}

export interface PipelineMonitoringProps {
  /** The alarms to create: core's `alarmsFor(spec)`. */
  readonly alarms: readonly AlarmDefinition[];
  /** The Kinesis data stream; required when an alarm watches it. @default - none (MSK pipelines) */
  readonly stream?: kinesis.IStream;
  /** The MSK cluster; required when an alarm watches it, its brokers or its consumer groups. @default - none */
  readonly kafka?: MonitoredKafka;
  /** The MSK Connect connector's name; required when an alarm watches it. @default - none */
  readonly connectorName?: string;
  /** The ingest API and its stage; required when an alarm watches the API. */
  readonly api?: { readonly restApi: apigateway.IRestApi; readonly stageName: string };
  /** @default - none */
  readonly consumers?: readonly MonitoredConsumer[];
  /** The Firehose delivery stream; required when an alarm watches it. @default - none */
  readonly deliveryStream?: MonitoredDeliveryStream;
  /** The Flink application; required when an alarm watches it. @default - none */
  readonly flinkApplication?: MonitoredFlinkApplication;
  /** The function behind the enrichment API; required when an alarm watches it. @default - none */
  readonly enrichmentFunction?: lambda.IFunction;
  /**
   * An email address subscribed to the alarm topic (the recipient confirms the subscription by email).
   * @default - no subscription; alarms still publish to the topic
   */
  readonly alarmEmail?: string;
  /**
   * Create a CloudWatch dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
}

export class PipelineMonitoring extends Construct {
  /** Receives every alarm's ALARM and OK notifications. */
  readonly topic: sns.Topic;
  /** Encrypts the topic; its policy lets CloudWatch publish. */
  readonly topicKey: kms.Key;
  /** The alarms by definition id (`StreamIteratorAge`, `consumerErrors`…). */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;
  readonly emailSubscription: sns.Subscription | undefined;
  readonly dashboard: cloudwatch.Dashboard | undefined;
  /** The cdk-monitoring-constructs facade that draws the dashboard's metric widgets. */
  readonly facade: MonitoringFacade | undefined;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // CloudWatch cannot publish to a topic encrypted with the AWS managed key (alias/aws/sns), whose policy we cannot
    // change; a customer managed key can allow it.
    this.topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts the alarm topic of ${stack.stackName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `streamkit alarms of ${stack.stackName}`,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    this.emailSubscription = props.alarmEmail
      ? new sns.Subscription(this, 'AlarmEmail', {
          topic: this.topic,
          protocol: sns.SubscriptionProtocol.EMAIL,
          endpoint: props.alarmEmail,
        })
      : undefined;

    const action = new actions.SnsAction(this.topic);
    const alarms = new Map<string, cloudwatch.Alarm>();
    for (const definition of props.alarms) {
      const alarm = new cloudwatch.Alarm(this, definition.id, {
        alarmDescription: definition.description,
        metric: new cloudwatch.Metric({
          namespace: definition.namespace,
          metricName: definition.metricName,
          dimensionsMap: this.dimensions(definition, props),
          statistic: definition.statistic,
          period: Duration.seconds(definition.periodSeconds),
        }),
        comparisonOperator: definition.comparison as cloudwatch.ComparisonOperator,
        threshold: definition.threshold,
        evaluationPeriods: definition.evaluationPeriods,
        datapointsToAlarm: definition.datapointsToAlarm,
        treatMissingData: definition.treatMissingData as cloudwatch.TreatMissingData,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms.set(definition.id, alarm);
    }
    this.alarms = alarms;

    if (props.dashboard ?? true) {
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
      this.facade = new MonitoringFacade(this, 'Facade', {
        dashboardFactory: new SingleDashboardFactory(this.dashboard),
      });
      this.drawDashboard(this.facade, props);
    }
  }

  /**
   * Lets EC2 Auto Scaling publish group notifications to the encrypted topic: it publishes with its service-linked
   * role, which may not exist yet when the key does, so the key policy names the role by ARN in a condition.
   */
  allowAutoScalingNotifications(): void {
    const stack = Stack.of(this);
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingNotifications',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
          },
          StringEquals: { 'kms:CallerAccount': stack.account },
        },
      }),
    );
  }

  /** `{StreamName: …}`, `{ApiName: …, Stage: …}`… — the dimension names come from core, the values are names. */
  private dimensions(definition: AlarmDefinition, props: PipelineMonitoringProps): Record<string, string> {
    const values = this.dimensionValues(definition.resource, props);
    return Object.fromEntries(
      ALARM_DIMENSIONS[definition.resource.kind].map((name) => {
        const value = values[name];
        if (value === undefined) {
          throw new StreamkitError('SK_INTERNAL', `alarm ${definition.id}: no value for its dimension ${name}`);
        }
        return [name, value];
      }),
    );
  }

  private dimensionValues(resource: AlarmResource, props: PipelineMonitoringProps): Record<string, string> {
    const missing = (what: string) =>
      new StreamkitError('SK_INTERNAL', `${this.node.path}: an alarm watches ${what}, which was not given`);
    switch (resource.kind) {
      case 'stream':
        if (!props.stream) throw missing('the data stream');
        return { StreamName: props.stream.streamName };
      case 'api': {
        if (!props.api) throw missing('the ingest API');
        return { ApiName: props.api.restApi.restApiName, Stage: props.api.stageName };
      }
      case 'function': {
        const consumer = props.consumers?.find((c) => c.name === resource.consumer);
        if (!consumer) throw missing(`the function of consumer ${resource.consumer}`);
        return { FunctionName: consumer.function.functionName };
      }
      case 'queue': {
        const queue = props.consumers?.find((c) => c.name === resource.consumer)?.deadLetterQueue;
        if (!queue) throw missing(`the dead-letter queue of consumer ${resource.consumer}`);
        return { QueueName: queue.queueName };
      }
      case 'deliveryStream': {
        if (!props.deliveryStream) throw missing('a delivery stream');
        return { DeliveryStreamName: props.deliveryStream.deliveryStreamName };
      }
      case 'processor': {
        const processor = props.deliveryStream?.processor;
        if (!processor) throw missing('a record transformation function');
        return { FunctionName: processor.functionName };
      }
      case 'cluster':
        if (!props.kafka) throw missing('an MSK cluster');
        return { 'Cluster Name': props.kafka.clusterName };
      case 'broker':
        if (!props.kafka) throw missing('an MSK cluster');
        return { 'Cluster Name': props.kafka.clusterName, 'Broker ID': String(resource.brokerId) };
      case 'consumerGroup': {
        const group = props.kafka?.consumerGroups?.[resource.consumer];
        if (!props.kafka || !group) throw missing(`the consumer group of ${resource.consumer}`);
        return { 'Cluster Name': props.kafka.clusterName, 'Consumer Group': group.groupId, Topic: group.topic };
      }
      case 'connector':
        if (!props.connectorName) throw missing('an MSK Connect connector');
        return { ConnectorName: props.connectorName };
      case 'flinkApplication': {
        if (!props.flinkApplication) throw missing('a Flink application');
        return { Application: props.flinkApplication.applicationName };
      }
      case 'flinkSource': {
        if (!props.flinkApplication) throw missing('a Flink application');
        if (!props.stream) throw missing('the data stream');
        return {
          Application: props.flinkApplication.applicationName,
          Id: Fn.join('_', Fn.split('-', props.stream.streamName)),
          Flow: 'Input',
        };
      }
      case 'enrichmentFunction': {
        if (!props.enrichmentFunction) throw missing('the enrichment function');
        return { FunctionName: props.enrichmentFunction.functionName };
      }
    }
  }

  private drawDeliveryStream(facade: MonitoringFacade, delivery: MonitoredDeliveryStream): void {
    drawDeliveryStreamWidgets(facade, delivery);
  }

  private drawDashboard(facade: MonitoringFacade, props: PipelineMonitoringProps): void {
    const alarms = [...this.alarms.values()];
    facade
      .addLargeHeader(`streamkit pipeline ${Stack.of(this).stackName}`)
      .addWidget(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }));
    if (props.stream) {
      facade.monitorKinesisDataStream({
        streamName: props.stream.streamName,
        alarmFriendlyName: 'Stream',
        humanReadableName: 'Kinesis data stream',
      });
    }
    if (props.kafka) drawKafkaWidgets(facade, props.kafka);
    if (props.api) {
      facade.monitorApiGateway({
        api: props.api.restApi,
        apiStage: props.api.stageName,
        alarmFriendlyName: 'IngestApi',
        humanReadableName: 'Ingest API',
      });
    }
    if (props.deliveryStream) this.drawDeliveryStream(facade, props.deliveryStream);
    if (props.flinkApplication) drawFlinkApplicationWidgets(facade, props.flinkApplication, props.stream?.streamName);
    if (props.enrichmentFunction) {
      facade.monitorLambdaFunction({
        lambdaFunction: props.enrichmentFunction,
        alarmFriendlyName: 'EnrichmentFunction',
        humanReadableName: 'Fare estimate function',
      });
    }
    for (const consumer of props.consumers ?? []) {
      facade.monitorLambdaFunction({
        lambdaFunction: consumer.function,
        isIterator: true,
        alarmFriendlyName: `${consumer.name}Function`,
        humanReadableName: `Consumer ${consumer.name}`,
      });
      if (consumer.deadLetterQueue) {
        facade.monitorSqsQueue({
          queue: consumer.deadLetterQueue,
          alarmFriendlyName: `${consumer.name}DeadLetterQueue`,
          humanReadableName: `Dead-letter queue of ${consumer.name}`,
        });
      }
    }
    facade.addMediumHeader('Alarm details');
    for (const [id, alarm] of this.alarms) {
      facade.addWidget(new cloudwatch.AlarmWidget({ title: id, alarm, width: 8, height: 6 }));
    }
  }
}

/** The Firehose segment, and the original solution's graphs of a stream-sourced delivery to S3 (its §2.3). */
function drawDeliveryStreamWidgets(facade: MonitoringFacade, delivery: MonitoredDeliveryStream): void {
  facade.monitorKinesisFirehose({
    deliveryStreamName: delivery.deliveryStreamName,
    isDataFormatConversionEnabled: delivery.dataFormatConversion ?? false,
    alarmFriendlyName: 'Delivery',
    humanReadableName: 'Firehose delivery stream',
  });
  const metric = (metricName: string, statistic: string, label: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName,
      dimensionsMap: { DeliveryStreamName: delivery.deliveryStreamName },
      statistic,
      period: Duration.minutes(5),
      label,
    });
  const graph = (title: string, metrics: cloudwatch.IMetric[], leftYAxis?: cloudwatch.YAxisProps) =>
    new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6, ...(leftYAxis && { leftYAxis }) });
  const widgets = [
    graph('Records read from the stream', [metric('DataReadFromKinesisStream.Records', 'Sum', 'records')]),
    graph('Bytes read from the stream', [metric('DataReadFromKinesisStream.Bytes', 'Sum', 'bytes')]),
    graph('Throttled reads of the stream', [metric('ThrottledGetRecords', 'Average', 'throttled GetRecords')]),
    graph(
      'Delivery to S3 success (%)',
      [
        new cloudwatch.MathExpression({
          expression: 'm1 * 100',
          usingMetrics: { m1: metric('DeliveryToS3.Success', 'Average', 'success') },
          label: 'success (%)',
          period: Duration.minutes(5),
        }),
      ],
      { min: 0, max: 100 },
    ),
    graph('Records delivered to S3', [metric('DeliveryToS3.Records', 'Sum', 'records')]),
    graph('Bytes delivered to S3', [metric('DeliveryToS3.Bytes', 'Sum', 'bytes')]),
    graph('Age of the oldest record not yet in S3 (s)', [metric('DeliveryToS3.DataFreshness', 'Maximum', 'seconds')]),
  ];
  // One row that wraps: three graphs across the dashboard's width.
  facade.addWidget(new cloudwatch.Row(...widgets));
  if (delivery.processor) {
    facade.monitorLambdaFunction({
      lambdaFunction: delivery.processor,
      alarmFriendlyName: 'RecordTransformation',
      humanReadableName: 'Record transformation',
    });
  }
}

/**
 * The original's MSK dashboard (its §2.6), drawn by CDK instead of a custom resource: per-broker CPU, disk use (with
 * the 80 % alarm line), messages, bytes and under-replicated partitions; cluster-wide partition, topic and offline
 * partition counts; and each consumer group's offset lag.
 */
function drawKafkaWidgets(facade: MonitoringFacade, kafka: MonitoredKafka): void {
  facade.addMediumHeader('MSK cluster');
  const cluster = { 'Cluster Name': kafka.clusterName };
  const metric = (metricName: string, statistic: string, dimensions: Record<string, string>, label: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName,
      dimensionsMap: dimensions,
      statistic,
      period: Duration.minutes(5),
      label,
    });
  const brokers = kafka.brokerIds ?? [];
  const perBroker = (metricName: string, statistic: string) =>
    brokers.map((id) => metric(metricName, statistic, { ...cluster, 'Broker ID': String(id) }, `broker ${id}`));
  const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
    new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });
  const widgets: cloudwatch.IWidget[] = [];
  if (brokers.length > 0) {
    widgets.push(
      new cloudwatch.SingleValueWidget({
        title: 'Partitions, topics, offline partitions',
        metrics: [
          metric('GlobalPartitionCount', 'Maximum', cluster, 'partitions'),
          metric('GlobalTopicCount', 'Maximum', cluster, 'topics'),
          metric('OfflinePartitionsCount', 'Maximum', cluster, 'offline partitions'),
        ],
        width: 8,
        height: 6,
      }),
      graph('CPU (user) by broker (%)', perBroker('CpuUser', 'Maximum'), { leftYAxis: { min: 0, max: 100 } }),
      graph('Disk used by broker (%)', perBroker('KafkaDataLogsDiskUsed', 'Maximum'), {
        leftYAxis: { min: 0, max: 100 },
        leftAnnotations: [{ value: 80, label: 'alarm' }],
      }),
      graph('Messages in by broker (per second)', perBroker('MessagesInPerSec', 'Maximum')),
      graph('Bytes in by broker (per second)', perBroker('BytesInPerSec', 'Maximum')),
      graph('Bytes out by broker (per second)', perBroker('BytesOutPerSec', 'Maximum')),
      graph('Under-replicated partitions by broker', perBroker('UnderReplicatedPartitions', 'Maximum')),
    );
  }
  for (const [consumer, { groupId, topic }] of Object.entries(kafka.consumerGroups ?? {})) {
    const dims = { ...cluster, 'Consumer Group': groupId, Topic: topic };
    widgets.push(
      graph(`Offset lag of ${consumer} (${topic})`, [
        metric('MaxOffsetLag', 'Maximum', dims, 'max offset lag'),
        metric('SumOffsetLag', 'Maximum', dims, 'sum offset lag'),
      ]),
    );
  }
  if (widgets.length > 0) facade.addWidget(new cloudwatch.Row(...widgets));
}

/**
 * The original solution's Flink dashboard (its §2.4), from cdk-monitoring-constructs where it has the graph and our own
 * widgets where it has not: cdk-monitoring-constructs' Kinesis Data Analytics segment draws uptime/downtime, full
 * restarts, checkpoints, CPU, heap and GC; we add the progress graphs (records in and out, watermarks, event-time
 * latency, late records) and the original's Logs Insights queries (20 rows each).
 */
function drawFlinkApplicationWidgets(
  facade: MonitoringFacade,
  flink: MonitoredFlinkApplication,
  /** The Kinesis stream the job reads, if it reads one (msk-flink-s3's reads a Kafka topic). */
  streamName: string | undefined,
): void {
  facade.monitorKinesisDataAnalytics({
    application: flink.applicationName,
    alarmFriendlyName: 'Flink',
    humanReadableName: 'Managed Service for Apache Flink application',
  });
  const metric = (metricName: string, statistic: string, label: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/KinesisAnalytics',
      metricName,
      dimensionsMap: { Application: flink.applicationName },
      statistic,
      period: Duration.minutes(1),
      label,
    });
  const graph = (title: string, metrics: cloudwatch.IMetric[]) =>
    new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6 });
  const input = metric('currentInputWatermark', 'Minimum', 'input watermark');
  const output = metric('currentOutputWatermark', 'Minimum', 'output watermark');
  facade.addWidget(
    new cloudwatch.Row(
      graph('Records in per second', [metric('numRecordsInPerSecond', 'Average', 'records in/s')]),
      graph('Records out per second', [metric('numRecordsOutPerSecond', 'Average', 'records out/s')]),
      graph('Watermarks', [input, output]),
      graph('Event-time latency (ms)', [
        new cloudwatch.MathExpression({
          expression: 'm1 - m2',
          usingMetrics: { m1: output, m2: input },
          label: 'output − input watermark',
          period: Duration.minutes(1),
        }),
      ]),
      graph('Late records dropped', [metric('numLateRecordsDropped', 'Maximum', 'late records dropped')]),
      ...(streamName === undefined
        ? []
        : [
            graph('Behind the stream (ms)', [
              new cloudwatch.Metric({
                namespace: 'AWS/KinesisAnalytics',
                metricName: 'millisBehindLatest',
                dimensionsMap: {
                  Application: flink.applicationName,
                  Id: Fn.join('_', Fn.split('-', streamName)),
                  Flow: 'Input',
                },
                statistic: 'Maximum',
                period: Duration.minutes(1),
                label: 'millisBehindLatest',
              }),
            ]),
          ]),
    ),
  );
  const query = (title: string, lines: string[]) =>
    new cloudwatch.LogQueryWidget({
      title,
      logGroupNames: [flink.logGroup.logGroupName],
      queryLines: [...lines, 'limit 20'],
      width: 24,
      height: 6,
    });
  facade.addWidget(
    new cloudwatch.Column(
      query('Task distribution', [
        'fields @timestamp, message',
        'filter message like /Deploying/',
        'parse message " to flink-taskmanager-*" as @tmid',
        'stats count(*) by @tmid',
      ]),
      query('Parallelism changes', [
        'fields @timestamp, @parallelism',
        'filter message like /parallelism.default/',
        'parse message "parallelism.default: *" as @parallelism',
        'sort @timestamp asc',
      ]),
      query('Access denied', [
        'fields @timestamp, @message, @messageType',
        'filter @message like /AccessDenied/',
        'sort @timestamp desc',
      ]),
      query('Source or sink not found', [
        'fields @timestamp, @message, @messageType',
        'filter @message like /ResourceNotFoundException/',
        'sort @timestamp desc',
      ]),
      query('Restarts (RUNNING to RESTARTING)', [
        'fields @timestamp, @message',
        'filter @message like /switched from RUNNING to RESTARTING/',
        'sort @timestamp desc',
      ]),
    ),
  );
}

/**
 * Puts every segment on one dashboard that CloudFormation names (cdk-monitoring-constructs' own factories need a
 * fixed dashboard name, which would allow one deployment per account).
 */
class SingleDashboardFactory implements IDynamicDashboardFactory {
  constructor(private readonly dashboard: cloudwatch.Dashboard) {}

  addDynamicSegment(segment: IDynamicDashboardSegment): void {
    this.dashboard.addWidgets(...segment.widgetsForDashboard(DefaultDashboards.DETAIL));
  }

  getDashboard(type: string): cloudwatch.Dashboard | undefined {
    return type === DefaultDashboards.DETAIL ? this.dashboard : undefined;
  }
}
