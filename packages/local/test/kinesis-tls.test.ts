/**
 * HTTPS on the engine's port: the self-signed certificate (made on first start, kept, reused, renewed), HTTP/2 and
 * HTTP/1.1 chosen by ALPN, HTTP/2 with prior knowledge when the client offers no ALPN, and the AWS SDK v3 over HTTPS —
 * every client trusting only the engine's certificate, with hostname verification on.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import tls from 'node:tls';
import { CreateStreamCommand, KinesisClient, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@streamkit/core';
import {
  KINESIS_CHANNELS,
  type KinesisEngine,
  type KinesisEngineOptions,
  type KinesisRequestMessage,
  startKinesisEngine,
} from '../src/kinesis/index.ts';
import { CERTIFICATE_FILE, KEY_FILE, loadOrCreateCertificate } from '../src/kinesis/tls.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'streamkit-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(t: TestContext, options: KinesisEngineOptions = {}): Promise<KinesisEngine> {
  const engine = await startKinesisEngine(options);
  t.after(() => engine.close());
  return engine;
}

function certificateOf(engine: KinesisEngine): string {
  assert.ok(engine.certificate);
  return engine.certificate.certificate;
}

const LIST_STREAMS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'Kinesis_20131202.ListStreams',
} as const;

/** ListStreams over HTTP/2 with TLS; resolves to the ALPN protocol and the answer. */
function listOverHttp2(url: string, ca: string, servername?: string) {
  return new Promise<{ alpn: string | false | null; status: number; body: string }>((resolve, reject) => {
    const session = http2.connect(url, { ca, ...(servername ? { servername } : {}) });
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': '/', ...LIST_STREAMS });
    let body = '';
    let status = 0;
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => {
      const alpn = (session.socket as tls.TLSSocket).alpnProtocol;
      session.close();
      resolve({ alpn, status, body });
    });
    stream.on('error', reject);
    stream.end('{}');
  });
}

describe('HTTPS on the engine port', () => {
  test('serves HTTP/2 and HTTP/1.1 by ALPN on the same port as cleartext, with a certificate for 127.0.0.1 and localhost', async (t) => {
    const engine = await start(t, { dataDir: await tempDir(t) });
    assert.equal(engine.httpsEndpoint, `https://127.0.0.1:${engine.port}`);
    const ca = certificateOf(engine);
    const seen: KinesisRequestMessage[] = [];
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const onRequest = (message: unknown) => seen.push(message as KinesisRequestMessage);
    subscribe(KINESIS_CHANNELS.request, onRequest);
    t.after(() => unsubscribe(KINESIS_CHANNELS.request, onRequest));

    const h2 = await listOverHttp2(engine.httpsEndpoint!, ca);
    assert.deepEqual([h2.alpn, h2.status, JSON.parse(h2.body).StreamNames], ['h2', 200, []]);
    const h2ByName = await listOverHttp2(`https://localhost:${engine.port}`, ca);
    assert.equal(h2ByName.status, 200);

    const h1 = await new Promise<{ status: number; alpn: string | false | null }>((resolve, reject) => {
      const request = https.request(
        engine.httpsEndpoint!,
        { method: 'POST', ca, headers: LIST_STREAMS, agent: new https.Agent({ ALPNProtocols: ['http/1.1'] }) },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, alpn: (response.socket as tls.TLSSocket).alpnProtocol }),
          );
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
    assert.deepEqual(h1, { status: 200, alpn: 'http/1.1' });

    const cleartext = await fetch(engine.endpoint, { method: 'POST', headers: LIST_STREAMS, body: '{}' });
    assert.equal(cleartext.status, 200);
    assert.deepEqual(
      seen.map((message) => `${message.tls ? 'https' : 'http'}/${message.httpVersion}`),
      ['https/2', 'https/2', 'https/1.1', 'http/1.1'],
    );
  });

  test('speaks HTTP/2 with prior knowledge to a TLS client that offers no ALPN', async (t) => {
    const engine = await start(t, { dataDir: await tempDir(t) });
    const ca = certificateOf(engine);
    const answer = await new Promise<number>((resolve, reject) => {
      const session = http2.connect(engine.httpsEndpoint!, {
        createConnection: () => tls.connect({ host: '127.0.0.1', port: engine.port, ca, servername: 'localhost' }),
      });
      session.on('error', reject);
      const stream = session.request({ ':method': 'POST', ':path': '/', ...LIST_STREAMS });
      stream.on('response', (headers) => {
        stream.resume();
        stream.on('end', () => {
          session.close();
          resolve(Number(headers[':status']));
        });
      });
      stream.on('error', reject);
      stream.end('{}');
    });
    assert.equal(answer, 200);
  });

  test('an unmodified AWS SDK v3 client works over HTTPS when it trusts the certificate', async (t) => {
    const engine = await start(t, { dataDir: await tempDir(t) });
    const client = new KinesisClient({
      endpoint: engine.httpsEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: certificateOf(engine) }) }),
    });
    t.after(() => client.destroy());
    await client.send(new CreateStreamCommand({ StreamName: 'secure', ShardCount: 1 }));
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'secure', PartitionKey: 'k', Data: Buffer.from('over TLS') }),
    );
    assert.equal(put.ShardId, 'shardId-000000000000');
    assert.deepEqual((await client.send(new ListStreamsCommand({}))).StreamNames, ['secure']);
  });

  test('a client that does not trust the certificate is refused, and the engine keeps serving', async (t) => {
    const engine = await start(t, { dataDir: await tempDir(t) });
    await assert.rejects(
      fetch(engine.httpsEndpoint!, { method: 'POST', headers: LIST_STREAMS, body: '{}' }),
      (error: Error) => /self.signed|certificate/i.test(String((error.cause as Error | undefined)?.message)),
    );
    const next = await fetch(engine.endpoint, { method: 'POST', headers: LIST_STREAMS, body: '{}' });
    assert.equal(next.status, 200);
  });

  test('tls: false leaves the port cleartext only', async (t) => {
    const engine = await start(t, { tls: false });
    assert.equal(engine.httpsEndpoint, undefined);
    assert.equal(engine.certificate, undefined);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: engine.port, rejectUnauthorized: false }, () =>
          resolve(socket.end()),
        );
        socket.on('error', reject);
      }),
    );
  });
});

