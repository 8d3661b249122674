/**
 * What the inbox's contact sidebar shows beyond the profile: open merge suggestions with their
 * evidence, merges into this contact that can be undone, the contact's recent conversations on
 * other channels ("Also reached out on …"), the conversation's case across channels, and the custom
 * attribute definitions and values.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Viewer } from "../access/index.ts";
import { caseConversations, findCase } from "../cases/store.ts";
import type { AttributesConfig } from "../config/identity.ts";
import type { Services } from "../services.ts";
import type { Contact } from "../store/contacts.ts";
import type { Conversation } from "../store/conversations.ts";
import { contactMerges } from "../store/schema.ts";
import { type ElsewhereLine, reachedOutElsewhere } from "./cross-channel.ts";
import type { MergeRecord } from "./merge-record.ts";
import { openSuggestionsFor, type SuggestionView } from "./suggestions.ts";

export interface MergeLine {
  mergeId: number;
  mergedId: number;
  mergedName: string | null;
  actor: string;
  at: number;
}

export interface ContactPanel {
  suggestions: SuggestionView[];
  /** Merges into this contact that still stand, newest first. */
  merges: MergeLine[];
  /** Recent or open conversations in other inboxes, with the inbox's display name. */
  elsewhere: (ElsewhereLine & { inboxName: string })[];
  attributes: AttributesConfig;
  /** The conversation's case (linked conversations across channels), with the ones the agent may see; null for a case of one. */
  case: CasePanel | null;
}

export interface CasePanel {
  id: number;
  status: "open" | "resolved";
  conversations: { id: number; inboxName: string; status: Conversation["status"]; current: boolean }[];
}

/**
 * Loads the panel for a conversation's contact, limited to the inboxes the agent may see.
 *
 * @example
 * const panel = await loadContactPanel(switchboard, conversation, contact, viewer);
 */
export async function loadContactPanel(
  sb: Pick<Services, "store" | "clock" | "loaded" | "inboxes">,
  conversation: Conversation,
  contact: Contact,
  viewer: Viewer,
): Promise<ContactPanel> {
  const db = sb.store.db;
  const windowMs = sb.loaded.config.identity.cross_channel_window_hours * 3_600_000;
  const [suggestions, merges, elsewhere] = await Promise.all([
    openSuggestionsFor(db, viewer, contact.id),
    db
      .select()
      .from(contactMerges)
      .where(and(eq(contactMerges.survivorId, contact.id), isNull(contactMerges.undoneAt)))
      .orderBy(desc(contactMerges.id))
      .limit(10),
    reachedOutElsewhere(db, conversation, viewer.inboxes, sb.clock.now(), windowMs),
  ]);
  return {
    suggestions,
    merges: merges.map((m) => ({
      mergeId: m.id,
      mergedId: m.mergedId,
      mergedName: (m.record as unknown as MergeRecord).merged?.name ?? null,
      actor: m.actor,
      at: m.createdAt,
    })),
    elsewhere: elsewhere.map((line) => ({
      ...line,
      inboxName: sb.inboxes.get(line.conversation.inbox)?.displayName ?? line.conversation.channel,
    })),
    attributes: sb.loaded.config.attributes,
    case: await casePanel(sb, conversation, viewer),
  };
}

async function casePanel(sb: Pick<Services, "store" | "inboxes">, conversation: Conversation, viewer: Viewer): Promise<CasePanel | null> {
  if (conversation.caseId === null) return null;
  const found = await findCase(sb.store.db, conversation.caseId);
  if (!found) return null;
  const members = (await caseConversations(sb.store.db, found.id)).filter((c) => viewer.inboxes.includes(c.inbox));
  return {
    id: found.id,
    status: found.status,
    conversations: members.map((c) => ({
      id: c.id,
      inboxName: sb.inboxes.get(c.inbox)?.displayName ?? c.channel,
      status: c.status,
      current: c.id === conversation.id,
    })),
  };
}
