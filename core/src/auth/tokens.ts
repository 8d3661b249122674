/**
 * API tokens for the REST API. A token is "swb_" + 32 random bytes in base64url; only its SHA-256
 * (hex) is stored, so a leaked database leaks no usable token. The token is shown once, at creation.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Store } from "../store/index.ts";
import { agents, apiTokens } from "../store/schema.ts";
import type { Agent } from "./agents.ts";
import { randomToken, sha256Hex } from "./secrets.ts";

export const TOKEN_PREFIX = "swb_";
/** `last_used_at` is written at most this often per token, to keep reads from queueing behind writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Creates an API token for an agent. Returns the clear token: print it once, it cannot be shown again.
 *
 * @example
 * const { id, token } = await createApiToken(store, agent.id, "zapier");
 * console.log(`Authorization: Bearer ${token}`);
 */
export async function createApiToken(store: Store, agentId: number, name: string): Promise<{ id: number; token: string }> {
  const token = randomToken(TOKEN_PREFIX);
  const tokenHash = await sha256Hex(token);
  const [row] = await store.write((tx) => tx.insert(apiTokens).values({ agentId, name, tokenHash }).returning({ id: apiTokens.id }));
  return { id: row!.id, token };
}

/**
 * The agent a token belongs to, or undefined for an unknown or malformed token or a deactivated
 * agent (their tokens work again once reactivated). Records when the
 * token was last used (to the minute).
 *
 * @example
 * const agent = await authenticateToken(store, header.slice("Bearer ".length));
 * if (!agent) throw new SwitchboardError(ErrorCodes.UNAUTHORIZED, "Invalid API token.");
 */
export async function authenticateToken(store: Store, token: string): Promise<Agent | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const [row] = await store.db
    .select({ agent: agents, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(agents, eq(agents.id, apiTokens.agentId))
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(agents.deactivatedAt)));
  if (!row) return undefined;
  const now = Date.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
    await store.write((tx) => tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)));
  }
  return row.agent;
}
