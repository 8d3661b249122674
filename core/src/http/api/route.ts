/**
 * OpenAPI route definitions for the REST API, shared by every resource file: `routes(tag)` gives a
 * `route()` that files each route under its tag and adds the error responses it names (401 always,
 * since every route is behind the API token), and `jsonBody()` is a required JSON request body.
 * A route definition then says only what is its own: method, path, summary, input and success answer.
 */
import { createRoute, type RouteConfig, type z } from "@hono/zod-openapi";
import { errors } from "./schemas.ts";

/** An error status a route may answer besides 401, described once in schemas.ts `errors`. */
export type ErrorStatus = Exclude<keyof typeof errors, 401>;

type Config<P extends string> = Omit<RouteConfig, "path" | "tags"> & {
  path: P;
  /** The error statuses this route can answer besides 401; each gets the shared `{ error }` response. */
  errors?: readonly ErrorStatus[];
};

/**
 * A route factory for one tag of the API reference.
 *
 * @example
 * const route = routes("Agents");
 * const me = route({ method: "get", path: "/agents/me", summary: "The agent this API token belongs to", responses: { 200: json(AgentSchema, "The agent") } });
 * const read = route({ method: "get", path: "/agents/{id}", summary: "One agent", request: { params: IdParams }, responses: { 200: json(AgentSchema, "The agent") }, errors: [404] });
 */
export function routes(tag: string) {
  const tags = [tag];
  return function route<P extends string, R extends Config<P>>(config: R) {
    const { errors: statuses = [], ...rest } = config;
    const failures = Object.fromEntries(statuses.map((status) => [status, errors[status]])) as {
      [S in NonNullable<R["errors"]>[number]]: (typeof errors)[S];
    };
    return createRoute({ tags, ...rest, responses: { 401: errors[401], ...failures, ...rest.responses } });
  };
}

/**
 * A required JSON request body, for a route's `request`.
 *
 * @example
 * request: { params: IdParams, body: jsonBody(z.object({ name: z.string() }).strict()) }
 */
export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true, content: { "application/json": { schema } } };
}
