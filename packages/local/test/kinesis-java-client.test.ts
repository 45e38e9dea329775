/**
 * The AWS SDK for Java v2 against the engine: `interop/java-kinesis-client` (a Maven project) creates a stream, puts
 * records and reads every byte back over the SDK's default protocol for Kinesis, CBOR — over HTTP/1.1, then over
 * HTTPS with the sync (HTTP/1.1) and async (HTTP/2 by ALPN) clients, trusting only the engine's certificate. The engine
 * reports the protocol of every request on `streamkit:kinesis:request`, so the test knows the SDK really spoke CBOR.
 *
 * Needs `mvn` and `java` (17+) on the PATH; without them the test fails and says so. Maven runs quietly and
 * offline-friendly: dependencies are cached in ~/.m2 after the first run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KINESIS_CHANNELS, type KinesisRequestMessage, startKinesisEngine } from '../src/kinesis/index.ts';
import { requireJavaAndMaven } from './support/tools.ts';

const PROJECT = fileURLToPath(new URL('../../../interop/java-kinesis-client/pom.xml', import.meta.url));
const RECORDS = 1200;
/** A cold ~/.m2 downloads the SDK (about 30 MB) first. */
const MAVEN_TIMEOUT_MS = 240_000;

test('the AWS SDK for Java v2 puts and gets records over CBOR, on HTTP and HTTPS (HTTP/1.1 and HTTP/2)', {
  timeout: 300_000,
}, async (t) => {
  requireJavaAndMaven();
  const engine = await startKinesisEngine();
  t.after(() => engine.close());
  assert.ok(engine.certificate && engine.httpsEndpoint);

  const seen: KinesisRequestMessage[] = [];
  const onRequest = (message: unknown) => seen.push(message as KinesisRequestMessage);
  diagnosticsChannel.subscribe(KINESIS_CHANNELS.request, onRequest);
  t.after(() => diagnosticsChannel.unsubscribe(KINESIS_CHANNELS.request, onRequest));

  const args = [
    engine.endpoint,
    'java-cbor',
    String(RECORDS),
    engine.httpsEndpoint,
    engine.certificate.certificatePath,
  ];
  const { stdout } = await run('mvn', [
    '-q',
    '-B',
    '-f',
    PROJECT,
    'compile',
    'exec:java',
    `-Dexec.args=${args.join(' ')}`,
  ]);
  const summary = JSON.parse(lastLine(stdout)) as Record<string, unknown>;
  assert.deepEqual(summary, {
    put: RECORDS + 1,
    read: RECORDS + 1,
    atTimestampBefore: RECORDS + 1,
    atTimestampAfter: 0,
    missingStreamError: 'ResourceNotFoundException',
    oversizedRecordError: 'ValidationException',
    https1: 'ok',
    https2ASSUME_PROTOCOL: 'ok',
    https2ALPN: 'ok',
  });

  // Every request the SDK sent was CBOR, and each transport was used.
  const protocols = new Set(seen.map((message) => message.protocol));
  assert.deepEqual([...protocols], ['cbor']);
  const transports = new Set(seen.map((message) => `${message.tls ? 'https' : 'http'}/${message.httpVersion}`));
  assert.deepEqual([...transports].sort(), ['http/1.1', 'https/1.1', 'https/2']);
  const failures = seen.filter((message) => message.status !== 200).map((message) => message.errorType);
  assert.deepEqual(failures.sort(), ['ResourceNotFoundException', 'ValidationException']);
});

function run(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: path.dirname(PROJECT), timeout: MAVEN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** The last line that holds anything but ANSI colour codes (Maven prints some even with -B). */
function lastLine(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are the point
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const line = lines.filter((candidate) => candidate.trim() !== '').at(-1);
  assert.ok(line, `the Java client printed nothing:\n${output}`);
  return line;
}
