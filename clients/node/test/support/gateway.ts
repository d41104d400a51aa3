import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createPaygateClient, type PaygateClient, type PaygateClientOptions } from "../../src/index.js";

/** The repository's root, from dist/test/support/ of clients/node. */
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../..");

/** The gateway the .NET build made (`dotnet build`); PAYGATE_GATEWAY_DLL names another. */
const gatewayDll = process.env.PAYGATE_GATEWAY_DLL ?? join(repositoryRoot, "src/Gateway/bin/Debug/net10.0/Paygate.Gateway.dll");

/**
 * The real gateway as its own process (`dotnet Paygate.Gateway.dll`), as a merchant runs the sandbox: SQLite in a
 * temporary folder, free loopback ports, the network simulators in-process, and the sandbox keys it writes beside its
 * database on its first start.
 */
export class Gateway {
  private constructor(
    private readonly process: ChildProcess,
    private readonly output: string[],
    private readonly dataFolder: string,
    /** The gRPC endpoint (HTTP/2 only). */
    readonly grpcUrl: string,
    /** The HTTP/1.1 endpoint: REST/JSON, gRPC-Web, the networks' notifications. */
    readonly httpUrl: string,
    /** The in-process simulators, where a test plays the payer. */
    readonly simulatorUrl: string,
    /** The sandbox merchant's `sk_test_...` key. */
    readonly merchantKey: string,
    /** The sandbox operator's `ok_test_...` key. */
    readonly operatorKey: string,
  ) {}

  /** Starts the gateway and waits until it answers; throws, with what it printed, when it cannot start. */
  static async start(): Promise<Gateway> {
    if (!existsSync(gatewayDll)) {
      throw new Error(`the gateway is not built: ${gatewayDll} is missing (run 'dotnet build src/Gateway' at the repository's root first)`);
    }
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const dataFolder = await mkdtemp(join(tmpdir(), "paygate-node-"));
    const settings = {
      "Kestrel:Endpoints:Grpc:Url": `http://127.0.0.1:${grpcPort}`,
      "Kestrel:Endpoints:Grpc:Protocols": "Http2",
      "Kestrel:Endpoints:Http:Url": `http://127.0.0.1:${httpPort}`,
      "Kestrel:Endpoints:Http:Protocols": "Http1",
      "Paygate:NotifyBaseUrl": `http://127.0.0.1:${httpPort}`,
      "Paygate:Environment": "Sandbox",
      "Storage:Sqlite:Path": join(dataFolder, "paygate.db"),
      "Simulators:InProcess": "true",
      "Logging:LogLevel:Default": "Warning",
      // The start-up lines (addresses of the gateway and of the simulators) are the application's Information lines.
      "Logging:LogLevel:Paygate.Gateway": "Information",
    };
    const configFile = join(dataFolder, "gateway.json");
    await writeFile(configFile, JSON.stringify(settings));

    const output: string[] = [];
    const child = spawn("dotnet", [gatewayDll, "--ConfigFile", configFile], {
      cwd: dirname(gatewayDll),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1" },
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => output.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => output.push(chunk));
    let exited: string | undefined;
    child.on("exit", (code, signal) => (exited = `exited with ${code ?? signal}`));
    child.on("error", (error) => (exited = `could not be started: ${error.message}`));
    // Never left running after the tests, whatever ends them.
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);

    const fail = async (why: string): Promise<never> => {
      child.kill("SIGKILL");
      await rm(dataFolder, { recursive: true, force: true });
      throw new Error(`the gateway ${why}:\n${output.join("").slice(-8000)}`);
    };
    const deadline = Date.now() + 90_000;
    let simulatorUrl: string | undefined;
    while (simulatorUrl === undefined) {
      if (exited !== undefined) {
        return fail(exited);
      }
      if (Date.now() > deadline) {
        return fail("did not start within 90 s");
      }
      simulatorUrl = /simulated networks at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(""))?.[1];
      await sleep(100);
    }
    const merchantKey = (await readFile(join(dataFolder, "sandbox-merchant.key"), "utf8")).trim();
    const operatorKey = (await readFile(join(dataFolder, "sandbox-operator.key"), "utf8")).trim();
    const gateway = new Gateway(child, output, dataFolder, `http://127.0.0.1:${grpcPort}`, `http://127.0.0.1:${httpPort}`, simulatorUrl, merchantKey, operatorKey);
    // Serving: the sandbox merchant's first call answers.
    for (;;) {
      try {
        await gateway.merchant().payments.listPayments({ pageSize: 1 }, { timeoutMs: 2000 });
        return gateway;
      } catch (error) {
        if (exited !== undefined || Date.now() > deadline) {
          return fail(`does not answer (${String(error)})`);
        }
        await sleep(200);
      }
    }
  }

  /** A client as the sandbox merchant (gRPC unless the options say otherwise). */
  merchant(options: Partial<PaygateClientOptions> = {}): PaygateClient {
    return createPaygateClient({ baseUrl: this.grpcUrl, apiKey: this.merchantKey, ...options });
  }

  /** A client as the sandbox operator. */
  operator(options: Partial<PaygateClientOptions> = {}): PaygateClient {
    return createPaygateClient({ baseUrl: this.grpcUrl, apiKey: this.operatorKey, ...options });
  }

  /** A new merchant with its own key (and rate limit, if given), made through the operators' API. */
  async newMerchant(rateLimit?: { perSecond: number; burst: number }, options: Partial<PaygateClientOptions> = {}): Promise<{ id: string; client: PaygateClient; key: string }> {
    const admin = this.operator().admin;
    const merchant = await admin.createMerchant({ name: `node ${Math.random().toString(36).slice(2, 8)}`, rateLimit });
    const key = await admin.createApiKey({ merchantId: merchant.id, description: "node contract tests" });
    return { id: merchant.id, key: key.secret, client: createPaygateClient({ baseUrl: this.grpcUrl, apiKey: key.secret, ...options }) };
  }

  /** Plays the payer in the simulated network: scans and pays a QR code (Alipay's or WeChat Pay's). */
  async payerPays(channel: "alipay" | "wechatpay", qrCode: string): Promise<void> {
    const field = channel === "alipay" ? "qr_code" : "code_url";
    const answer = await fetch(`${this.simulatorUrl}/${channel}/buyer/pay`, { method: "POST", body: new URLSearchParams({ [field]: qrCode }) });
    if (!answer.ok) {
      throw new Error(`the simulated ${channel} payer could not pay: ${answer.status} ${await answer.text()}`);
    }
  }

  /** What the gateway printed, for a failing test's message. */
  get log(): string {
    return this.output.join("");
  }

  /** Stops the gateway (SIGTERM, then SIGKILL after 10 s) and removes its data folder. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((done) => this.process.once("exit", done));
      this.process.kill("SIGTERM");
      const timer = setTimeout(() => this.process.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dataFolder, { recursive: true, force: true });
  }
}

/** A loopback port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((done, failed) => {
    const server = createServer();
    server.once("error", failed);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? done(address.port) : failed(new Error("no port"))));
    });
  });
}

/** The one way a test waits: polls `condition` until it gives a value, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, condition: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`not within ${timeoutMs} ms: ${what}`);
    }
    await sleep(100);
  }
}
