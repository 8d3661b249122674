/**
 * The raw rows reports measure, read with SQL straight from the store: conversations (merged-away
 * ones left out, each with its case), their messages classified (customer, agent, automated, survey
 * answer, status change), answered surveys and decided SLA clocks. One batch covers a range of
 * contact ids, so a rebuild reads the store in a few large queries and an update reads one contact.
 */
import type { Queryable } from "../store/index.ts";
import { runSqlRows } from "../store/reusable.ts";
import type { ContactRows, MessageRow } from "./measure.ts";

// The texts are written once and run with runSqlRows: drizzle built each anew on every refresh,
// four times per contact (issue 22). Rows come back by position, in the order of their columns.
const CONVERSATIONS = `
  SELECT id, COALESCE(case_id, id), contact_id, inbox, channel, team_id
  FROM conversations
  WHERE contact_id >= ? AND contact_id < ? AND merged_into_id IS NULL
  ORDER BY id`;
// The conversation id range (a part of a long history, see loadContacts) is a filter only (`+c.id`):
// as an index range it led SQLite through the messages of every conversation between a contact's
// first and last, other contacts' included (2.5 ms more for a refresh of 20 messages at 2,000 contacts).
export const MESSAGES_OF_CONTACTS = `
  SELECT m.id, m.conversation_id, m.direction, m.author_agent_id, m.created_at,
    (COALESCE(json_extract(m.metadata, '$.autoReply'), 0) = 1 OR COALESCE(json_extract(m.metadata, '$.bot'), 0) = 1),
    json_extract(m.metadata, '$.survey') IS NOT NULL,
    json_extract(m.metadata, '$.activity'),
    json_extract(m.metadata, '$.from'),
    json_extract(m.metadata, '$.to'),
    c.contact_id
  FROM conversations c JOIN messages m ON m.conversation_id = c.id
  WHERE c.contact_id >= ? AND c.contact_id < ? AND +c.id >= ? AND +c.id <= ? AND c.merged_into_id IS NULL
  ORDER BY m.created_at, m.id`;
const SURVEYS = `
  SELECT s.conversation_id, s.score, s.ces, s.nps, s.answered_at, c.contact_id
  FROM conversations c JOIN csat_responses s ON s.conversation_id = c.id
  WHERE c.contact_id >= ? AND c.contact_id < ? AND s.answered_at IS NOT NULL`;
const SLA = `
  SELECT k.conversation_id, k.target, k.outcome, k.started_at, c.contact_id
  FROM conversations c JOIN sla_clocks k ON k.conversation_id = c.id
  WHERE c.contact_id >= ? AND c.contact_id < ? AND k.outcome IN ('hit', 'miss')`;

/**
 * With a `pause`, the messages of a history longer than this many conversations are read this many
 * conversations at a time, with the pause between reads: each read is one native call that holds
 * the thread, 20 ms for 10,000 messages at once (issue 22).
 */
const CONVERSATIONS_PER_READ = 100;
const byTime = (a: MessageRow, b: MessageRow) => a.createdAt - b.createdAt || a.id - b.id;

/**
 * The raw rows of contacts with ids in [fromId, toId), grouped by contact. With `pause`, a long
 * history's messages are read in parts, awaiting `pause` between them (a Slicer's, which gives the
 * event loop a turn when a slice is spent); `db` then had better be one read snapshot (store.read),
 * so that the parts agree.
 *
 * @example
 * const byContact = await loadContacts(db, 42, 43); // contact #42 only
 * const one = await store.read((db) => loadContacts(db, 42, 43, () => slicer.pause()));
 */
export async function loadContacts(
  db: Queryable,
  fromId: number,
  toId: number,
  pause?: () => Promise<void>,
): Promise<Map<number, ContactRows>> {
  const range = [fromId, toId];
  const out = new Map<number, ContactRows>();
  const of = (contactId: unknown) => {
    let rows = out.get(contactId as number);
    if (!rows) {
      rows = { conversations: [], messages: [], surveys: [], sla: [] };
      out.set(contactId as number, rows);
    }
    return rows;
  };
  /** In id order, as read: a part's messages are those of an id range. */
  const conversationIds: number[] = [];
  for (const [id, caseId, contactId, inbox, channel, teamId] of await runSqlRows(db, CONVERSATIONS, range)) {
    conversationIds.push(id as number);
    of(contactId).conversations.push({
      id: id as number,
      caseId: caseId as number,
      contactId: contactId as number,
      inbox: inbox as string,
      channel: channel as string,
      teamId: teamId as number | null,
    });
  }
  const perRead = pause && conversationIds.length > CONVERSATIONS_PER_READ ? CONVERSATIONS_PER_READ : conversationIds.length;
  for (let i = 0; i < conversationIds.length; i += perRead) {
    const ids = [conversationIds[i]!, conversationIds[Math.min(i + perRead, conversationIds.length) - 1]!];
    if (i > 0) await pause?.();
    for (const [
      id,
      conversationId,
      direction,
      authorAgentId,
      createdAt,
      automated,
      survey,
      activity,
      from,
      to,
      contactId,
    ] of await runSqlRows(db, MESSAGES_OF_CONTACTS, [...range, ...ids]))
      of(contactId).messages.push({
        id: id as number,
        conversationId: conversationId as number,
        direction: direction as MessageRow["direction"],
        authorAgentId: authorAgentId as number | null,
        createdAt: createdAt as number,
        automated: Boolean(automated),
        survey: Boolean(survey),
        activity: activity as string | null,
        from: from as string | null,
        to: to as string | null,
      });
  }
  // Read in parts, each in time order: the whole in time order, as measure.ts takes it.
  if (perRead < conversationIds.length) {
    await pause?.();
    for (const rows of out.values()) rows.messages.sort(byTime);
  }
  await pause?.();
  for (const [conversationId, score, ces, nps, answeredAt, contactId] of await runSqlRows(db, SURVEYS, range))
    of(contactId).surveys.push({
      conversationId: conversationId as number,
      score: score as number | null,
      ces: ces as number | null,
      nps: nps as number | null,
      answeredAt: answeredAt as number,
    });
  await pause?.();
  for (const [conversationId, target, outcome, startedAt, contactId] of await runSqlRows(db, SLA, range))
    of(contactId).sla.push({
      conversationId: conversationId as number,
      target: target as string,
      outcome: outcome as "hit" | "miss",
      startedAt: startedAt as number,
    });
  return out;
}
