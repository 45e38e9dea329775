/**
 * A monthly cost estimate of a pipeline spec at a steady load (records per second of a given size), from the price
 * table in `prices.ts`: one line per billed item of each component the spec deploys, so users compare presets and
 * settings before deploying. Pure arithmetic over the spec; the assumptions it has to make are in `LIMITS.cost` and
 * in each line's note, and docs/cost.md explains them.
 */
import { StreamkitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { alarmsFor } from '../monitoring/alarms.ts';
import type { PipelineSpec } from '../presets/registry.ts';
import { PRICES, PRICES_READ_ON, type Price, type PriceList, type PriceRegion } from './prices.ts';

export interface CostInput {
  /** Records per second, steady over the month. */
  readonly throughput: number;
  /** Bytes per record. */
  readonly recordSize: number;
  /** @default LIMITS.cost.region.default */
  readonly region?: string;
  /**
   * Records per request to the ingest API (its `/records` route takes up to 500).
   * @default 1 - one request per record, the upper bound
   */
  readonly recordsPerRequest?: number;
}

export interface CostLine {
  /** The part of the pipeline it belongs to: `Kinesis data stream`, `Lambda consumer`… */
  readonly component: string;
  /** What is billed: `shard-hours`, `requests`… */
  readonly item: string;
  /** How many of `price.per` the month uses. */
  readonly quantity: number;
  /** The price per unit; undefined when the table has none (the line is left out of the total). */
  readonly price: Price | undefined;
  /** `quantity × price.usd`, or undefined when there is no price. */
  readonly monthlyUsd: number | undefined;
  readonly note?: string;
}

export interface CostEstimate {
  readonly pipeline: string;
  readonly preset: PipelineSpec['preset'];
  readonly region: PriceRegion;
  readonly pricesReadOn: string;
  readonly hoursPerMonth: number;
  readonly throughput: number;
  readonly recordSize: number;
  readonly recordsPerRequest: number;
  readonly lines: readonly CostLine[];
  /** Sum of the priced lines. */
  readonly totalUsd: number;
  /** What the estimate could not price, or where the spec cannot carry the load. */
  readonly warnings: readonly string[];
}

const KB = 1024;
const GB = 1024 ** 3;
const C = LIMITS.cost;

/** What every component function reads: the load, the month and the prices. */
interface Load {
  readonly recordsPerSecond: number;
  readonly recordSize: number;
  readonly hours: number;
  readonly seconds: number;
  /** Records in the month. */
  readonly records: number;
  readonly recordsPerRequest: number;
  /** GB in the month, record sizes as they are. */
  readonly gb: number;
  readonly prices: PriceList;
}

type Emit = (line: Omit<CostLine, 'monthlyUsd'>) => void;

export function estimateCost(spec: PipelineSpec, input: CostInput): CostEstimate {
  const region = checkRegion(input.region ?? C.region.default);
  checkPositive('throughput', input.throughput, 'records per second');
  checkPositive('recordSize', input.recordSize, 'bytes');
  const recordsPerRequest = input.recordsPerRequest ?? 1;
  const maxPerRequest = LIMITS.kinesis.putRecordsMaxRecords.value;
  if (!Number.isInteger(recordsPerRequest) || recordsPerRequest < 1 || recordsPerRequest > maxPerRequest) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `recordsPerRequest must be a whole number between 1 and ${maxPerRequest} (got ${recordsPerRequest})`,
      { path: 'recordsPerRequest' },
    );
  }
  const hours = C.hoursPerMonth.value;
  const seconds = hours * 3600;
  const records = input.throughput * seconds;
  const load: Load = {
    recordsPerSecond: input.throughput,
    recordSize: input.recordSize,
    hours,
    seconds,
    records,
    recordsPerRequest,
    gb: (records * input.recordSize) / GB,
    prices: PRICES[region],
  };
  const lines: CostLine[] = [];
  const warnings: string[] = [];
  const emit: Emit = (line) =>
    lines.push({ ...line, monthlyUsd: line.price === undefined ? undefined : line.quantity * line.price.usd });
  const warn = (message: string) => warnings.push(message);

  kinesisStream(spec, load, emit, warn);
  ingestApi(spec, load, emit);
  lambdaConsumers(spec, load, emit);
  firehose(spec, load, emit);
  kafkaCluster(spec, load, emit, warn);
  flinkApplication(spec, load, emit);
  fareApi(spec, load, emit);
  mskConnect(spec, load, emit);
  bucket(spec, load, emit);
  instances(spec, load, emit, warn);
  keysAndSecrets(spec, load, emit);
  cloudwatch(spec, load, lines, emit);

  for (const line of lines) {
    if (line.price === undefined) warn(`${line.component}: ${line.item} has no price in the table; not in the total`);
  }
  const totalUsd = lines.reduce((sum, line) => sum + (line.monthlyUsd ?? 0), 0);
  return {
    pipeline: spec.name,
    preset: spec.preset,
    region,
    pricesReadOn: PRICES_READ_ON,
    hoursPerMonth: hours,
    throughput: input.throughput,
    recordSize: input.recordSize,
    recordsPerRequest,
    lines,
    totalUsd,
    warnings,
  };
}

