/**
 * Everything the conversation page shows, loaded in one place: the conversation and its contact,
 * the contact's timeline across channels (with attachments), the other inboxes a reply can go out
 * on, agents, teams, labels, canned responses, the contact's other conversations and the merges and
 * splits the agent can undo.
 */
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Viewer } from "../access/index.ts";
import { type ContactPanel, loadContactPanel } from "../contacts/panel.ts";
import { canReach } from "../pipeline/reach.ts";
import type { Services } from "../services.ts";
import { type Contact, type Identity, identitiesOf } from "../store/contacts.ts";
import type { Conversation } from "../store/conversations.ts";
import { findDraft } from "../store/drafts.ts";
import type { Message } from "../store/messages.ts";
import { agents, attachments, cannedResponses, conversationLabels, conversations, labels, teams } from "../store/schema.ts";
import { contactTimeline } from "../store/timeline.ts";
import { type CannedOption, cannedOptions } from "./canned/expand.ts";
import { type MoveView, undoableMoves } from "./moves-data.ts";
import { type ReplyWindowView, replyWindowsFor } from "./reply-window-data.ts";

/** Messages the conversation page shows at first; "Earlier messages" shows up to WHOLE_TIMELINE. */
export const TIMELINE_PAGE = 100;
export const WHOLE_TIMELINE = 5000;

export interface ReplyInbox {
  name: string;
  displayName: string;
  channel: string;
  maxTextLength: number | undefined;
  tone: string | undefined;
  /** The contact's reply window on this inbox, when its channel has one (reply-window-data.ts). */
  window?: ReplyWindowView;
}

export interface ConversationPageData {
  conversation: Conversation;
  contact: Contact;
  identities: Identity[];
  timeline: Message[];
  /** Each message's files; `stored` is false when only the channel's URL is kept (shown as an outside link). */
  attachmentsByMessage: Map<
    number,
    { id: number; filename: string; contentType: string; size: number; url: string | null; stored: boolean }[]
  >;
  /** True when older messages exist before the first one shown. */
  hasEarlier: boolean;
  replyInboxes: ReplyInbox[];
  /** Every agent, deactivated ones included (their names stay in the timeline). */
  agents: { id: number; name: string; availability: string; deactivatedAt: number | null }[];
  teams: { id: number; name: string }[];
  labels: { id: number; name: string; color: string | null; attached: boolean }[];
  /** Canned responses with their variables filled in for this contact and the viewing agent. */
  canned: CannedOption[];
  otherConversations: Conversation[];
  /** Merge suggestions, undoable merges, other channels, custom attributes (core/src/contacts/panel.ts). */
  panel: ContactPanel;
  /** What this agent had typed in the reply box and not sent (store/drafts.ts). */
  draft: string;
  /** Merges and splits of this conversation the agent can undo (moves-data.ts). */
  moves: MoveView[];
}

/** The attachments (without their bytes) of some messages, by message id. */
export async function attachmentsOf(
  sb: Pick<Services, "store">,
  messageIds: number[],
): Promise<ConversationPageData["attachmentsByMessage"]> {
  const byMessage: ConversationPageData["attachmentsByMessage"] = new Map();
  if (messageIds.length === 0) return byMessage;
  const rows = await sb.store.db
    .select({
      id: attachments.id,
      messageId: attachments.messageId,
      filename: attachments.filename,
      contentType: attachments.contentType,
      size: attachments.size,
      url: attachments.url,
      stored: sql<boolean>`${attachments.data} is not null`.mapWith(Boolean),
    })
    .from(attachments)
    .where(inArray(attachments.messageId, messageIds));
  for (const row of rows) byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row]);
  return byMessage;
}

/**
 * The inboxes a reply to this contact can go out on: the conversation's, then any other visible one
 * that can reach them (pipeline/reach.ts). The first is the composer's default: the inbox the
 * customer last wrote from in this conversation (`lastHeardOn`, say email after a web chat visitor
 * answered our email), else the conversation's own.
 */
