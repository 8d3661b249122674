/**
 * Contact search for the inbox's search box: names, emails and phones (contacts_fts, every word a
 * prefix), and a phone typed without its spaces or dashes ("+491701234567" finds "+49 170 1234567").
 * Only contacts the viewer may see, each with their newest conversation in a visible inbox.
 */
import { and, desc, inArray, or, type SQL, sql } from "drizzle-orm";
import { type Viewer, visibleContactsWhere } from "../access/index.ts";
import { ftsQuery } from "../store/fts.ts";
import type { Queryable } from "../store/index.ts";
import { contacts, conversations } from "../store/schema.ts";

export interface ContactHit {
  id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** The newest conversation with them in an inbox the viewer may see. */
  conversationId: number | null;
}

/** At least this many digits make a search also match phones by their digits alone. */
const PHONE_DIGITS = 5;

/**
 * The contacts matching a search box input, newest first.
 *
 * @example
 * const hits = await searchContacts(store.db, viewer, "grace@example.com", 20);
 */
export async function searchContacts(db: Queryable, viewer: Viewer, input: string, limit: number): Promise<ContactHit[]> {
  const match = ftsQuery(input);
  if (!match || viewer.inboxes.length === 0) return [];
  const matches: SQL[] = [sql`${contacts.id} IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ${match})`];
  const digits = input.replace(/\D/g, "");
  if (digits.length >= PHONE_DIGITS && /^[\d\s+().-]+$/.test(input.trim()))
    matches.push(
      sql`replace(replace(replace(replace(replace(${contacts.phone}, ' ', ''), '-', ''), '+', ''), '(', ''), ')', '') LIKE ${`%${digits}%`}`,
    );
  const found = await db
    .select({ id: contacts.id, name: contacts.name, email: contacts.email, phone: contacts.phone })
    .from(contacts)
    .where(and(visibleContactsWhere(viewer), or(...matches)))
    .orderBy(desc(contacts.id))
    .limit(limit);
  if (found.length === 0) return [];
  const latest = await db
    .select({ contactId: conversations.contactId, id: sql<number>`max(${conversations.id})` })
    .from(conversations)
    .where(
      and(
        inArray(
          conversations.contactId,
          found.map((c) => c.id),
        ),
        inArray(conversations.inbox, viewer.inboxes),
      ),
    )
    .groupBy(conversations.contactId);
  const byContact = new Map(latest.map((l) => [l.contactId, l.id]));
  return found.map((c) => ({ ...c, conversationId: byContact.get(c.id) ?? null }));
}
