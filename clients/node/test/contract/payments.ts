import assert from "node:assert/strict";
import { it } from "node:test";
import { Attempt_State, NextAction_Type, Payment_State, Refund_State, type WatchPaymentResponse } from "../../src/index.js";
import { eventually, type Gateway } from "../support/gateway.js";
import { recorder } from "../support/recorder.js";
import { approvedCard, cardPayment, declinedCard, qrCheckout } from "../support/requests.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The payment's life through the Node client over gRPC: create, pay, watch, refund, list. */
export function paymentTests(gateway: Gateway): void {
  it("creates a QR payment, which the payer pays in the simulator, and watches it to SUCCEEDED", async () => {
    const payments = gateway.merchant().payments;
    const created = await payments.createPayment(qrCheckout("alipay"));
    assert.equal(created.state, Payment_State.REQUIRES_ACTION);
    assert.equal(created.nextAction?.type, NextAction_Type.DISPLAY_QR_CODE);
    assert.match(created.nextAction?.qrCode ?? "", /^https:\/\/qr\.alipay\.com\//);

    const seen: WatchPaymentResponse[] = [];
    const watching = (async () => {
      for await (const change of payments.watchPayment({ id: created.id }, { timeoutMs: 30_000 })) {
        seen.push(change);
        if (seen.length === 1) {
          await gateway.payerPays("alipay", created.nextAction!.qrCode);
        }
      }
    })();
    await watching; // the stream ends when the payment is final

    assert.equal(seen[0]?.eventType, "payment.snapshot");
    assert.equal(seen[0]?.payment?.id, created.id);
    const last = seen.at(-1)!;
    assert.equal(last.payment?.state, Payment_State.SUCCEEDED, `events: ${seen.map((s) => s.eventType).join(", ")}`);
    assert.ok(seen.some((s) => s.eventType === "payment.succeeded"));
    assert.equal((await payments.getPayment({ id: created.id })).state, Payment_State.SUCCEEDED);
  });

  it("settles a card payment at once and refunds it in part, then the rest, never more than was paid", async () => {
    const payments = gateway.merchant().payments;
    const paid = await payments.createPayment(cardPayment());
    assert.equal(paid.state, Payment_State.SUCCEEDED);
    assert.equal(paid.card?.last4, "4242");

    const part = await payments.refundPayment({ id: paid.id, amountMinor: 2_000n, reason: "one month unused" });
    assert.match(part.id, /^re_/);
    const settled = await eventually("the first refund settles", async () => {
      const refund = await payments.getRefund({ id: part.id });
      return refund.state === Refund_State.PENDING ? undefined : refund;
    });
    assert.equal(settled.state, Refund_State.SUCCEEDED);
    assert.equal(settled.amountMinor, 2_000n);

    const rest = await payments.refundPayment({ id: paid.id, amountMinor: 0n });
    assert.equal(rest.amountMinor, 10_000n);
  });

  it("gives every create, refund, retry and cancel a request_id, and the same one again repeats the call", async () => {
    const sent = recorder();
    const payments = gateway.merchant({ interceptors: [sent.interceptor] }).payments;

    const created = await payments.createPayment(cardPayment(declinedCard));
    const retried = await payments.retryPayment({ id: created.id, paymentMethod: { card: { number: approvedCard, expMonth: 12, expYear: 2031 } } });
    const refund = await payments.refundPayment({ id: created.id, amountMinor: 100n });
    const open = await payments.createPayment(qrCheckout("wechatpay"));
    await payments.cancelPayment({ id: open.id });
    await payments.getPayment({ id: created.id });

    const mutating = sent.sent.filter((c) => c.method !== "GetPayment");
    assert.deepEqual(mutating.map((c) => c.method), ["CreatePayment", "RetryPayment", "RefundPayment", "CreatePayment", "CancelPayment"]);
    for (const call of mutating) {
      assert.match(call.requestId ?? "", uuid, `${call.method} carried no UUID request_id`);
    }
    assert.equal(new Set(mutating.map((c) => c.requestId)).size, mutating.length, "each call its own request_id");
    assert.equal(retried.state, Payment_State.SUCCEEDED);

    // The caller's own request_id is kept, and repeating it returns the same refund without a second one.
    const again = await payments.refundPayment({ id: created.id, amountMinor: 100n, requestId: mutating[2]!.requestId! });
    assert.equal(again.id, refund.id);
  });

  it("shows a decline as a FAILED payment with its PM code, which RetryPayment pays with another card", async () => {
    const payments = gateway.merchant().payments;
    const declined = await payments.createPayment(cardPayment(declinedCard));
    assert.equal(declined.state, Payment_State.FAILED);
    assert.match(declined.error?.code ?? "", /^PM-\d{4}$/);
    assert.notEqual(declined.error?.message, "");
    assert.equal(declined.attempts[0]?.state, Attempt_State.DECLINED);

    const retried = await payments.retryPayment({ id: declined.id, paymentMethod: { card: { number: approvedCard, expMonth: 12, expYear: 2031 } } });
    assert.equal(retried.state, Payment_State.SUCCEEDED);
    assert.equal(retried.attempts.length, 2);
  });

  it("lists a merchant's payments newest first, page by page, with page tokens", async () => {
    const { client } = await gateway.newMerchant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await client.payments.createPayment(qrCheckout("alipay", BigInt(1000 + i)))).id);
    }

    const pages: string[][] = [];
    let pageToken = "";
    do {
      const page = await client.payments.listPayments({ pageSize: 2, pageToken });
      pages.push(page.payments.map((p) => p.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== "" && pages.length < 10);

    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat(), [...ids].reverse());
    const succeeded = await client.payments.listPayments({ state: Payment_State.SUCCEEDED });
    assert.deepEqual(succeeded.payments, []);
  });
}
