/**
 * Merge suggestions from what customers write (never merges): independent signals must agree, each
 * kept as evidence with its weight, and a suggestion is made only when the weights reach the
 * threshold — so a name alone (0.35) or a reference alone (0.5) is never enough, a name with
 * activity on another channel plus the customer naming that channel is. Costs stay bounded on
 * common names: every lookup is indexed and capped (a name held by more than MAX_MATCHES contacts
 * yields no candidates of its own; it can still confirm a candidate found by a reference).
 * Runs inside the inbound write transaction.
 */
import { and, eq, max, ne, sql } from "drizzle-orm";
import type { InboxInfo } from "../plugins/types.ts";
import type { Tx } from "../store/index.ts";
import { inIdList, reusableQuery } from "../store/reusable.ts";
import { contacts, conversations, type SuggestionEvidence } from "../store/schema.ts";
import { foldName, identifiersIn, namesIn, referencesIn } from "./evidence.ts";
import { type Claim, storeClaims } from "./identify.ts";
import { claimHolders, holdersOf, nameOf, upsertSuggestion } from "./suggest.ts";

/** Weights of the evidence read from messages; a pair is suggested at THRESHOLD. */
export const WEIGHTS = { same_reference: 0.5, mentioned: 0.7, same_name_active: 0.35, names_channel: 0.25 } as const;
export const THRESHOLD = 0.6;

export interface TextSettings {
  patterns: RegExp[];
  /** How recent the other contact's activity on another channel must be for the same name to count. */
  windowMs: number;
  /** An inbox's display name ("Telegram"), which customers use to name the channel. */
  displayName: (inbox: string) => string | undefined;
  /**
   * Every name a customer may use for a channel here: each configured inbox's name and display name,
   * and each channel kind. A text that names none of them cannot name where a namesake wrote, so a
   * namesake alone (0.35) cannot reach the threshold and is not looked up. Left out, always looked up.
   */
  channelNames?: () => readonly string[];
}

type Candidate = { evidence: SuggestionEvidence[] };

/** What a message's text and its sender's name give as claims: the folded name (3 letters or more) and the references. */
export interface TextClaims {
  folded: string;
  references: string[];
  claims: Claim[];
}

/**
 * The claims a message's text and its sender's name make, before they are stored.
 *
 * @example
 * textClaims("María López", "About order A-1001", patterns);
 * // { folded: "maria lopez", references: ["A-1001"], claims: [{ kind: "name", ... }, { kind: "ref", value: "A-1001" }] }
 */
export function textClaims(name: string | null | undefined, text: string, patterns: RegExp[]): TextClaims {
  const folded = name ? foldName(name) : "";
  const references = referencesIn(text, patterns);
  const claims = [...(folded.length >= 3 ? [{ kind: "name", value: folded }] : []), ...references.map((value) => ({ kind: "ref", value }))];
  return { folded, references, claims };
}

/**
 * Records the contact's folded name and the references in `text` as claims, then suggests merges
 * with contacts the evidence points to. Returns the ids of suggestions created or extended.
 * `stored`: the claims textClaims gave, which the caller has stored already (with the sender's own
 * claims, see recordIdentities).
 *
 * @example
 * await suggestFromText(tx, contact.id, inbox, message.text, { patterns, windowMs: 72 * 3_600_000 }, now);
 */
