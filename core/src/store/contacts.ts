/**
 * Contacts and their identities: lookups by channel identity, creation, and taking in facts a
 * contact did not have yet (never overwriting the ones it has: a differing value is kept as an
 * alternative).
 */
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Queryable, Tx } from "./index.ts";
import { reusableQuery } from "./reusable.ts";
import { contacts, identities } from "./schema.ts";

export type Contact = typeof contacts.$inferSelect;
export type Identity = typeof identities.$inferSelect;

/**
 * The contact who owns identity (channel, scope, externalId), if any. Its columns flat, not nested
 * under a key: reusableQuery plans flat results once and maps nested ones through drizzle on every call.
 */
const byIdentity = reusableQuery((db) =>
  db
    .select(getTableColumns(contacts))
    .from(identities)
    .innerJoin(contacts, eq(contacts.id, identities.contactId))
    .where(
      and(
        eq(identities.channel, sql.placeholder("channel")),
        eq(identities.scope, sql.placeholder("scope")),
        eq(identities.externalId, sql.placeholder("externalId")),
      ),
    )
    .limit(1),
);
const byId = reusableQuery((db) =>
  db
    .select()
    .from(contacts)
    .where(eq(contacts.id, sql.placeholder("id")))
    .limit(1),
);

/**
 * The contact who holds `externalId` on `channel` in `scope`: `identityScopeOf(inbox)` for a channel's
 * contact id (contacts/identity-scope.ts); the default, the global scope, fits verified emails and phones.
 *
 * @example
 * await findContactByIdentity(db, inbox.channel, message.contact.externalId, identityScopeOf(inbox));
 * await findContactByIdentity(db, "email", "ann@example.com");
 */
export async function findContactByIdentity(db: Queryable, channel: string, externalId: string, scope = ""): Promise<Contact | undefined> {
  const [row] = await byIdentity(db, { channel, scope, externalId });
  return row;
}

export async function findContact(db: Queryable, id: number): Promise<Contact | undefined> {
  const [row] = await byId(db, { id });
  return row;
}

export async function identitiesOf(db: Queryable, contactId: number): Promise<Identity[]> {
  return db.select().from(identities).where(eq(identities.contactId, contactId)).orderBy(identities.id);
}

const insertIdentity = reusableQuery((db) =>
  db
    .insert(identities)
    .values({
      contactId: sql.placeholder("contactId"),
      channel: sql.placeholder("channel"),
      scope: sql.placeholder("scope"),
      externalId: sql.placeholder("externalId"),
      verified: sql.placeholder("verified"),
      source: sql.placeholder("source"),
    })
    .onConflictDoNothing({ target: [identities.channel, identities.scope, identities.externalId] })
    .returning({ id: identities.id }),
);

/** Adds identity (channel, scope, externalId) to a contact unless someone already holds it. Returns whether it was added. */
export async function addIdentity(
  tx: Tx,
  contactId: number,
  identity: { channel: string; scope: string; externalId: string; verified: boolean; source: string },
): Promise<boolean> {
  const inserted = await insertIdentity(tx, { contactId, ...identity });
  return inserted.length > 0;
}

/** At most this many alternative values are kept per field. */
export const MAX_ALTERNATIVES = 10;

/** Facts about a contact that conflict with the ones kept: `attributes.alternatives.<field>`. */
export type Alternatives = Record<string, unknown[]>;

const same = (field: string, a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" && field === "name"
    ? a.trim().toLowerCase() === b.trim().toLowerCase()
    : JSON.stringify(a) === JSON.stringify(b);

/**
 * `attributes` with `value` added to `alternatives.<field>` (unless it is the kept value or already
 * there), or undefined when nothing changes.
 *
 * @example
 * withAlternative({ }, "name", "Ann Lee", "Ann") // { alternatives: { name: ["Ann"] } }
 */
export function withAlternative(
  attributes: Record<string, unknown>,
  field: string,
  kept: unknown,
  value: unknown,
): Record<string, unknown> | undefined {
  if (value === null || value === undefined || same(field, kept, value)) return undefined;
  const alternatives = (attributes.alternatives ?? {}) as Alternatives;
  const list = alternatives[field] ?? [];
  if (list.some((v) => same(field, v, value)) || list.length >= MAX_ALTERNATIVES) return undefined;
  return { ...attributes, alternatives: { ...alternatives, [field]: [...list, value] } };
}

/**
 * Takes in what a message says about its sender: name, email and phone fill the contact's gaps;
 * a value that differs from the one kept is added to `attributes.alternatives` and never
 * overwrites it. Returns the fields that were filled.
 *
 * @example
 * await absorbContactFacts(tx, contact, { name: "Ann Lee" }, now); // contact "Ann" keeps its name; "Ann Lee" is an alternative
 */
export async function absorbContactFacts(
  tx: Tx,
  contact: Contact,
  facts: { name?: string; email?: string; phone?: string },
  now: number,
): Promise<string[]> {
  const patch: Partial<Contact> = {};
  let attributes = contact.attributes;
  for (const field of ["name", "email", "phone"] as const) {
    const value = facts[field];
    if (!value) continue;
    if (!contact[field]) patch[field] = value;
    else attributes = withAlternative(attributes, field, contact[field], value) ?? attributes;
  }
  if (attributes !== contact.attributes) patch.attributes = attributes;
  if (Object.keys(patch).length > 0)
    await tx
      .update(contacts)
      .set({ ...patch, updatedAt: now })
      .where(eq(contacts.id, contact.id));
  return (["name", "email", "phone"] as const).filter((field) => field in patch);
}
