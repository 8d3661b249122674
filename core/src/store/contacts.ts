/**
 * Contacts and their identities: lookups by channel identity, creation, and filling in facts a
 * contact did not have yet (never overwriting the ones it has).
 */
import { and, eq } from "drizzle-orm";
import type { Queryable, Tx } from "./index.ts";
import { contacts, identities } from "./schema.ts";

export type Contact = typeof contacts.$inferSelect;
export type Identity = typeof identities.$inferSelect;

/** The contact who owns identity (channel, externalId), if any. */
export async function findContactByIdentity(db: Queryable, channel: string, externalId: string): Promise<Contact | undefined> {
  const [row] = await db
    .select({ contact: contacts })
    .from(identities)
    .innerJoin(contacts, eq(contacts.id, identities.contactId))
    .where(and(eq(identities.channel, channel), eq(identities.externalId, externalId)))
    .limit(1);
  return row?.contact;
}

export async function findContact(db: Queryable, id: number): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
  return row;
}

export async function identitiesOf(db: Queryable, contactId: number): Promise<Identity[]> {
  return db.select().from(identities).where(eq(identities.contactId, contactId)).orderBy(identities.id);
}

/** Adds identity (channel, externalId) to a contact unless someone already holds it. Returns whether it was added. */
export async function addIdentity(tx: Tx, contactId: number, identity: { channel: string; externalId: string; verified: boolean; source: string }): Promise<boolean> {
  const inserted = await tx
    .insert(identities)
    .values({ contactId, ...identity })
    .onConflictDoNothing({ target: [identities.channel, identities.externalId] })
    .returning({ id: identities.id });
  return inserted.length > 0;
}

/** Sets name, email and phone where the contact has none yet. */
export async function fillContactGaps(tx: Tx, contact: Contact, facts: { name?: string; email?: string; phone?: string }, now: number): Promise<void> {
  const patch: Partial<Contact> = {};
  if (!contact.name && facts.name) patch.name = facts.name;
  if (!contact.email && facts.email) patch.email = facts.email;
  if (!contact.phone && facts.phone) patch.phone = facts.phone;
  if (Object.keys(patch).length > 0) await tx.update(contacts).set({ ...patch, updatedAt: now }).where(eq(contacts.id, contact.id));
}
