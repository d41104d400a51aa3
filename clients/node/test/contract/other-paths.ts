import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import { it } from "node:test";
import { create, fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import {
  constructWebhookEvent,
  CreatePaymentRequestSchema,
  InvalidArgumentError,
  ListPaymentsResponseSchema,
  NotFoundError,
  Payment_State,
  PaymentSchema,
  StatusSchema,
  statusDetailsRegistry,
  statusToPaygateError,
  UnauthenticatedError,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookSignatureError,
  type Event,
} from "../../src/index.js";
import { eventually, type Gateway } from "../support/gateway.js";
import { recorder } from "../support/recorder.js";
import { cardPayment, qrCheckout } from "../support/requests.js";

/** REST/JSON, built from the same protos: the request and answer messages as protobuf JSON over plain HTTP/1.1. */
async function rest(gateway: Gateway, method: string, path: string, body?: JsonValue, key = gateway.merchantKey): Promise<{ status: number; json: JsonValue }> {
  const answer = await fetch(gateway.httpUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, json: (await answer.json()) as JsonValue };
}

/** The REST/JSON face, gRPC-Web, and signed webhooks, each through the protos and the client. */
export function otherPathTests(gateway: Gateway): void {
  it("REST/JSON: POST /v1/payments creates what GET reads back, over REST and over gRPC", async () => {
    const request = create(CreatePaymentRequestSchema, { ...cardPayment(), requestId: crypto.randomUUID() });
    const created = await rest(gateway, "POST", "/v1/payments", toJson(CreatePaymentRequestSchema, request));
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const payment = fromJson(PaymentSchema, created.json);
    assert.equal(payment.state, Payment_State.SUCCEEDED);
    assert.equal(payment.amountMinor, 12_000n);

    const read = await rest(gateway, "GET", `/v1/payments/${payment.id}`);
    assert.equal(fromJson(PaymentSchema, read.json).id, payment.id);
    assert.equal((await gateway.merchant().payments.getPayment({ id: payment.id })).id, payment.id);
    const listed = fromJson(ListPaymentsResponseSchema, (await rest(gateway, "GET", "/v1/payments?pageSize=5&state=STATE_SUCCEEDED")).json);
    assert.ok(listed.payments.some((p) => p.id === payment.id));

    const refund = await rest(gateway, "POST", `/v1/payments/${payment.id}:refund`, { amountMinor: "500" });
    assert.equal(refund.status, 200, JSON.stringify(refund.json));
  });

  it("REST/JSON errors are a google.rpc.Status that decodes to the same typed errors", async () => {
    const decode = (json: JsonValue) => statusToPaygateError(fromJson(StatusSchema, json, { registry: statusDetailsRegistry }));

    const invalid = await rest(gateway, "POST", "/v1/payments", { amountMinor: "0", currency: "XYZ", description: "x" });
    assert.equal(invalid.status, 400);
    const error = decode(invalid.json);
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.pmCode, "PM-6001");
    assert.deepEqual(error.fieldViolations.map((v) => v.field), ["currency", "amount_minor"]);

    const unknownField = decode((await rest(gateway, "POST", "/v1/payments", { amountMinor: "100", amount: 100 })).json);
    assert.ok(unknownField.fieldViolations.some((v) => v.field === "amount"), JSON.stringify(unknownField.fieldViolations));

    const missing = await rest(gateway, "GET", `/v1/payments/pay_${"0".repeat(26)}`);
    assert.equal(missing.status, 404);
    assert.ok(decode(missing.json) instanceof NotFoundError);

    const noKey = await rest(gateway, "GET", "/v1/payments", undefined, "");
    assert.equal(noKey.status, 401);
    const unauthenticated = decode(noKey.json);
    assert.ok(unauthenticated instanceof UnauthenticatedError);
    assert.equal(unauthenticated.pmCode, "PM-6016");
  });

  it("gRPC-Web on the HTTP/1.1 port: the same calls, request ids and typed errors", async () => {
    const sent = recorder();
    const web = gateway.merchant({ baseUrl: gateway.httpUrl, protocol: "grpc-web", interceptors: [sent.interceptor] }).payments;
    const created = await web.createPayment(qrCheckout());
    assert.match(sent.sent[0]?.requestId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(created.state, Payment_State.REQUIRES_ACTION);
    assert.equal((await web.getPayment({ id: created.id })).id, created.id);
    const canceled = await web.cancelPayment({ id: created.id });
    assert.equal(canceled.state, Payment_State.CANCELED);

    const error = await web.getPayment({ id: `pay_${"0".repeat(26)}` }).then(
      () => assert.fail("found"),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof NotFoundError, String(error));
    assert.equal(error.pmCode, "PM-6003");
  });

  it("webhooks: a registered endpoint gets the payment's events, signed, and the client verifies them", async () => {
    const posts: { body: string; signature: string | undefined }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        posts.push({ body: Buffer.concat(chunks).toString("utf8"), signature: req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined });
        res.writeHead(200).end();
      });
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    const address = receiver.address();
    assert.ok(typeof address === "object" && address !== null);

    const { client } = await gateway.newMerchant();
    const endpoint = await client.webhooks.createWebhookEndpoint({ url: `http://127.0.0.1:${address.port}/hooks`, eventTypes: ["payment.succeeded"] });
    try {
      assert.match(endpoint.secret, /^whsec_/);
      const paid = await client.payments.createPayment(cardPayment());

      const event: Event = await eventually("the payment.succeeded webhook", async () => {
        const post = posts.find((p) => p.body.includes(paid.id));
        return post === undefined ? undefined : constructWebhookEvent({ payload: post.body, header: post.signature, secret: endpoint.secret });
      });
      assert.equal(event.type, "payment.succeeded");
      assert.equal(event.payment?.id, paid.id);
      assert.equal(event.payment?.state, Payment_State.SUCCEEDED);

      const post = posts.find((p) => p.body.includes(paid.id))!;
      const tampered = post.body.replace(paid.id, "pay_" + "1".repeat(26));
      assert.throws(() => verifyWebhookSignature({ payload: tampered, header: post.signature, secret: endpoint.secret }), WebhookSignatureError);
      assert.throws(() => verifyWebhookSignature({ payload: post.body, header: post.signature, secret: "whsec_wrong" }), WebhookSignatureError);
      const later = new Date(Date.now() + 10 * 60_000);
      assert.throws(() => verifyWebhookSignature({ payload: post.body, header: post.signature, secret: endpoint.secret, now: later }), /more than 300 s/);
    } finally {
      await client.webhooks.deleteWebhookEndpoint({ id: endpoint.id });
      receiver.close();
    }
  });
}
