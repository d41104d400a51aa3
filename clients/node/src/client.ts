import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AdminService } from "./gen/paygate/v1/admin_service_pb.js";
import { ChannelService } from "./gen/paygate/v1/channel_service_pb.js";
import { PaymentService } from "./gen/paygate/v1/payment_service_pb.js";
import { WebhookService } from "./gen/paygate/v1/webhook_service_pb.js";
import { apiKey } from "./api-key.js";
import { requestIds } from "./request-ids.js";
import { retries, type RetryOptions } from "./retries.js";
import { withTypedErrors } from "./typed-errors.js";

/** How to reach the gateway and as whom. */
export interface PaygateClientOptions {
  /**
   * The gateway's address: for `grpc`, its gRPC (HTTP/2) port, e.g. `http://localhost:5080`; for `grpc-web`, either port,
   * usually the HTTP/1.1 one (`http://localhost:5081`). `https://` for TLS.
   */
  readonly baseUrl: string;
  /** A merchant's key (`sk_test_...`, `sk_live_...`), or an operator's (`ok_...`) for `channels` and `admin`. */
  readonly apiKey: string;
  /** `grpc` (HTTP/2, the default) or `grpc-web` (HTTP/1.1, for networks that do not pass HTTP/2). */
  readonly protocol?: "grpc" | "grpc-web";
  /** Retries of what the server marks retryable; `{ maxAttempts: 1 }` turns them off. */
  readonly retry?: RetryOptions;
  /** A deadline for each call, in milliseconds (retries included); none by default. */
  readonly timeoutMs?: number;
  /** The caller's own interceptors (logging, tracing): they run closest to the network, once per attempt. */
  readonly interceptors?: readonly Interceptor[];
}

/** Typed clients of the four services, sharing one connection. */
export interface PaygateClient {
  /** Payments and refunds (merchant key). */
  readonly payments: Client<typeof PaymentService>;
  /** Webhook endpoints and deliveries (merchant key). */
  readonly webhooks: Client<typeof WebhookService>;
  /** Channels, routing previews, held bank credits (operator key). */
  readonly channels: Client<typeof ChannelService>;
  /** Merchants, API keys, the audit log (operator key). */
  readonly admin: Client<typeof AdminService>;
}

/**
 * A client of the gateway. Every call carries the API key; every create, cancel, retry and refund carries a
 * `request_id` (a new UUID unless the caller gave one) that its retries reuse; calls are retried only when the server
 * says so (a `RetryInfo`), after the delay it gives; every failure is a {@link PaygateError} with the PM code.
 */
export function createPaygateClient(options: PaygateClientOptions): PaygateClient {
  const transport = createTransport(options);
  return {
    payments: withTypedErrors(PaymentService, createClient(PaymentService, transport)),
    webhooks: withTypedErrors(WebhookService, createClient(WebhookService, transport)),
    channels: withTypedErrors(ChannelService, createClient(ChannelService, transport)),
    admin: withTypedErrors(AdminService, createClient(AdminService, transport)),
  };
}

function createTransport(options: PaygateClientOptions): Transport {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`baseUrl: not an absolute URL: '${options.baseUrl}' (e.g. http://localhost:5080)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl: must be http:// or https://, not ${url.protocol}//`);
  }
  // The first runs outermost: one request id for all the attempts, then the retries, and the key on each attempt.
  const interceptors = [requestIds, retries(options.retry), apiKey(options.apiKey), ...(options.interceptors ?? [])];
  const common = { baseUrl: options.baseUrl, interceptors, defaultTimeoutMs: options.timeoutMs };
  switch (options.protocol ?? "grpc") {
    case "grpc":
      return createGrpcTransport(common);
    case "grpc-web":
      return createGrpcWebTransport({ ...common, httpVersion: "1.1" });
    default:
      throw new TypeError(`protocol: 'grpc' or 'grpc-web', not '${String(options.protocol)}'`);
  }
}
