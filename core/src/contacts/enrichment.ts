/**
 * Storing what enrichment plugins said about a contact: each plugin's facts replace its earlier ones
 * under `attributes.enrichment.<plugin>`, the time of the answer goes to `attributes.enriched_at`
 * (the TTL cache), and facts named in identity.match_facts (an account or order number) become
 * claims that can suggest merges.
 */
import { eq } from "drizzle-orm";
import { findContact } from "../store/contacts.ts";
import type { Tx } from "../store/index.ts";
import { contacts } from "../store/schema.ts";
import { addClaim, type Signal } from "./identify.ts";
import { suggestMerges } from "./suggest.ts";

/** Each plugin's answer: facts, or null when it answered but knew nothing. */
export type EnrichmentAnswers = Map<string, Record<string, unknown> | null>;

/**
 * When a plugin last answered about a contact (ms), from `attributes.enriched_at`.
 *
 * @example
 * enrichedAt({ enriched_at: { crm: 1767600000000 } }, "crm") // 1767600000000
 */
export function enrichedAt(attributes: Record<string, unknown>, plugin: string): number | undefined {
  const at = (attributes.enriched_at as Record<string, unknown> | undefined)?.[plugin];
  return typeof at === "number" ? at : undefined;
}

/**
 * `attributes` with the answers applied (facts and answer times).
 *
 * @example
 * withAnswers({}, new Map([["crm", { plan: "pro" }]]), now) // { enrichment: { crm: { plan: "pro" } }, enriched_at: { crm: now } }
 */
export function withAnswers(attributes: Record<string, unknown>, answers: EnrichmentAnswers, now: number): Record<string, unknown> {
  const enrichment = { ...((attributes.enrichment as Record<string, unknown> | undefined) ?? {}) };
  const at = { ...((attributes.enriched_at as Record<string, unknown> | undefined) ?? {}) };
  for (const [plugin, facts] of answers) {
    if (facts) enrichment[plugin] = facts;
    at[plugin] = now;
  }
  return Object.keys(enrichment).length > 0 ? { ...attributes, enrichment, enriched_at: at } : { ...attributes, enriched_at: at };
}

/**
 * Stores answers on a contact, inside the caller's transaction. Returns false when the contact no
 * longer exists (merged or erased meanwhile).
 *
 * @example
 * await storeEnrichment(tx, contactId, new Map([["crm", { account_id: "A-1" }]]), { matchFacts: ["account_id"] }, now);
 */
export async function storeEnrichment(
  tx: Tx,
  contactId: number,
  answers: EnrichmentAnswers,
  options: { matchFacts: string[] },
  now: number,
): Promise<boolean> {
  const contact = await findContact(tx, contactId);
  if (!contact) return false;
  await tx
    .update(contacts)
    .set({ attributes: withAnswers(contact.attributes, answers, now), updatedAt: now })
    .where(eq(contacts.id, contactId));
  const signals: Signal[] = [];
  for (const [plugin, facts] of answers) {
    for (const key of options.matchFacts) {
      const value = facts?.[key];
      if ((typeof value !== "string" && typeof value !== "number") || String(value).trim() === "") continue;
      const signal = await addClaim(tx, contactId, { kind: `fact:${key}`, value: String(value).trim(), source: `plugin:${plugin}` }, now);
      if (signal) signals.push(signal);
    }
  }
  if (signals.length > 0) await suggestMerges(tx, contactId, signals, { checkName: false }, now);
  return true;
}
