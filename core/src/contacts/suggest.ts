/**
 * Merge suggestions from weaker signals than a verified identity: the same email or phone given
 * unverified, the same name with the same email domain or phone, or the same account/order number
 * from enrichment. Each suggestion keeps its evidence; a dismissed pair is never suggested again.
 * Everything here runs inside the caller's write transaction, on indexed lookups only.
 */
import { and, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Tx } from "../store/index.ts";
import { inIdList, reusableQuery, reusableQueryPerCount } from "../store/reusable.ts";
import { contactSuggestions, contacts, identities, identityClaims, type SuggestionEvidence } from "../store/schema.ts";
import type { Signal } from "./identify.ts";
import { GLOBAL_SCOPE } from "./identity-scope.ts";
import { emailDomain } from "./normalise.ts";

/** Mail providers whose domain says nothing about who someone is. */
const FREE_MAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "proton.me",
  "protonmail.com",
  "mail.ru",
  "yandex.ru",
  "qq.com",
  "163.com",
]);

/** How many other contacts one signal may point to before it is too common to mean anything. */
const MAX_MATCHES = 20;

export type Suggestion = typeof contactSuggestions.$inferSelect;

/**
 * Creates or extends suggestions for `contactId` from its new `signals`, and (when `checkName`)
 * from its name. Returns the ids of suggestions created or given new evidence.
 *
 * @example
 * await suggestMerges(tx, contact.id, signals, { checkName: true }, now);
 */
export async function suggestMerges(
  tx: Tx,
  contactId: number,
  signals: Signal[],
  options: {
    checkName: boolean;
    /** The contact's name when the caller has just read or written it (saves the lookup). */
    name?: string | null;
  },
  now: number,
): Promise<number[]> {
  const found: { otherId: number; evidence: SuggestionEvidence }[] = [];
  for (const signal of signals)
    for (const match of await holdersOf(tx, contactId, signal))
      found.push({ otherId: match.contactId, evidence: evidenceFor(signal, match, contactId, now) });
  if (options.checkName) found.push(...(await nameMatches(tx, contactId, now, options.name)));
  return upsertSuggestions(tx, contactId, found);
}

interface Holder {
  contactId: number;
  verified: boolean;
}

// Built once (store/reusable.ts): a new customer's message runs each of them.
const verifiedHolders = reusableQuery((db) =>
  db
    .select({ contactId: identities.contactId })
    .from(identities)
    .where(
      and(
        eq(identities.channel, sql.placeholder("kind")),
        eq(identities.scope, GLOBAL_SCOPE),
        eq(identities.externalId, sql.placeholder("value")),
        ne(identities.contactId, sql.placeholder("contactId")),
      ),
    ),
);
const claimHoldersQuery = reusableQuery((db) =>
  db
    .selectDistinct({ contactId: identityClaims.contactId })
    .from(identityClaims)
    .where(
      and(
        eq(identityClaims.kind, sql.placeholder("kind")),
        eq(identityClaims.value, sql.placeholder("value")),
        ne(identityClaims.contactId, sql.placeholder("contactId")),
      ),
    )
    .limit(MAX_MATCHES + 1),
);

/**
 * Other contacts that hold a claim (none when more than MAX_MATCHES do: too common to mean anything).
 *
 * @example
 * const others = await claimHolders(tx, "ref", "A-1009", 7);
 */
export async function claimHolders(tx: Tx, kind: string, value: string, contactId: number): Promise<number[]> {
  const rows = await claimHoldersQuery(tx, { kind, value, contactId });
  return rows.length > MAX_MATCHES ? [] : rows.map((r) => r.contactId);
}

/** A contact's name (one row, or none). */
export const nameOf = reusableQuery((db) =>
  db
    .select({ name: contacts.name })
    .from(contacts)
    .where(eq(contacts.id, sql.placeholder("contactId"))),
);
const sameName = reusableQuery((db) =>
  db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(sql`lower(${contacts.name}) = lower(${sql.placeholder("name")})`, ne(contacts.id, sql.placeholder("contactId"))))
    .limit(sql.placeholder("limit")),
);

/**
 * Other contacts that hold the signal's value, as a verified identity or as a claim.
 *
 * @example
 * const holders = await holdersOf(tx, 7, { kind: "email", value: "ann@example.com" });
 */
export async function holdersOf(tx: Tx, contactId: number, signal: Pick<Signal, "kind" | "value">): Promise<Holder[]> {
  const verified = signal.kind.startsWith("fact:") ? [] : await verifiedHolders(tx, { kind: signal.kind, value: signal.value, contactId });
  const byId = new Map<number, Holder>();
  for (const id of await claimHolders(tx, signal.kind, signal.value, contactId)) byId.set(id, { contactId: id, verified: false });
  for (const r of verified) byId.set(r.contactId, { contactId: r.contactId, verified: true });
  return [...byId.values()];
}

