/**
 * Request body limits for core's own routes, with hono's bodyLimit: the REST API takes at most
 * 1 MiB, a channel webhook at most 4 MiB (files travel by URL or through a channel's own upload
 * route, never inside these bodies). A larger body is refused with 413 and the limit, before it is
 * read or parsed. Plugin routes (/plugins/<name>) set their own limits.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ErrorCodes } from "../errors/index.ts";

export const API_BODY_LIMIT = 1024 * 1024;
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * A body limit of `maxBytes` that answers 413 with a reason naming the limit and `what`.
 *
 * @example
 * app.use("/api/*", limitBody(API_BODY_LIMIT, "the REST API"));
 */
export function limitBody(maxBytes: number, what: string): MiddlewareHandler {
  const size = `${maxBytes / (1024 * 1024)} MiB`;
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json(
        {
          error: {
            code: ErrorCodes.PAYLOAD_TOO_LARGE,
            message: `The request body is larger than ${size} (${maxBytes} bytes), the most ${what} accepts. Send less at once.`,
          },
        },
        413,
      ),
  });
}