export function replyInboxesFor(
  sb: Pick<Services, "inboxes" | "loaded">,
  conversation: Conversation,
  contact: Contact,
  identities: Identity[],
  visible: string[],
  lastHeardOn?: string,
): ReplyInbox[] {
  const reachable = sb.inboxes
    .list()
    .filter(
      (inbox) =>
        inbox.name === conversation.inbox || (visible.includes(inbox.name) && inbox.adapter && canReach(inbox, contact, identities)),
    );
  const first = reachable.some((inbox) => inbox.name === lastHeardOn) ? lastHeardOn : conversation.inbox;
  const rank = (name: string) => (name === first ? 0 : name === conversation.inbox ? 1 : 2);
  return reachable
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
    .map((inbox) => ({
      name: inbox.name,
      displayName: inbox.displayName,
      channel: inbox.channel,
      maxTextLength: inbox.adapter?.limits?.maxTextLength,
      tone: sb.loaded.config.inboxes[inbox.name]?.tone,
    }));
}

export async function loadConversationPage(
  sb: Services,
  conversation: Conversation,
  contact: Contact,
  viewer: Viewer,
  options: { whole?: boolean } = {},
): Promise<ConversationPageData> {
  const db = sb.store.db;
  const visible = viewer.inboxes;
  const shown = options.whole ? WHOLE_TIMELINE : TIMELINE_PAGE;
  const [identities, fetched, allAgents, allTeams, allLabels, attached, canned, otherConversations, panel, moves] = await Promise.all([
    identitiesOf(db, contact.id),
    contactTimeline(db, contact.id, { limit: shown + 1, latest: true, inboxes: visible }),
    db
      .select({ id: agents.id, name: agents.name, availability: agents.availability, deactivatedAt: agents.deactivatedAt })
      .from(agents)
      .orderBy(agents.name),
    db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name),
    db.select({ id: labels.id, name: labels.name, color: labels.color }).from(labels).orderBy(labels.name),
    db.select({ id: conversationLabels.labelId }).from(conversationLabels).where(eq(conversationLabels.conversationId, conversation.id)),
    db.select().from(cannedResponses).orderBy(cannedResponses.shortcut),
    db
      .select()
      .from(conversations)
      .where(and(eq(conversations.contactId, contact.id), ne(conversations.id, conversation.id), inArray(conversations.inbox, visible)))
      .orderBy(desc(conversations.lastActivityAt))
      .limit(20),
    loadContactPanel(sb, conversation, contact, viewer),
    undoableMoves(db, conversation.id, visible),
  ]);
  const hasEarlier = fetched.length > shown;
  const timeline = hasEarlier ? fetched.slice(1) : fetched;
  const attachedIds = new Set(attached.map((a) => a.id));
  const replyInboxes = replyInboxesFor(
    sb,
    conversation,
    contact,
    identities,
    visible,
    timeline.findLast((m) => m.conversationId === conversation.id && m.direction === "incoming")?.inbox,
  );
  const windows = await replyWindowsFor(
    sb,
    replyInboxes.map((i) => i.name),
    contact,
  );
  return {
    conversation,
    contact,
    identities,
    timeline,
    attachmentsByMessage: await attachmentsOf(
      sb,
      timeline.map((m) => m.id),
    ),
    hasEarlier,
    replyInboxes: replyInboxes.map((i) => ({ ...i, window: windows.get(i.name) })),
    agents: allAgents,
    teams: allTeams,
    labels: allLabels.map((l) => ({ ...l, attached: attachedIds.has(l.id) })),
    canned: cannedOptions(canned, {
      contactName: contact.name,
      agentName: allAgents.find((a) => a.id === viewer.agentId)?.name ?? "",
    }),
    otherConversations,
    panel,
    draft: await findDraft(db, viewer.agentId, conversation.id),
    moves,
  };
}
