/**
 * How the inbox shows a refused or failed request: htmx gets a short message retargeted into the
 * page's alert area (#flash), a plain request gets an error page. Server faults are logged with
 * their details and shown only as a generic message.
 */
import type { Context } from "hono";
import { describeError, SwitchboardError } from "../errors/index.ts";
import { statusFor } from "../http/errors.ts";
import type { Logger } from "../log/index.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function inboxErrorHandler(log: Logger) {
  return function inboxError(error: Error, c: Context) {
    const status = statusFor(error);
    if (status >= 500) log.error({ path: c.req.path, error: describeError(error) }, "inbox request failed");
    const message =
      status >= 500 || !(error instanceof SwitchboardError)
        ? "Something went wrong on the server; the log has the details."
        : error.message;
    if (c.req.header("HX-Request")) {
      return c.html(`<p class="error" role="alert">${escapeHtml(message)}</p>`, status, {
        "HX-Retarget": "#flash",
        "HX-Reswap": "innerHTML",
      });
    }
    const title = status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Could not do that";
    return c.html(
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title} · Switchboard</title></head><body><main><h1>${title}</h1><p>${escapeHtml(message)}</p><p><a href="/inbox">Back to the inbox</a></p></main></body></html>`,
      status,
    );
  };
}