function evidenceFor(signal: Signal, holder: Holder, contactId: number, now: number): SuggestionEvidence {
  const how = (verified: boolean) => (verified ? "verified" : "unverified");
  if (signal.kind.startsWith("fact:")) {
    const key = signal.kind.slice("fact:".length);
    return { reason: "same_fact", value: `${key} ${signal.value}`, detail: `Both have ${key} ${signal.value} (from enrichment)`, at: now };
  }
  const reason = signal.kind === "phone" ? "same_phone" : "same_email";
  return {
    reason,
    value: signal.value,
    detail: `Both gave ${signal.value}: ${how(signal.verified)} on #${contactId} (${signal.source}), ${how(holder.verified)} on #${holder.contactId}`,
    at: now,
  };
}

const IDENTIFIER_KINDS = ["email", "phone"];
// Every email and phone of some contacts (their columns, identities and claims) in one statement
// built once: three statements built anew for every new customer with namesakes (issue 22).
const identifierRows = reusableQuery((db) =>
  db
    .select({ id: contacts.id, kind: sql<string>`'email'`.as("kind"), value: contacts.email })
    .from(contacts)
    .where(inIdList(contacts.id))
    .unionAll(
      db
        .select({ id: contacts.id, kind: sql<string>`'phone'`.as("kind"), value: contacts.phone })
        .from(contacts)
        .where(inIdList(contacts.id)),
    )
    .unionAll(
      db
        .select({ id: identities.contactId, kind: identities.channel, value: identities.externalId })
        .from(identities)
        .where(and(inIdList(identities.contactId), inArray(identities.channel, IDENTIFIER_KINDS))),
    )
    .unionAll(
      db
        .select({ id: identityClaims.contactId, kind: identityClaims.kind, value: identityClaims.value })
        .from(identityClaims)
        .where(and(inIdList(identityClaims.contactId), inArray(identityClaims.kind, IDENTIFIER_KINDS))),
    ),
);

/** Every email and phone known for some contacts: their columns, identities and claims. */
async function identifiersOf(tx: Tx, ids: number[]): Promise<Map<number, { emails: Set<string>; phones: Set<string> }>> {
  const out = new Map(ids.map((id) => [id, { emails: new Set<string>(), phones: new Set<string>() }]));
  for (const { id, kind, value } of await identifierRows(tx, { ids: JSON.stringify(ids) })) {
    if (!value) continue;
    if (kind === "email") out.get(id)?.emails.add(value.toLowerCase());
    if (kind === "phone") out.get(id)?.phones.add(value);
  }
  return out;
}

/** Contacts with the same name (case-insensitive) and the same email domain (not a free-mail one) or phone. */
async function nameMatches(
  tx: Tx,
  contactId: number,
  now: number,
  knownName: string | null | undefined,
): Promise<{ otherId: number; evidence: SuggestionEvidence }[]> {
  const name = (knownName !== undefined ? knownName : (await nameOf(tx, { contactId }))[0]?.name)?.trim();
  if (!name || name.length < 3) return [];
  const others = await sameName(tx, { name, contactId, limit: MAX_MATCHES });
  if (others.length === 0) return [];
  const known = await identifiersOf(tx, [contactId, ...others.map((o) => o.id)]);
  const mine = known.get(contactId)!;
  const myDomains = new Set([...mine.emails].map(emailDomain).filter((d): d is string => !!d && !FREE_MAIL.has(d)));
  const matches: { otherId: number; evidence: SuggestionEvidence }[] = [];
  for (const other of others) {
    const theirs = known.get(other.id)!;
    const domain = [...theirs.emails].map(emailDomain).find((d) => d && myDomains.has(d));
    const phone = [...theirs.phones].find((p) => mine.phones.has(p));
    const shared = domain ? `an email at ${domain}` : phone ? `the phone ${phone}` : undefined;
    if (!shared) continue;
    matches.push({
      otherId: other.id,
      evidence: { reason: "same_name", value: `${name} + ${domain ?? phone}`, detail: `Same name "${name}" and ${shared}`, at: now },
    });
  }
  return matches;
}

