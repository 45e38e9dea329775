/**
 * A Kinesis endpoint that can stop answering: an h2c server (what the AWS SDK v3 Kinesis client speaks) in front of
 * the local engine that forwards each request — or, once stalled, holds it, unanswered, until `resume()`.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface StallingProxy {
  readonly endpoint: string;
  /** Requests received while stalled and not yet forwarded. */
  readonly held: number;
  /** Requests received in all. */
  readonly received: number;
  stall(): void;
  /** Forwards the held requests and every later one. */
  resume(): void;
}

export async function startStallingProxy(t: TestContext, target: string): Promise<StallingProxy> {
  let stalled = false;
  let received = 0;
  const held: (() => void)[] = [];
  const server = http2.createServer((req, res) => {
    received++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const forward = () => {
        fetch(target, {
          method: 'POST',
          headers: {
            'content-type': String(req.headers['content-type']),
            'x-amz-target': String(req.headers['x-amz-target']),
          },
          body: Buffer.concat(chunks),
        })
          .then(async (response) => {
            const body = Buffer.from(await response.arrayBuffer());
            if (res.stream.destroyed) return;
            res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? '' });
            res.end(body);
          })
          .catch(() => res.stream.destroy());
      };
      if (stalled) held.push(forward);
      else forward();
    });
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get held() {
      return held.length;
    },
    get received() {
      return received;
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const forward of held.splice(0)) forward();
    },
  };
}
