// The hosted checkout page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser is
// downloaded) against the real gateway with its sandbox simulators. Screenshots of each state go to output/ (or
// $PAYGATE_BROWSER_OUTPUT).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Gateway, until } from './gateway.js';

const output = process.env.PAYGATE_BROWSER_OUTPUT ?? join(dirname(fileURLToPath(import.meta.url)), 'output');
mkdirSync(output, { recursive: true });
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

let gateway;
let browser;
let merchantSite;
let merchantUrl;

before(async () => {
  gateway = await Gateway.start();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  // The merchant's own site, where the page sends the payer after a success.
  merchantSite = createServer((req, res) => res.end('<!doctype html><title>Merchant</title><p id="thanks">Thank you for your order</p>'));
  await new Promise((r) => merchantSite.listen(0, '127.0.0.1', r));
  merchantUrl = `http://127.0.0.1:${merchantSite.address().port}/orders/42`;
  // The gateway's first page compiles its code paths (JIT): warm the server, so that the first-render figure measures the
  // page in a browser with a cold cache, not the .NET start-up.
  const warm = await gateway.createPayment({ amountMinor: 100, currency: 'CNY', description: 'warm-up' });
  for (const path of [new URL(warm.checkoutUrl).pathname, '/checkout/assets/checkout.css', '/checkout/assets/checkout.js']) {
    await (await fetch(`${gateway.base}${path}`)).text();
  }
});

after(async () => {
  await browser?.close();
  merchantSite?.close();
  await gateway?.stop();
});

/** A fresh browser context (cold cache) whose page records CSP violations and failed requests. */
async function open(url, { viewport = desktop, locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport, locale, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(e.message));
  const response = url ? await page.goto(url) : null;
  return { context, page, response };
}

const shot = (page, name) => page.screenshot({ path: join(output, `${name}.png`), fullPage: true });
const text = (page, selector) => page.locator(selector).innerText();