function checkRegion(region: string): PriceRegion {
  const known: readonly string[] = C.region.values;
  if (known.includes(region)) return region as PriceRegion;
  throw new StreamkitError(
    'SK_VALIDATION',
    `region must be one of ${known.join(', ')}, the regions of the price table (got ${JSON.stringify(region)})`,
    { path: 'region' },
  );
}

function checkPositive(field: string, value: number, unit: string): void {
  if (Number.isFinite(value) && value > 0) return;
  throw new StreamkitError('SK_VALIDATION', `${field} must be a number of ${unit} above 0 (got ${value})`, {
    path: field,
  });
}

/** Records rounded up to `unit` bytes each, in GB: how Kinesis on-demand (1 KB) and Firehose (5 KB) bill. */
function roundedGb(load: Load, unit: number): number {
  return (load.records * Math.ceil(load.recordSize / unit) * unit) / GB;
}

/** Shards a stream needs for the load: 1 MB/s and 1,000 records/s of writes per shard. */
function shardsFor(load: Load): number {
  const K = LIMITS.kinesis;
  return Math.max(
    Math.ceil(load.recordsPerSecond / K.shardWriteRecordsPerSecond.value),
    Math.ceil((load.recordsPerSecond * load.recordSize) / K.shardWriteBytesPerSecond.value),
    1,
  );
}

/** How many readers of the stream a spec has (each on-demand reader pays data retrieval). */
function streamReaders(spec: PipelineSpec): number {
  if ('consumers' in spec && 'stream' in spec) return spec.consumers.length;
  return 'stream' in spec ? 1 : 0;
}

function kinesisStream(spec: PipelineSpec, load: Load, emit: Emit, warn: (m: string) => void): void {
  if (!('stream' in spec)) return;
  const { stream } = spec;
  const P = load.prices.kinesis;
  const component = 'Kinesis data stream';
  const retainedHours = Math.min(stream.retentionHours, 168) - 24;
  const longTermHours = Math.max(stream.retentionHours - 168, 0);
  if (stream.mode === 'PROVISIONED') {
    const needed = shardsFor(load);
    if (needed > stream.shardCount) {
      warn(
        `stream.shardCount ${stream.shardCount} takes at most ${stream.shardCount * 1000} records/s and ${stream.shardCount} MB/s of writes; this load needs ${needed} shards (writes beyond that are throttled)`,
      );
    }
    emit({ component, item: 'shard-hours', quantity: stream.shardCount * load.hours, price: P.shardHour });
    emit({
      component,
      item: 'PUT payload units (25 KB each)',
      quantity: (load.records * Math.ceil(load.recordSize / (25 * KB))) / 1e6,
      price: P.putPayloadUnits,
    });
    if (retainedHours > 0) {
      emit({
        component,
        item: 'extended retention shard-hours',
        quantity: stream.shardCount * load.hours,
        price: P.extendedRetentionShardHour,
        note: `retention ${stream.retentionHours} h`,
      });
    }
  } else {
    const dataIn = roundedGb(load, KB);
    const readers = streamReaders(spec);
    emit({ component, item: 'stream-hours (on-demand)', quantity: load.hours, price: P.onDemandStreamHour });
    emit({ component, item: 'data in (1 KB rounding)', quantity: dataIn, price: P.onDemandDataIn });
    emit({
      component,
      item: `data out (${readers} reader${readers === 1 ? '' : 's'})`,
      quantity: dataIn * readers,
      price: P.onDemandDataOut,
    });
    if (retainedHours > 0) {
      emit({
        component,
        item: 'extended retention GB-months',
        quantity: (dataIn / load.hours) * retainedHours,
        price: P.onDemandExtendedRetention,
        note: `the ${retainedHours} h of data kept beyond the first day`,
      });
    }
  }
  if (longTermHours > 0) {
    emit({
      component,
      item: 'long-term retention GB-months',
      quantity: (load.gb / load.hours) * longTermHours,
      price: P.longTermRetention,
      note: `the ${longTermHours} h of data kept beyond 7 days`,
    });
  }
  if ('consumers' in spec && spec.consumers.some((c) => 'enhancedFanOut' in c && c.enhancedFanOut)) {
    emit({
      component,
      item: 'enhanced fan-out consumer-shard-hours and retrievals',
      quantity: 0,
      price: undefined,
      note: 'see the Kinesis pricing page',
    });
  }
}