describe('the engine certificate', () => {
  test('is made on first start in <dataDir>/tls, key readable by its owner only, and reused by the next start', async (t) => {
    const dataDir = await tempDir(t);
    const first = await startKinesisEngine({ dataDir });
    await first.close();
    assert.ok(first.certificate);
    assert.equal(first.certificate.certificatePath, path.join(dataDir, 'tls', CERTIFICATE_FILE));
    assert.equal(first.certificate.keyPath, path.join(dataDir, 'tls', KEY_FILE));
    assert.equal((await stat(first.certificate.keyPath)).mode & 0o777, 0o600);
    const x509 = new X509Certificate(first.certificate.certificate);
    assert.equal(x509.subject, 'CN=localhost');
    assert.match(x509.subjectAltName ?? '', /DNS:localhost.*IP Address:127\.0\.0\.1.*IP Address:0:0:0:0:0:0:0:1/);
    assert.ok(x509.ca, 'usable as its own CA by trust stores');

    const second = await start(t, { dataDir });
    assert.equal(second.certificate?.certificate, first.certificate.certificate);
  });

  test('is made anew when the kept one is damaged or about to expire', async (t) => {
    const directory = await tempDir(t);
    const original = await loadOrCreateCertificate(directory);
    await writeFile(original.certificatePath, 'not a certificate');
    const remade = await loadOrCreateCertificate(directory);
    assert.notEqual(remade.certificate, original.certificate);
    assert.equal(await readFile(remade.certificatePath, 'utf8'), remade.certificate);

    const expiry = Date.parse(new X509Certificate(remade.certificate).validTo);
    const nearExpiry = await loadOrCreateCertificate(directory, new Date(expiry - 24 * 60 * 60 * 1000));
    assert.notEqual(nearExpiry.certificate, remade.certificate);
  });

  test('is the same file for engines that start at once', async (t) => {
    const directory = await tempDir(t);
    const made = await Promise.all([1, 2, 3].map(() => loadOrCreateCertificate(directory)));
    const onDisk = await readFile(path.join(directory, CERTIFICATE_FILE), 'utf8');
    for (const certificate of made) assert.equal(certificate.certificate, onDisk);
  });
});
