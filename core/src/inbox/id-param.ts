/**
 * The one id parser of the inbox's routes: a path parameter that is no id (core/src/http/ids.ts)
 * is a 404 with the reason, like an id that names nothing, so a page never fails with a 500 and
 * "0x10" never opens conversation 16.
 */
import type { Context, Env } from "hono";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { ID_RULE, parseId } from "../http/ids.ts";

/**
 * The numeric id in the path parameter `name` (default "id"); anything else throws NOT_FOUND.
 *
 * @example
 * app.get("/inbox/attachments/:id", async (c) => { const id = idParam(c); ... });
 */
export function idParam<E extends Env>(c: Context<E>, name = "id"): number {
  const raw: string | undefined = c.req.param(name);
  const id = parseId(raw);
  if (id === undefined) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Nothing is here: "${raw ?? ""}" is not an id (${ID_RULE}).`);
  return id;
}
