/**
 * The per-conversation limit of every rule: each firing is a row in `automation_fires`, counted and
 * written in one transaction, so a rule never fires more often than allowed, even under races.
 */
import { and, count, eq } from "drizzle-orm";
import type { Store } from "../store/index.ts";
import { automationFires } from "../store/schema.ts";

/**
 * Records that `rule` fires on a conversation, unless it already fired `max` times there.
 * Resolves to whether it may fire.
 *
 * @example
 * if (await claimFire(store, { conversationId: 7, rule: "acknowledgement", event: "message.created", max: 1, now })) await send();
 */
export async function claimFire(
  store: Store,
  input: { conversationId: number; rule: string; event: string; max: number; now: number },
): Promise<boolean> {
  return store.write(async (tx) => {
    const [row] = await tx
      .select({ n: count() })
      .from(automationFires)
      .where(and(eq(automationFires.conversationId, input.conversationId), eq(automationFires.rule, input.rule)));
    if ((row?.n ?? 0) >= input.max) return false;
    await tx
      .insert(automationFires)
      .values({ conversationId: input.conversationId, rule: input.rule, event: input.event, firedAt: input.now });
    return true;
  });
}

/**
 * How often `rule` fired on a conversation.
 *
 * @example
 * if ((await firesOf(store, 42, "faq.handover")) > 0) return; // a person took over
 */
export async function firesOf(store: Store, conversationId: number, rule: string): Promise<number> {
  const [row] = await store.db
    .select({ n: count() })
    .from(automationFires)
    .where(and(eq(automationFires.conversationId, conversationId), eq(automationFires.rule, rule)));
  return row?.n ?? 0;
}
