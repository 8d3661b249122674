/**
 * Builds the email of an agent's reply: From with the agent's name through the inbox's
 * `from_format`, To the customer, CC the people on the thread (when `reply_cc = "keep"`),
 * "Re: <subject>", plain text and HTML with the inbox signature, attachments, and the
 * Message-ID / In-Reply-To / References headers that make mail clients thread it.
 */
import type { OutboundMessage } from "@switchboard/core";
import type { SendMailOptions } from "nodemailer/lib/mailer";
import type { EmailInboxOptions } from "../options.ts";
import { bracket, stripSubjectPrefixes } from "../parse/message-ids.ts";
import type { EmailAddress } from "../parse/parse.ts";
import { type ConversationEntry, capReferences, type MessageEntry } from "../threading/thread-index.ts";

export interface ReplyContext {
  options: EmailInboxOptions;
  /** The customer's address. */
  to: EmailAddress;
  message: OutboundMessage;
  /** This reply's Message-ID (no brackets). */
  messageId: string;
  conversation: ConversationEntry | undefined;
  /** The Message-ID this replies to, and what the index knows about it. */
  parentId: string | null;
  parent: MessageEntry | undefined;
  /** Addresses that are this inbox (never CC'd on its own replies). */
  isOwnAddress(address: string): boolean;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * Plain text as simple HTML paragraphs (escaped).
 *
 * @example
 * textToHtml("Hi <Bob>\n\nThanks"); // "<p>Hi &lt;Bob&gt;</p>\n<p>Thanks</p>"
 */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

/**
 * The From display name: `from_format` with {agent} and {name} filled in, or the inbox name for
 * replies without an agent (automations).
 *
 * @example
 * fromName({ from_format: "{agent} via {name}", name: "Acme Support", address: "support@acme.com" }, { id: 1, name: "Alice" }); // "Alice via Acme Support"
 */
export function fromName(options: Pick<EmailInboxOptions, "from_format" | "name" | "address">, agent: { name: string } | null): string {
  const inboxName = options.name ?? options.address;
  if (!agent) return inboxName;
  return options.from_format.replaceAll("{agent}", agent.name).replaceAll("{name}", inboxName);
}

/** The References of a reply: the parent's References, then the parent (RFC 5322 §3.6.4). */
function referencesFor(parentId: string | null, parent: MessageEntry | undefined): string[] {
  if (!parentId) return [];
  return capReferences([...(parent?.r ?? []).filter((id) => id !== parentId), parentId]);
}

/**
 * The nodemailer message for one reply.
 *
 * @example
 * const mail = composeReply({ options, to: { address: "bob@example.com" }, message, messageId, conversation, parentId, parent, isOwnAddress });
 * await transport.sendMail(mail);
 */
export function composeReply(context: ReplyContext): SendMailOptions {
  const { options, message, conversation } = context;
  const links = message.attachments.filter((a) => !a.data && a.url);
  const linkText = links.map((a) => `${a.filename}: ${a.url}`).join("\n");
  const signature = options.signature?.trim();
  const text = [message.text, linkText, signature ? `-- \n${signature}` : ""].filter(Boolean).join("\n\n");
  const htmlParts = [
    message.html ?? textToHtml(message.text),
    links.length ? `<p>${links.map((a) => `<a href="${escapeHtml(a.url!)}">${escapeHtml(a.filename)}</a>`).join("<br>")}</p>` : "",
    signature ? `<p>-- <br>${escapeHtml(signature).replace(/\n/g, "<br>")}</p>` : "",
  ];
  const references = referencesFor(context.parentId, context.parent);
  const cc =
    options.reply_cc === "keep"
      ? (conversation?.cc ?? []).filter((person) => person.address !== context.to.address && !context.isOwnAddress(person.address))
      : [];
  return {
    from: { name: fromName(options, message.agent), address: options.address },
    to: context.to.name ? { name: context.to.name, address: context.to.address } : context.to.address,
    ...(cc.length ? { cc: cc.map((person) => (person.name ? { name: person.name, address: person.address } : person.address)) } : {}),
    subject: conversation?.subject ? `Re: ${stripSubjectPrefixes(conversation.subject)}` : options.default_subject,
    text,
    html: htmlParts.filter(Boolean).join("\n"),
    messageId: bracket(context.messageId),
    ...(context.parentId ? { inReplyTo: bracket(context.parentId), references: references.map(bracket) } : {}),
    attachments: message.attachments
      .filter((a) => a.data)
      .map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.data!, "base64") })),
  };
}
