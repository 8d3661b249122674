/**
 * Identity resolution for the inbound pipeline. A message's sender is found by this channel's
 * identity, then by a *verified* email or phone (which is how one person writing from two
 * channels becomes one contact). What the sender gives without proof is stored as a claim
 * (identity_claims): it never joins contacts and never takes an email or phone away from whoever
 * verifies it later; merge suggestions read it instead.
 */
import { and, eq, sql } from "drizzle-orm";
import type { InboundMessage, InboxInfo } from "../plugins/types.ts";
import { addIdentity, type Contact, findContactByIdentity } from "../store/contacts.ts";
import type { Queryable, Tx } from "../store/index.ts";
import { reusableQueryPerCount } from "../store/reusable.ts";
import { contacts, identities, identityClaims } from "../store/schema.ts";
import { GLOBAL_SCOPE, identityScopeOf } from "./identity-scope.ts";

/** An identifier a contact just became known by, which may point to another contact. */
export interface Signal {
  /** "email", "phone" or "fact:<key>". */
  kind: string;
  value: string;
  verified: boolean;
  source: string;
  /** Another contact that holds the same email or phone as a verified identity: the same person by our own rule, to join. */
  heldBy?: number;
}

/**
 * The contact who wrote `message`: by this channel's identity in the inbox's scope, else (only when
 * the channel vouches for the sender) by a verified email, then a verified phone (both global).
 *
 * @example
 * const contact = await identifyByIdentity(store.db, { name: "mail", channel: "email" }, message);
 */
export async function identifyByIdentity(db: Queryable, inbox: InboxInfo, message: InboundMessage): Promise<Contact | undefined> {
  return (await identifySender(db, inbox, message))?.contact;
}

/**
 * As identifyByIdentity, and whether the contact was found by this channel's identity (which
 * recordIdentities then need not add again).
 *
 * @example
 * const sender = await identifySender(tx, inbox, message); // { contact, byChannel: true }
 */
export async function identifySender(
  db: Queryable,
  inbox: InboxInfo,
  message: InboundMessage,
): Promise<{ contact: Contact; byChannel: boolean } | undefined> {
  const byChannel = await findContactByIdentity(db, inbox.channel, message.contact.externalId, identityScopeOf(inbox));
  if (byChannel) return { contact: byChannel, byChannel: true };
  if (!message.contact.verified) return undefined;
  const byEmail = message.contact.email ? await findContactByIdentity(db, "email", message.contact.email, GLOBAL_SCOPE) : undefined;
  const found =
    byEmail ?? (message.contact.phone ? await findContactByIdentity(db, "phone", message.contact.phone, GLOBAL_SCOPE) : undefined);
  return found ? { contact: found, byChannel: false } : undefined;
}

/**
 * Records who wrote `message` on `contactId`: the channel identity (in the inbox's scope); a verified
 * email or phone as a global identity (unless another contact holds it); an unverified one as a claim. Returns the signals
 * worth checking for merge suggestions (identifiers new to this contact, or held by someone else).
 * `known.byChannel` (the contact was just found by this channel identity, in this transaction)
 * skips adding that identity again. `known.alsoClaims` (claims of the same source that need no
 * signal, such as the text's name and references) go into the same insert as an unverified
 * sender's claims, and are stored whatever the sender gave; a verified sender's are not stored here.
 *
 * @example
 * const signals = await recordIdentities(tx, contact.id, inbox, message, now);
 */
export async function recordIdentities(
  tx: Tx,
  contactId: number,
  inbox: InboxInfo,
  message: InboundMessage,
  now: number,
  known: { byChannel: boolean; alsoClaims?: readonly Claim[] } = { byChannel: false },
): Promise<Signal[]> {
  const verified = message.contact.verified ?? false;
  const source = `inbox:${inbox.name}`;
  const own = { channel: inbox.channel, scope: identityScopeOf(inbox), externalId: message.contact.externalId };
  const added = !known.byChannel && (await addIdentity(tx, contactId, { ...own, verified, source }));
  // A channel that now vouches for an id it did not vouch for before (or that an older version did not mark) verifies it.
  if (!added && verified) {
    await tx
      .update(identities)
      .set({ verified: true })
      .where(
        and(
          eq(identities.contactId, contactId),
          eq(identities.channel, own.channel),
          eq(identities.scope, own.scope),
          eq(identities.externalId, own.externalId),
          eq(identities.verified, false),
        ),
      );
  }
  if (message.contact.handle) await rememberHandle(tx, contactId, `${own.channel}:${own.externalId}`, message.contact.handle);
  const given = (["email", "phone"] as const).flatMap((kind) => (message.contact[kind] ? [{ kind, value: message.contact[kind] }] : []));
  if (!verified) return addClaims(tx, contactId, given, source, now, known.alsoClaims);
  const signals: Signal[] = [];
  for (const { kind, value } of given) {
    const signal = await recordVerified(tx, contactId, kind, value, source);
    if (signal) signals.push(signal);
  }
  return signals;
}

/** Keeps the name the person goes by on a channel (`attributes.handles["<channel>:<id>"]`), when it is new or changed. */
async function rememberHandle(tx: Tx, contactId: number, key: string, handle: string): Promise<void> {
  const [row] = await tx.select({ attributes: contacts.attributes }).from(contacts).where(eq(contacts.id, contactId));
  const handles = (row?.attributes.handles ?? {}) as Record<string, unknown>;
  if (!row || handles[key] === handle) return;
  await tx
    .update(contacts)
    .set({ attributes: { ...row.attributes, handles: { ...handles, [key]: handle } } })
    .where(eq(contacts.id, contactId));
}

