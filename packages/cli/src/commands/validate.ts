import {
  type ApigwKinesisLambdaSpec,
  alarmsFor,
  type BucketSettings,
  type DeliverySettings,
  isMskSpec,
  type KinesisFlinkApigwSpec,
  type KinesisPipelineSpec,
  type KplKinesisFlinkS3Spec,
  LIMITS,
  type MskPipelineSpec,
} from '@streamkit/core';
import { checkSpec } from '@streamkit/local';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export async function validate(args: PipelineArgs & { json?: boolean }): Promise<number> {
  const { spec, source } = resolvePipeline(args);
  // What needs an engine (a jq query compiles) is checked too, as the cloud would when creating the resources.
  await checkSpec(spec, { source });
  if (args.json) {
    output.line(JSON.stringify(spec, null, 2));
    return 0;
  }
  output.line(`✓ ${source} is valid: pipeline "${spec.name}", preset ${spec.preset}`);
  if (isMskSpec(spec)) printMsk(spec);
  else printKinesis(spec);
  output.line(
    `  alarms     ${alarmsFor(spec).length}${spec.monitoring.alarmEmail ? `, emailing ${spec.monitoring.alarmEmail}` : ''}`,
  );
  return 0;
}

function printKinesis(spec: KinesisPipelineSpec): void {
  if (spec.preset === 'apigw-kinesis-lambda') printIngest(spec);
  printStream(spec);
  if (spec.preset === 'apigw-kinesis-lambda') printConsumers(spec);
  if (spec.preset === 'kinesis-firehose-s3') printDelivery(spec);
  if (spec.preset === 'kpl-kinesis-flink-s3' || spec.preset === 'kinesis-flink-apigw') printFlink(spec);
}

function printMsk(spec: MskPipelineSpec): void {
  const c = spec.cluster;
  if (c) {
    const brokers =
      c.kind === 'serverless'
        ? 'MSK Serverless'
        : `${c.brokers} × ${c.instanceType} (${c.kind === 'express' ? 'Express' : `Standard, ${c.storageGiB} GiB`}), Kafka ${c.kafkaVersion}`;
    output.line(
      `  cluster    ${brokers}, ${c.availabilityZones} AZs, auth ${c.auth}, VPC ${c.vpc.kind === 'new' ? 'new' : c.vpc.id}`,
    );
  } else if (spec.existingCluster) {
    output.line(`  cluster    existing ${spec.existingCluster.arn}, auth ${spec.existingCluster.auth}`);
  }
  for (const t of spec.topics) {
    output.line(`  topic      ${t.name}: ${t.partitions} partitions, replication factor ${t.replicationFactor}`);
  }
  const consumers =
    spec.preset === 'msk-lambda' ? spec.consumers : spec.preset === 'msk-lambda-firehose-s3' ? [spec.forwarder] : [];
  for (const k of consumers) {
    output.line(`  consumer   ${k.name}: ${k.handler ?? 'built-in handler'} (${k.export}), topic ${k.topic}`);
    output.line(
      `             batch ${k.batchSize}, window ${k.maxBatchingWindow ?? 0.5} s, retries ${k.retryAttempts}, bisect ${k.bisectBatchOnError ? 'on' : 'off'}, from ${k.startingPosition}, on failure ${k.onFailure}`,
    );
  }
  if (spec.preset === 'msk-lambda-firehose-s3') printDelivery(spec);
}

function printIngest(spec: ApigwKinesisLambdaSpec): void {
  output.line(
    `  ingest     REST API, auth ${spec.ingest.auth}, ${spec.ingest.throttling.rateLimit} req/s (burst ${spec.ingest.throttling.burstLimit})`,
  );
}

function printStream(spec: KinesisPipelineSpec): void {
  const shards =
    spec.stream.mode === 'ON_DEMAND'
      ? `on-demand (starts with ${LIMITS.kinesis.onDemandInitialShards.value} shards)`
      : `${spec.stream.shardCount} shards`;
  output.line(
    `  stream     ${shards}, ${spec.stream.retentionHours} h retention, encryption ${spec.stream.encryption}`,
  );
}

