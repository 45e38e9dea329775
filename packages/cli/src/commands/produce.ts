import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import {
  isMskSpec,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localNames,
  type MskPipelineSpec,
  requirePreset,
  StreamkitError,
} from '@streamkit/core';
import { savedBootstrapServers } from '@streamkit/local';
import {
  DEMO_DATA,
  type DemoDataName,
  IngestClient,
  type IngestClientAuth,
  KafkaProducer,
  KinesisProducer,
  produce as produceRecords,
  type RecordBatchWriter,
  type UserRecordWriter,
} from '@streamkit/producer';
import { localIngestAuth } from '../local-auth.ts';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';

export interface ProduceArgs extends PipelineArgs {
  readonly rate: number;
  /** Which demo data. @default 'stock' */
  readonly data?: DemoDataName;
  /** With --stream: pack records in the KPL's aggregated format. */
  readonly aggregate?: boolean;
  readonly total?: number;
  readonly durationMs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** A deployed ingest API (the stack's stage URL); default: the local ingest API. */
  readonly url?: string;
  /** Write to this Kinesis stream directly instead of the ingest API. */
  readonly stream?: string;
  /** Kinesis endpoint for --stream; default: the local engine, or AWS when --stream names a deployed stream. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly apiKey?: string;
  readonly token?: string;
  readonly json?: boolean;
  /** MSK pipelines: the topic. @default the spec's first topic */
  readonly topic?: string;
  /** MSK pipelines: comma-separated brokers. @default the local Kafka `streamkit dev` runs for the spec */
  readonly bootstrapServers?: string;
}

/** Sends demo records (stock ticks, taxi rides or clickstream events) to a pipeline at a steady rate. */
export async function produce(args: ProduceArgs): Promise<number> {
  const { spec } = resolvePipeline(args);
  const { writer, target, close } = writerFor(args, spec);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  if (args.total === undefined && args.durationMs === undefined) {
    output.progress(`sending ${args.rate} records/s to ${target} until Ctrl-C`);
  } else {
    output.progress(`sending ${args.total ?? '∞'} records at ${args.rate}/s to ${target}`);
  }
  let last = 0;
  try {
    const result = await produceRecords({
      client: writer,
      generator: DEMO_DATA[args.data ?? 'stock'](args.seed),
      rate: args.rate,
      signal: abort.signal,
      ...(args.total !== undefined && { total: args.total }),
      ...(args.durationMs !== undefined && { durationMs: args.durationMs }),
      ...(args.batchSize !== undefined && { batchSize: args.batchSize }),
      onProgress: (p) => {
        if (!args.json && Date.now() - last > 1000) {
          last = Date.now();
          const kinesis = p.kinesisRecords === undefined ? '' : ` in ${p.kinesisRecords} Kinesis records`;
          output.progress(
            `sent ${p.sent}${kinesis}, refused ${p.failed}, retried ${p.retried}, in flight ${p.inFlight}`,
          );
        }
      },
    });
    if (args.json) output.line(JSON.stringify({ target, ...result }));
    else {
      const rate = result.elapsedMs > 0 ? Math.round((result.sent / result.elapsedMs) * 1000) : result.sent;
      output.line(
        `✓ sent ${result.sent} records to ${target} in ${(result.elapsedMs / 1000).toFixed(1)} s (${rate}/s), ${result.failed} refused, ${result.retried} retried`,
      );
    }
    return result.failed > 0 ? 5 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    await close();
  }
}

function writerFor(
  args: ProduceArgs,
  spec: ReturnType<typeof resolvePipeline>['spec'],
): { writer: RecordBatchWriter | UserRecordWriter; target: string; close: () => Promise<void> | void } {
  if (isMskSpec(spec)) return kafkaWriter(args, spec);
  // A pipeline without an ingest API (kinesis-firehose-s3) takes demo records straight into its stream.
  const hasIngest = spec.preset === 'apigw-kinesis-lambda';
  if (args.stream !== undefined || (args.url === undefined && (args.endpoint !== undefined || !hasIngest))) {
    const streamName = args.stream ?? localNames.stream(spec.name);
    const endpoint =
      args.endpoint ?? (args.stream === undefined ? `http://127.0.0.1:${spec.local.kinesisPort}` : undefined);
    const kinesis = new KinesisClient({
      region: args.region ?? (endpoint ? LOCAL_REGION : process.env.AWS_REGION),
      ...(endpoint && { endpoint, credentials: LOCAL_CREDENTIALS }),
    });
    // The KPL-like producer: per-shard rate limiting under the shard limits, retries, bounded memory.
    const producer = new KinesisProducer({ kinesis, streamName, aggregationEnabled: args.aggregate ?? false });
    return {
      writer: producer,
      target: `stream ${streamName}${endpoint ? ` at ${endpoint}` : ''}${args.aggregate ? ', KPL-aggregated' : ''}`,
      close: async () => {
        await producer.close();
        kinesis.destroy();
      },
    };
  }
  const ingestSpec = requirePreset(spec, 'apigw-kinesis-lambda', 'the ingest API');
  if (args.url === undefined) {
    const url = `http://127.0.0.1:${spec.local.ingestPort}`;
    return {
      writer: new IngestClient({ url, auth: localIngestAuth(ingestSpec) }),
      target: `the local ingest API at ${url}`,
      close: () => {},
    };
  }
  return {
    writer: new IngestClient({ url: args.url, auth: deployedAuth(args, ingestSpec.ingest.auth) }),
    target: args.url,
    close: () => {},
  };
}

/** An MSK pipeline's records go to its topic: on the local Kafka `streamkit dev` runs, or the brokers given. */
function kafkaWriter(args: ProduceArgs, spec: MskPipelineSpec) {
  const topic = args.topic ?? spec.topics[0]?.name;
  if (topic === undefined) {
    throw new StreamkitError('SK_VALIDATION', `--topic is required: pipeline ${spec.name} declares no topics`, {
      path: 'topic',
    });
  }
  const local = join(spec.local.dataDir, 'kafka');
  const bootstrapServers = args.bootstrapServers?.split(',') ?? savedBootstrapServers(local);
  if (bootstrapServers === undefined) {
    throw new StreamkitError(
      'SK_NOT_FOUND',
      `no local Kafka of pipeline ${spec.name} in ${local}: start it with \`streamkit dev\`, or give --bootstrap-servers`,
    );
  }
  const producer = new KafkaProducer({ bootstrapServers, topic });
  return {
    writer: producer,
    target: `topic ${topic} at ${bootstrapServers.join(',')}`,
    close: () => producer.close(),
  };
}

/** Credentials for a deployed ingest API: the default AWS credential chain, or the key/token given. */
function deployedAuth(args: ProduceArgs, auth: 'iam' | 'apiKey' | 'cognito'): IngestClientAuth {
  switch (auth) {
    case 'iam': {
      const region = args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? regionOf(args.url!);
      if (!region)
        throw new StreamkitError('SK_VALIDATION', '--region is required to sign requests (or set AWS_REGION)');
      return { type: 'iam', credentials: defaultProvider(), region };
    }
    case 'apiKey':
      if (!args.apiKey)
        throw new StreamkitError('SK_VALIDATION', '--api-key is required: the pipeline’s ingest.auth is apiKey');
      return { type: 'apiKey', apiKey: args.apiKey };
    case 'cognito':
      if (!args.token)
        throw new StreamkitError(
          'SK_VALIDATION',
          '--token (a Cognito ID token) is required: the pipeline’s ingest.auth is cognito',
        );
      return { type: 'cognito', token: args.token };
  }
}

/** The region of an execute-api URL (https://abc.execute-api.eu-west-1.amazonaws.com/prod). */
function regionOf(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
}
