// The monthly payment health report that `paygate report payment-health` writes, opened in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) from a file, offline: every chart is drawn with the report's data, and the page
// asks for nothing outside itself. Its screenshot is kept as docs/health-report.png when PAYGATE_WRITE_DOCS=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Gateway } from './gateway.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const output = process.env.PAYGATE_BROWSER_OUTPUT ?? join(here, 'output');
mkdirSync(output, { recursive: true });

let gateway;
let browser;

function cliDll() {
  for (const configuration of ['Debug', 'Release']) {
    const dll = join(repo, 'src/Cli/bin', configuration, 'net10.0/paygate.dll');
    if (existsSync(dll)) return dll;
  }
  throw new Error('build the command line first: dotnet build Gateway.sln');
}

before(async () => {
  gateway = await Gateway.start();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
});

const card = (number) => ({
  amountMinor: 12000, currency: 'USD', description: 'Cloud server, 1 year',
  customer: { type: 'TYPE_ENTERPRISE', country: 'US' },
  paymentMethod: { card: { number, expMonth: 12, expYear: 2031, cvc: '123' } },
});

test('payment health report: written by the command line, opened offline from a file, draws every chart with the data', async () => {
  const payments = [];
  for (const number of ['4242424242424242', '4242424242424242', '4242424242424242', '4000000000000002']) {
    payments.push(await gateway.createPayment(card(number)));
  }
  payments.push(await gateway.createPayment({ amountMinor: 8800, currency: 'CNY', description: 'Cloud disk', customer: { type: 'TYPE_PERSONAL', country: 'CN', device: 'pc' } }));
  assert.deepEqual(payments.slice(0, 4).map((p) => p.state), ['STATE_SUCCEEDED', 'STATE_SUCCEEDED', 'STATE_SUCCEEDED', 'STATE_FAILED']);
  const month = new Date(Date.parse(payments[0].createTime) + 8 * 3600 * 1000).toISOString().slice(0, 7);
  const file = join(mkdtempSync(join(tmpdir(), 'paygate-health-')), 'health.html');

  const run = spawnSync('dotnet', [cliDll(), 'report', 'payment-health', '--month', month, '--out', file, '--address', gateway.grpcBase, '--key', gateway.key],
    { encoding: 'utf8', timeout: 60000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto(`file://${file}`);

  for (const chart of ['by-channel', 'by-region', 'by-hour', 'processing-time', 'forecast', 'abnormal']) {
    const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `${chart} is not drawn: ${JSON.stringify(box)}`);
  }
  // 24 hours, each a column; the hour of these payments has a visible one.
  assert.equal(await page.locator('svg[data-chart="by-hour"] rect').count(), 24);
  const hour = String(new Date(Date.parse(payments[0].createTime) + 8 * 3600 * 1000).getUTCHours()).padStart(2, '0');
  const column = await page.locator(`svg[data-chart="by-hour"] rect[data-key="${hour}"]`).boundingBox();
  assert.ok(column.height > 10, `hour ${hour}: ${JSON.stringify(column)}`);
  // The card channel: 3 of 4 decided, a bar three quarters of the full width (360 px for 100%).
  const cardBar = page.locator('svg[data-chart="by-channel"] rect[data-key="card"]');
  assert.equal(await cardBar.getAttribute('data-value'), '75');
  const cardBox = await cardBar.boundingBox();
  assert.ok(Math.abs(cardBox.width - 270) < 2, `card bar ${cardBox.width} px`);
  // The decline is an abnormal transaction with its code; the forecast has its dashed segment.
  assert.ok((await page.locator('svg[data-chart="abnormal"] rect').count()) >= 1);
  assert.equal(await page.locator('svg[data-chart="forecast"] polyline[data-series="forecast"]').count(), 1);
  assert.match(await page.locator('[data-figure="total"]').innerText(), /^\d+$/);
  assert.deepEqual(problems, []);
  assert.deepEqual(requests, []);

  await page.screenshot({ path: join(output, 'health-report.png'), fullPage: true });
  if (process.env.PAYGATE_WRITE_DOCS === '1') {
    await page.screenshot({ path: join(repo, 'docs/health-report.png'), fullPage: true });
  }
  await context.close();
});
