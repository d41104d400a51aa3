import type { Interceptor } from "@connectrpc/connect";
import { toPaygateError } from "./errors.js";

/** Makes every failure of a call, unary or while reading a stream, a {@link PaygateError} decoded from the status details. */
export const typedErrors: Interceptor = (next) => async (req) => {
  try {
    const res = await next(req);
    if (!res.stream) {
      return res;
    }
    return { ...res, message: translated(res.message) };
  } catch (reason) {
    throw toPaygateError(reason);
  }
};

async function* translated<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (reason) {
    throw toPaygateError(reason);
  }
}
