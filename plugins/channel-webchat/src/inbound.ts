/**
 * From the visitor to core: messages (with files), the pre-chat/offline profile, typing and CSAT
 * ratings. A message is emitted first and answered only once core has stored it; then it joins the
 * visitor's log and goes to their other tabs. A retried message (same client id) is stored once.
 */
import { ErrorCodes } from "@switchboard/core";
import { checkAttachments, type UploadedFile } from "./attachments.ts";
import { conversationNotFound, webchatError } from "./errors.ts";
import type { Entry, VisitorRecord } from "./history.ts";
import type { WebchatInbox } from "./inbox.ts";
import { outgoingExternalId } from "./outbound.ts";
import type { VisitorClaims } from "./tokens.ts";
import { verifyFormEmail } from "./verify-email.ts";

/** What POST /messages takes. */
export interface VisitorMessage {
  /** The widget's id for this message: a retry with the same id is stored once. */
  client_id: string;
  text: string;
  attachments?: UploadedFile[];
  /** The page the visitor is on (shown to agents in the message metadata). */
  page?: string;
}

export type PostResult = { status: "stored" | "duplicate"; entry: Entry } | { status: "dropped"; reason: string };

/** Core refused the message (`emit` resolved "invalid"): a 422 with core's reason. */
function refusedByCore(reason: string) {
  return webchatError(ErrorCodes.INBOUND_INVALID, 422, "invalid_body", reason);
}

/** Takes one token of the visitor's message budget, or throws a 429. */
export async function spendVisitorBudget(inbox: WebchatInbox, visitorId: string): Promise<void> {
  const take = await inbox.limits.visitorMessages.take(visitorId);
  if (!take.ok) {
    const limit = inbox.options.rate_limit.visitor_messages_per_minute;
    throw webchatError(
      ErrorCodes.FORBIDDEN,
      429,
      "rate_limited_visitor",
      `You are sending too fast (at most ${limit} per minute). Wait ${Math.ceil(take.retryAfterMs / 1000)} s.`,
      { retryAfterMs: take.retryAfterMs },
    );
  }
}

/**
 * Stores a visitor's message in core and appends it to their log.
 *
 * @example
 * const result = await postMessage(inbox, claims, { client_id: "c1", text: "Hello" });
 */
export async function postMessage(inbox: WebchatInbox, claims: VisitorClaims, message: VisitorMessage): Promise<PostResult> {
  const text = message.text.trim();
  const limit = inbox.options.max_text_length;
  if (text.length > limit)
    throw webchatError(
      ErrorCodes.VALIDATION,
      413,
      "text_too_long",
      `The message is ${text.length} characters; this chat takes at most ${limit}. Shorten it or send it in parts.`,
    );
  const attachments = checkAttachments(message.attachments ?? [], inbox.options.attachments);
  if (text === "" && attachments.length === 0)
    throw webchatError(ErrorCodes.VALIDATION, 422, "text_empty", "Write a message or attach a file.");
  await spendVisitorBudget(inbox, claims.visitorId);

  const record = await inbox.history.visitor(claims.visitorId);
  const result = await inbox.emit({
    externalId: `${claims.visitorId}:${message.client_id}`,
    contact: inbox.contactFor(claims, record),
    text,
    attachments,
    metadata: message.page ? { webchat: { page: message.page.slice(0, 2000) } } : undefined,
  });
  if (result.status === "invalid") throw refusedByCore(result.reason);
  if (result.status === "dropped") return { status: "dropped", reason: result.reason };
  await inbox.history.own(claims.visitorId, result.conversationId, result.contactId);

  const id = `v-${message.client_id}`;
  if (result.status !== "stored") {
    const existing = await inbox.history.find(claims.visitorId, id);
    if (existing) return { status: "duplicate", entry: existing };
  }
  const entry = await inbox.history.append(
    claims.visitorId,
    {
      id,
      client_id: message.client_id,
      conversation_id: result.conversationId,
      author: "visitor",
      kind: "text",
      text,
      attachments: attachments.map((a, index) => ({ index, filename: a.filename, content_type: a.contentType, size: a.size })),
      at: Date.now(),
    },
    attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, data: a.data })),
  );
  inbox.hub.push(claims.visitorId, { event: "message", entry });
  // The first message of a visitor who left an email in a form: ask them to prove it (verify_prechat_email).
  const first = result.status === "stored" && record.conversations.length === 0;
  if (first && record.email && claims.identifier === undefined) verifyFormEmail(inbox, result.conversationId);
  return { status: result.status === "stored" ? "stored" : "duplicate", entry };
}

/**
 * Saves the name and email of the pre-chat or offline form. When the visitor already has a
 * conversation, a short message tells the agents where to reply and puts the email on the contact.
 *
 * @example
 * await saveProfile(inbox, claims, { name: "Grace", email: "grace@example.com" });
 */
