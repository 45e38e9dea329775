/**
 * An HTTPS endpoint in front of the local Kinesis engine, for clients that speak nothing but HTTPS — the Java KPL's
 * native daemon. It terminates TLS with a self-signed certificate (clients must not verify it) and forwards each
 * request to the engine as it is.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface TlsEndpoint {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startTlsEndpoint(target: string): Promise<TlsEndpoint> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, algorithm: 'sha256' });
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
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
          res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? '' });
          res.end(body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
