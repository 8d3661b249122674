/**
 * What a contact merge writes down so it can be undone exactly: both contacts as they were, the
 * survivor as the merge left it, and the ids of every row that moved (identities, claims,
 * conversations, messages) or was changed (suggestions). Plus the pure rules for combining two
 * contacts' facts (conflicts become alternatives, nothing is overwritten) and for restoring them.
 */
import type { Contact } from "../store/contacts.ts";
import { withAlternative } from "../store/contacts.ts";
import type { contactSuggestions, identityClaims } from "../store/schema.ts";

type Claim = typeof identityClaims.$inferSelect;
type SuggestionRow = typeof contactSuggestions.$inferSelect;

/** The facts of a contact a merge changes. */
export type ContactFacts = Pick<Contact, "name" | "email" | "phone" | "attributes">;

export interface MergeRecord {
  version: 1;
  /** The survivor's row before the merge. */
  survivorBefore: Contact;
  /** The survivor's facts as the merge left them (undo restores only what has not changed since). */
  survivorAfter: ContactFacts;
  /** The merged contact's row, re-inserted (same id) on undo. */
  merged: Contact;
  identityIds: number[];
  /** Claims moved to the survivor. */
  claimIds: number[];
  /** Claims the survivor already had (same kind and value), deleted and restored on undo. */
  claimsDeleted: Claim[];
  conversationIds: number[];
  messageIds: number[];
  /** Suggestions involving the merged contact, as they were (deleted or re-pointed to the survivor). */
  suggestions: SuggestionRow[];
  /** The suggestion accepted to make this merge, if any. */
  suggestionId: number | null;
}

/** Keys of contact.attributes merged plugin by plugin rather than kept as alternatives. */
const BY_PLUGIN = ["enrichment", "enriched_at"];

/**
 * The survivor's facts after taking in the merged contact: gaps are filled, every conflicting value
 * (name, email, phone, a custom attribute) is kept in `attributes.alternatives`, enrichment facts
 * are combined plugin by plugin (the survivor's win).
 *
 * @example
 * combineFacts({ name: "Ann", … }, { name: "Ann Lee", … }).attributes.alternatives // { name: ["Ann Lee"] }
 */
export function combineFacts(survivor: ContactFacts, merged: ContactFacts): ContactFacts {
  const out: ContactFacts = { name: survivor.name, email: survivor.email, phone: survivor.phone, attributes: { ...survivor.attributes } };
  for (const field of ["name", "email", "phone"] as const) {
    if (!out[field]) out[field] = merged[field];
    else out.attributes = withAlternative(out.attributes, field, out[field], merged[field]) ?? out.attributes;
  }
  for (const [key, value] of Object.entries(merged.attributes)) {
    if (BY_PLUGIN.includes(key)) {
      out.attributes[key] = {
        ...(value as Record<string, unknown>),
        ...((out.attributes[key] as Record<string, unknown> | undefined) ?? {}),
      };
    } else if (key === "alternatives") {
      for (const [field, values] of Object.entries(value as Record<string, unknown[]>)) {
        for (const v of values)
          out.attributes =
            withAlternative(out.attributes, field, field in out ? out[field as keyof ContactFacts] : out.attributes[field], v) ??
            out.attributes;
      }
    } else if (!(key in out.attributes)) {
      out.attributes[key] = value;
    } else {
      out.attributes = withAlternative(out.attributes, key, out.attributes[key], value) ?? out.attributes;
    }
  }
  return out;
}

/**
 * JSON equality with object keys in any order.
 *
 * @example
 * sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }) // true
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The survivor's facts after an undo: each field and attribute the merge changed goes back to its
 * value before, unless it was changed again since (then the newer value stays). `exact` is true
 * when nothing was changed since, so the whole row can be restored.
 *
 * @example
 * const { facts, exact } = restoreFacts(current, record.survivorBefore, record.survivorAfter);
 */
export function restoreFacts(current: ContactFacts, before: ContactFacts, after: ContactFacts): { facts: ContactFacts; exact: boolean } {
  let exact = true;
  const facts: ContactFacts = { ...current, attributes: { ...current.attributes } };
  for (const field of ["name", "email", "phone"] as const) {
    if (current[field] === after[field]) facts[field] = before[field];
    else exact = false;
  }
  for (const key of new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes), ...Object.keys(current.attributes)])) {
    if (!sameJson(current.attributes[key], after.attributes[key])) {
      exact = false;
      continue;
    }
    if (key in before.attributes) facts.attributes[key] = before.attributes[key];
    else delete facts.attributes[key];
  }
  return { facts, exact };
}
