/**
 * Notifying mentioned agents: a note's mentions are kept on the message (`metadata.mentions`, agent
 * ids, the writer left out) and each of them gets an "agent.mentioned" event. The inbox marks a
 * conversation for an agent while a note mentioning them is newer than their read mark.
 */
import { sql } from "drizzle-orm";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Services } from "../services.ts";
import type { Queryable, Tx } from "../store/index.ts";
import type { Message } from "../store/messages.ts";
import { agents } from "../store/schema.ts";
import { mentionedAgents } from "./find.ts";

/**
 * The agent ids a note by `authorId` mentions, the author left out, for its `metadata.mentions`.
 *
 * @example
 * const mentions = await mentionsIn(store.db, "@Alex Rivera can you check?", 1); // [3]
 */
export async function mentionsIn(db: Queryable, text: string, authorId: number | null): Promise<number[]> {
  if (!text.includes("@")) return [];
  const found = mentionedAgents(text, await db.select({ id: agents.id, name: agents.name }).from(agents));
  return found.filter((id) => id !== authorId);
}

/**
 * Records "agent.mentioned" for each agent a note mentions (from `mentionsIn`), in the transaction
 * that stores the note; the caller announces them after the commit.
 *
 * @example
 * await switchboard.outbound.reply(input, { within: (tx, note) => recordMentions(switchboard, tx, note, [3]) });
 */
export async function recordMentions(sb: Pick<Services, "bus">, tx: Tx, note: Message, mentioned: number[]): Promise<SwitchboardEvent[]> {
  const events: SwitchboardEvent[] = [];
  for (const agentId of mentioned)
    events.push(
      await sb.bus.record(tx, "agent.mentioned", {
        agentId,
        conversationId: note.conversationId,
        messageId: note.id,
        byAgentId: note.authorAgentId,
      }),
    );
  return events;
}

/**
 * Of some conversations, those with a note mentioning `agentId` that they have not read yet.
 *
 * @example
 * const marked = await unreadMentions(store.db, 3, [10, 11, 12]); // Set { 11 }
 */
export async function unreadMentions(db: Queryable, agentId: number, conversationIds: number[]): Promise<Set<number>> {
  if (conversationIds.length === 0) return new Set();
  const rows = await db.all<{ id: number }>(sql`
    SELECT DISTINCT m.conversation_id AS id
    FROM messages m
    JOIN json_each(m.metadata, '$.mentions') j ON j.value = ${agentId}
    LEFT JOIN conversation_reads r ON r.agent_id = ${agentId} AND r.conversation_id = m.conversation_id
    WHERE m.conversation_id IN (SELECT value FROM json_each(${JSON.stringify(conversationIds)}))
      AND m.direction = 'note'
      AND m.id > coalesce(r.last_read_message_id, 0)`);
  return new Set(rows.map((r) => r.id));
}
