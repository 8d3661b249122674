/**
 * ParsedEmail → core's InboundMessage, with the stored shape the inbox renders (the contract is
 * documented in the README, "What is stored"):
 *   text      the customer's new words: quoted replies and signatures trimmed
 *   html      the whole email, sanitised, for a sandboxed frame (remote images blocked)
 *   metadata  { autoReply?: true, fullText?, inlineImages?, warning?, email: { messageId, from, to, cc, threading, ... } }
 *             (the top-level keys are core's channel-neutral conventions the inbox renders)
 * Anything too large for core's limits is cut, and then the original .eml is attached so nothing
 * is lost; an untrimmed text that does not fit in the metadata is attached as full-text.txt. A
 * sender address that is no usable email address identifies the contact without an email identity.
 */
import { FREE_JSON_MAX_BYTES, type InboundAttachment, type InboundMessage } from "@switchboard/core";
import { isUsableAddress } from "../addresses.ts";
import type { ParsedEmail } from "../parse/parse.ts";
import { rawBytes } from "../parse/raw-email.ts";
import { trimReply } from "../parse/trim.ts";
import type { ThreadMatch } from "../threading/resolve.ts";

/** Core's limits (core/src/pipeline/normalise.ts). */
const MAX_TEXT = 100_000;
const MAX_HTML = 500_000;
const MAX_ATTACHMENTS = 50;
/** Core's limit on ids, thread keys and contact ids. */
const MAX_ID = 512;
/** The marker that ends a cut text; the text is cut so that text + marker fit the limit exactly. */
export const CUT_MARKER = "\n…[cut: the full text is attached as full-text.txt]";

/** Where a message came from: the IMAP mailbox (with its UID) or the embedded SMTP server (with its envelope). */
export type ReceivedVia =
  | { via: "imap"; mailbox: string; uid: number; uidValidity: string }
  | { via: "smtp"; mailFrom: string; rcptTo: string[] };

/** The sender of a message with no readable From. */
export const UNKNOWN_SENDER = "unknown-sender";

function attachment(filename: string, contentType: string, content: Buffer): InboundAttachment {
  // The bytes as they are: core stores them without a base64 copy (a large attachment's memory).
  return { filename, contentType, size: content.length, data: content };
}

/** `text` within `max` characters: cut with CUT_MARKER when longer (never splitting a surrogate pair). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - CUT_MARKER.length;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}${CUT_MARKER}`;
}

/** The serialised size of a metadata value, as core's free-form JSON limit counts it. */
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

/** The contact of a sender: identified by the raw address; an email identity only when it is a usable address. */
function contactOf(from: ParsedEmail["from"]): InboundMessage["contact"] {
  if (!from) return { externalId: UNKNOWN_SENDER, name: "Unknown sender" };
  const name = from.name ? { name: from.name.slice(0, 256) } : {};
  if (isUsableAddress(from.address)) return { externalId: from.address, email: from.address, verified: true, ...name };
  return { externalId: from.address.slice(0, MAX_ID), ...name };
}

/**
 * The email's attachments as core takes them (base64). Built once per message: the caller may then
 * let go of the decoded bytes (a 25 MB email's attachment is not held twice while it is stored).
 *
 * @example
 * const files = filesOf(email);
 * const inbound = toInbound(email, match, received, [], files);
 */
export function filesOf(email: ParsedEmail): InboundAttachment[] {
  return email.attachments.map((a) => attachment(a.filename, a.contentType, a.content));
}

/**
 * Builds the inbound message of one parsed email; `files` are its attachments from `filesOf(email)`.
 *
 * @example
 * const inbound = toInbound(email, { threadKey: "root@x", by: "references", matched: "a@x" }, { via: "smtp", mailFrom: "bob@example.com", rcptTo: ["support@acme.com"] });
 * await emit(inbound);
 */
