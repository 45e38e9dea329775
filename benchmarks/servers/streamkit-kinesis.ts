/**
 * The streamkit Kinesis engine as a server process of its own, for benchmarks:
 * `node --import tsx benchmarks/servers/streamkit-kinesis.ts <port>`. Stops on SIGTERM or SIGINT.
 */
import { startKinesisEngine } from '../../packages/local/src/kinesis/index.ts';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0)
  throw new Error(`usage: streamkit-kinesis.ts <port> (got ${process.argv[2]})`);
const engine = await startKinesisEngine({ port, tls: false });
const stop = () => {
  engine.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
