import type { Interceptor } from "@connectrpc/connect";

/** What went out on the wire, one entry per attempt: the method's name and the request's `request_id`, if it has one. */
export interface SentCall {
  readonly method: string;
  readonly requestId: string | undefined;
}

/** An interceptor (the innermost: it sees each attempt) that records the calls sent. */
export function recorder(): { interceptor: Interceptor; sent: SentCall[] } {
  const sent: SentCall[] = [];
  const interceptor: Interceptor = (next) => (req) => {
    const requestId = (req.message as { requestId?: unknown }).requestId;
    sent.push({ method: req.method.name, requestId: typeof requestId === "string" ? requestId : undefined });
    return next(req);
  };
  return { interceptor, sent };
}