// New suggestions, row i's values named `<column><i>` (built once per count, store/reusable.ts).
const insertSuggestions = reusableQueryPerCount((db, count) =>
  db
    .insert(contactSuggestions)
    .values(
      Array.from({ length: count }, (_, i) => ({
        contactId: sql.placeholder(`contactId${i}`),
        otherContactId: sql.placeholder(`otherContactId${i}`),
        evidence: sql.placeholder(`evidence${i}`),
        createdAt: sql.placeholder(`createdAt${i}`),
        updatedAt: sql.placeholder(`updatedAt${i}`),
      })),
    )
    .returning({ id: contactSuggestions.id }),
);
// Placeholders in an update's SET are plain SQL values to drizzle: `evidence` is bound as its JSON text.
const extendSuggestion = reusableQuery((db) =>
  db
    .update(contactSuggestions)
    .set({ evidence: sql`${sql.placeholder("evidence")}`, updatedAt: sql`${sql.placeholder("updatedAt")}` })
    .where(eq(contactSuggestions.id, sql.placeholder("id"))),
);
// The suggestions between a contact and some others, whichever side each is on (built once).
const pairsOf = reusableQuery((db) =>
  db
    .select()
    .from(contactSuggestions)
    .where(
      or(
        and(eq(contactSuggestions.contactId, sql.placeholder("contactId")), inIdList(contactSuggestions.otherContactId)),
        and(eq(contactSuggestions.otherContactId, sql.placeholder("contactId")), inIdList(contactSuggestions.contactId)),
      ),
    ),
);

/**
 * Adds evidence to the suggestion for a pair (created if new). A dismissed pair stays dismissed.
 * Returns the suggestion's id when it was created or got new evidence.
 *
 * @example
 * await upsertSuggestion(tx, 3, 7, { reason: "same_reference", value: "A-1001", detail: "Both wrote A-1001", weight: 0.5, at: now });
 */
export async function upsertSuggestion(tx: Tx, a: number, b: number, evidence: SuggestionEvidence): Promise<number | undefined> {
  return (await upsertSuggestions(tx, a, [{ otherId: b, evidence }]))[0];
}

/**
 * upsertSuggestion for many pairs of `contactId`, in a few statements whatever their number (a new
 * "Maria Garcia" among 20 namesakes at her company's domain cost 40 statements, issue 22). Returns
 * the ids of the suggestions created or given new evidence, once each.
 *
 * @example
 * await upsertSuggestions(tx, 3, [{ otherId: 7, evidence }, { otherId: 9, evidence }]);
 */
export async function upsertSuggestions(
  tx: Tx,
  contactId: number,
  found: { otherId: number; evidence: SuggestionEvidence }[],
): Promise<number[]> {
  const others = [...new Set(found.map((f) => f.otherId))].filter((id) => id !== contactId);
  if (others.length === 0) return [];
  const pairKey = (otherId: number) => (contactId < otherId ? `${contactId}:${otherId}` : `${otherId}:${contactId}`);
  const rows = await pairsOf(tx, { contactId, ids: JSON.stringify(others) });
  const existing = new Map(rows.map((row) => [`${row.contactId}:${row.otherContactId}`, row]));
  // What each pair gets, in the order found: new pairs' evidence, and new evidence on open ones.
  const created = new Map<string, { low: number; high: number; evidence: SuggestionEvidence[] }>();
  const extended = new Map<string, Suggestion>();
  for (const { otherId, evidence } of found) {
    if (otherId === contactId) continue;
    const key = pairKey(otherId);
    const row = extended.get(key) ?? existing.get(key);
    if (!row) {
      const [low, high] = contactId < otherId ? [contactId, otherId] : [otherId, contactId];
      const entry = created.get(key) ?? { low, high, evidence: [] };
      if (!entry.evidence.some((e) => e.reason === evidence.reason && e.value === evidence.value)) entry.evidence.push(evidence);
      created.set(key, entry);
      continue;
    }
    if (row.status !== "open" || row.evidence.some((e) => e.reason === evidence.reason && e.value === evidence.value)) continue;
    extended.set(key, { ...row, evidence: [...row.evidence, evidence], updatedAt: evidence.at });
  }
  const touched: number[] = [];
  if (created.size > 0) {
    const values: Record<string, unknown> = {};
    [...created.values()].forEach((c, i) => {
      values[`contactId${i}`] = c.low;
      values[`otherContactId${i}`] = c.high;
      values[`evidence${i}`] = c.evidence;
      values[`createdAt${i}`] = c.evidence[0]!.at;
      values[`updatedAt${i}`] = c.evidence.at(-1)!.at;
    });
    const inserted = await insertSuggestions(created.size)(tx, values);
    touched.push(...inserted.map((r) => r.id));
  }
  for (const row of extended.values()) {
    await extendSuggestion(tx, { id: row.id, evidence: JSON.stringify(row.evidence), updatedAt: row.updatedAt });
    touched.push(row.id);
  }
  return touched;
}
