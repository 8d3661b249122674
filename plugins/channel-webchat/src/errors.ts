/**
 * The widget API's errors. Each is a SwitchboardError with core's code and, in `details`, the HTTP
 * status and a stable `reason` the widget can act on ("rate_limited", "text_too_long", …). Core has
 * no code for 413/415/429 answers, so those carry SWB_ERR_VALIDATION or SWB_ERR_FORBIDDEN with the
 * precise reason (see README "Errors").
 */
import { type ErrorCode, ErrorCodes, type Logger, SwitchboardError } from "@switchboard/core";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every reason the API answers with. Stable: never renamed or reused. */
export type Reason =
  | "inbox_unknown"
  | "origin_not_allowed"
  | "token_missing"
  | "token_invalid"
  | "token_other_inbox"
  | "token_expired"
  | "identifier_hash_invalid"
  | "conversation_not_found"
  | "file_not_found"
  | "invalid_body"
  | "text_empty"
  | "text_too_long"
  | "body_too_large"
  | "attachments_disabled"
  | "too_many_attachments"
  | "attachment_too_large"
  | "attachment_type"
  | "attachment_content_mismatch"
  | "rate_limited_visitor"
  | "rate_limited_ip"
  | "too_many_streams"
  | "rating_not_requested"
  | "not_started";

/**
 * Makes an API error.
 *
 * @example
 * throw webchatError(ErrorCodes.VALIDATION, 413, "text_too_long", "The message is 6000 characters; this chat takes at most 5000.");
 */
export function webchatError(
  code: ErrorCode,
  status: ContentfulStatusCode,
  reason: Reason,
  message: string,
  extra: { retryAfterMs?: number } = {},
): SwitchboardError {
  return new SwitchboardError(code, message, { status, reason, ...extra });
}

/** A 404 that says nothing about whether the thing exists for someone else. */
export function conversationNotFound(id: string | number): SwitchboardError {
  return webchatError(ErrorCodes.NOT_FOUND, 404, "conversation_not_found", `You have no conversation ${id}.`);
}

/**
 * The onError of the widget API: `{ error: { code, reason, message } }` with the error's status
 * (and Retry-After for 429). Unexpected errors are logged and answered 500 without details.
 *
 * @example
 * app.onError(apiErrorHandler(ctx.log));
 */
export function apiErrorHandler(log: Logger) {
  return function webchatOnError(error: Error, c: Context) {
    if (error instanceof SwitchboardError && typeof error.details.status === "number") {
      const status = error.details.status as ContentfulStatusCode;
      const retryAfterMs = error.details.retryAfterMs;
      if (typeof retryAfterMs === "number") c.header("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      return c.json({ error: { code: error.code, reason: error.details.reason, message: error.message } }, status);
    }
    log.error({ path: c.req.path, method: c.req.method, error: { message: error.message, stack: error.stack } }, "webchat request failed");
    return c.json(
      { error: { code: "SWB_ERR_INTERNAL", reason: "internal", message: "Something went wrong on the server; the log has the details." } },
      500,
    );
  };
}