/**
 * Adds a verified email or phone identity; a signal when it is new here or held by another contact
 * (with `heldBy` when that contact holds it verified too: the caller joins them, see joinVerified).
 *
 * @example
 * const signal = await recordVerified(tx, contact.id, "email", "maria@lopez.example", "verification:3");
 */
export async function recordVerified(
  tx: Tx,
  contactId: number,
  kind: "email" | "phone",
  value: string,
  source: string,
): Promise<Signal | undefined> {
  if (await addIdentity(tx, contactId, { channel: kind, scope: GLOBAL_SCOPE, externalId: value, verified: true, source })) {
    await tx
      .delete(identityClaims)
      .where(and(eq(identityClaims.contactId, contactId), eq(identityClaims.kind, kind), eq(identityClaims.value, value)));
    return { kind, value, verified: true, source };
  }
  const [holder] = await tx
    .select({ contactId: identities.contactId, verified: identities.verified })
    .from(identities)
    .where(and(eq(identities.channel, kind), eq(identities.scope, GLOBAL_SCOPE), eq(identities.externalId, value)));
  if (!holder || holder.contactId === contactId) return undefined;
  return { kind, value, verified: true, source, ...(holder.verified ? { heldBy: holder.contactId } : {}) };
}

/** The claims insert for `count` rows (store/reusable.ts); row i's values are `kind<i>` and `value<i>`. */
const insertClaimRows = (db: Queryable, count: number) =>
  db
    .insert(identityClaims)
    .values(
      Array.from({ length: count }, (_, i) => ({
        contactId: sql.placeholder("contactId"),
        kind: sql.placeholder(`kind${i}`),
        value: sql.placeholder(`value${i}`),
        source: sql.placeholder("source"),
        createdAt: sql.placeholder("createdAt"),
      })),
    )
    .onConflictDoNothing({ target: [identityClaims.contactId, identityClaims.kind, identityClaims.value] });
const insertClaims = reusableQueryPerCount((db, count) =>
  insertClaimRows(db, count).returning({ kind: identityClaims.kind, value: identityClaims.value }),
);
const insertClaimsQuietly = reusableQueryPerCount(insertClaimRows);

/** A claim as stored: its kind ("email", "phone", "name", "ref", "fact:<key>") and value. */
export type Claim = { kind: string; value: string };
const claimKey = (claim: Claim) => `${claim.kind}\u0000${claim.value}`;

/** Each claim once, and the insert's values for them (see insertClaimRows). */
function claimValues(
  contactId: number,
  given: readonly Claim[],
  source: string,
  now: number,
): { claims: Claim[]; values: Record<string, unknown> } {
  const claims = [...new Map(given.map((claim) => [claimKey(claim), claim])).values()];
  const values: Record<string, unknown> = { contactId, source, createdAt: now };
  claims.forEach((claim, i) => {
    values[`kind${i}`] = claim.kind;
    values[`value${i}`] = claim.value;
  });
  return { claims, values };
}

/**
 * Stores claims (unverified emails or phones, names, references, facts such as an account number)
 * from one source on a contact, in one statement. Returns a signal for each claim the contact did
 * not have yet, in the order given. `quiet` claims go into the same statement without signals (one
 * insert instead of two for a message's identity and text claims, issue 22).
 *
 * @example
 * const fresh = await addClaims(tx, 7, [{ kind: "name", value: "maria lopez" }, { kind: "ref", value: "A-1001" }], "inbox:shop", now);
 */
export async function addClaims(
  tx: Tx,
  contactId: number,
  given: readonly Claim[],
  source: string,
  now: number,
  quiet: readonly Claim[] = [],
): Promise<Signal[]> {
  if (given.length === 0) {
    await storeClaims(tx, contactId, quiet, source, now);
    return [];
  }
  const { claims, values } = claimValues(contactId, [...given, ...quiet], source, now);
  const wanted = new Set(given.map(claimKey));
  // SQLite returns the inserted rows in no set order: read them back into the order given.
  const inserted = new Set((await insertClaims(claims.length)(tx, values)).map(claimKey));
  return claims
    .filter((claim) => wanted.has(claimKey(claim)) && inserted.has(claimKey(claim)))
    .map((claim) => ({ kind: claim.kind, value: claim.value, source, verified: false }));
}

/**
 * As addClaims, for a caller that needs no signals: the same one insert without a RETURNING clause,
 * which costs SQLite and the client about a third of the insert (reading back which rows were new;
 * issue 22: every inbound message stores its name and references this way).
 *
 * @example
 * await storeClaims(tx, 7, [{ kind: "name", value: "maria lopez" }, { kind: "ref", value: "A-1001" }], "inbox:shop", now);
 */
export async function storeClaims(tx: Tx, contactId: number, given: readonly Claim[], source: string, now: number): Promise<void> {
  const { claims, values } = claimValues(contactId, given, source, now);
  if (claims.length > 0) await insertClaimsQuietly(claims.length)(tx, values);
}

/**
 * Stores one claim (an unverified email or phone, or a fact such as an account number) on a
 * contact. Returns a signal when the contact did not have it yet.
 *
 * @example
 * await addClaim(tx, 7, { kind: "fact:account_id", value: "A-1009", source: "plugin:crm" }, now);
 */
export async function addClaim(
  tx: Tx,
  contactId: number,
  claim: { kind: string; value: string; source: string },
  now: number,
): Promise<Signal | undefined> {
  const [signal] = await addClaims(tx, contactId, [claim], claim.source, now);
  return signal;
}
