export { createPaygateClient, type PaygateClient, type PaygateClientOptions } from "./client.js";
export type { RetryOptions } from "./retries.js";
export {
  PAYGATE_DOMAIN,
  PaygateError,
  InvalidArgumentError,
  NotFoundError,
  AlreadyExistsError,
  UnauthenticatedError,
  PermissionDeniedError,
  FailedPreconditionError,
  ResourceExhaustedError,
  UnavailableError,
  InternalError,
  statusDetailsRegistry,
  statusToPaygateError,
  toPaygateError,
  type FieldViolation,
} from "./errors.js";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookSignatureError,
  constructWebhookEvent,
  verifyWebhookSignature,
  type WebhookVerification,
} from "./webhooks.js";
// The generated messages and services of paygate.v1 and google.rpc, for requests, responses and REST bodies.
export * from "./gen/paygate/v1/payment_pb.js";
export * from "./gen/paygate/v1/payment_service_pb.js";
export * from "./gen/paygate/v1/webhook_service_pb.js";
export * from "./gen/paygate/v1/channel_service_pb.js";
export * from "./gen/paygate/v1/admin_service_pb.js";
export * from "./gen/google/rpc/status_pb.js";
export * from "./gen/google/rpc/error_details_pb.js";
