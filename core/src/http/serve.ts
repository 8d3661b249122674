/**
 * The HTTP listener: Bun.serve with the app, request headers limited with a reason. Bun refuses
 * headers over its own limit itself, with a bare 431 and no body, before any of our code runs, and
 * its `error` handler is not called for that. So Bun's limit is raised to 64 KiB and ours, 16 KiB
 * (Bun's default), is checked here first: 431 with a JSON reason that names the largest header.
 * Only headers over 64 KiB still get Bun's bare 431.
 */
import http from "node:http";
import { ErrorCodes } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";

/** The most bytes of request line and headers a request may carry. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Where Bun itself stops reading headers (and answers a bare 431). */
export const BUN_HEADER_LIMIT = 64 * 1024;

type Server = ReturnType<typeof Bun.serve>;

export interface ServeOptions {
  port: number;
  hostname: string;
  /** The app's fetch; gets Bun's server as its env (client IP, per-request timeouts), as `Bun.serve` gives it. */
  fetch(request: Request, server: Server): Response | Promise<Response>;
  log: Logger;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Why a request's head is too large, or undefined. Counts as HTTP/1.1 does: "name: value\r\n" per header. */
export function headerProblem(request: Request): string | undefined {
  const url = new URL(request.url);
  let total = request.method.length + url.pathname.length + url.search.length + 11;
  let largest = { name: "", bytes: 0 };
  request.headers.forEach((value, name) => {
    const bytes = name.length + value.length + 4;
    total += bytes;
    if (bytes > largest.bytes) largest = { name, bytes };
  });
  if (total <= MAX_HEADER_BYTES) return undefined;
  const cookie = largest.name === "cookie" ? " (in a browser, clear this site's cookies)" : "";
  return `The request's headers take ${kib(total)}; at most ${MAX_HEADER_BYTES / 1024} KiB is accepted. The largest is ${largest.name} (${kib(largest.bytes)}): send it shorter${cookie}, or send fewer headers.`;
}

/**
 * Starts serving `fetch` on hostname:port. Throws when the port cannot be taken.
 *
 * @example
 * const server = serveHttp({ port: 8080, hostname: "0.0.0.0", fetch: switchboard.app.fetch, log });
 */
export function serveHttp(options: ServeOptions): Server {
  // Bun reads node:http's maxHeaderSize for its own parser; the typings call it read-only.
  (http as { maxHeaderSize: number }).maxHeaderSize = Math.max(http.maxHeaderSize, BUN_HEADER_LIMIT);
  return Bun.serve({
    port: options.port,
    hostname: options.hostname,
    development: false,
    fetch(request, server) {
      const problem = headerProblem(request);
      if (problem)
        return Response.json(
          { error: { code: ErrorCodes.HEADERS_TOO_LARGE, message: problem } },
          { status: 431, headers: { "X-Content-Type-Options": "nosniff" } },
        );
      return options.fetch(request, server);
    },
    error(error) {
      options.log.error({ error: { message: error.message, stack: error.stack } }, "request failed outside the app");
      return Response.json(
        { error: { code: "SWB_ERR_INTERNAL", message: "Something went wrong on the server; the log has the details." } },
        { status: 500 },
      );
    },
  });
}
