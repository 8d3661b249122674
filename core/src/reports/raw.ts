/**
 * The raw rows reports measure, read with SQL straight from the store: conversations (merged-away
 * ones left out, each with its case), their messages classified (customer, agent, automated, survey
 * answer, status change), answered surveys and decided SLA clocks. One batch covers a range of
 * contact ids, so a rebuild reads the store in a few large queries and an update reads one contact.
 */
import { sql } from "drizzle-orm";
import type { Queryable } from "../store/index.ts";
import type { ContactRows, ConversationRow, MessageRow, SlaRow, SurveyRow } from "./measure.ts";

type Rows<T> = T[];

/**
 * The raw rows of contacts with ids in [fromId, toId), grouped by contact.
 *
 * @example
 * const byContact = await loadContacts(db, 42, 43); // contact #42 only
 */
export async function loadContacts(db: Queryable, fromId: number, toId: number): Promise<Map<number, ContactRows>> {
  const conversations = (await db.all(sql`
    SELECT id, COALESCE(case_id, id) AS caseId, contact_id AS contactId, inbox, channel, team_id AS teamId
    FROM conversations
    WHERE contact_id >= ${fromId} AND contact_id < ${toId} AND merged_into_id IS NULL
    ORDER BY id`)) as Rows<ConversationRow>;
  const messages = (await db.all(sql`
    SELECT m.id, m.conversation_id AS conversationId, m.direction, m.author_agent_id AS authorAgentId, m.created_at AS createdAt,
      (COALESCE(json_extract(m.metadata, '$.autoReply'), 0) = 1 OR COALESCE(json_extract(m.metadata, '$.bot'), 0) = 1) AS automated,
      json_extract(m.metadata, '$.survey') IS NOT NULL AS survey,
      json_extract(m.metadata, '$.activity') AS activity,
      json_extract(m.metadata, '$.from') AS "from",
      json_extract(m.metadata, '$.to') AS "to",
      c.contact_id AS contactId
    FROM conversations c JOIN messages m ON m.conversation_id = c.id
    WHERE c.contact_id >= ${fromId} AND c.contact_id < ${toId} AND c.merged_into_id IS NULL
    ORDER BY m.created_at, m.id`)) as Rows<
    Omit<MessageRow, "automated" | "survey"> & { contactId: number; automated: number; survey: number }
  >;
  const surveys = (await db.all(sql`
    SELECT s.conversation_id AS conversationId, s.score, s.ces, s.nps, s.answered_at AS answeredAt, c.contact_id AS contactId
    FROM conversations c JOIN csat_responses s ON s.conversation_id = c.id
    WHERE c.contact_id >= ${fromId} AND c.contact_id < ${toId} AND s.answered_at IS NOT NULL`)) as Rows<SurveyRow & { contactId: number }>;
  const sla = (await db.all(sql`
    SELECT k.conversation_id AS conversationId, k.target, k.outcome, k.started_at AS startedAt, c.contact_id AS contactId
    FROM conversations c JOIN sla_clocks k ON k.conversation_id = c.id
    WHERE c.contact_id >= ${fromId} AND c.contact_id < ${toId} AND k.outcome IN ('hit', 'miss')`)) as Rows<SlaRow & { contactId: number }>;

  const out = new Map<number, ContactRows>();
  const of = (contactId: number) => {
    let rows = out.get(contactId);
    if (!rows) {
      rows = { conversations: [], messages: [], surveys: [], sla: [] };
      out.set(contactId, rows);
    }
    return rows;
  };
  for (const c of conversations) of(c.contactId).conversations.push(c);
  for (const m of messages) of(m.contactId).messages.push({ ...m, automated: Boolean(m.automated), survey: Boolean(m.survey) });
  for (const s of surveys) of(s.contactId).surveys.push(s);
  for (const k of sla) of(k.contactId).sla.push(k);
  return out;
}
