import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { constructWebhookEvent, verifyWebhookSignature, WebhookSignatureError } from "../src/index.js";

const secret = "whsec_test_secret";
const body = '{"id":"evt_42","type":"payment.succeeded","payment":{"id":"pay_01","state":"STATE_SUCCEEDED"},"unknownLater":1}';
const now = new Date("2026-11-29T08:00:00Z");
const seconds = now.getTime() / 1000;

/** The documented rule, written here on its own: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>. */
function sign(payload: string, t = seconds, key = secret): string {
  return `t=${t},v1=${createHmac("sha256", key).update(`${t}.${payload}`).digest("hex")}`;
}

describe("webhook signatures", () => {
  it("accepts the gateway's signature over the raw body, as a string or as bytes", () => {
    verifyWebhookSignature({ payload: body, header: sign(body), secret, now });
    verifyWebhookSignature({ payload: new TextEncoder().encode(body), header: sign(body), secret, now });
    const event = constructWebhookEvent({ payload: body, header: sign(body), secret, now });
    assert.equal(event.id, "evt_42");
    assert.equal(event.payment?.id, "pay_01");
  });

  it("refuses a changed body, another secret, and a signature of another time", () => {
    const refused = (header: string, payload = body) => assert.throws(() => verifyWebhookSignature({ payload, header, secret, now }), WebhookSignatureError);
    refused(sign(body), body.replace("pay_01", "pay_02"));
    refused(sign(body, seconds, "whsec_other"));
    refused(sign(body).replace(`t=${seconds}`, `t=${seconds - 1}`));
  });

  it("refuses a timestamp outside the tolerance either way, and honours a tolerance of the caller's", () => {
    assert.throws(() => verifyWebhookSignature({ payload: body, header: sign(body, seconds - 301), secret, now }), /more than 300 s/);
    assert.throws(() => verifyWebhookSignature({ payload: body, header: sign(body, seconds + 301), secret, now }), /more than 300 s/);
    verifyWebhookSignature({ payload: body, header: sign(body, seconds - 299), secret, now });
    assert.throws(() => verifyWebhookSignature({ payload: body, header: sign(body, seconds - 61), secret, now, toleranceSeconds: 60 }), /more than 60 s/);
  });

  it("refuses a missing or malformed header, and accepts one valid v1 among several", () => {
    for (const header of [undefined, "", "v1=abc", `t=${seconds}`, `t=soon,v1=${"0".repeat(64)}`, `t=${seconds},v1=xyz`, "garbage"]) {
      assert.throws(() => verifyWebhookSignature({ payload: body, header, secret, now }), WebhookSignatureError, String(header));
    }
    verifyWebhookSignature({ payload: body, header: `t=${seconds},v1=${"0".repeat(64)}, v1=${sign(body).split("v1=")[1]}`, secret, now });
    assert.throws(() => verifyWebhookSignature({ payload: body, header: sign(body), secret: "", now }), /secret/);
  });
});
