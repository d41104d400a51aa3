import type { Interceptor } from "@connectrpc/connect";

/**
 * Sends the API key as the gateway expects it on every call: `authorization: Bearer <key>` (a merchant's `sk_...` key for
 * PaymentService and WebhookService, an operator's `ok_...` key for ChannelService and AdminService).
 */
export function apiKey(key: string): Interceptor {
  // Checked once, here, and never echoed: a key must not end up in a log or an error message.
  if (typeof key !== "string" || key.trim() === "") {
    throw new TypeError("apiKey: an API key is required (sk_test_..., sk_live_..., or an operator's ok_...)");
  }
  if (/[\s\u0000-\u001f\u007f]/.test(key)) {
    throw new TypeError("apiKey: the API key contains whitespace or control characters (a copy-paste error?)");
  }
  const authorization = `Bearer ${key}`;
  return (next) => (req) => {
    req.header.set("authorization", authorization);
    return next(req);
  };
}
