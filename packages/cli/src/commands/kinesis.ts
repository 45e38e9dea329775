import { LIMITS, LOCAL_CREDENTIALS, LOCAL_REGION, StreamkitError } from '@streamkit/core';
import { KinesisServiceError, startKinesisEngine } from '@streamkit/local';
import { output } from '../output.ts';

export interface KinesisArgs {
  readonly port: number;
  readonly dataDir?: string;
  readonly shardLimits?: boolean;
  readonly tls?: boolean;
  /** `name` or `name:shards` (ON_DEMAND when no shard count is given). */
  readonly createStream?: readonly string[];
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
    for (const spec of args.createStream ?? []) {
      const [name, shards] = spec.split(':');
      const shardCount = shards === undefined ? undefined : Number(shards);
      if (!name || (shardCount !== undefined && !(Number.isInteger(shardCount) && shardCount >= 1))) {
        throw new StreamkitError('SK_VALIDATION', `--create-stream must be <name> or <name>:<shards> (got "${spec}")`);
      }
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
