/**
 * Inbox sessions: a random token in an HttpOnly cookie, its SHA-256 in the `sessions` table, and a
 * CSRF token per session that every form and htmx request must carry. Sessions slide: each use
 * pushes the expiry out (written at most once a minute).
 */
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Store } from "../store/index.ts";
import { agents, sessions } from "../store/schema.ts";
import type { Agent } from "./agents.ts";
import { randomToken, sha256Hex } from "./secrets.ts";

export const SESSION_COOKIE = "swb_session";
const TOUCH_RESOLUTION_MS = 60_000;

export interface Session {
  id: number;
  agent: Agent;
  csrfToken: string;
  expiresAt: number;
}

/**
 * Opens a session for an agent. Returns the cookie value: set it, it is never stored in clear.
 *
 * @example
 * const { token } = await createSession(store, clock, agent.id, 168 * 3_600_000);
 * setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", path: "/" });
 */
export async function createSession(
  store: Store,
  clock: Clock,
  agentId: number,
  ttlMs: number,
): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const now = clock.now();
  const tokenHash = await sha256Hex(token);
  await store.write(async (tx) => {
    await tx.delete(sessions).where(lt(sessions.expiresAt, now));
    await tx.insert(sessions).values({ tokenHash, agentId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt: now + ttlMs });
  });
  return { token, csrfToken };
}

/**
 * The live session a cookie value belongs to, with its agent; undefined when unknown or expired, or
 * when its agent has been deactivated.
 *
 * @example
 * const session = await findSession(store, clock, getCookie(c, SESSION_COOKIE), ttlMs);
 */
export async function findSession(store: Store, clock: Clock, token: string | undefined, ttlMs: number): Promise<Session | undefined> {
  if (!token) return undefined;
  const now = clock.now();
  const [row] = await store.db
    .select({ session: sessions, agent: agents })
    .from(sessions)
    .innerJoin(agents, eq(agents.id, sessions.agentId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), gt(sessions.expiresAt, now), isNull(agents.deactivatedAt)));
  if (!row) return undefined;
  let expiresAt = row.session.expiresAt;
  if (now - row.session.lastSeenAt >= TOUCH_RESOLUTION_MS) {
    expiresAt = now + ttlMs;
    await store.write((tx) => tx.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, row.session.id)));
  }
  return { id: row.session.id, agent: row.agent, csrfToken: row.session.csrfToken, expiresAt };
}

/** Ends a session (log out). */
export async function destroySession(store: Store, id: number): Promise<void> {
  await store.write((tx) => tx.delete(sessions).where(eq(sessions.id, id)));
}
