/**
 * The "instant server": answers every Kinesis call at once with a canned response built before the first request, so
 * a client driven against it measures the ceiling of the benchmark itself — SDK serialisation, signing, HTTP and
 * parsing — with no engine behind it. `node benchmarks/servers/instant-kinesis.ts <http1-port> <h2c-port>`.
 *
 * PutRecords answers 500 results; GetRecords answers `GET_RECORDS_PER_CALL` records of `RECORD_BYTES` bytes, like an
 * engine reading a full shard with Limit 10000, and is never at the tip.
 */
import http from 'node:http';
import http2 from 'node:http2';

export const RECORD_BYTES = 200;
export const GET_RECORDS_PER_CALL = 10_000;
const PUT_RECORDS_PER_CALL = 500;

const sequence = (i: number) => `4966${String(i).padStart(52, '0')}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const data = Buffer.alloc(RECORD_BYTES, 7).toString('base64');
const now = Date.now() / 1000;
const shards = Array.from({ length: 4 }, (_, i) => ({
  ShardId: `shardId-00000000000${i}`,
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
  SequenceNumberRange: { StartingSequenceNumber: sequence(0) },
}));

const CANNED: Record<string, Buffer> = {
  CreateStream: json({}),
  DescribeStreamSummary: json({
    StreamDescriptionSummary: {
      StreamName: 'instant',
      StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/instant',
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: now,
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
      OpenShardCount: 4,
      ConsumerCount: 0,
    },
  }),
  ListShards: json({ Shards: shards }),
  GetShardIterator: json({ ShardIterator: 'instant-iterator' }),
  PutRecords: json({
    FailedRecordCount: 0,
    Records: Array.from({ length: PUT_RECORDS_PER_CALL }, (_, i) => ({
      ShardId: shards[i % 4]!.ShardId,
      SequenceNumber: sequence(i),
    })),
  }),
  GetRecords: json({
    Records: Array.from({ length: GET_RECORDS_PER_CALL }, (_, i) => ({
      SequenceNumber: sequence(i),
      ApproximateArrivalTimestamp: now,
      Data: data,
      PartitionKey: `key-${i}`,
    })),
    NextShardIterator: 'instant-iterator',
    // Never at the tip, so that a reader keeps reading for the whole measurement.
    MillisBehindLatest: 1000,
  }),
  DeleteStream: json({}),
};

function answer(target: string | undefined): { status: number; body: Buffer } {
  const action = target?.split('.')[1] ?? '';
  const body = CANNED[action];
  return body
    ? { status: 200, body }
    : { status: 400, body: json({ __type: 'UnknownOperationException', message: action }) };
}

const headers = { 'content-type': 'application/x-amz-json-1.1' };
const http1 = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const { status, body } = answer(req.headers['x-amz-target'] as string | undefined);
    res.writeHead(status, { ...headers, 'content-length': body.length });
    res.end(body);
  });
});
const h2c = http2.createServer();
h2c.on('stream', (stream, requestHeaders) => {
  stream.on('error', () => {});
  stream.resume();
  stream.on('end', () => {
    const { status, body } = answer(requestHeaders['x-amz-target'] as string | undefined);
    stream.respond({ ...headers, ':status': status, 'content-length': body.length });
    stream.end(body);
  });
});
http1.listen(Number(process.argv[2]), '127.0.0.1');
h2c.listen(Number(process.argv[3]), '127.0.0.1');
const stop = () => process.exit(0);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
