/**
 * The typed sub-app every REST resource registers its routes on: an OpenAPIHono whose context carries
 * the authenticated agent, and whose failed zod validation becomes a 422 naming each bad field.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import type { Viewer } from "../../access/index.ts";
import type { Agent } from "../../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Logger } from "../../log/index.ts";
import { errorHandler } from "../errors.ts";

export interface ApiEnv {
  Variables: {
    /** The agent whose API token authenticated this request. */
    agent: Agent;
    /** That agent as the access rule sees them (core/src/access): what is not visible answers 404. */
    viewer: Viewer;
  };
}

export type ApiApp = OpenAPIHono<ApiEnv>;

const targetNames: Record<string, string> = { json: "body", query: "query", param: "path", header: "header" };

/**
 * A SWB_ERR_VALIDATION error listing every zod issue as "where.field: problem".
 *
 * @example
 * throw validationError("query", result.error); // "Invalid query: limit: Too big: expected number to be <=100."
 */
export function validationError(target: string, error: z.ZodError): SwitchboardError {
  const where = targetNames[target] ?? target;
  const reasons = error.issues.map((issue) => `${issue.path.join(".") || "(value)"}: ${issue.message}`).join("; ");
  return new SwitchboardError(ErrorCodes.VALIDATION, `Invalid ${where}: ${reasons}.`, {
    issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

/**
 * The API's error handler: core's mapping (errors.ts), with the body-parsing failures of Hono's
 * validator made helpful: malformed JSON is a 422 like any invalid input, a missing JSON
 * content type a 415 that names the header to send.
 *
 * @example
 * app.onError(apiErrorHandler(log));
 */
export function apiErrorHandler(log: Logger): ErrorHandler<ApiEnv> {
  const handle = errorHandler(log);
  return function apiError(error, c) {
    if (error instanceof HTTPException && error.status === 400) {
      return handle(
        new SwitchboardError(ErrorCodes.VALIDATION, `Invalid body: ${error.message}. Send a JSON object.`, {}, { cause: error }),
        c,
      );
    }
    if (error instanceof HTTPException && error.status === 415) {
      return handle(
        new HTTPException(415, { message: "Send the body as JSON, with the header Content-Type: application/json.", cause: error }),
        c,
      );
    }
    return handle(error, c);
  };
}

/**
 * Creates an API sub-app with the 422 validation hook.
 *
 * @example
 * const app = createApiApp();
 * app.openapi(route, (c) => c.json({ id: c.get("agent").id }, 200));
 */
export function createApiApp(): ApiApp {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: function rejectInvalid(result) {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}