function ingestApi(spec: PipelineSpec, load: Load, emit: Emit): void {
  if (!('ingest' in spec)) return;
  emit({
    component: 'API Gateway ingest API',
    item: 'REST requests',
    quantity: load.records / load.recordsPerRequest / 1e6,
    price: load.prices.apiGateway.restRequests,
    note:
      load.recordsPerRequest === 1
        ? 'one record per request, the upper bound (--records-per-request: /records takes up to 500)'
        : `${load.recordsPerRequest} records per request`,
  });
}

interface FunctionLoad {
  readonly name: string;
  readonly memorySize: number;
  readonly invocationsPerSecond: number;
  readonly note: string;
}

/**
 * Invocations per second of a stream consumer: one batch per `batchSize` records, but at least one per poll of each
 * shard or partition that has records (Lambda polls each about once a second, or once per batching window).
 */
function batchInvocations(recordsPerSecond: number, batchSize: number, pollers: number, windowSeconds: number) {
  const pollsPerSecond = pollers / Math.max(windowSeconds, 1);
  return Math.max(recordsPerSecond / batchSize, Math.min(recordsPerSecond, pollsPerSecond));
}

function functionsOf(spec: PipelineSpec, load: Load): FunctionLoad[] {
  const rps = load.recordsPerSecond;
  const functions: FunctionLoad[] = [];
  if ('stream' in spec && 'consumers' in spec) {
    const shards = spec.stream.mode === 'PROVISIONED' ? spec.stream.shardCount : Math.max(shardsFor(load), 4);
    for (const c of spec.consumers) {
      const pollers = shards * c.parallelizationFactor;
      functions.push({
        name: `Lambda ${c.name}`,
        memorySize: c.memorySize,
        invocationsPerSecond: batchInvocations(rps, c.batchSize, pollers, c.maxBatchingWindow),
        note: `batches of up to ${c.batchSize} from ${pollers} shard poller${pollers === 1 ? '' : 's'}`,
      });
    }
  }
  const partitions = 'topics' in spec ? Math.max(1, ...spec.topics.map((t) => t.partitions)) : 1;
  const kafkaConsumers = [
    ...('consumers' in spec && !('stream' in spec) ? spec.consumers : []),
    ...('forwarder' in spec ? [spec.forwarder] : []),
  ];
  for (const c of kafkaConsumers) {
    functions.push({
      name: `Lambda ${c.name}`,
      memorySize: c.memorySize,
      invocationsPerSecond: batchInvocations(rps, c.batchSize, partitions, 0),
      note: `batches of up to ${c.batchSize} from ${partitions} partition${partitions === 1 ? '' : 's'}`,
    });
  }
  if ('delivery' in spec && 'processor' in spec.delivery && spec.delivery.processor) {
    const p = spec.delivery.processor;
    const recordsPerBuffer = (p.bufferSizeInMBs * 1024 * 1024) / load.recordSize;
    functions.push({
      name: 'Lambda Firehose processor',
      memorySize: p.memorySize,
      invocationsPerSecond: Math.max(rps / recordsPerBuffer, 1 / p.bufferIntervalInSeconds),
      note: `one invocation per ${p.bufferSizeInMBs} MB or ${p.bufferIntervalInSeconds} s`,
    });
  }
  return functions;
}

