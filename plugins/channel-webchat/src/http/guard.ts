/**
 * The checks every widget API request passes, as named middleware: the inbox exists, the page's
 * Origin is one the inbox allows (with CORS headers for it, and preflights answered here), the
 * client IP is under its rate limit (counted across processes), and (for visitor routes) the bearer token is valid.
 * Requests without an Origin header (servers, curl) are let through: Origin protects browsers.
 */
import { clientIp, ErrorCodes } from "@switchboard/core";
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { webchatError } from "../errors.ts";
import type { WebchatInbox } from "../inbox.ts";
import type { VisitorClaims } from "../tokens.ts";

/** The Hono env of the widget API. */
export interface WebchatEnv {
  Variables: { inbox: WebchatInbox; ip: string; visitor: VisitorClaims };
}

const PREFLIGHT_MAX_AGE = "600";

function originAllowed(inbox: WebchatInbox, origin: string): boolean {
  return inbox.options.allowed_origins.some((allowed) => allowed === "*" || allowed === origin);
}

function corsHeaders(origin: string): Record<string, string> {
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": "Retry-After", Vary: "Origin" };
}

/**
 * Finds the inbox of `/inboxes/:inbox/*`, checks the Origin, answers preflights, applies CORS and
 * the per-IP rate limit.
 *
 * @example
 * api.use("/inboxes/:inbox/*", inboxGuard(inboxes));
 */
export function inboxGuard(inboxes: Map<string, WebchatInbox>): MiddlewareHandler<WebchatEnv> {
  return async function webchatInboxGuard(c, next) {
    const origin = c.req.header("Origin");
    const headers = origin ? corsHeaders(origin) : {};
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    const inbox = inboxes.get(c.req.param("inbox") ?? "");
    if (!inbox)
      throw webchatError(
        ErrorCodes.NOT_FOUND,
        404,
        "inbox_unknown",
        `There is no webchat inbox "${c.req.param("inbox")}". Check data-inbox on the script tag.`,
      );
    if (origin !== undefined && !originAllowed(inbox, origin)) {
      throw webchatError(
        ErrorCodes.FORBIDDEN,
        403,
        "origin_not_allowed",
        `The site ${origin} may not use the inbox "${inbox.name}". Add it to allowed_origins of [inboxes.${inbox.name}.options].`,
      );
    }
    if (c.req.method === "OPTIONS") {
      return c.body(null, 204, {
        ...headers,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
      });
    }
    const ip = clientIp(c, inbox.options.trust_proxy);
    const take = await inbox.limits.ipRequests.take(ip);
    if (!take.ok) {
      throw webchatError(
        ErrorCodes.FORBIDDEN,
        429,
        "rate_limited_ip",
        `Too many requests from your network (at most ${inbox.options.rate_limit.ip_requests_per_minute} per minute). Wait ${Math.ceil(take.retryAfterMs / 1000)} s.`,
        { retryAfterMs: take.retryAfterMs },
      );
    }
    c.set("inbox", inbox);
    c.set("ip", ip);
    await next();
    // A handler that returns its own Response (the live stream) skips c.header(); set them again.
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/**
 * Requires `Authorization: Bearer <visitor token>` and puts the visitor's claims on the context.
 *
 * @example
 * api.get("/inboxes/:inbox/messages", requireVisitor, handler);
 */
export const requireVisitor: MiddlewareHandler<WebchatEnv> = async function requireVisitor(c, next) {
  c.set("visitor", await c.get("inbox").authenticate(c.req.header("Authorization"), Date.now()));
  await next();
};

/**
 * Reads and checks a JSON body. Throws a 400 (not JSON) or 422 (wrong shape) with the reasons.
 *
 * @example
 * const body = await readJson(c, z.object({ text: z.string() }));
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw = await c.req.text();
  let json: unknown;
  try {
    json = raw === "" ? {} : JSON.parse(raw);
  } catch {
    throw webchatError(
      ErrorCodes.VALIDATION,
      400,
      "invalid_body",
      "The body is not valid JSON. Send Content-Type: application/json with a JSON object.",
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; ");
    throw webchatError(ErrorCodes.VALIDATION, 422, "invalid_body", `The request was refused: ${reasons}`);
  }
  return parsed.data;
}