test('QR payment: order summary, recommended channel, drawn QR code; paid at the simulator, the page turns to success within a second and returns to the merchant', async (t) => {
  const payment = await gateway.createPayment({ amountMinor: 888808, currency: 'CNY', description: 'Cloud server, 1 year', returnUrl: merchantUrl });
  assert.equal(payment.state, 'STATE_REQUIRES_ACTION');
  assert.match(payment.checkoutUrl, /^http:\/\/127\.0\.0\.1:\d+\/checkout\/[\w-]+\.[\w-]+$/);

  const { context, page, response } = await open(payment.checkoutUrl);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  // The paint entry may be recorded a moment after the load event: wait for it (buffered), for at most 5 s.
  const paint = await page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entry = list.getEntriesByName('first-contentful-paint')[0];
      if (entry) resolve(entry.startTime);
    }).observe({ type: 'paint', buffered: true });
    setTimeout(() => resolve(undefined), 5000);
  }));
  t.diagnostic(`first contentful paint ${Math.round(paint)} ms with a cold cache`);
  assert.ok(paint !== undefined && paint < 1200, `first render took ${paint} ms (cold cache)`);

  assert.equal(await text(page, '#merchant'), 'Sandbox merchant');
  assert.equal(await text(page, '#description'), 'Cloud server, 1 year');
  assert.equal(await text(page, '#amount'), 'CNY 8,888.08');
  assert.match(await text(page, '#countdown'), /^2[34]:\d\d:\d\d$/);
  await page.locator('svg.qr path').waitFor();
  const first = page.locator('.option').first();
  assert.equal(await first.getAttribute('data-channel'), 'alipay');
  assert.match(await first.innerText(), /Recommended/);
  assert.match(await first.locator('.reason').innerText(), /rule|reliable/);
  const qr = await page.locator('#qr-link').getAttribute('data-qr');
  assert.equal(qr, payment.nextAction.qrCode);
  await shot(page, '01-qr-waiting');
  // Everything the page loaded (the document, its script and style sheet), as the browser's timing entries count it.
  const weight = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .reduce((sum, e) => sum + e.decodedBodySize, 0));
  const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.deepEqual(resources.sort(), ['/checkout/assets/checkout.css', '/checkout/assets/checkout.js']);
  t.diagnostic(`the page weighs ${weight} bytes in all`);
  assert.ok(weight > 0 && weight < 200 * 1024, `the page weighs ${weight} bytes`);

  await gateway.payer('/alipay/buyer/pay', { qr_code: qr });
  await page.locator('main[data-state="succeeded"]').waitFor({ timeout: 5000 });
  const shown = Date.now();
  const paid = await gateway.getPayment(payment.id);
  assert.equal(paid.state, 'STATE_SUCCEEDED');
  const lag = shown - Date.parse(paid.updateTime);
  t.diagnostic(`success shown ${lag} ms after the payment succeeded`);
  assert.ok(lag < 1000, `success shown ${lag} ms after the payment succeeded`);
  assert.match(await text(page, '#status'), /Payment received/);
  await shot(page, '02-succeeded');
  await page.waitForURL(merchantUrl, { timeout: 10000 });
  assert.equal(await text(page, '#thanks'), 'Thank you for your order');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('Failover: with Alipay down the payment moves to WeChat Pay and the page shows its QR code and says why', async () => {
  await gateway.faults('alipay', { outageUntil: new Date(Date.now() + 10 * 60000).toISOString() });
  let payment;
  try {
    payment = await gateway.createPayment({ amountMinor: 12800, currency: 'CNY', description: 'Object storage, 1 TB' });
  } finally {
    await gateway.faults('alipay', {});
  }
  assert.equal(payment.state, 'STATE_REQUIRES_ACTION');
  const { context, page } = await open(payment.checkoutUrl);
  assert.match(await text(page, '#failover'), /Alipay is unavailable right now, so your payment moved to WeChat Pay/);
  assert.match(await text(page, '#action'), /Scan the QR code with WeChat Pay/);
  assert.equal(await page.locator('#qr-link').getAttribute('data-qr'), payment.nextAction.qrCode);
  assert.equal(await page.locator('.option:has(.in-use)').getAttribute('data-channel'), 'wechatpay');
  await shot(page, '03-failover-wechatpay');
  assert.deepEqual(page.problems, []);

  await gateway.payer('/wechatpay/buyer/pay', { code_url: payment.nextAction.qrCode });
  await page.locator('main[data-state="succeeded"]').waitFor({ timeout: 5000 });
  await context.close();
});

test('Declined card, in Chinese on a phone: the page offers other methods; card form errors are shown beside each field; paying again by card succeeds', async () => {
  const payment = await gateway.createPayment({
    amountMinor: 12000, currency: 'USD', description: 'GPU hours',
    paymentMethod: { card: { number: '4000000000000002', expMonth: 12, expYear: 2031, cvc: '123' } },
  });
  assert.equal(payment.state, 'STATE_FAILED');
  const { context, page } = await open(payment.checkoutUrl, { viewport: phone, locale: 'zh-CN' });
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.equal(await text(page, '#status'), '支付未成功。');
  assert.match(await text(page, '#failure'), /PM-1/);
  assert.equal(await text(page, '#methods-title'), '换一种方式重新支付');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= phone.width, `the page is ${width} px wide on a ${phone.width} px phone`);
  await shot(page, '04-declined-zh-phone');

  // Errors beside the fields, in the payer's language; the number typed is not written back into the page.
  await page.fill('#card_number', '4242 4242 4242 4241');
  await page.fill('#exp_month', '13');
  await page.fill('#exp_year', '2031');
  await page.fill('#cvc', '12');
  await page.press('#cvc', 'Enter');
  await page.locator('#card_number-error').waitFor();
  assert.equal(await text(page, '#card_number-error'), '请输入有效的卡号（12 至 19 位数字）。');
  assert.equal(await text(page, '#exp_month-error'), '请输入有效期月份，01 至 12。');
  assert.equal(await text(page, '#cvc-error'), '请输入 3 或 4 位安全码。');
  assert.equal(await page.locator('#card_number').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'card_number');
  assert.ok(!(await page.content()).includes('4242424242424241'));
  assert.ok(!(await page.content()).includes('4242 4242 4242 4241'));
  await shot(page, '05-card-errors-zh');

  // Keyboard only: the language switch, then the card form.
  await page.locator('.lang').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/lang=en/);
  assert.equal(await text(page, '#methods-title'), 'Pay again with another method');
  await page.fill('#card_number', '5555 5555 5555 4444');
  await page.fill('#exp_month', '12');
  await page.fill('#exp_year', '2031');
  await page.fill('#cvc', '123');
  await page.locator('#card-submit').focus();
  await page.keyboard.press('Enter');
  await page.locator('main[data-state="succeeded"]').waitFor({ timeout: 10000 });
  const paid = await gateway.getPayment(payment.id);
  assert.equal(paid.state, 'STATE_SUCCEEDED');
  assert.equal(paid.attempts.length, 2);
  assert.deepEqual([paid.attempts[1].channel, paid.attempts[1].state], ['card', 'STATE_SUCCEEDED']);
  await shot(page, '06-paid-again-by-card');
  const leaked = gateway.output().split('\n').filter((l) => l.includes('5555555555554444'));
  assert.deepEqual(leaked, [], 'the card number reached the gateway log');
  await context.close();
});

