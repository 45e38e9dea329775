/**
 * The local dashboard: a web page on 127.0.0.1 that draws the pipeline (the same SVG as its docs page), a chart per
 * metric of each component, alarm states, the latest dead letters, a sample of recent records and runtime events.
 *
 * Routes:
 * - `GET /` the page (`page/index.html`, `dashboard.js`, `dashboard.css`; no libraries, nothing from the internet);
 * - `GET /diagram.svg` the running pipeline's diagram (core's `renderSvg`, the drawing of the docs pages, of the
 *   components the spec has: `componentsOfSpec`);
 * - `GET /api/snapshot` the current snapshot as JSON (what the page draws);
 * - `GET /events` Server-Sent Events: `snapshot` every second; with `?records=1`, `record` and `event` as they happen
 *   (what `streamkit tail` reads); `?snapshots=0` leaves snapshots out.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderSvg, StreamkitError } from '@streamkit/core';
import type { LocalMonitoring } from '../metrics/local-monitoring.ts';
import { diagramOf, snapshotOf } from './snapshot.ts';

export interface DashboardOptions {
  readonly monitoring: LocalMonitoring;
  /** 0 picks a free port. */
  readonly port: number;
  /** How often snapshots are pushed. @default 1000 */
  readonly refreshMs?: number;
}

export interface Dashboard {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const page = (file: string) => readFileSync(new URL(`./page/${file}`, import.meta.url), 'utf8');

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { monitoring } = options;
  const refreshMs = options.refreshMs ?? 1000;
  const assets: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: page('index.html') },
    '/dashboard.js': { type: 'text/javascript; charset=utf-8', body: page('dashboard.js') },
    '/dashboard.css': { type: 'text/css; charset=utf-8', body: page('dashboard.css') },
    '/diagram.svg': { type: 'image/svg+xml; charset=utf-8', body: renderSvg(diagramOf(monitoring)) },
  };
  const streams = new Set<ServerResponse>();

  function events(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    streams.add(res);
    const stops: (() => void)[] = [];
    if (query.get('snapshots') !== '0') {
      send('snapshot', snapshotOf(monitoring));
      const timer = setInterval(() => send('snapshot', snapshotOf(monitoring)), refreshMs);
      stops.push(() => clearInterval(timer));
    } else {
      // A comment line now and then keeps proxies and idle timeouts from closing a quiet stream.
      const timer = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      stops.push(() => clearInterval(timer));
    }
    if (query.get('records') === '1') {
      stops.push(
        monitoring.activity.listen({
          record: (record) => send('record', record),
          event: (event) => send('event', event),
        }),
      );
    }
    req.on('close', () => {
      for (const stop of stops) stop();
      streams.delete(res);
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/events') return events(req, res, url.searchParams);
    if (url.pathname === '/api/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(snapshotOf(monitoring)));
      return;
    }
    const asset = assets[url.pathname];
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StreamkitError(
              'SK_CONFLICT',
              `dashboard port ${options.port} is in use (pick another with --dashboard-port, or 0 for any free port)`,
            )
          : error,
      ),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async close() {
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