function lambdaFunction(component: string, f: FunctionLoad, load: Load, emit: Emit): void {
  const P = load.prices.lambda;
  const invocations = f.invocationsPerSecond * load.seconds;
  const gbSeconds = invocations * (C.lambdaBatchDurationMs.value / 1000) * (f.memorySize / 1024);
  emit({ component, item: 'requests', quantity: invocations / 1e6, price: P.requests, note: f.note });
  emit({
    component,
    item: 'compute GB-seconds (Arm)',
    quantity: gbSeconds,
    price: P.armGbSecond,
    note: `${f.memorySize} MB, ${C.lambdaBatchDurationMs.value} ms per invocation`,
  });
}

function lambdaConsumers(spec: PipelineSpec, load: Load, emit: Emit): void {
  for (const f of functionsOf(spec, load)) lambdaFunction(f.name, f, load, emit);
  if ('consumers' in spec && 'stream' in spec && spec.consumers.some((c) => c.onFailure === 'sqs')) {
    emit({
      component: 'SQS dead-letter queue',
      item: 'requests',
      quantity: 0,
      price: load.prices.sqs.standardRequests,
      note: 'billed per message; none when no batch fails',
    });
  }
  const provisioned = [
    ...('consumers' in spec && !('stream' in spec) ? spec.consumers : []),
    ...('forwarder' in spec ? [spec.forwarder] : []),
  ].filter((c) => c.provisionedPollers !== undefined);
  for (const c of provisioned) {
    emit({
      component: `Lambda ${c.name} event source mapping`,
      item: 'provisioned event poller hours',
      quantity: (c.provisionedPollers?.minimum ?? 0) * load.hours,
      price: undefined,
      note: 'provisioned mode; see the Lambda pricing page',
    });
  }
}

function firehose(spec: PipelineSpec, load: Load, emit: Emit): void {
  if (!('delivery' in spec)) return;
  const P = load.prices.firehose;
  const { delivery } = spec;
  const component = 'Firehose delivery stream';
  const ingested = roundedGb(load, 5 * KB);
  emit({ component, item: 'ingestion (5 KB rounding)', quantity: ingested, price: P.ingestion });
  if (delivery.dataFormatConversion.enabled) {
    emit({ component, item: 'format conversion', quantity: ingested, price: P.formatConversion });
  }
  if (delivery.dynamicPartitioning.enabled) {
    emit({ component, item: 'dynamic partitioning', quantity: load.gb, price: P.dynamicPartitioning });
    emit({
      component,
      item: 'dynamic partitioning objects',
      quantity: firehoseObjects(spec, load) / 1000,
      price: P.dynamicPartitioningObjects,
      note: 'one partition key value per buffer',
    });
  }
}

/** S3 objects Firehose writes in the month: one per full buffer, or per interval when the buffer fills slower. */
function firehoseObjects(spec: PipelineSpec, load: Load): number {
  if (!('delivery' in spec)) return 0;
  const { sizeInMBs, intervalInSeconds } = spec.delivery.bufferingHints;
  const bytesPerSecond = load.recordsPerSecond * load.recordSize;
  const flushesPerSecond = Math.max(bytesPerSecond / (sizeInMBs * 1024 * 1024), 1 / intervalInSeconds);
  return flushesPerSecond * load.seconds;
}

/** The stored objects of the spec's bucket, by the service that writes it. */
function bucketObjects(spec: PipelineSpec, load: Load): { objects: number; note: string } | undefined {
  if ('delivery' in spec) return { objects: firehoseObjects(spec, load), note: 'one object per Firehose buffer' };
  if ('connector' in spec) {
    const { flushSize, rotateIntervalMs } = spec.connector;
    const partitions = spec.topics.reduce((sum, t) => sum + t.partitions, 0) || 1;
    const objects = Math.max(load.records / flushSize, (partitions * load.seconds * 1000) / rotateIntervalMs);
    return { objects, note: `one object per ${flushSize} records or ${rotateIntervalMs / 1000} s per partition` };
  }
  const flink = flinkOf(spec);
  if (flink) {
    const objects = (load.seconds / flink.checkpointInterval) * flink.parallelism;
    return { objects, note: 'one file per checkpoint and parallel writer' };
  }
  return undefined;
}

/** The Flink application of a preset that runs one (each writes its output to the bucket). */
function flinkOf(spec: PipelineSpec) {
  return spec.preset === 'kpl-kinesis-flink-s3' ||
    spec.preset === 'kinesis-flink-apigw' ||
    spec.preset === 'msk-flink-s3'
    ? spec.flink
    : undefined;
}