test('Declined, then paid again with Alipay: the new QR code appears and success follows', async () => {
  const payment = await gateway.createPayment({
    amountMinor: 15000, currency: 'USD', description: 'Domain, 5 years',
    paymentMethod: { card: { number: '4000000000009995', expMonth: 12, expYear: 2031 } },
  });
  assert.equal(payment.state, 'STATE_FAILED');
  const { context, page } = await open(payment.checkoutUrl);
  await page.locator('.option[data-channel="alipay"] button').click();
  await page.locator('main[data-state="requires_action"] svg.qr').waitFor();
  const again = await gateway.getPayment(payment.id);
  await gateway.payer('/alipay/buyer/pay', { qr_code: again.nextAction.qrCode });
  await page.locator('main[data-state="succeeded"]').waitFor({ timeout: 5000 });
  await context.close();
});

test('Risk challenge: the page asks for the code sent to the payer, shows a wrong one beside the field, and goes on to the QR code with the right one', async () => {
  // With the sandbox's rules, a payer whose IP is in another country than the customer's (198.51.100.0/25 is US) is challenged.
  const payment = await gateway.createPayment({
    amountMinor: 26800, currency: 'CNY', description: 'Annual plan',
    customer: { country: 'CN', id: 'cus_browser', contact: '+8613800138000' },
    payer: { ip: '198.51.100.7' },
    paymentMethod: { channel: 'alipay' },
  });
  assert.equal(payment.state, 'STATE_REQUIRES_ACTION');
  assert.equal(payment.nextAction.type, 'TYPE_VERIFICATION_CODE');
  assert.equal(payment.risk.outcome, 'OUTCOME_CHALLENGE');
  const { context, page } = await open(payment.checkoutUrl, { viewport: phone });
  await page.locator('#verify-form').waitFor();
  assert.match(await text(page, '#verify-note'), /\+86\*+8000/);
  const code = await gateway.verificationCode(payment.id);
  const wrong = code === '000000' ? '111111' : '000000';
  await page.locator('#code').fill(wrong);
  await page.locator('#verify-submit').click();
  await page.locator('#code-error').waitFor();
  assert.match(await text(page, '#code-error'), /Tries left: 4/);
  assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
  await shot(page, 'risk-challenge');
  // Keyboard only: the field, then Enter.
  await page.locator('#code').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.locator('main[data-state="requires_action"] svg.qr').waitFor();
  assert.equal(await page.locator('#verify-form').count(), 0);
  const after = await gateway.getPayment(payment.id);
  assert.equal(after.risk.challengeState, 'CHALLENGE_STATE_PASSED');
  // The wrong code's page is a 422 on purpose; nothing else may have gone wrong.
  assert.deepEqual(page.problems.filter((p) => !p.includes('422')), []);
  await context.close();
});

