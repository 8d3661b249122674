/**
 * ParsedEmail → core's InboundMessage, with the stored shape the inbox renders (the contract is
 * documented in the README, "What is stored"):
 *   text      the customer's new words: quoted replies and signatures trimmed
 *   html      the whole email, sanitised, for a sandboxed frame (remote images blocked)
 *   metadata  { autoReply?: true, fullText?, inlineImages?, warning?, email: { messageId, from, to, cc, threading, ... } }
 *             (the top-level keys are core's channel-neutral conventions the inbox renders)
 * Anything too large for core's limits is cut, and then the original .eml is attached so nothing
 * is lost.
 */
import type { InboundAttachment, InboundMessage } from "@switchboard/core";
import type { ParsedEmail } from "../parse/parse.ts";
import { trimReply } from "../parse/trim.ts";
import type { ThreadMatch } from "../threading/resolve.ts";

/** Core's limits (core/src/pipeline/normalise.ts). */
const MAX_TEXT = 100_000;
const MAX_HTML = 500_000;
const MAX_ATTACHMENTS = 50;
/** The untrimmed text kept in metadata, at most. */
const MAX_FULL_TEXT = 1_000_000;

/** Where a message came from: the IMAP mailbox (with its UID) or the embedded SMTP server (with its envelope). */
export type ReceivedVia = { via: "imap"; mailbox: string; uid: number; uidValidity: string } | { via: "smtp"; mailFrom: string; rcptTo: string[] };

/** The sender of a message with no readable From. */
export const UNKNOWN_SENDER = "unknown-sender";

function attachment(filename: string, contentType: string, content: Buffer): InboundAttachment {
  return { filename, contentType, size: content.length, data: content.toString("base64") };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 40)}\n…[cut: the full text is in original.eml]`;
}

/**
 * Builds the inbound message of one parsed email.
 *
 * @example
 * const inbound = toInbound(email, { threadKey: "root@x", by: "references", matched: "a@x" }, { via: "smtp", mailFrom: "bob@example.com", rcptTo: ["support@acme.com"] });
 * await emit(inbound);
 */
export function toInbound(email: ParsedEmail, match: ThreadMatch, received: ReceivedVia, extraProblems: string[] = []): InboundMessage {
  const problems = [...email.problems, ...extraProblems];
  const cuts: string[] = [];
  const trimmed = problems.length > 0 ? { text: email.text.trim(), trimmed: false } : trimReply(email.text);
  if (trimmed.text.length > MAX_TEXT) cuts.push("text");
  let html = email.html?.html;
  if (html && html.length > MAX_HTML) {
    cuts.push("html");
    html = undefined;
  }
  const files = email.attachments.map((a) => attachment(a.filename, a.contentType, a.content));
  const keepOriginal = problems.length > 0 || cuts.length > 0 || files.length > MAX_ATTACHMENTS || email.text.length > MAX_FULL_TEXT;
  if (files.length > (keepOriginal ? MAX_ATTACHMENTS - 1 : MAX_ATTACHMENTS)) cuts.push(`attachments beyond the first ${MAX_ATTACHMENTS - 1}`);
  const attachments = files.slice(0, keepOriginal ? MAX_ATTACHMENTS - 1 : MAX_ATTACHMENTS);
  if (keepOriginal) attachments.push(attachment("original.eml", "message/rfc822", email.raw));

  const inline: Record<string, { attachment: number; filename: string }> = {};
  email.attachments.forEach((a, position) => {
    if (a.cid && position < attachments.length) inline[a.cid] = { attachment: position, filename: a.filename };
  });

  let text = cut(trimmed.text, MAX_TEXT);
  if (text === "") text = attachments.length > 0 ? "" : "(This email has no text.)";
  if (problems.length > 0) text = `(This email could not be read properly: ${problems.join("; ")}. The original is attached as original.eml.)\n\n${text}`.slice(0, MAX_TEXT);

  const from = email.from;
  return {
    externalId: email.messageId,
    contact: from ? { externalId: from.address, email: from.address, verified: true, ...(from.name ? { name: from.name.slice(0, 256) } : {}) } : { externalId: UNKNOWN_SENDER, name: "Unknown sender" },
    text,
    ...(html ? { html } : {}),
    ...(email.subject ? { subject: email.subject.slice(0, 1000) } : {}),
    ...(attachments.length ? { attachments } : {}),
    threadKey: match.threadKey,
    ...(email.inReplyTo[0] ? { replyToExternalId: email.inReplyTo[0] } : {}),
    ...(email.date ? { sentAt: email.date } : {}),
    metadata: {
      ...(email.autoReply ? { autoReply: true } : {}),
      ...(trimmed.trimmed ? { fullText: email.text.slice(0, MAX_FULL_TEXT) } : {}),
      ...(Object.keys(inline).length ? { inlineImages: Object.fromEntries(Object.entries(inline).map(([cid, v]) => [cid, v.attachment])) } : {}),
      ...(problems.length ? { warning: `This email could not be read fully (${problems.join("; ")}); the original is attached.` } : {}),
      email: {
        messageId: email.messageId,
        ...(email.messageIdMissing ? { messageIdMissing: true } : {}),
        inReplyTo: email.inReplyTo,
        references: email.references,
        from: from ?? null,
        to: email.to,
        cc: email.cc,
        ...(email.replyTo.length ? { replyTo: email.replyTo } : {}),
        threading: match.matched ? { by: match.by, matched: match.matched } : { by: match.by },
        trimmed: trimmed.trimmed,
        remoteImages: email.html?.remoteImages ?? 0,
        ...(Object.keys(inline).length ? { inline } : {}),
        ...(email.autoReply ? { autoReply: email.autoReply } : {}),
        ...(email.bounce ? { bounce: { action: email.bounce.action, error: email.bounce.error, originalMessageId: email.bounce.originalMessageId } } : {}),
        ...(problems.length ? { unparseable: { reasons: problems } } : {}),
        ...(cuts.length ? { cut: cuts } : {}),
        received,
      },
    },
  };
}