function bucket(spec: PipelineSpec, load: Load, emit: Emit): void {
  if (!('bucket' in spec)) return;
  const written = bucketObjects(spec, load);
  if (!written) return;
  const P = load.prices.s3;
  const component = 'S3 bucket';
  emit({
    component,
    item: 'storage of one month of data',
    quantity: load.gb,
    price: P.standardStorage,
    note: 'uncompressed size (an upper bound); grows by this much every month kept',
  });
  emit({ component, item: 'PUT requests', quantity: written.objects / 1000, price: P.putRequests, note: written.note });
}

function kafkaCluster(spec: PipelineSpec, load: Load, emit: Emit, warn: (m: string) => void): void {
  if (!('cluster' in spec) || spec.cluster === undefined) {
    if ('existingCluster' in spec && spec.existingCluster) {
      warn('the spec uses an existing MSK cluster: its cost is not in the estimate');
    }
    return;
  }
  const { cluster } = spec;
  const P = load.prices.msk;
  const component = 'MSK cluster';
  const retainedGb = (load.gb / load.hours) * C.kafkaRetentionHours.value;
  if (cluster.kind === 'serverless') {
    const partitions = spec.topics.reduce((sum, t) => sum + t.partitions, 0);
    const readers = kafkaReaders(spec);
    emit({ component, item: 'cluster-hours (Serverless)', quantity: load.hours, price: P.serverlessClusterHour });
    emit({ component, item: 'partition-hours', quantity: partitions * load.hours, price: P.serverlessPartitionHour });
    emit({ component, item: 'data in', quantity: load.gb, price: P.serverlessDataIn });
    emit({
      component,
      item: `data out (${readers} reader(s))`,
      quantity: load.gb * readers,
      price: P.serverlessDataOut,
    });
    emit({
      component,
      item: 'storage GB-months',
      quantity: retainedGb,
      price: P.serverlessStorage,
      note: `${C.kafkaRetentionHours.value} h retention`,
    });
  } else {
    const instanceType = cluster.instanceType ?? '';
    const express = cluster.kind === 'express';
    const brokers: Readonly<Record<string, Price>> = express ? P.expressBrokers : P.standardBrokers;
    emit({
      component,
      item: `${cluster.brokers} × ${instanceType} broker-hours`,
      quantity: cluster.brokers * load.hours,
      price: brokers[instanceType],
    });
    if (express) {
      emit({ component, item: 'data written', quantity: load.gb, price: P.expressDataIn });
      emit({
        component,
        item: 'storage GB-months',
        quantity: retainedGb,
        price: P.expressStorage,
        note: `${C.kafkaRetentionHours.value} h retention`,
      });
    } else {
      emit({
        component,
        item: `broker storage (${cluster.brokers} × ${cluster.storageGiB} GiB)`,
        quantity: cluster.brokers * (cluster.storageGiB ?? 0),
        price: P.brokerStorage,
      });
    }
  }
  if (cluster.vpc.kind === 'new' && cluster.vpc.natGateways > 0) {
    emit({
      component: 'VPC',
      item: 'NAT gateway-hours',
      quantity: cluster.vpc.natGateways * load.hours,
      price: load.prices.vpc.natGatewayHour,
      note: 'data processed by NAT is extra; Kafka traffic stays inside the VPC',
    });
  }
}

function kafkaReaders(spec: PipelineSpec): number {
  const consumers = 'consumers' in spec && !('stream' in spec) ? spec.consumers.length : 0;
  return (
    consumers + ('forwarder' in spec ? 1 : 0) + (spec.preset === 'msk-flink-s3' ? 1 : 0) + ('connector' in spec ? 1 : 0)
  );
}

function flinkApplication(spec: PipelineSpec, load: Load, emit: Emit): void {
  const flink = flinkOf(spec);
  if (!flink) return;
  const P = load.prices.flink;
  const notebook = 'mode' in flink && flink.mode === 'notebook';
  const parallelism = flink.parallelism;
  const perKpu = flink.parallelismPerKpu;
  const workKpus = Math.ceil(parallelism / perKpu);
  const extra = notebook ? 2 : 1;
  const component = notebook ? 'Managed Flink Studio notebook' : 'Managed Flink application';
  emit({
    component,
    item: `KPU-hours (${workKpus} + ${extra})`,
    quantity: (workKpus + extra) * load.hours,
    price: P.kpuHour,
    note: notebook
      ? 'one KPU orchestrates, one runs the notebook environment'
      : 'one more KPU orchestrates; autoscaling adds KPUs under load',
  });
  emit({ component, item: 'running storage GB-months', quantity: workKpus * 50, price: P.runningStorage });
}

