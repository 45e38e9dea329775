/**
 * Every AWS SDK client streamkit's functions make names streamkit and its version in its user agent: the sources
 * make every client through `awsClientConfig`, and a request of the Firehose forwarder carries the header.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { STREAMKIT_VERSION } from '@streamkit/core';
import { kafkaEvent, kafkaRecord } from './kafka-records.ts';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** `file:line: code` of every `new <Something>Client(` whose arguments do not start with `awsClientConfig(`. */
export function clientsWithoutUserAgent(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/new\s+([A-Z]\w*Client)\s*\(\s*([^)]*)/g)) {
    if (match[2]!.startsWith('awsClientConfig(')) continue;
    const line = text.slice(0, match.index).split('\n').length;
    found.push(`${file}:${line}: new ${match[1]}(${match[2]}`);
  }
  return found;
}

describe('the user agent of streamkit’s functions', () => {
  test('the scan finds a client made without awsClientConfig, however it is written', () => {
    const sample = [
      'const a = new FirehoseClient({});',
      'const b = new KafkaClient(awsClientConfig());',
      'const c = new S3Client( { region } );',
      'const d = new KinesisClient();',
    ].join('\n');
    assert.deepEqual(clientsWithoutUserAgent('sample.ts', sample), [
      'sample.ts:1: new FirehoseClient({}',
      'sample.ts:3: new S3Client({ region } ',
      'sample.ts:4: new KinesisClient(',
    ]);
  });

  test('every AWS SDK client in packages/functions/src is made with awsClientConfig', () => {
    const files = sourceFiles(SRC);
    const clients = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/new\s+[A-Z]\w*Client\s*\(/g)]);
    assert.ok(clients.length >= 3, 'the functions make at least the Firehose, Kafka and Flink clients');
    const missing = files.flatMap((file) => clientsWithoutUserAgent(relative(SRC, file), readFileSync(file, 'utf8')));
    assert.deepEqual(missing, [], 'make these clients with awsClientConfig() (src/aws-client-config.ts)');
  });
});

describe('a request of the Firehose forwarder', () => {
  const seen: IncomingHttpHeaders[] = [];
  // Records the headers of each request and answers PutRecordBatch as Firehose does when every record is taken.
  const server = createServer((request, response) => {
    seen.push(request.headers);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const records = (JSON.parse(body) as { Records: unknown[] }).Records;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          FailedPutCount: 0,
          Encrypted: false,
          RequestResponses: records.map((_, i) => ({ RecordId: String(i) })),
        }),
      );
    });
  });
  const saved = { ...process.env };

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_FIREHOSE: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'streamkit-local',
      AWS_SECRET_ACCESS_KEY: 'streamkit-local-secret',
      DELIVERY_STREAM_NAME: 'orders-delivery',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
  });
  after(async () => {
    process.env = saved;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('carries streamkit/<version> in User-Agent and x-amz-user-agent', async () => {
    const { handler } = await import('../src/firehose-forwarder/handler.ts');
    const result = await handler(kafkaEvent([kafkaRecord({ n: 1 }, 1, 0)]));
    assert.equal(result.records, 1);
    assert.equal(seen.length, 1);
    const expected = `streamkit/${STREAMKIT_VERSION}`;
    assert.ok(String(seen[0]!['user-agent']).split(' ').includes(expected), String(seen[0]!['user-agent']));
    assert.ok(String(seen[0]!['x-amz-user-agent']).split(' ').includes(expected), String(seen[0]!['x-amz-user-agent']));
  });
});
