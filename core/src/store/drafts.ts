/**
 * Drafts: an agent's unsent reply in a conversation, kept across navigation (one per agent and
 * conversation) until they send, write a note, or empty the box.
 */
import { and, eq } from "drizzle-orm";
import type { Queryable, Store } from "./index.ts";
import { conversationDrafts } from "./schema.ts";

/** The longest draft kept, like the longest reply the composer takes. */
export const MAX_DRAFT_LENGTH = 100_000;

/**
 * The agent's draft in a conversation ("" when there is none).
 *
 * @example
 * const text = await findDraft(store.db, agent.id, 42);
 */
export async function findDraft(db: Queryable, agentId: number, conversationId: number): Promise<string> {
  const [row] = await db
    .select({ body: conversationDrafts.body })
    .from(conversationDrafts)
    .where(and(eq(conversationDrafts.agentId, agentId), eq(conversationDrafts.conversationId, conversationId)));
  return row?.body ?? "";
}

/**
 * Keeps the agent's draft; a blank one removes it.
 *
 * @example
 * await saveDraft(store, agent.id, 42, "Hi Grace, about your order…", Date.now());
 */
export async function saveDraft(store: Store, agentId: number, conversationId: number, body: string, at: number): Promise<void> {
  if (body.trim() === "") return clearDraft(store, agentId, conversationId);
  await store.write((tx) =>
    tx
      .insert(conversationDrafts)
      .values({ agentId, conversationId, body, updatedAt: at })
      .onConflictDoUpdate({ target: [conversationDrafts.agentId, conversationDrafts.conversationId], set: { body, updatedAt: at } }),
  );
}

/**
 * Removes the agent's draft in a conversation (after they sent it).
 *
 * @example
 * await clearDraft(store, agent.id, 42);
 */
export async function clearDraft(store: Store, agentId: number, conversationId: number): Promise<void> {
  await store.write((tx) =>
    tx
      .delete(conversationDrafts)
      .where(and(eq(conversationDrafts.agentId, agentId), eq(conversationDrafts.conversationId, conversationId))),
  );
}
