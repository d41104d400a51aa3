import type { DescService } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { toPaygateError } from "./errors.js";

type AnyCall = (...args: unknown[]) => unknown;

/**
 * The client with every failure of a call, unary or while reading a stream, thrown as a {@link PaygateError} decoded from
 * the status details. (Done around the client, not in an interceptor: Connect turns whatever an interceptor throws back
 * into a `ConnectError`.)
 */
export function withTypedErrors<S extends DescService>(service: S, client: Client<S>): Client<S> {
  const calls = client as unknown as Record<string, AnyCall>;
  const typed: Record<string, AnyCall> = {};
  for (const method of service.methods) {
    const call = calls[method.localName]!;
    switch (method.methodKind) {
      case "unary":
        typed[method.localName] = (...args) =>
          (call(...args) as Promise<unknown>).catch((reason: unknown) => {
            throw toPaygateError(reason);
          });
        break;
      case "server_streaming":
        typed[method.localName] = (...args) => translated(call(...args) as AsyncIterable<unknown>);
        break;
      default:
        typed[method.localName] = call;
    }
  }
  return typed as unknown as Client<S>;
}

async function* translated<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (reason) {
    throw toPaygateError(reason);
  }
}
