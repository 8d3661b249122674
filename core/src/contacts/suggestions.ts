/**
 * What agents do with merge suggestions: list a contact's open ones (with the other contact and
 * the evidence), accept one (a merge, which can be undone) or dismiss it (never suggested again).
 */
import { and, eq, inArray, or } from "drizzle-orm";
import { type Viewer, visibleContactsWhere } from "../access/index.ts";
import type { Actor } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import type { Contact } from "../store/contacts.ts";
import type { Queryable } from "../store/index.ts";
import { auditLog, contactSuggestions, contacts } from "../store/schema.ts";
import { actorRef, type MergeResult, mergeContacts } from "./merge.ts";
import type { Suggestion } from "./suggest.ts";

export interface SuggestionView {
  suggestion: Suggestion;
  /** The contact suggested as the same person. */
  other: Contact;
}

/**
 * A contact's open merge suggestions, newest evidence first: only those whose other contact the
 * viewer may see too (core/src/access), so no other team's customer is named.
 *
 * @example
 * const open = await openSuggestionsFor(store.db, viewer, contactId);
 */
export async function openSuggestionsFor(db: Queryable, viewer: Viewer, contactId: number): Promise<SuggestionView[]> {
  const rows = await db
    .select()
    .from(contactSuggestions)
    .where(
      and(
        eq(contactSuggestions.status, "open"),
        or(eq(contactSuggestions.contactId, contactId), eq(contactSuggestions.otherContactId, contactId)),
      ),
    )
    .limit(50);
  const otherId = (s: Suggestion) => (s.contactId === contactId ? s.otherContactId : s.contactId);
  const others = rows.length
    ? await db
        .select()
        .from(contacts)
        .where(and(inArray(contacts.id, rows.map(otherId)), visibleContactsWhere(viewer)))
    : [];
  const byId = new Map(others.map((c) => [c.id, c]));
  return rows
    .sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id)
    .flatMap((suggestion) => {
      const other = byId.get(otherId(suggestion));
      return other ? [{ suggestion, other }] : [];
    });
}

/** One suggestion; SWB_ERR_NOT_FOUND if there is none. */
export async function findSuggestion(db: Queryable, id: number): Promise<Suggestion> {
  const [row] = await db.select().from(contactSuggestions).where(eq(contactSuggestions.id, id));
  if (!row) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Merge suggestion ${id} does not exist.`);
  return row;
}

/**
 * Accepts a suggestion: merges the pair, keeping `survivorId` (default: the older contact).
 * Throws SWB_ERR_CONFLICT for a dismissed suggestion, SWB_ERR_VALIDATION for a survivor outside the pair.
 *
 * @example
 * const { mergeId } = await acceptSuggestion(switchboard, agent, 4, { survivorId: 12 });
 */
export async function acceptSuggestion(
  sb: Pick<Services, "store" | "clock" | "bus">,
  actor: Actor,
  id: number,
  options: { survivorId?: number } = {},
): Promise<MergeResult> {
  const suggestion = await findSuggestion(sb.store.db, id);
  if (suggestion.status !== "open")
    throw new SwitchboardError(
      ErrorCodes.CONFLICT,
      `Merge suggestion ${id} was dismissed; merge the contacts by hand if they are the same person.`,
    );
  const pair = [suggestion.contactId, suggestion.otherContactId];
  const survivorId = options.survivorId ?? suggestion.contactId;
  if (!pair.includes(survivorId))
    throw new SwitchboardError(ErrorCodes.VALIDATION, `survivor_id must be ${pair[0]} or ${pair[1]}, the contacts of suggestion ${id}.`);
  return mergeContacts(sb, actor, survivorId, pair.find((c) => c !== survivorId)!, { suggestionId: id });
}

/**
 * Dismisses a suggestion: that pair is not suggested again. Audited.
 *
 * @example
 * await dismissSuggestion(switchboard, agent, 4);
 */
export async function dismissSuggestion(sb: Pick<Services, "store" | "clock">, actor: Actor, id: number): Promise<Suggestion> {
  const now = sb.clock.now();
  return sb.store.write(async (tx) => {
    const suggestion = await findSuggestion(tx, id);
    if (suggestion.status === "dismissed") return suggestion;
    const [row] = await tx
      .update(contactSuggestions)
      .set({ status: "dismissed", decidedBy: actorRef(actor), decidedAt: now, updatedAt: now })
      .where(eq(contactSuggestions.id, id))
      .returning();
    await tx.insert(auditLog).values({
      actor: actorRef(actor),
      action: "contact.suggestion_dismissed",
      subjectType: "contact",
      subjectId: String(suggestion.contactId),
      data: { suggestion: id, other: suggestion.otherContactId, reasons: suggestion.evidence.map((e) => e.reason) },
      createdAt: now,
    });
    return row!;
  });
}
