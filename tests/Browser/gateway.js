// The real gateway, built by `dotnet build`, started as its own process in sandbox mode (in-process simulators) on free
// loopback ports with a fresh database, as tests/EndToEnd.Tests/GatewayProcess.cs does for the .NET tests.
import { spawn } from 'node:child_process';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function gatewayDll() {
  if (process.env.PAYGATE_GATEWAY_DLL) return process.env.PAYGATE_GATEWAY_DLL;
  for (const configuration of ['Debug', 'Release']) {
    const dll = join(repo, 'src/Gateway/bin', configuration, 'net10.0/Paygate.Gateway.dll');
    if (existsSync(dll)) return dll;
  }
  throw new Error('build the gateway first: dotnet build Gateway.sln');
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function until(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class Gateway {
  static async start() {
    const data = mkdtempSync(join(tmpdir(), 'paygate-browser-'));
    const [grpc, http] = [await freePort(), await freePort()];
    const secret = randomBytes(32);
    const settings = {
      'Kestrel:Endpoints:Grpc:Url': `http://127.0.0.1:${grpc}`,
      'Kestrel:Endpoints:Grpc:Protocols': 'Http2',
      'Kestrel:Endpoints:Http:Url': `http://127.0.0.1:${http}`,
      'Kestrel:Endpoints:Http:Protocols': 'Http1',
      'Paygate:NotifyBaseUrl': `http://127.0.0.1:${http}`,
      'Paygate:SweepInterval': '00:00:01',
      'Paygate:Environment': 'Sandbox',
      'Storage:Sqlite:Path': join(data, 'paygate.db'),
      // Known to the test, so that it can sign links of its own (an expired one, one naming another merchant).
      'Webhooks:SecretKey': secret.toString('base64'),
      'Logging:LogLevel:Default': 'Warning',
      // The start-up line that names the simulators' address is the host's own (category Paygate.Gateway).
      'Logging:LogLevel:Paygate.Gateway': 'Information',
    };
    const config = join(data, 'gateway.json');
    writeFileSync(config, JSON.stringify(settings));
    const dll = gatewayDll();
    const child = spawn('dotnet', [dll, '--ConfigFile', config], { cwd: dirname(dll), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const gateway = new Gateway(child, data, `http://127.0.0.1:${http}`, secret, () => output);
    // The gRPC port (HTTP/2), for the paygate command line.
    gateway.grpcBase = `http://127.0.0.1:${grpc}`;
    try {
      gateway.simulators = await until('the sandbox simulators', async () => {
        if (child.exitCode !== null) throw new Error(`the gateway exited: ${output}`);
        return /simulated networks at (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
      }, 60000);
      await until('the gateway to serve', async () => (await fetch(`${gateway.base}/`)).ok, 30000);
      gateway.key = readFileSync(join(data, 'sandbox-merchant.key'), 'utf8').trim();
    } catch (e) {
      await gateway.stop();
      throw new Error(`${e.message}\n${output}`);
    }
    return gateway;
  }

  constructor(child, data, base, secret, output) {
    this.child = child;
    this.data = data;
    this.base = base;
    this.secret = secret;
    this.output = output;
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.data, { recursive: true, force: true });
  }

  /** A merchant API call over REST (the HTTP/1.1 port), as a merchant's backend makes it. */
  async api(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  createPayment(request) {
    return this.api('POST', '/v1/payments', { requestId: crypto.randomUUID(), ...request });
  }

  getPayment(id) {
    return this.api('GET', `/v1/payments/${id}`);
  }

  /** The one-time code of a risk challenge, as the sandbox's sender shows it (what the payer's phone would). */
  async verificationCode(paymentId) {
    const json = await this.api('GET', `/sandbox/verification-codes/${paymentId}`);
    return json.code;
  }

  /** Waits until the payment is in one of the states. */
  paymentIn(id, ...states) {
    return until(`payment ${id} in ${states.join('/')}`, async () => {
      const payment = await this.getPayment(id);
      return states.includes(payment.state) ? payment : undefined;
    });
  }

  /** Plays the payer at a simulated network (form-encoded, as its buyer endpoints take it). */
  async payer(path, fields) {
    const response = await fetch(`${this.simulators}${path}`, { method: 'POST', body: new URLSearchParams(fields) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  }

  /** Sets a simulated network's fault plan (PUT /<network>/faults). */
  async faults(network, plan) {
    const response = await fetch(`${this.simulators}/${network}/faults`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan),
    });
    if (!response.ok) throw new Error(`faults ${network}: ${response.status}`);
  }

  /** A checkout token signed with the gateway's key, as the gateway makes them (CheckoutTokens.cs). */
  token(paymentId, merchantId, expireTime) {
    const key = Buffer.from(hkdfSync('sha256', this.secret, Buffer.alloc(0), 'paygate checkout link v1', 32));
    const payload = Buffer.from(`${paymentId}.${merchantId}.${Math.floor(expireTime.getTime() / 1000)}`, 'ascii');
    return `${payload.toString('base64url')}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
  }
}

export { until };
