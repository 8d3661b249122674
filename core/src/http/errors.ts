/**
 * Maps errors to HTTP answers: a SwitchboardError becomes a 4xx with its code and message; a storage
 * failure (full disk, I/O error, read-only database) a 503 with Retry-After and the reason, so
 * channels send again later; anything else is a 500 whose details go to the log, not to the client.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { describeError, type ErrorCode, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { storageFailureOf } from "../store/storage-failure.ts";

/** Seconds a sender is asked to wait when the store cannot take writes. */
export const STORAGE_RETRY_AFTER_S = 30;

const statusByCode: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.UNAUTHORIZED]: 401,
  [ErrorCodes.FORBIDDEN]: 403,
  [ErrorCodes.VALIDATION]: 422,
  [ErrorCodes.REPLY_WINDOW_CLOSED]: 422,
  [ErrorCodes.INBOUND_INVALID]: 422,
  [ErrorCodes.CONFLICT]: 409,
  [ErrorCodes.RATE_LIMITED]: 429,
  [ErrorCodes.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCodes.HEADERS_TOO_LARGE]: 431,
  [ErrorCodes.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCodes.CHANNEL_UNAVAILABLE]: 503,
};

/** The HTTP status for an error. */
export function statusFor(error: unknown): ContentfulStatusCode {
  if (error instanceof SwitchboardError) return statusByCode[error.code] ?? 500;
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  return 500;
}

/** A Hono onError handler that answers `{ error: { code, message } }`. */
export function errorHandler(log: Logger) {
  return function onError(error: Error, c: Context) {
    const status = statusFor(error);
    if (error instanceof HTTPException && !(error instanceof SwitchboardError)) {
      return c.json({ error: { code: status === 401 ? ErrorCodes.UNAUTHORIZED : ErrorCodes.VALIDATION, message: error.message } }, status);
    }
    const storage = status === 500 ? storageFailureOf(error) : undefined;
    if (storage) {
      log.error({ path: c.req.path, method: c.req.method, store: storage.code }, `request refused: ${storage.reason}`);
      c.header("Retry-After", String(STORAGE_RETRY_AFTER_S));
      return c.json(
        { error: { code: ErrorCodes.STORE, message: `The server cannot store anything now: ${storage.reason}. Send again later.` } },
        503,
      );
    }
    if (status >= 500) {
      log.error({ path: c.req.path, method: c.req.method, error: describeError(error) }, "request failed");
      return c.json(
        { error: { code: "SWB_ERR_INTERNAL", message: "Something went wrong on the server; the log has the details." } },
        status,
      );
    }
    const coded = error as SwitchboardError;
    return c.json({ error: { code: coded.code, message: coded.message } }, status);
  };
}
