/**
 * The record of what assistants offered and what became of it (table assistant_suggestions):
 * each offered text is stored as "shown"; when the agent sends a reply, the text they took is
 * "used" (sent as offered) or "edited" (changed first), and what else was shown to them in that
 * conversation and still undecided becomes "ignored". The reports read the acceptance rate here.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Services } from "../services.ts";
import { type AssistantSuggestionKind, assistantSuggestions } from "../store/schema.ts";

export interface Offered {
  plugin: string;
  kind: AssistantSuggestionKind;
  text: string;
}

/** The agent's suggestions in a conversation that are still undecided (shown). */
function undecidedOf(sb: Pick<Services, "store">, to: { conversationId: number; agentId: number }) {
  return sb.store.db
    .select()
    .from(assistantSuggestions)
    .where(
      and(
        eq(assistantSuggestions.conversationId, to.conversationId),
        eq(assistantSuggestions.agentId, to.agentId),
        eq(assistantSuggestions.outcome, "shown"),
      ),
    );
}

/**
 * Stores offered texts as shown; returns their ids, in order.
 *
 * @example
 * const [id] = await recordShown(sb, { conversationId: 7, agentId: 2 }, [{ plugin: "assistant-openai", kind: "draft", text }]);
 */
export async function recordShown(
  sb: Pick<Services, "store" | "clock">,
  to: { conversationId: number; agentId: number },
  offered: Offered[],
): Promise<number[]> {
  if (offered.length === 0) return [];
  // Opening the conversation again shows the same suggestions: they keep their undecided record.
  const undecided = await undecidedOf(sb, to);
  const key = (o: Offered) => `${o.plugin}\u0000${o.kind}\u0000${o.text}`;
  const known = new Map(undecided.map((row) => [key(row), row.id]));
  const fresh = offered.filter((o) => !known.has(key(o)));
  const createdAt = sb.clock.now();
  if (fresh.length) {
    const rows = await sb.store.write((tx) =>
      tx
        .insert(assistantSuggestions)
        .values(fresh.map((o) => ({ ...o, conversationId: to.conversationId, agentId: to.agentId, createdAt })))
        .returning({ id: assistantSuggestions.id }),
    );
    fresh.forEach((o, i) => known.set(key(o), rows[i]!.id));
  }
  return offered.map((o) => known.get(key(o))!);
}

/** One suggestion of this agent in this conversation, or undefined. */
export async function findOffered(sb: Pick<Services, "store">, id: number, to: { conversationId: number; agentId: number }) {
  const [row] = await sb.store.db
    .select()
    .from(assistantSuggestions)
    .where(
      and(
        eq(assistantSuggestions.id, id),
        eq(assistantSuggestions.conversationId, to.conversationId),
        eq(assistantSuggestions.agentId, to.agentId),
      ),
    );
  return row;
}

/** Whether two texts are the same but for spacing. */
export const same = (a: string, b: string) => a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();

/**
 * Settles the agent's undecided suggestions in a conversation when they send `messageId`: each of
 * `used` (an assistant text the composer held, with the text it became: the reply, or for a
 * translation what was sent) is "used" when unchanged (spacing aside) or "edited"; the rest of what
 * was shown is "ignored". Returns the outcomes of `used` that were still undecided.
 *
 * @example
 * const taken = await settleOffered(sb, { conversationId: 7, agentId: 2 }, { messageId: 40, used: [{ id: 12, text }] });
 */
export async function settleOffered(
  sb: Pick<Services, "store" | "clock">,
  to: { conversationId: number; agentId: number },
  sent: { messageId: number; used: { id: number; text: string }[] },
): Promise<{ plugin: string; kind: string; outcome: "used" | "edited" }[]> {
  const open = await undecidedOf(sb, to);
  const decidedAt = sb.clock.now();
  const taken = sent.used.flatMap((u) => {
    const row = open.find((r) => r.id === u.id);
    return row ? [{ row, outcome: same(row.text, u.text) ? ("used" as const) : ("edited" as const) }] : [];
  });
  const ignored = open.filter((r) => !taken.some((t) => t.row === r)).map((r) => r.id);
  await sb.store.write(async (tx) => {
    for (const t of taken)
      await tx
        .update(assistantSuggestions)
        .set({ outcome: t.outcome, messageId: sent.messageId, decidedAt })
        .where(eq(assistantSuggestions.id, t.row.id));
    if (ignored.length)
      await tx
        .update(assistantSuggestions)
        .set({ outcome: "ignored", messageId: sent.messageId, decidedAt })
        .where(inArray(assistantSuggestions.id, ignored));
  });
  return taken.map((t) => ({ plugin: t.row.plugin, kind: t.row.kind, outcome: t.outcome }));
}
