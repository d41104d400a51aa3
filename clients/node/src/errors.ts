import { create, createRegistry, type Registry } from "@bufbuild/protobuf";
import { anyIs, anyUnpack, AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "./gen/google/rpc/error_details_pb.js";
import type { Status } from "./gen/google/rpc/status_pb.js";

/** The `ErrorInfo.domain` of every error the gateway itself raises. */
export const PAYGATE_DOMAIN = "paygate";

/** The detail messages a Paygate error status carries; also what a REST client needs to read a JSON `google.rpc.Status`. */
export const statusDetailsRegistry: Registry = createRegistry(ErrorInfoSchema, BadRequestSchema, RetryInfoSchema);

/** One invalid field of a request, from the status's `google.rpc.BadRequest`. */
export interface FieldViolation {
  /** The field's path as the gateway names it, e.g. `amount_minor` or `customer.type`. */
  readonly field: string;
  /** What is wrong with it. */
  readonly description: string;
}

/**
 * An error answered by the gateway (or met on the way to it), decoded from its `google.rpc.Status`: the gRPC code, the
 * unified `PM-NNNN` code of its `ErrorInfo` with that info's metadata, the `BadRequest` field violations, and the
 * `RetryInfo` delay when the server says that retrying may help. Each gRPC code the API uses has its own subclass.
 */
export class PaygateError extends Error {
  override readonly name: string = "PaygateError";
  /** The gRPC status code (the numbers of `google.rpc.Code`, as `@connectrpc/connect`'s `Code`). */
  readonly code: Code;
  /** The `ErrorInfo.reason`: the unified code, e.g. `PM-6001`; undefined when the answer carried no `ErrorInfo` (a transport failure). */
  readonly pmCode: string | undefined;
  /** The `ErrorInfo.domain`: `paygate` for the gateway's own errors. */
  readonly domain: string | undefined;
  /** The `ErrorInfo.metadata`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The invalid fields, from the `BadRequest` detail; empty when there is none. */
  readonly fieldViolations: readonly FieldViolation[];
  /** The `RetryInfo.retry_delay` in milliseconds: present only when the server marked the call safe to retry. */
  readonly retryDelayMs: number | undefined;

  constructor(init: {
    code: Code;
    message: string;
    pmCode?: string | undefined;
    domain?: string | undefined;
    metadata?: Record<string, string>;
    fieldViolations?: FieldViolation[];
    retryDelayMs?: number | undefined;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.code = init.code;
    this.pmCode = init.pmCode;
    this.domain = init.domain;
    this.metadata = Object.freeze({ ...(init.metadata ?? {}) });
    this.fieldViolations = Object.freeze([...(init.fieldViolations ?? [])]);
    this.retryDelayMs = init.retryDelayMs;
  }

  /** The gRPC code's canonical name, e.g. `INVALID_ARGUMENT`. */
  get status(): string {
    return (Code[this.code] ?? "Unknown").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  }

  /** Whether the server said a retry may help (it sent a `RetryInfo`). */
  get retryable(): boolean {
    return this.retryDelayMs !== undefined;
  }
}

/** INVALID_ARGUMENT: a field is missing or invalid (`PM-6001`); `fieldViolations` names each. */
export class InvalidArgumentError extends PaygateError {
  override readonly name = "InvalidArgumentError";
}
/** NOT_FOUND: no such payment, refund, endpoint... (another merchant's id included). */
export class NotFoundError extends PaygateError {
  override readonly name = "NotFoundError";
}
/** ALREADY_EXISTS: a `request_id` reused with other parameters (`PM-6002`). */
export class AlreadyExistsError extends PaygateError {
  override readonly name = "AlreadyExistsError";
}
/** UNAUTHENTICATED: the API key is missing, malformed, unknown, revoked, expired or of the other environment (`PM-6016`). */
export class UnauthenticatedError extends PaygateError {
  override readonly name = "UnauthenticatedError";
}
/** PERMISSION_DENIED: the key may not call this service (`PM-6017`), or a channel refused the payment for security reasons. */
export class PermissionDeniedError extends PaygateError {
  override readonly name = "PermissionDeniedError";
}
/** FAILED_PRECONDITION: the payment's state does not allow the operation (`PM-6004`), a refund exceeds what is left (`PM-6012`)... */
export class FailedPreconditionError extends PaygateError {
  override readonly name = "FailedPreconditionError";
}
/** RESOURCE_EXHAUSTED: rate limited (`PM-6018`) or the gateway is at its limit (`PM-4501`); nothing was done. */
export class ResourceExhaustedError extends PaygateError {
  override readonly name = "ResourceExhaustedError";
}
/** UNAVAILABLE: the gateway or the network behind it is unavailable (e.g. `PM-4502`). */
export class UnavailableError extends PaygateError {
  override readonly name = "UnavailableError";
}
/** INTERNAL: something failed inside the gateway; `PM-4503` says the outcome is unknown (look the payment up first). */
export class InternalError extends PaygateError {
  override readonly name = "InternalError";
}

type PaygateErrorClass = new (init: ConstructorParameters<typeof PaygateError>[0]) => PaygateError;

const classes: Partial<Record<Code, PaygateErrorClass>> = {
  [Code.InvalidArgument]: InvalidArgumentError,
  [Code.NotFound]: NotFoundError,
  [Code.AlreadyExists]: AlreadyExistsError,
  [Code.Unauthenticated]: UnauthenticatedError,
  [Code.PermissionDenied]: PermissionDeniedError,
  [Code.FailedPrecondition]: FailedPreconditionError,
  [Code.ResourceExhausted]: ResourceExhaustedError,
  [Code.Unavailable]: UnavailableError,
  [Code.Internal]: InternalError,
};

/**
 * The error for a status code, message and details (each a `google.protobuf.Any`), as both the gRPC status details
 * and the REST API's JSON `google.rpc.Status` carry them. Details of other types are ignored.
 */
function fromParts(code: Code, message: string, details: readonly Any[], cause: unknown): PaygateError {
  let pmCode: string | undefined;
  let domain: string | undefined;
  let metadata: Record<string, string> = {};
  const fieldViolations: FieldViolation[] = [];
  let retryDelayMs: number | undefined;
  for (const detail of details) {
    if (anyIs(detail, ErrorInfoSchema)) {
      const info = anyUnpack(detail, ErrorInfoSchema);
      pmCode = info?.reason;
      domain = info?.domain;
      metadata = { ...info?.metadata };
    } else if (anyIs(detail, BadRequestSchema)) {
      const bad = anyUnpack(detail, BadRequestSchema);
      fieldViolations.push(...(bad?.fieldViolations ?? []).map((v) => ({ field: v.field, description: v.description })));
    } else if (anyIs(detail, RetryInfoSchema)) {
      const delay = anyUnpack(detail, RetryInfoSchema)?.retryDelay;
      retryDelayMs = delay === undefined ? 0 : Number(delay.seconds) * 1000 + Math.ceil(delay.nanos / 1_000_000);
    }
  }
  const Class = classes[code] ?? PaygateError;
  return new Class({ code, message, pmCode, domain, metadata, fieldViolations, retryDelayMs, cause });
}

/** The typed error for anything a Connect call threw: a `ConnectError` with its status details, or a failure on the way. */
export function toPaygateError(reason: unknown): PaygateError {
  if (reason instanceof PaygateError) {
    return reason;
  }
  const error = ConnectError.from(reason);
  const details = error.details.map((d) =>
    "desc" in d
      ? undefined
      : create(AnySchema, { typeUrl: `type.googleapis.com/${d.type}`, value: d.value }),
  ).filter((d): d is Any => d !== undefined);
  return fromParts(error.code, error.rawMessage, details, error);
}

/** The typed error for a `google.rpc.Status`, e.g. the JSON body of a REST error (read it with {@link statusDetailsRegistry}). */
export function statusToPaygateError(status: Status): PaygateError {
  return fromParts(status.code as Code, status.message, status.details, status);
}
