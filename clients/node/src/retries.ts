import { setTimeout as sleep } from "node:timers/promises";
import type { Interceptor } from "@connectrpc/connect";
import { toPaygateError } from "./errors.js";

/** When the client sends a call again by itself. */
export interface RetryOptions {
  /** How many times one call is sent in all, the first included; 1 turns retries off. Default 3. */
  readonly maxAttempts?: number;
  /** The longest the client waits before a retry; when the server asks for more, its error is returned at once. Default 30,000 ms. */
  readonly maxDelayMs?: number;
}

const defaults = { maxAttempts: 3, maxDelayMs: 30_000 } as const;

/**
 * Retries a unary call only when the gateway said it is safe: its error carries a `google.rpc.RetryInfo` (rate limited,
 * overloaded, the database briefly unavailable; nothing was done, or the `request_id` makes the call idempotent). It waits
 * the server's delay (plus up to a fifth more, so that many clients do not come back at once), at most `maxAttempts`
 * calls in all. Anything else, a transport failure included, is returned at once: the caller decides, since a call that
 * never got an answer may have taken effect. Streams are not retried (their messages may have been handled already).
 */
export function retries(options: RetryOptions = {}): Interceptor {
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts;
  const maxDelayMs = options.maxDelayMs ?? defaults.maxDelayMs;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts: must be a whole number of at least 1, not ${maxAttempts}`);
  }
  if (!(maxDelayMs >= 0)) {
    throw new RangeError(`retry.maxDelayMs: must be 0 or more, not ${maxDelayMs}`);
  }
  return (next) => async (req) => {
    if (req.stream) {
      return next(req);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (reason) {
        // The original error goes on (Connect would turn any other into UNKNOWN); the client types it at the end.
        const delay = toPaygateError(reason).retryDelayMs;
        if (attempt >= maxAttempts || delay === undefined || delay > maxDelayMs || req.signal.aborted) {
          throw reason;
        }
        try {
          await sleep(delay + Math.random() * delay * 0.2, undefined, { signal: req.signal });
        } catch (aborted) {
          // The caller's signal or deadline ended the wait: that is the call's outcome.
          throw req.signal.reason ?? aborted;
        }
      }
    }
  };
}
