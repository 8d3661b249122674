/**
 * Bearer-token authentication for /api/v1: `Authorization: Bearer swb_...`. The token's agent is put
 * on the context as `agent`, and the inboxes they may see as `visible`; a missing or unknown token is a 401 that says how to get one.
 */
import type { MiddlewareHandler } from "hono";
import { viewerFor } from "../../access/index.ts";
import { authenticateToken } from "../../auth/tokens.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Store } from "../../store/index.ts";
import type { ApiEnv } from "./app.ts";

const HOW_TO = "Create a token with `switchboard create-token --agent <email>` and send it as `Authorization: Bearer swb_...`.";

/**
 * The middleware that authenticates every API request.
 *
 * @example
 * app.use("*", bearerAuth(store));
 */
export function bearerAuth(store: Store, inboxNames: () => string[]): MiddlewareHandler<ApiEnv> {
  return async function bearerAuth(c, next) {
    const header = c.req.header("authorization");
    if (!header) throw new SwitchboardError(ErrorCodes.UNAUTHORIZED, `This endpoint needs an API token. ${HOW_TO}`);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new SwitchboardError(ErrorCodes.UNAUTHORIZED, `The Authorization header must be "Bearer <token>". ${HOW_TO}`);
    const agent = await authenticateToken(store, match[1]!);
    if (!agent) throw new SwitchboardError(ErrorCodes.UNAUTHORIZED, `The API token is not valid (unknown or revoked). ${HOW_TO}`);
    c.set("agent", agent);
    c.set("viewer", await viewerFor(store.db, agent, inboxNames()));
    await next();
  };
}