export function toInbound(
  email: ParsedEmail,
  match: ThreadMatch,
  received: ReceivedVia,
  extraProblems: string[] = [],
  files: InboundAttachment[] = filesOf(email),
): InboundMessage {
  const problems = [...email.problems, ...extraProblems];
  const cuts: string[] = [];
  const trimmed = problems.length > 0 ? { text: email.text.trim(), trimmed: false } : trimReply(email.text);
  if (trimmed.text.length > MAX_TEXT) cuts.push("text");
  let html = email.html?.html;
  if (html && html.length > MAX_HTML) {
    cuts.push("html");
    html = undefined;
  }
  const from = email.from;
  const warnings = [
    ...(problems.length ? [`This email could not be read fully (${problems.join("; ")}); the original is attached.`] : []),
    ...(email.oddities.length ? [`This email was stored, but something in it is odd: ${email.oddities.join("; ")}.`] : []),
  ];
  const emailMeta: Record<string, unknown> = {
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
    ...(email.autoReply ? { autoReply: email.autoReply } : {}),
    ...(email.bounce
      ? { bounce: { action: email.bounce.action, error: email.bounce.error, originalMessageId: email.bounce.originalMessageId } }
      : {}),
    ...(problems.length ? { unparseable: { reasons: problems } } : {}),
    ...(email.oddities.length ? { oddities: email.oddities } : {}),
    received,
  };
  // Core keeps free-form metadata small (FREE_JSON_MAX_BYTES): long address and id lists are shortened (the original has them all).
  const budget = FREE_JSON_MAX_BYTES - 2_000;
  if (jsonBytes(emailMeta) > budget) {
    for (const key of ["to", "cc", "replyTo", "references", "inReplyTo"])
      if (Array.isArray(emailMeta[key])) emailMeta[key] = (emailMeta[key] as unknown[]).slice(0, 10);
    cuts.push("recipients and references beyond the first 10");
  }
  if (jsonBytes(emailMeta) > budget) {
    for (const key of ["to", "cc", "replyTo", "references", "inReplyTo"]) delete emailMeta[key];
    emailMeta.from = from ? { address: from.address.slice(0, 256) } : null;
  }
  // The untrimmed text: in metadata.fullText when it fits there, else attached as full-text.txt.
  const fullTextInline = trimmed.trimmed && jsonBytes(emailMeta) + jsonBytes(email.text) + 1_000 <= FREE_JSON_MAX_BYTES;
  // A flagged message has its original attached, which holds the whole text already.
  const fullTextFile = problems.length === 0 && (cuts.includes("text") || (trimmed.trimmed && !fullTextInline));
  const keepOriginal = problems.length > 0 || cuts.length > 0 || files.length > MAX_ATTACHMENTS - (fullTextFile ? 1 : 0);
  const room = MAX_ATTACHMENTS - (keepOriginal ? 1 : 0) - (fullTextFile ? 1 : 0);
  if (files.length > room) cuts.push(`attachments beyond the first ${room}`);
  const attachments = files.slice(0, room);
  if (fullTextFile) attachments.push(attachment("full-text.txt", "text/plain; charset=utf-8", Buffer.from(email.text, "utf8")));
  if (keepOriginal) attachments.push(attachment("original.eml", "message/rfc822", rawBytes(email.raw)));
  if (cuts.length) emailMeta.cut = cuts;
  if (fullTextFile) emailMeta.fullTextFile = "full-text.txt";

  const inline: Record<string, { attachment: number; filename: string }> = {};
  email.attachments.forEach((a, position) => {
    if (a.cid && position < room) inline[a.cid] = { attachment: position, filename: a.filename };
  });
  if (Object.keys(inline).length) emailMeta.inline = inline;

  let text = cut(trimmed.text, MAX_TEXT);
  if (text === "") text = attachments.length > 0 ? "" : "(This email has no text.)";
  if (problems.length > 0)
    text = cut(
      `(This email could not be read properly: ${problems.join("; ")}. The original is attached as original.eml.)\n\n${text}`,
      MAX_TEXT,
    );

  return {
    externalId: email.messageId.slice(0, MAX_ID),
    contact: contactOf(from),
    text,
    ...(html ? { html } : {}),
    ...(email.subject ? { subject: email.subject.slice(0, 1000) } : {}),
    ...(attachments.length ? { attachments } : {}),
    threadKey: match.threadKey.slice(0, MAX_ID),
    ...(email.inReplyTo[0] ? { replyToExternalId: email.inReplyTo[0].slice(0, MAX_ID) } : {}),
    ...(email.date ? { sentAt: email.date } : {}),
    metadata: {
      ...(email.autoReply ? { autoReply: true } : {}),
      ...(fullTextInline ? { fullText: email.text } : {}),
      ...(Object.keys(inline).length
        ? { inlineImages: Object.fromEntries(Object.entries(inline).map(([cid, v]) => [cid, v.attachment])) }
        : {}),
      ...(warnings.length ? { warning: warnings.join(" ") } : {}),
      email: emailMeta,
    },
  };
}
