import assert from "node:assert/strict";
import { it } from "node:test";
import { Code } from "@connectrpc/connect";
import {
  AlreadyExistsError,
  createPaygateClient,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PaygateError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
} from "../../src/index.js";
import type { Gateway } from "../support/gateway.js";
import { recorder } from "../support/recorder.js";
import { cardPayment, qrCheckout } from "../support/requests.js";

/** Runs a call that must fail and returns its error, checked to be the gateway's own (domain `paygate`, a PM code). */
async function failure<T extends PaygateError>(type: new (...args: never[]) => T, call: () => Promise<unknown>): Promise<T> {
  const error = await call().then(
    () => assert.fail("the call succeeded"),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  assert.equal(error.domain, "paygate");
  assert.match(error.pmCode ?? "", /^PM-\d{4}$/);
  return error;
}

const unknownPayment = "pay_" + "0".repeat(26);

/** Every error family, decoded from the google.rpc.Status details into the client's typed errors. */
export function errorTests(gateway: Gateway): void {
  it("INVALID_ARGUMENT names each invalid field (BadRequest) and is not retried", async () => {
    const sent = recorder();
    const payments = gateway.merchant({ interceptors: [sent.interceptor] }).payments;
    const error = await failure(InvalidArgumentError, () => payments.createPayment({ amountMinor: 0n, currency: "XYZ", description: "x" }));
    assert.equal(error.code, Code.InvalidArgument);
    assert.equal(error.status, "INVALID_ARGUMENT");
    assert.equal(error.pmCode, "PM-6001");
    assert.deepEqual(error.fieldViolations.map((v) => v.field), ["currency", "amount_minor"]);
    assert.ok(error.fieldViolations.every((v) => v.description !== ""));
    assert.equal(error.retryable, false);
    assert.equal(sent.sent.length, 1);
  });

  it("NOT_FOUND for an unknown id, and for another merchant's payment alike", async () => {
    const mine = await gateway.merchant().payments.createPayment(qrCheckout());
    const other = await gateway.newMerchant();

    const unknown = await failure(NotFoundError, () => gateway.merchant().payments.getPayment({ id: unknownPayment }));
    const theirs = await failure(NotFoundError, () => other.client.payments.getPayment({ id: mine.id }));
    assert.equal(unknown.pmCode, "PM-6003");
    assert.equal(theirs.pmCode, "PM-6003");
    await failure(NotFoundError, () => gateway.merchant().payments.getRefund({ id: "re_" + "0".repeat(26) }));
  });

  it("ALREADY_EXISTS when a request_id is reused with other parameters", async () => {
    const payments = gateway.merchant().payments;
    const requestId = crypto.randomUUID();
    const first = await payments.createPayment({ ...qrCheckout(), requestId });
    assert.equal((await payments.createPayment({ ...qrCheckout(), requestId })).id, first.id);
    const error = await failure(AlreadyExistsError, () => payments.createPayment({ ...qrCheckout("alipay", 9999n), requestId }));
    assert.equal(error.pmCode, "PM-6002");
  });

  it("UNAUTHENTICATED for an unknown key, without the key in the error", async () => {
    const key = "sk_test_" + "q".repeat(43);
    const stranger = createPaygateClient({ baseUrl: gateway.grpcUrl, apiKey: key });
    const error = await failure(UnauthenticatedError, () => stranger.payments.listPayments({}));
    assert.equal(error.pmCode, "PM-6016");
    assert.ok(!error.message.includes(key.slice(8)), "the key is not echoed");
    assert.throws(() => createPaygateClient({ baseUrl: gateway.grpcUrl, apiKey: "" }), /API key is required/);
  });

  it("PERMISSION_DENIED for a merchant key on the operators' services, and an operator key on payments", async () => {
    const asMerchant = await failure(PermissionDeniedError, () => gateway.merchant().admin.listMerchants({}));
    assert.equal(asMerchant.pmCode, "PM-6017");
    const asOperator = await failure(PermissionDeniedError, () => gateway.operator().payments.listPayments({}));
    assert.equal(asOperator.pmCode, "PM-6017");
  });

  it("FAILED_PRECONDITION when the payment's state does not allow it, or a refund exceeds what is left", async () => {
    const payments = gateway.merchant().payments;
    const unpaid = await payments.createPayment(qrCheckout());
    const notPaid = await failure(FailedPreconditionError, () => payments.refundPayment({ id: unpaid.id }));
    assert.equal(notPaid.pmCode, "PM-6004");

    const paid = await payments.createPayment(cardPayment());
    const tooMuch = await failure(FailedPreconditionError, () => payments.refundPayment({ id: paid.id, amountMinor: 12_001n }));
    assert.equal(tooMuch.pmCode, "PM-6012");
    const cancelPaid = await failure(FailedPreconditionError, () => payments.cancelPayment({ id: paid.id }));
    assert.equal(cancelPaid.pmCode, "PM-6004");
  });

  it("RESOURCE_EXHAUSTED with a RetryInfo over a merchant's rate limit; the client waits it out with the same request_id", async () => {
    const strict = { perSecond: 1, burst: 1 };

    // Without retries, the caller gets the typed error and the server's delay.
    const bare = await gateway.newMerchant(strict, { retry: { maxAttempts: 1 } });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => bare.client.payments.listPayments({ pageSize: 1 })));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    assert.ok(refused.length >= 2, `${refused.length} of 4 refused`);
    for (const error of refused) {
      assert.ok(error instanceof ResourceExhaustedError, String(error));
      assert.equal(error.pmCode, "PM-6018");
      assert.equal(error.retryable, true);
      assert.ok(error.retryDelayMs! > 0 && error.retryDelayMs! <= 10_000, `delay ${error.retryDelayMs}`);
    }

    // With them, creates sent together are refused past the first, then sent again after the delay, each call with its
    // own request_id on every attempt; three calls make three payments.
    const sent = recorder();
    const patient = await gateway.newMerchant(strict, { interceptors: [sent.interceptor], retry: { maxAttempts: 6 } });
    const created = await Promise.all([1, 2, 3].map(() => patient.client.payments.createPayment(qrCheckout())));
    const creates = sent.sent.filter((c) => c.method === "CreatePayment");
    const requestIds = new Set(creates.map((c) => c.requestId));
    assert.equal(requestIds.size, 3, "one request_id per call, the same on each of its attempts");
    assert.ok(creates.length > 3, `the creates were sent ${creates.length} times: none was refused and retried`);
    assert.equal(new Set(created.map((p) => p.id)).size, 3);
    const listed = await patient.client.payments.listPayments({});
    assert.equal(listed.payments.length, 3, "three calls, three payments: the retries made none");
  });
}