function fareApi(spec: PipelineSpec, load: Load, emit: Emit): void {
  if (!('enrichment' in spec)) return;
  const component = 'Fare API';
  emit({
    component,
    item: 'REST requests',
    quantity: load.records / 1e6,
    price: load.prices.apiGateway.restRequests,
    note: 'the Flink job calls it once per record',
  });
  lambdaFunction(
    'Lambda fare estimate',
    {
      name: 'fare-estimate',
      memorySize: LIMITS.lambda.memorySize.default,
      invocationsPerSecond: load.recordsPerSecond,
      note: 'one invocation per request',
    },
    load,
    emit,
  );
}

function mskConnect(spec: PipelineSpec, load: Load, emit: Emit): void {
  if (!('connector' in spec)) return;
  const { capacity } = spec.connector;
  const workers = capacity.mode === 'autoScaling' ? capacity.minWorkerCount : capacity.workerCount;
  const mcus = Number(capacity.mcuCount) * workers;
  emit({
    component: 'MSK Connect connector',
    item: `MCU-hours (${workers} worker(s) × ${capacity.mcuCount} MCU)`,
    quantity: mcus * load.hours,
    price: load.prices.msk.connectMcuHour,
    note: capacity.mode === 'autoScaling' ? 'at the minimum worker count; scaling out adds workers' : undefined,
  });
}

function instances(spec: PipelineSpec, load: Load, emit: Emit, warn: (m: string) => void): void {
  const types: { component: string; instanceType: string }[] = [];
  if ('producer' in spec) types.push({ component: 'EC2 producer instance', instanceType: spec.producer.instanceType });
  if ('client' in spec && spec.client.enabled) {
    types.push({ component: 'EC2 Kafka client instance', instanceType: spec.client.instanceType });
  }
  const table: Readonly<Record<string, Price>> = load.prices.ec2.instances;
  for (const { component, instanceType } of types) {
    const price = table[instanceType];
    if (!price) warn(`${component}: no price for instance type ${instanceType} in the table`);
    emit({ component, item: `${instanceType} instance-hours`, quantity: load.hours, price, note: 'EBS volume extra' });
  }
}

function keysAndSecrets(spec: PipelineSpec, load: Load, emit: Emit): void {
  const keys: string[] = ['alarm topic'];
  if ('stream' in spec && spec.stream.encryption === 'KMS') keys.push('stream');
  const cluster = 'cluster' in spec ? spec.cluster : undefined;
  if (cluster?.encryption?.atRest === 'KMS') keys.push('broker storage');
  const scram = cluster?.auth === 'scram';
  if (scram) keys.push('SCRAM secret');
  emit({
    component: 'KMS',
    item: `customer managed keys (${keys.join(', ')})`,
    quantity: keys.length,
    price: load.prices.kms.customerKey,
    note: 'API requests extra (small: services cache data keys)',
  });
  if (scram) {
    emit({
      component: 'Secrets Manager',
      item: 'SASL/SCRAM secret',
      quantity: 1,
      price: load.prices.secretsManager.secret,
    });
  }
}

function cloudwatch(spec: PipelineSpec, load: Load, lines: readonly CostLine[], emit: Emit): void {
  const P = load.prices.cloudwatch;
  const component = 'CloudWatch';
  emit({ component, item: 'alarms', quantity: alarmsFor(spec).length, price: P.standardAlarm });
  if (spec.monitoring.dashboard) emit({ component, item: 'dashboard', quantity: 1, price: P.dashboard });
  // Every Lambda invocation and API request writes about LIMITS.cost.logBytesPerInvocation bytes of logs.
  const millions = lines
    .filter((line) => line.item === 'requests' || line.item === 'REST requests')
    .reduce((sum, line) => sum + line.quantity, 0);
  const logsGb = (millions * 1e6 * C.logBytesPerInvocation.value) / GB;
  if (logsGb === 0) return;
  emit({
    component,
    item: 'logs ingested',
    quantity: logsGb,
    price: P.logsIngestion,
    note: `${C.logBytesPerInvocation.value} bytes per invocation and per API request`,
  });
  emit({ component, item: 'logs stored one month', quantity: logsGb, price: P.logsStorage });
}
