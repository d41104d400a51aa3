import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  createPaygateClient,
  ErrorInfoSchema,
  InternalError,
  Payment_State,
  PaymentSchema,
  PaymentService,
  PaygateError,
  ResourceExhaustedError,
  RetryInfoSchema,
  UnavailableError,
  type CreatePaymentRequest,
  type PaygateClientOptions,
} from "../src/index.js";

/** How the stand-in gateway answers the next create calls, in order; past the list it succeeds. */
let answers: ConnectError[] = [];
/** What each create call carried. */
let received: { requestId: string; authorization: string | null }[] = [];

/** An error as the gateway sends it: ErrorInfo with the PM code, and a RetryInfo when `retryAfterMs` is given. */
function gatewayError(code: Code, pmCode: string, retryAfterMs?: number): ConnectError {
  const details = [{ desc: ErrorInfoSchema, value: { reason: pmCode, domain: "paygate", metadata: { payment_id: "pay_1" } } }];
  const retry = retryAfterMs === undefined ? [] : [{ desc: RetryInfoSchema, value: { retryDelay: { seconds: BigInt(Math.floor(retryAfterMs / 1000)), nanos: (retryAfterMs % 1000) * 1_000_000 } } }];
  return new ConnectError(`${pmCode} from the stand-in`, code, undefined, [...details, ...retry]);
}

/**
 * The retry rule against a stand-in for the gateway's PaymentService (a real gRPC server on loopback, Connect's own),
 * which can answer what the real gateway rarely does on demand: its database down (PM-4502), an unknown outcome (PM-4503).
 */
describe("retries", () => {
  let server: Http2Server;
  const sessions = new Set<ServerHttp2Session>();
  let baseUrl: string;

  before(async () => {
    server = createServer(
      connectNodeAdapter({
        routes: (router) =>
          router.service(PaymentService, {
            createPayment(request: CreatePaymentRequest, context) {
              received.push({ requestId: request.requestId, authorization: context.requestHeader.get("authorization") });
              const answer = answers.shift();
              if (answer !== undefined) {
                throw answer;
              }
              return create(PaymentSchema, { id: "pay_1", state: Payment_State.SUCCEEDED, amountMinor: request.amountMinor });
            },
          }),
      }),
    );
    server.on("session", (session) => sessions.add(session));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  // The clients keep their connections for the next call: closed here, else the server would wait for them.
  after(() => {
    sessions.forEach((session) => session.destroy());
    server.close();
  });
  beforeEach(() => {
    answers = [];
    received = [];
  });

  const client = (options: Partial<PaygateClientOptions> = {}) => createPaygateClient({ baseUrl, apiKey: "sk_test_standin", ...options }).payments;
  const request = { amountMinor: 100n, currency: "USD", description: "x" };

  it("sends the call again after the server's RetryInfo delay, with the same request_id and key", async () => {
    answers = [gatewayError(Code.Unavailable, "PM-4502", 50), gatewayError(Code.ResourceExhausted, "PM-4501", 50)];
    const started = Date.now();
    const payment = await client().createPayment(request);
    assert.equal(payment.id, "pay_1");
    assert.equal(received.length, 3);
    assert.equal(new Set(received.map((r) => r.requestId)).size, 1);
    assert.match(received[0]!.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(received.every((r) => r.authorization === "Bearer sk_test_standin"));
    assert.ok(Date.now() - started >= 100, "waited the delays");
  });

  it("keeps the caller's request_id and never changes the caller's message", async () => {
    const mine = { ...request, requestId: "6f1c1b8e-0a57-4f4e-9d0b-2b7e8b0c1a11" };
    await client().createPayment(mine);
    assert.equal(received[0]!.requestId, mine.requestId);
    const blank = { ...request, requestId: "" };
    await client().createPayment(blank);
    await client().createPayment(blank);
    assert.equal(blank.requestId, "");
    assert.notEqual(received[1]!.requestId, received[2]!.requestId, "a message reused for another call gets another id");
  });

  it("does not retry an error without RetryInfo, and types it with its PM code and metadata", async () => {
    answers = [gatewayError(Code.Internal, "PM-4503")];
    const error = await client().createPayment(request).catch((e: unknown) => e);
    assert.ok(error instanceof InternalError, String(error));
    assert.equal(error.pmCode, "PM-4503");
    assert.deepEqual(error.metadata, { payment_id: "pay_1" });
    assert.equal(error.retryable, false);
    assert.equal(received.length, 1);
  });

  it("stops after maxAttempts and returns the last error with its delay", async () => {
    answers = Array.from({ length: 5 }, () => gatewayError(Code.ResourceExhausted, "PM-6018", 10));
    const error = await client({ retry: { maxAttempts: 2 } }).createPayment(request).catch((e: unknown) => e);
    assert.ok(error instanceof ResourceExhaustedError, String(error));
    assert.equal(error.retryDelayMs, 10);
    assert.equal(received.length, 2);
  });

  it("returns at once when the server asks to wait longer than maxDelayMs", async () => {
    answers = [gatewayError(Code.Unavailable, "PM-2003", 60_000)];
    const error = await client().createPayment(request).catch((e: unknown) => e);
    assert.ok(error instanceof UnavailableError, String(error));
    assert.equal(error.retryDelayMs, 60_000);
    assert.equal(received.length, 1);
  });

  it("lets the caller's deadline end a wait for a retry", async () => {
    answers = [gatewayError(Code.Unavailable, "PM-4502", 5_000)];
    const started = Date.now();
    const error = await client({ timeoutMs: 300, retry: { maxDelayMs: 10_000 } }).createPayment(request).catch((e: unknown) => e);
    assert.ok(error instanceof PaygateError, String(error));
    assert.equal(error.code, Code.DeadlineExceeded);
    assert.ok(Date.now() - started < 3_000, "not the full delay");
  });

  it("does not retry a transport failure (the call may have taken effect): an UNAVAILABLE without a PM code", async () => {
    const nobody = createPaygateClient({ baseUrl: "http://127.0.0.1:1", apiKey: "sk_test_standin" }).payments;
    const error = await nobody.createPayment(request).catch((e: unknown) => e);
    assert.ok(error instanceof UnavailableError, String(error));
    assert.equal(error.pmCode, undefined);
    assert.equal(error.retryable, false);
  });
});
