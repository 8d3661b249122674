/**
 * The one rule for objects: a conversation is visible when its inbox is; a contact is visible to an
 * admin, or when they have a conversation in an inbox the agent can see; a merge, a suggestion or a
 * message is visible through the contacts and conversations it belongs to. A hidden object throws
 * SWB_ERR_NOT_FOUND exactly like one that does not exist, so nobody learns which ids exist
 * elsewhere. Changing an object needs it visible; merging needs both contacts visible.
 */
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { type Contact, findContact } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import type { Queryable } from "../store/index.ts";
import { contactMerges, contactSuggestions, contacts, conversationMoves, conversations, messages } from "../store/schema.ts";

type Suggestion = typeof contactSuggestions.$inferSelect;
type ContactMerge = typeof contactMerges.$inferSelect;
type ConversationMove = typeof conversationMoves.$inferSelect;

import { type Case as CaseRow, caseConversations, findCase } from "../cases/store.ts";
import type { Viewer } from "./viewer.ts";

const missing = (what: string, id: number, hint = "") => new SwitchboardError(ErrorCodes.NOT_FOUND, `${what} ${id} does not exist.${hint}`);

/**
 * A conversation (with its contact) the viewer may see; otherwise SWB_ERR_NOT_FOUND.
 *
 * @example
 * const { conversation, contact } = await visibleConversation(store.db, viewer, 42);
 */
export async function visibleConversation(
  db: Queryable,
  viewer: Pick<Viewer, "inboxes">,
  id: number,
): Promise<{ conversation: Conversation; contact: Contact }> {
  const conversation = Number.isSafeInteger(id) ? await findConversation(db, id) : undefined;
  const contact = conversation && viewer.inboxes.includes(conversation.inbox) ? await findContact(db, conversation.contactId) : undefined;
  if (!conversation || !contact) throw missing("Conversation", id, " List conversations with GET /api/v1/conversations.");
  return { conversation, contact };
}

/**
 * An SQL condition on `contacts.id` that keeps only the contacts the viewer may see (none for admins):
 * those with a conversation in a visible inbox, or who wrote in one (an email answer from another
 * address, attached to the conversation it answers).
 *
 * @example
 * const rows = await db.select().from(contacts).where(and(visibleContactsWhere(viewer), ...filters));
 */
export function visibleContactsWhere(viewer: Viewer, column: SQL | typeof contacts.id = contacts.id): SQL | undefined {
  if (viewer.admin) return undefined;
  if (viewer.inboxes.length === 0) return sql`0`;
  const inboxes = sql.join(
    viewer.inboxes.map((inbox) => sql`${inbox}`),
    sql`, `,
  );
  return sql`(EXISTS (SELECT 1 FROM ${conversations} WHERE ${conversations.contactId} = ${column} AND ${conversations.inbox} IN (${inboxes}))
    OR EXISTS (SELECT 1 FROM ${messages} INNER JOIN ${conversations} ON ${conversations.id} = ${messages.conversationId} WHERE ${messages.contactId} = ${column} AND ${conversations.inbox} IN (${inboxes})))`;
}

/** Whether the viewer may see contact `id` (which must exist for an admin to see it). */
export async function canSeeContact(db: Queryable, viewer: Viewer, id: number): Promise<boolean> {
  if (!Number.isSafeInteger(id)) return false;
  const where = visibleContactsWhere(viewer);
  const [row] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(where ? and(eq(contacts.id, id), where) : eq(contacts.id, id))
    .limit(1);
  return row !== undefined;
}

/**
 * A contact the viewer may see (and so may change); otherwise SWB_ERR_NOT_FOUND.
 *
 * @example
 * const contact = await visibleContact(store.db, viewer, 7);
 */
export async function visibleContact(db: Queryable, viewer: Viewer, id: number): Promise<Contact> {
  const contact = (await canSeeContact(db, viewer, id)) ? await findContact(db, id) : undefined;
  if (!contact) throw missing("Contact", id, " Search contacts with GET /api/v1/contacts?q=...");
  return contact;
}

/**
 * Throws SWB_ERR_FORBIDDEN unless the viewer is an admin. Check visibility first: a hidden object
 * answers 404 even for what only admins may do.
 *
 * @example
 * await visibleContact(db, viewer, id);
 * requireAdmin(viewer, "erase contacts");
 */
