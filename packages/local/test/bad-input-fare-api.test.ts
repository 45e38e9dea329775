/**
 * Bad-input catalogue: the API Gateway emulation (a REST API of Lambda proxy integrations), as kinesis-flink-apigw
 * runs it: the fare-estimate handler behind an API key. Routes, methods, the stage, the key, and ride bodies the
 * handler refuses — each row expects the status, the field the message names and the rule with the value received.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { FARE_ESTIMATE_ROUTE } from '@streamkit/core';
import { BUILTIN_HANDLERS } from '@streamkit/functions';
import { type BadInput, catalogue, type Observed } from '../../core/test/support/bad-input.ts';
import { type LambdaProxyApi, startLambdaProxyApi } from '../src/api-gateway/lambda-proxy-api.ts';
import { bundleHandler } from '../src/lambda/bundle.ts';
import { LocalFunction } from '../src/lambda/local-function.ts';

const KEY = 'fare-key-123';
const RIDE = { trip_distance: 3.2, passenger_count: 2, pickup_datetime: '2026-01-31 12:00:00.000' };

interface ProxyRequest {
  readonly path?: string;
  readonly method?: string;
  readonly key?: string | null;
  /** An object sent as JSON, or raw text. */
  readonly body?: unknown;
}

const status = (code: string, message: RegExp, field?: string) =>
  field === undefined ? { code, message } : { code, field, message };

const rows: BadInput<ProxyRequest>[] = [
  {
    name: 'an unknown route',
    input: { path: 'prod/fares', body: RIDE },
    expect: status('403', /^Missing Authentication Token$/),
  },
  {
    name: 'no stage in the path',
    input: { path: FARE_ESTIMATE_ROUTE, body: RIDE },
    expect: status('403', /^Missing Authentication Token$/),
  },
  {
    name: 'another stage',
    input: { path: `dev/${FARE_ESTIMATE_ROUTE}`, body: RIDE },
    expect: status('403', /^Missing Authentication Token$/),
  },
  { name: 'GET on a POST route', input: { method: 'GET' }, expect: status('403', /^Missing Authentication Token$/) },
  {
    name: 'a route with a trailing slash',
    input: { path: `prod/${FARE_ESTIMATE_ROUTE}/`, body: RIDE },
    expect: status('403', /^Missing Authentication Token$/),
  },
  { name: 'no API key', input: { key: null, body: RIDE }, expect: status('403', /^Forbidden$/) },
  { name: 'a wrong API key', input: { key: 'guess', body: RIDE }, expect: status('403', /^Forbidden$/) },
  {
    name: 'a body that is not JSON',
    input: { body: '{"trip_distance": ' },
    expect: status('400', /^the body must be a JSON object describing a ride$/),
  },
  { name: 'no body', input: { body: '' }, expect: status('400', /^the body must be a JSON object describing a ride$/) },
  {
    name: 'a body that is a list',
    input: { body: [RIDE] },
    expect: status('400', /^\(body\) must be a JSON object describing a ride \(got a list\)$/, '(body)'),
  },
  {
    name: 'no trip_distance',
    input: { body: { ...RIDE, trip_distance: undefined } },
    expect: status('400', /^trip_distance is required: a number of miles \(got nothing\)$/, 'trip_distance'),
  },
  {
    name: 'trip_distance as text',
    input: { body: { ...RIDE, trip_distance: '3.2' } },
    expect: status('400', /^trip_distance is required: a number of miles \(got "3.2"\)$/, 'trip_distance'),
  },
  {
    name: 'a negative trip_distance',
    input: { body: { ...RIDE, trip_distance: -1 } },
    expect: status('400', /^trip_distance must be between \d+(\.\d+)? and \d+ miles \(got -1\)$/, 'trip_distance'),
  },
  {
    name: 'passenger_count of 2.5',
    input: { body: { ...RIDE, passenger_count: 2.5 } },
    expect: status('400', /^passenger_count is required: a whole number of passengers \(got 2.5\)$/, 'passenger_count'),
  },
  {
    name: 'passenger_count of 0',
    input: { body: { ...RIDE, passenger_count: 0 } },
    expect: status('400', /^passenger_count must be between \d+ and \d+ \(got 0\)$/, 'passenger_count'),
  },
  {
    name: 'passenger_count of 100',
    input: { body: { ...RIDE, passenger_count: 100 } },
    expect: status('400', /^passenger_count must be between \d+ and \d+ \(got 100\)$/, 'passenger_count'),
  },
  {
    name: 'no pickup_datetime',
    input: { body: { ...RIDE, pickup_datetime: undefined } },
    expect: status(
      '400',
      /^pickup_datetime is required: a UTC date-time such as "2026-01-31 12:00:00.000" \(got nothing\)$/,
      'pickup_datetime',
    ),
  },
  {
    name: 'a pickup_datetime that is not a date',
    input: { body: { ...RIDE, pickup_datetime: 'noon' } },
    expect: status(
      '400',
      /^pickup_datetime must be a UTC date-time such as "2026-01-31 12:00:00.000" \(got "noon"\)$/,
      'pickup_datetime',
    ),
  },
];

describe('bad input: the local API Gateway (Lambda proxy) with the fare-estimate handler', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'streamkit-bad-fare-'));
  let fare: LocalFunction;
  let api: LambdaProxyApi;
  before(async () => {
    const bundle = await bundleHandler({ entry: BUILTIN_HANDLERS.fareEstimate, outdir });
    fare = new LocalFunction({ functionName: 'fare-estimate', bundle });
    api = await startLambdaProxyApi({
      routes: [{ method: 'POST', path: `/${FARE_ESTIMATE_ROUTE}`, function: fare }],
      apiKey: KEY,
    });
  });
  after(async () => {
    await api?.close();
    await fare?.close();
    rmSync(outdir, { recursive: true, force: true });
  });

  catalogue(rows, async (request): Promise<Observed> => {
    const body =
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body);
    const key = request.key === undefined ? KEY : request.key;
    const response = await fetch(`${api.url.replace(/prod\/$/, '')}${request.path ?? `prod/${FARE_ESTIMATE_ROUTE}`}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...(key !== null && { 'x-api-key': key }) },
      ...(body !== undefined && request.method !== 'GET' && { body }),
    });
    const { message } = (await response.json()) as { message: string };
    return { code: String(response.status), field: /^(\(body\)|[a-z_]+) (is|must) /.exec(message)?.[1], message };
  });
});
