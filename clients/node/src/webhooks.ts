import { createHmac, timingSafeEqual } from "node:crypto";
import { fromJsonString } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "./gen/paygate/v1/payment_service_pb.js";

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const WEBHOOK_SIGNATURE_HEADER = "paygate-signature";

/** How far a webhook's signed time may be from now (either way) before it is refused as a replay: 5 minutes. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** What a webhook receiver checks a POST against. */
export interface WebhookVerification {
  /** The raw request body, exactly as received (bytes, or the string they decode to): not parsed and serialised again. */
  readonly payload: string | Uint8Array;
  /** The `Paygate-Signature` header's value. */
  readonly header: string | null | undefined;
  /** The endpoint's signing secret (`whsec_...`), from `CreateWebhookEndpoint`. */
  readonly secret: string;
  /** How far the signed time may be from `now`, in seconds. Default 300. */
  readonly toleranceSeconds?: number;
  /** The current time; the system's clock by default. */
  readonly now?: Date;
}

/** Why a webhook POST was refused. */
export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
}

/**
 * Checks a webhook's signature: the header's HMAC over its timestamp and the raw body, compared in constant time,
 * and the timestamp within the tolerance of now. Throws {@link WebhookSignatureError} saying which check failed.
 */
export function verifyWebhookSignature(verification: WebhookVerification): void {
  const { payload, header, secret } = verification;
  const tolerance = verification.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (typeof secret !== "string" || secret === "") {
    throw new TypeError("secret: the endpoint's signing secret is required");
  }
  if (typeof header !== "string" || header === "") {
    throw new WebhookSignatureError(`no ${WEBHOOK_SIGNATURE_HEADER} header`);
  }
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const separator = part.indexOf("=");
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (separator > 0 && name === "t") {
      timestamp = value;
    } else if (separator > 0 && name === "v1") {
      signatures.push(value);
    }
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    throw new WebhookSignatureError(`the ${WEBHOOK_SIGNATURE_HEADER} header is not 't=<unix seconds>,v1=<hex HMAC>'`);
  }
  const now = (verification.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    throw new WebhookSignatureError(`the signed time is more than ${tolerance} s from now (a replay, or a clock out of sync)`);
  }
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const expected = createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(body).digest();
  // Constant time over the bytes: a mismatch says nothing about how much of the signature was right.
  const matches = signatures.some((hex) => {
    const given = /^[0-9a-fA-F]{64}$/.test(hex) ? Buffer.from(hex, "hex") : undefined;
    return given !== undefined && timingSafeEqual(given, expected);
  });
  if (!matches) {
    throw new WebhookSignatureError("the signature does not match the body (wrong secret, or the body was changed)");
  }
}

/**
 * Verifies a webhook POST ({@link verifyWebhookSignature}) and reads its body: the `Event` that
 * `PaymentService.StreamEvents` streams, as protobuf JSON. Fields this version does not know are ignored.
 */
export function constructWebhookEvent(verification: WebhookVerification): Event {
  verifyWebhookSignature(verification);
  const json = typeof verification.payload === "string" ? verification.payload : Buffer.from(verification.payload).toString("utf8");
  return fromJsonString(EventSchema, json, { ignoreUnknownFields: true });
}