export function requireAdmin(viewer: Viewer, what: string): void {
  if (!viewer.admin) throw new SwitchboardError(ErrorCodes.FORBIDDEN, `Only admins may ${what}. Ask an admin.`);
}

/**
 * A merge suggestion whose two contacts the viewer may both see; otherwise SWB_ERR_NOT_FOUND.
 *
 * @example
 * const suggestion = await visibleSuggestion(store.db, viewer, 4);
 */
export async function visibleSuggestion(db: Queryable, viewer: Viewer, id: number): Promise<Suggestion> {
  const [row] = Number.isSafeInteger(id) ? await db.select().from(contactSuggestions).where(eq(contactSuggestions.id, id)) : [];
  const visible = row && (await canSeeContact(db, viewer, row.contactId)) && (await canSeeContact(db, viewer, row.otherContactId));
  if (!row || !visible) throw missing("Merge suggestion", id);
  return row;
}

/** Who holds a merge's survivor now: the survivor, or the contact it was merged into since (and so on). */
async function holderOf(db: Queryable, contactId: number): Promise<number> {
  let holder = contactId;
  for (let hop = 0; hop < 50; hop++) {
    const [later] = await db
      .select({ survivorId: contactMerges.survivorId })
      .from(contactMerges)
      .where(and(eq(contactMerges.mergedId, holder), isNull(contactMerges.undoneAt)))
      .limit(1);
    if (!later) return holder;
    holder = later.survivorId;
  }
  return holder;
}

/**
 * A contact merge the viewer may see: an admin sees every merge, an agent one whose surviving
 * contact (or whoever holds it now, after later merges) they may see; otherwise SWB_ERR_NOT_FOUND.
 *
 * @example
 * const merge = await visibleMerge(store.db, viewer, 9);
 */
export async function visibleMerge(db: Queryable, viewer: Viewer, id: number): Promise<ContactMerge> {
  const [row] = Number.isSafeInteger(id) ? await db.select().from(contactMerges).where(eq(contactMerges.id, id)) : [];
  const visible = row && (viewer.admin || (await canSeeContact(db, viewer, await holderOf(db, row.survivorId))));
  if (!row || !visible) throw missing("Contact merge", id, " List a contact's merges with GET /api/v1/contacts/{id}/merges.");
  return row;
}

/**
 * A conversation merge or split the viewer may see: they must see both of its conversations (the
 * source always exists; a split's new conversation may be gone after its undo). Otherwise SWB_ERR_NOT_FOUND.
 *
 * @example
 * const move = await visibleMove(store.db, viewer, 3);
 */
export async function visibleMove(db: Queryable, viewer: Viewer, id: number): Promise<ConversationMove> {
  const [row] = Number.isSafeInteger(id) ? await db.select().from(conversationMoves).where(eq(conversationMoves.id, id)) : [];
  const sees = async (conversationId: number) => {
    const conversation = await findConversation(db, conversationId);
    return conversation === undefined || viewer.inboxes.includes(conversation.inbox);
  };
  const source = row ? await findConversation(db, row.sourceId) : undefined;
  if (!row || !source || !viewer.inboxes.includes(source.inbox) || !(await sees(row.targetId)))
    throw missing("Conversation merge or split", id, " Merges and splits are listed on each conversation's timeline.");
  return row;
}

/**
 * A case the viewer may see, with the conversations of it they may see (at least one; otherwise
 * SWB_ERR_NOT_FOUND): a case spans inboxes, and each conversation keeps its own visibility.
 *
 * @example
 * const { found, conversations } = await visibleCase(store.db, viewer, 12);
 */
export async function visibleCase(
  db: Queryable,
  viewer: Pick<Viewer, "inboxes">,
  id: number,
): Promise<{ found: CaseRow; conversations: Conversation[] }> {
  const found = Number.isSafeInteger(id) ? await findCase(db, id) : undefined;
  const members = found ? (await caseConversations(db, found.id)).filter((c) => viewer.inboxes.includes(c.inbox)) : [];
  if (!found || members.length === 0) throw missing("Case", id, " A conversation's case_id names its case.");
  return { found, conversations: members };
}