function printConsumers(spec: ApigwKinesisLambdaSpec): void {
  for (const c of spec.consumers) {
    const handler = c.handler ?? 'built-in Kinesis consumer';
    output.line(`  consumer   ${c.name}: ${handler} (${c.export}), ${c.memorySize} MB, ${c.timeout} s`);
    output.line(
      `             batch ${c.batchSize}, window ${c.maxBatchingWindow} s, parallelization ${c.parallelizationFactor}, retries ${c.retryAttempts}, bisect ${c.bisectBatchOnError ? 'on' : 'off'}, max age ${c.maxRecordAge} s, from ${c.startingPosition}, on failure ${c.onFailure}`,
    );
  }
}

function printDelivery(spec: { readonly delivery: DeliverySettings; readonly bucket: BucketSettings }): void {
  const d = spec.delivery;
  const conversion = d.dataFormatConversion;
  output.line(
    `  delivery   Firehose, buffer ${d.bufferingHints.sizeInMBs} MiB / ${d.bufferingHints.intervalInSeconds} s, ${conversion.enabled ? `Parquet (${conversion.compression}, ${conversion.columns.length} columns)` : `compression ${d.compression}`}`,
  );
  output.line(`             prefix ${d.prefix}`);
  output.line(`             errors ${d.errorOutputPrefix || '(prefix + error type)'}`);
  if (d.dynamicPartitioning.enabled) {
    output.line(
      `             dynamic partitioning by ${d.dynamicPartitioning.metadataExtractionQuery ?? 'the processor'}, retries ${d.dynamicPartitioning.retryDuration} s${d.appendDelimiterToRecord ? ', new line after each record' : ''}`,
    );
  }
  if (d.processor) {
    output.line(
      `  processor  ${d.processor.handler} (${d.processor.export}), ${d.processor.memorySize} MB, ${d.processor.timeout} s, ${d.processor.bufferSizeInMBs} MiB / ${d.processor.bufferIntervalInSeconds} s, retries ${d.processor.numberOfRetries}`,
    );
  }
  output.line(
    `  bucket     abort incomplete uploads after ${spec.bucket.abortIncompleteMultipartUploadDays} d, Intelligent-Tiering after ${spec.bucket.intelligentTieringDays} d`,
  );
}

function printFlink(spec: KplKinesisFlinkS3Spec | KinesisFlinkApigwSpec): void {
  const p = spec.producer;
  output.line(`  producer   EC2 ${p.instanceType}, ${p.rate} records/s${p.autoStart ? '' : ', started by hand'}`);
  const f = spec.flink;
  if ('mode' in f && f.mode === 'notebook') {
    output.line(`  flink      Studio notebook ${f.notebookRuntime}, log ${f.logLevel}${f.vpc ? ', in your VPC' : ''}`);
  } else {
    output.line(
      `  flink      ${f.runtime}, parallelism ${f.parallelism} (${f.parallelismPerKpu}/KPU, autoscaling ${f.autoScaling ? 'on' : 'off'}), checkpoints ${f.checkpointing ? `every ${f.checkpointInterval} s` : 'off'}, snapshots ${f.snapshots ? 'on' : 'off'}, log ${f.logLevel}, metrics ${f.metricsLevel}${f.vpc ? ', in your VPC' : ''}`,
    );
  }
  if ('sql' in f && f.mode === 'application') output.line(`  sql        ${f.sql}`);
  if (spec.preset === 'kinesis-flink-apigw') {
    const e = spec.enrichment;
    output.line(
      `  enrichment timeout ${e.timeout} s, capacity ${e.capacity}, retries ${e.retries}, ${e.ordered ? 'ordered' : 'unordered'}, API ${e.throttling.rateLimit} req/s (burst ${e.throttling.burstLimit}), key rotated every ${e.apiKeyRotationDays} d`,
    );
  }
}