export async function suggestFromText(
  tx: Tx,
  contactId: number,
  inbox: InboxInfo,
  text: string,
  settings: TextSettings,
  now: number,
  /** The contact's name when the caller has just read it (saves the lookup). */
  knownName?: string | null,
  stored?: TextClaims,
): Promise<number[]> {
  let given = stored;
  if (!given) {
    const name = knownName !== undefined ? knownName : (await nameOf(tx, { contactId }))[0]?.name;
    given = textClaims(name, text, settings.patterns);
    await storeClaims(tx, contactId, given.claims, `inbox:${inbox.name}`, now);
  }
  const { folded, references } = given;

  const candidates = new Map<number, Candidate>();
  const add = (id: number, evidence: SuggestionEvidence) => {
    const entry = candidates.get(id) ?? { evidence: [] };
    if (!entry.evidence.some((e) => e.reason === evidence.reason)) entry.evidence.push(evidence);
    candidates.set(id, entry);
  };
  for (const value of references)
    for (const id of await claimHolders(tx, "ref", value, contactId))
      add(id, { reason: "same_reference", value, detail: `Both wrote ${value}`, weight: WEIGHTS.same_reference, at: now });
  const written = identifiersIn(text);
  for (const [kind, values] of [
    ["email", written.emails],
    ["phone", written.phones],
  ] as const) {
    for (const value of values)
      for (const id of await identifierHolders(tx, kind, value, contactId))
        add(id, {
          reason: kind === "email" ? "mentioned_email" : "mentioned_phone",
          value,
          detail: `The message gives ${value}, which #${id} has`,
          weight: WEIGHTS.mentioned,
          at: now,
        });
  }
  // A namesake with nothing else in common reaches the threshold only when the text names the
  // channel it wrote on (same_name_active + names_channel): a text naming no channel skips the
  // lookup, which on a common name ("Maria Garcia") was three statements per message (issue 22).
  const namesAChannel = !settings.channelNames || namesIn(text, settings.channelNames()).length > 0;
  const sameName = folded.length >= 3 && namesAChannel ? await claimHolders(tx, "name", folded, contactId) : [];
  for (const id of sameName) if (!candidates.has(id)) candidates.set(id, { evidence: [] });
  if (candidates.size === 0) return [];

  await addNameAndChannel(tx, candidates, folded, inbox.channel, text, settings, now);
  const touched: number[] = [];
  for (const [otherId, { evidence }] of candidates) {
    const score = evidence.reduce((sum, e) => sum + (e.weight ?? 0), 0);
    if (score < THRESHOLD - 1e-9) continue;
    for (const e of evidence) {
      const id = await upsertSuggestion(tx, contactId, otherId, e);
      if (id !== undefined && !touched.includes(id)) touched.push(id);
    }
  }
  return touched;
}

/** Other contacts that hold an email or phone as an identity or a claim. */
async function identifierHolders(tx: Tx, kind: "email" | "phone", value: string, contactId: number): Promise<number[]> {
  return (await holdersOf(tx, contactId, { kind, value })).map((holder) => holder.contactId);
}

// Each candidate's name with where else it wrote (each other channel and inbox, with its latest
// activity), for all of them in one statement: one per candidate grew with the namesakes to 20 more
// statements per message (issue 22). Both kinds of evidence it gives need activity on another
// channel, so a candidate who wrote only here has no row: the common case (a reference repeated on
// the same channel) then reads an index and maps nothing.
const namesAndOtherChannels = reusableQuery((db) =>
  db
    .select({
      id: contacts.id,
      name: contacts.name,
      channel: conversations.channel,
      inbox: conversations.inbox,
      at: max(conversations.lastActivityAt),
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(inIdList(conversations.contactId), ne(conversations.channel, sql.placeholder("channel"))))
    .groupBy(conversations.contactId, conversations.channel, conversations.inbox),
);

/**
 * Adds, per candidate, the same folded name with activity on another channel within the window,
 * and the customer naming a channel the candidate was active on (only next to another signal).
 */
async function addNameAndChannel(
  tx: Tx,
  candidates: Map<number, Candidate>,
  folded: string,
  channel: string,
  text: string,
  settings: TextSettings,
  now: number,
): Promise<void> {
  const { windowMs } = settings;
  const names = new Map<number, string | null>();
  const wroteElsewhere = new Map<number, { channel: string; inbox: string; at: number }[]>();
  for (const row of await namesAndOtherChannels(tx, { ids: JSON.stringify([...candidates.keys()]), channel })) {
    names.set(row.id, row.name);
    wroteElsewhere.set(row.id, [...(wroteElsewhere.get(row.id) ?? []), { channel: row.channel, inbox: row.inbox, at: Number(row.at) }]);
  }
  for (const [id, candidate] of candidates) {
    const others = (wroteElsewhere.get(id) ?? []).sort((a, b) => b.at - a.at);
    if (others.length === 0) continue;
    const name = names.get(id);
    const activeElsewhere = others.find((c) => c.at >= now - windowMs);
    if (folded && name && foldName(name) === folded && activeElsewhere)
      candidate.evidence.push({
        reason: "same_name_active",
        value: folded,
        detail: `Same name "${name}", active on ${activeElsewhere.channel} within ${Math.round(windowMs / 3_600_000)} h`,
        weight: WEIGHTS.same_name_active,
        at: now,
      });
    const [namedChannel] = namesIn(
      text,
      others.flatMap((c) => [c.channel, c.inbox, settings.displayName(c.inbox) ?? ""]),
    );
    if (namedChannel && candidate.evidence.length > 0)
      candidate.evidence.push({
        reason: "names_channel",
        value: namedChannel,
        detail: `The customer mentions ${namedChannel}, where #${id} wrote`,
        weight: WEIGHTS.names_channel,
        at: now,
      });
  }
}