test('Bank transfer: instructions with copy buttons', async () => {
  const payment = await gateway.createPayment({ amountMinor: 1200000, currency: 'CNY', description: 'Dedicated host, 1 year', customer: { type: 'TYPE_ENTERPRISE' } });
  assert.equal(payment.nextAction.type, 'TYPE_BANK_TRANSFER');
  const { context, page } = await open(payment.checkoutUrl);
  assert.equal(await text(page, '#transfer-reference'), payment.nextAction.bankTransfer.reference);
  assert.equal(await text(page, '#transfer-amount'), 'CNY 12,000.00');
  const copy = page.locator('#transfer-reference + button.copy');
  await copy.click();
  await until('the copy button to say so', async () => (await copy.innerText()) === 'Copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), payment.nextAction.bankTransfer.reference);
  await shot(page, '07-bank-transfer');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('UnionPay: the page posts the signed form to UnionPay, and the policy lets that one form out', async () => {
  const payment = await gateway.createPayment({ amountMinor: 9900, currency: 'CNY', description: 'CDN traffic', paymentMethod: { channel: 'unionpay' } });
  const { context, page, response } = await open(payment.checkoutUrl);
  const action = await page.locator('form#redirect').getAttribute('action');
  assert.equal(action, payment.nextAction.redirectUrl);
  assert.ok(response.headers()['content-security-policy'].includes(new URL(action).origin));
  await shot(page, '08-unionpay-redirect');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('Expired payment: the page says it expired and offers nothing to pay', async () => {
  const payment = await gateway.createPayment({ amountMinor: 1000, currency: 'CNY', description: 'Trial', expireTime: new Date(Date.now() + 2000).toISOString() });
  const { context, page } = await open(payment.checkoutUrl);
  await page.locator('main[data-state="expired"]').waitFor({ timeout: 10000 });
  assert.match(await text(page, '#status'), /expired/);
  assert.equal(await page.locator('form').count(), 0);
  await gateway.paymentIn(payment.id, 'STATE_EXPIRED');
  await page.reload();
  assert.equal(await page.locator('main').getAttribute('data-state'), 'expired');
  await shot(page, '09-expired');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('Bad links and a final payment each get a clear page, never a stack trace', async () => {
  const payment = await gateway.createPayment({
    amountMinor: 15000, currency: 'USD', description: 'Support plan',
    paymentMethod: { card: { number: '4242424242424242', expMonth: 12, expYear: 2031 } },
  });
  assert.equal(payment.state, 'STATE_SUCCEEDED');
  const { context, page } = await open(null);
  const url = new URL(payment.checkoutUrl);
  const token = url.pathname.split('/').pop();
  const merchantId = Buffer.from(token.split('.')[0], 'base64url').toString().split('.')[1];
  const cases = [
    ['tampered', `${url.origin}/checkout/${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`, 404, /not valid/],
    ['guessed id', `${url.origin}/checkout/${payment.id}`, 404, /not valid/],
    ['expired link', `${url.origin}/checkout/${gateway.token(payment.id, merchantId, new Date(Date.now() - 1000))}`, 410, /expired/],
    ['other merchant', `${url.origin}/checkout/${gateway.token(payment.id, 'mch_01KA0000000000000000000000', new Date(Date.now() + 3600000))}`, 404, /not found/],
  ];
  for (const [name, target, status, message] of cases) {
    const response = await page.goto(target);
    assert.equal(response.status(), status, name);
    assert.match(await text(page, '.message'), message, name);
    assert.ok(!(await page.content()).includes(' at '), `${name}: a stack trace`);
    await shot(page, `10-link-${name.replace(' ', '-')}`);
  }

  // Paying a payment already paid: the page says it is complete.
  await page.goto(payment.checkoutUrl);
  assert.equal(await page.locator('main').getAttribute('data-state'), 'succeeded');
  const refused = await page.request.post(`${payment.checkoutUrl}/pay`, { form: { method: 'alipay' } });
  assert.equal(refused.status(), 409);
  assert.match(await refused.text(), /already complete/);
  await context.close();
});
