import { randomUUID } from "node:crypto";
import { clone } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";

/**
 * Gives every call whose request has a `request_id` field (create, cancel, retry, refund...) a fresh UUID when the caller
 * left it empty, so that the call is idempotent on the gateway. It runs outside the retries: every retry of one call
 * carries the same id. The caller's message is copied, never changed: a message reused for another call gets another id.
 */
export const requestIds: Interceptor = (next) => async (req) => {
  const field = req.method.input.fields.find((f) => f.name === "request_id");
  if (req.stream || field === undefined || field.fieldKind !== "scalar") {
    return next(req);
  }
  const message = req.message as Record<string, unknown>;
  if (typeof message[field.localName] === "string" && message[field.localName] !== "") {
    return next(req);
  }
  const copy = clone(req.method.input, req.message) as Record<string, unknown>;
  copy[field.localName] = randomUUID();
  return next({ ...req, message: copy as typeof req.message });
};