export async function saveProfile(
  inbox: WebchatInbox,
  claims: VisitorClaims,
  profile: { name?: string; email?: string },
): Promise<VisitorRecord> {
  await spendVisitorBudget(inbox, claims.visitorId);
  const before = await inbox.history.visitor(claims.visitorId);
  const record = await inbox.history.updateVisitor(claims.visitorId, (r) => ({
    ...r,
    name: profile.name || r.name,
    email: profile.email?.toLowerCase() || r.email,
  }));
  const newEmail = record.email && record.email !== before.email ? record.email : undefined;
  if (!newEmail || before.conversations.length === 0) return record;
  const result = await inbox.emit({
    externalId: `${claims.visitorId}:email:${newEmail}`,
    contact: inbox.contactFor(claims, record),
    text: `Email for the reply: ${newEmail}`,
    metadata: { webchat: { event: "email_left", email: newEmail } },
  });
  if (result.status === "invalid") throw refusedByCore(result.reason);
  if (result.status === "dropped") return record;
  const entry = await inbox.history.append(claims.visitorId, {
    id: `s-email-${newEmail}`,
    conversation_id: result.conversationId,
    author: "system",
    kind: "email",
    text: newEmail,
    attachments: [],
    at: Date.now(),
  });
  inbox.hub.push(claims.visitorId, { event: "message", entry });
  if (claims.identifier === undefined) verifyFormEmail(inbox, result.conversationId);
  return record;
}

/** Tells agents the visitor is typing (at most every 2 s; more often is answered but not passed on). */
export async function visitorTyping(inbox: WebchatInbox, claims: VisitorClaims): Promise<void> {
  if (!(await inbox.limits.visitorTyping.take(claims.visitorId)).ok) return;
  await inbox.typing({ contactExternalId: inbox.externalIdOf(claims) });
}

/**
 * Records the visitor's rating (1-5, with an optional comment) of a resolved conversation in the
 * inbox's kv under `csat:<conversation id>`, and appends it to their log.
 *
 * @example
 * await rateConversation(inbox, claims, 12, { rating: 5, comment: "Quick and kind" });
 */
export async function rateConversation(
  inbox: WebchatInbox,
  claims: VisitorClaims,
  conversationId: number,
  input: { rating: number; comment?: string },
): Promise<Entry> {
  const record = await inbox.history.visitor(claims.visitorId);
  if (!record.conversations.includes(conversationId)) throw conversationNotFound(conversationId);
  const entries = await inbox.history.after(claims.visitorId, 0);
  const asked = entries.some((e) => e.kind === "resolved" && e.csat && e.conversation_id === conversationId);
  if (!asked)
    throw webchatError(
      ErrorCodes.CONFLICT,
      409,
      "rating_not_requested",
      "This conversation has not asked for a rating (it is not resolved, or ratings are off).",
    );
  const rated = entries.find((e) => e.kind === "rating" && e.conversation_id === conversationId);
  if (rated) return rated;
  await spendVisitorBudget(inbox, claims.visitorId);
  await inbox.csat.record({
    conversationId,
    contactId: record.contactId ?? null,
    rating: input.rating,
    comment: input.comment ?? null,
    at: Date.now(),
  });
  const entry = await inbox.history.append(claims.visitorId, {
    id: `s-rating-${conversationId}`,
    conversation_id: conversationId,
    author: "visitor",
    kind: "rating",
    text: input.comment ?? "",
    rating: input.rating,
    attachments: [],
    at: Date.now(),
  });
  inbox.hub.push(claims.visitorId, { event: "message", entry });
  return entry;
}

/**
 * The visitor has seen their log up to `seq` with the widget open: agent replies up to there are
 * reported "read" to core (once each), so agents see it in the inbox. Returns how many changed.
 *
 * @example
 * await markRead(inbox, claims, 12);
 */
export async function markRead(inbox: WebchatInbox, claims: VisitorClaims, seq: number): Promise<number> {
  const from = (await inbox.history.visitor(claims.visitorId)).readSeq ?? 0;
  if (seq <= from) return 0;
  const replies = (await inbox.history.after(claims.visitorId, from)).filter(
    (e) => e.seq <= seq && e.author === "agent" && /^a-\d+$/.test(e.id),
  );
  let changed = 0;
  for (const reply of replies) {
    if (await inbox.reportDelivery({ externalId: outgoingExternalId(Number(reply.id.slice(2))), status: "read" })) changed++;
  }
  await inbox.history.updateVisitor(claims.visitorId, (record) => ({ ...record, readSeq: Math.max(record.readSeq ?? 0, seq) }));
  return changed;
}
