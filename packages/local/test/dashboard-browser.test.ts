/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser download). The page is
 * loaded while the pipeline runs; the charts must move as records flow, and a poison record must flip the consumer's
 * Errors alarm (and the dead-letter queue's) to ALARM on the page. The screenshot lands in
 * packages/local/test-output/dashboard.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOCAL_CREDENTIALS, LOCAL_REGION, parseSpecText } from '@streamkit/core';
import { IngestClient } from '@streamkit/producer';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LocalMonitoring, type LocalPipeline, startLocalPipeline } from '../src/index.ts';

const CHROMIUM = process.env.STREAMKIT_CHROMIUM ?? '/usr/bin/chromium';
const poisonHandler = new URL('./fixtures/poison-handler.ts', import.meta.url).pathname;
const outputDir = new URL('../test-output/', import.meta.url).pathname;

describe('the local dashboard in headless Chromium', () => {
  before(() => {
    const hint = 'apt-get install -y chromium (.ci/run does), or set STREAMKIT_CHROMIUM';
    assert.ok(existsSync(CHROMIUM), `Chromium is required at ${CHROMIUM}: ${hint}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-dashboard-'));
  let pipeline: LocalPipeline;
  let browser: Browser;
  let page: Page;
  let client: IngestClient;
  let nextId = 0;

  const send = async (count: number, poison = false) => {
    const records = Array.from({ length: count }, () => {
      const id = nextId++;
      return {
        data: { id, item: `sku-${id % 50}`, ...(poison && { poison: true }) },
        partitionKey: `customer-${id % 7}`,
      };
    });
    const result = await client.putRecords(records);
    assert.equal(result.failedRecordCount, 0);
  };

  /** The chart's sum over its window, as the page drew it. */
  const chartTotal = async (id: string) => Number(await page.getAttribute(`#chart-${id}`, 'data-total'));

  /** Polls the page until the condition holds; fails after a generous deadline (never decides on timing). */
  const until = async (condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) assert.fail(`not within ${timeoutMs / 1000} s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  before(async () => {
    const spec = parseSpecText(
      `
name: shop
preset: apigw-kinesis-lambda
consumers:
  - name: orders
    handler: ${poisonHandler}
    retryAttempts: 1
    environment:
      PROCESSED_LOG: ${join(dir, 'processed.log')}
local:
  kinesisPort: 0
  ingestPort: 0
  dataDir: ${join(dir, 'state')}
`,
      { source: 'dashboard test spec' },
    );
    pipeline = await startLocalPipeline(spec, {
      throttle: false,
      retryBaseDelayMs: 1,
      dashboardPort: 0,
      monitoring: new LocalMonitoring(spec, { alarmEvaluationIntervalMs: 500 }),
    });
    client = new IngestClient({
      url: pipeline.ingestUrl!,
      auth: { type: 'iam', credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  });

  after(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  test('the page draws the pipeline diagram, every alarm and a chart per component metric', async () => {
    await page.goto(pipeline.dashboardUrl!);
    await page.waitForSelector('#connection[data-connected="true"]', { timeout: 30_000 });
    for (const id of ['producer', 'ingest', 'stream', 'consumers', 'dlq']) {
      assert.equal(await page.locator(`#diagram .component[data-id="${id}"]`).count(), 1, `diagram box ${id}`);
    }
    await page.waitForSelector('tr[data-alarm="ordersErrors"]', { timeout: 30_000 });
    assert.equal(await page.locator('#alarms tbody tr').count(), pipeline.monitoring.alarms.list().length);
    for (const chart of [
      'stream-IncomingRecords',
      'ingest-Count',
      'consumers-orders-Invocations',
      'dlq-orders-ApproximateNumberOfMessagesVisible',
    ]) {
      assert.equal(await page.locator(`#chart-${chart}`).count(), 1, `chart ${chart}`);
    }
    // An idle pipeline is healthy: missing data is not breaching.
    await page.waitForSelector('tr[data-alarm="ordersErrors"][data-state="OK"]', { timeout: 30_000 });
  });

  test('the charts move as records flow through the ingest API, the stream and the function', async () => {
    await send(100);
    await until(async () => (await chartTotal('stream-IncomingRecords')) >= 100, 'the stream chart counts 100 records');
    const before = await chartTotal('stream-IncomingRecords');
    await send(150);
    await until(async () => (await chartTotal('stream-IncomingRecords')) >= before + 150, 'the stream chart moves');
    await until(async () => (await chartTotal('consumers-orders-Invocations')) > 0, 'the function chart moves');
    assert.ok((await chartTotal('ingest-Count')) >= 2, 'the API chart counts the two requests');
    assert.ok((await page.locator('#records tbody tr').count()) > 0, 'the record sampler shows records');
    assert.match((await page.textContent('#records tbody')) ?? '', /sku-/);
  });

  test('a poison record flips the Errors and dead-letter alarms to ALARM on the page, with its dead letter listed', async () => {
    assert.equal(await page.getAttribute('tr[data-alarm="ordersErrors"]', 'data-state'), 'OK');
    await send(1, true);
    await page.waitForSelector('tr[data-alarm="ordersErrors"][data-state="ALARM"]', { timeout: 90_000 });
    await page.waitForSelector('tr[data-alarm="ordersDeadLetters"][data-state="ALARM"]', { timeout: 90_000 });
    await page.waitForSelector('#dead-letters tbody tr', { timeout: 30_000 });
    assert.match((await page.textContent('#dead-letters tbody')) ?? '', /RetryAttemptsExhausted/);
    assert.equal(await page.getAttribute('#diagram .component[data-id="consumers"]', 'data-state'), 'ALARM');
    assert.match((await page.textContent('#events')) ?? '', /ordersErrors: OK → ALARM/);
    mkdirSync(outputDir, { recursive: true });
    const file = join(outputDir, 'dashboard.png');
    writeFileSync(file, await page.screenshot({ fullPage: true }));
    assert.ok(existsSync(file));
  });
});
