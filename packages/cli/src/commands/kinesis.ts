import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import { KinesisServiceError, startKinesisEngine } from '@streamkit/local';
import { output } from '../output.ts';

export interface KinesisArgs {
  readonly port: number;
  readonly dataDir?: string;
  readonly shardLimits?: boolean;
  readonly tls?: boolean;
  /** Streams to create at start (`--create-stream`, read by `parseStreamFlag`). */
  readonly createStream?: readonly StreamFlag[];
}

/** A `--create-stream` value: ON_DEMAND when no shard count is given. */
export interface StreamFlag {
  readonly name: string;
  readonly shardCount?: number;
  /** The flag's value as given, for messages. */
  readonly text: string;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * Reads `name` or `name:shards`, before anything starts: a bad value must not leave an engine listening. The name
 * follows Kinesis's rule (1-128 of [a-zA-Z0-9_.-]), the shard count `LIMITS.kinesis.shardCount`.
 */
export function parseStreamFlag(text: string): StreamFlag {
  const [name = '', shards, ...rest] = text.split(':');
  const shardCount = shards === undefined ? undefined : Number(shards);
  const { min, max } = LIMITS.kinesis.shardCount;
  const nameOk = STREAM_NAME.test(name) && name.length <= LIMITS.kinesis.streamNameLength.max;
  const shardsOk =
    shardCount === undefined ||
    (shards !== '' && Number.isInteger(shardCount) && shardCount >= min && shardCount <= max);
  if (!nameOk || !shardsOk || rest.length > 0) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `--create-stream must be <name> or <name>:<shards>, the name 1-${LIMITS.kinesis.streamNameLength.max} of [a-zA-Z0-9_.-] and shards a whole number from ${min} to ${max} (got "${text}")`,
      { path: 'create-stream' },
    );
  }
  return shardCount === undefined ? { name, text } : { name, shardCount, text };
}

/** Runs the local Kinesis engine on its own, for any tool or test suite, until Ctrl-C. */
export async function kinesis(args: KinesisArgs): Promise<number> {
  const engine = await startKinesisEngine({
    port: args.port,
    ...(args.dataDir !== undefined && { dataDir: args.dataDir }),
    shardLimits: args.shardLimits ?? false,
    tls: args.tls ?? true,
  });
  try {
    for (const { name, shardCount, text: spec } of args.createStream ?? []) {
      const created = await engine
        .dispatch('CreateStream', {
          StreamName: name,
          ...(shardCount === undefined
            ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
            : { ShardCount: shardCount }),
        })
        .then(() => true)
        .catch((error: unknown) => {
          if (!KinesisServiceError.is(error)) throw error;
          // A durable engine keeps its streams: the stream of an earlier run is simply there.
          if (error.type === 'ResourceInUseException' && args.dataDir !== undefined) return false;
          const code = error.type === 'ResourceInUseException' ? 'SK_CONFLICT' : 'SK_VALIDATION';
          throw new StreamkitError(code, `--create-stream ${spec}: ${error.message}`, { cause: error });
        });
      if (!created) {
        output.line(`stream ${name} is kept from ${args.dataDir}`);
        continue;
      }
      output.line(
        `created stream ${name} (${shardCount === undefined ? `on-demand, ${LIMITS.kinesis.onDemandInitialShards.value} shards` : `${shardCount} shards`})`,
      );
    }
    const features = [
      'HTTP/1.1 and HTTP/2',
      'JSON and CBOR',
      engine.httpsEndpoint && `HTTPS at ${engine.httpsEndpoint}`,
      args.dataDir === undefined ? 'in memory' : `durable in ${args.dataDir}`,
      args.shardLimits ? 'shard limits on' : undefined,
    ].filter(Boolean);
    output.line(`Kinesis engine listening on ${engine.endpoint} (${features.join('; ')})`);
    output.line('');
    output.line(
      '  AWS CLI:   aws kinesis list-streams --endpoint-url ' + engine.endpoint + ` --region ${LOCAL_REGION}`,
    );
    output.line(`  SDK v3:    new KinesisClient({ endpoint: '${engine.endpoint}', region: '${LOCAL_REGION}' })`);
    output.line(
      `  Credentials: any (signatures are not checked), e.g. ${LOCAL_CREDENTIALS.accessKeyId} / ${LOCAL_CREDENTIALS.secretAccessKey}`,
    );
    output.line('  Stop: Ctrl-C');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  } finally {
    await engine.close();
  }
  output.line('stopped');
  return 0;
}
