/**
 * Raw email → ParsedEmail: mailparser (charsets, RFC 2047, MIME, attachments) after the UTF-7
 * pre-pass, HTML sanitised, auto-replies and bounces recognised. It never throws for what a
 * message contains: a message that cannot be read is returned with `problems` set and its body
 * kept as raw text, so the caller stores it flagged instead of dropping it. What was read but is
 * odd (a sender address no reply can go to) is listed in `oddities`.
 */
import { Readable } from "node:stream";
import { type SanitizedHtml, sanitizeHtml } from "@switchboard/core";
import type { AddressObject, ParsedMail } from "mailparser";
import { isUsableAddress } from "../addresses.ts";
import { collectEvery } from "../collect-garbage.ts";
import { autoReplyReason } from "./auto-reply.ts";
import { type Bounce, readBounce } from "./bounce.ts";
import { parseMessageIds } from "./message-ids.ts";
import { hasNamedTextPart, keepNamedTextParts } from "./named-parts.ts";
import { type RawEmail, rawBytes, rawSha256, rawStart, SpooledEmail } from "./raw-email.ts";
import { fixRawHeaderBytes } from "./raw-header-bytes.ts";
import { readMime } from "./read-mime.ts";
import { decodeUtf7, mentionsUtf7 } from "./utf7.ts";
import { extractUuencoded } from "./uudecode.ts";

export interface EmailAddress {
  /** Lower-cased; for a sender, the raw address when it is not a usable one (see `oddities`). */
  address: string;
  name?: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** The Content-ID (no brackets) an inline image is referred to by, as `cid:<id>` in the HTML. */
  cid?: string;
  inline: boolean;
}

export interface ParsedEmail {
  /** The message as received, in memory or spooled to a file (for keeping the original). */
  raw: RawEmail;
  /** The Message-ID without brackets; made up from the content's hash when the message has none. */
  messageId: string;
  messageIdMissing: boolean;
  inReplyTo: string[];
  references: string[];
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  subject: string | undefined;
  /** The Date header (ms), when it has a readable one. */
  date: number | undefined;
  /** The whole plain text (from the HTML when there is no text part). */
  text: string;
  html: SanitizedHtml | null;
  attachments: ParsedAttachment[];
  /** Why it is machine-written (see auto-reply.ts), or null. */
  autoReply: string | null;
  bounce: Bounce | null;
  /** What could not be read. Non-empty means the message is flagged unparseable. */
  problems: string[];
  /** What was read but is odd (a sender address that is no usable email address). Flagged, not unparseable. */
  oddities: string[];
}

/**
 * The message as a stream of 64 KiB views (no copies): mailparser given one large buffer holds more
 * at once. Garbage is collected as it goes (collect-garbage.ts).
 */
function inParts(raw: Buffer): Readable {
  return Readable.from(
    (function* () {
      const collect = collectEvery();
      for (let at = 0; at < raw.length; at += 65_536) {
        collect(Math.min(65_536, raw.length - at));
        yield raw.subarray(at, at + 65_536);
      }
    })(),
    { objectMode: false },
  );
}

/** Ids made up for messages without a Message-ID end with this (never a real domain). */
export const SYNTHETIC_ID_DOMAIN = "missing-message-id.switchboard.invalid";

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: EmailAddress[] = [];
  const visit = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address)
        out.push(entry.name ? { address: entry.address.toLowerCase(), name: entry.name } : { address: entry.address.toLowerCase() });
    }
  };
  for (const object of list) visit(object.value);
  return out;
}

/**
 * Bytes as text: UTF-8 when they are valid UTF-8, else Latin-1 (which never fails).
 *
 * @example
 * bytesToText(Buffer.from([0x43, 0x61, 0x66, 0xe9])); // "Café" (Latin-1)
 */
export function bytesToText(bytes: Buffer): string {
  const utf8 = bytes.toString("utf8");
  return utf8.includes("\uFFFD") ? bytes.toString("latin1") : utf8;
}

/** The part of a raw message after its header block. */
function rawBody(raw: Buffer): Buffer {
  const text = raw.toString("latin1");
  const match = /\r?\n\r?\n/.exec(text);
  return match ? raw.subarray(match.index + match[0].length) : Buffer.alloc(0);
}

function syntheticId(raw: RawEmail): string {
  return `${rawSha256(raw).slice(0, 32)}@${SYNTHETIC_ID_DOMAIN}`;
}

/** How much of a spooled message's start is read to find its header block. */
const HEAD_BYTES = 1024 * 1024;

/**
 * True when a spooled message needs a pre-pass that rewrites it (raw 8-bit header bytes, UTF-7, a
 * named text part), which works on the whole message in memory. Scanned from the file in windows.
 */
function needsPrePass(spooled: SpooledEmail): boolean {
  const start = rawStart(spooled, HEAD_BYTES);
  const headEnds = start.includes("\r\n\r\n") || start.includes("\n\n");
  if (!headEnds || fixRawHeaderBytes(start) !== start) return true;
  // hasNamedTextPart reads up to 400 bytes after each "text/": windows overlap by more than that.
  return spooled.some(512, (window) => mentionsUtf7(window) || hasNamedTextPart(window));
}

/**
 * What mailparser reads: a spooled message straight from its file (never whole in memory) unless a
 * pre-pass must rewrite it; otherwise the pre-passed bytes, in views.
 */
async function mimeInput(raw: RawEmail): Promise<Readable> {
  if (raw instanceof SpooledEmail && !needsPrePass(raw)) return raw.stream();
  return inParts(await keepNamedTextParts(await decodeUtf7(fixRawHeaderBytes(rawBytes(raw)))));
}

/** A part's content type as "type/subtype"; a malformed one (`Content-Type: ; name="x.jpg"`) is octet-stream. */
function contentTypeOf(value: unknown): string {
  return typeof value === "string" && /^[\w.+-]+\/[\w.+-]+$/.test(value.trim()) ? value.trim().toLowerCase() : "application/octet-stream";
}

function attachmentsOf(parsed: ParsedMail): ParsedAttachment[] {
  return parsed.attachments
    .map((a) => ({ ...a, contentType: contentTypeOf(a.contentType) }))
    .filter((a) => !/^(?:message\/(?:global-)?delivery-status)$/i.test(a.contentType))
    .map((a, index) => {
      const inline = Boolean(a.cid && (a.related || a.contentDisposition === "inline"));
      const extension = a.contentType === "message/rfc822" ? "eml" : (a.contentType.split("/")[1] ?? "bin").replace(/[^a-z0-9.+-]/gi, "");
      const named = typeof a.filename === "string" && a.filename.trim() !== "" ? a.filename.trim().slice(0, 512) : undefined;
      const filename =
        named ??
        (a.contentType === "message/rfc822"
          ? `forwarded-message-${index + 1}.eml`
          : `${inline ? "inline" : "attachment"}-${index + 1}.${extension}`);
      // An x-uuencode part arrives undecoded: one `begin ... end` block that is the file.
      const uu = /^\s*begin [0-7]{3,4} /.test(a.content.subarray(0, 64).toString("latin1"))
        ? extractUuencoded(a.content.toString("latin1")).files[0]
        : undefined;
      if (uu)
        return {
          filename: named ?? uu.filename,
          contentType: a.contentType.startsWith("text/") ? "application/octet-stream" : a.contentType,
          content: uu.content,
          inline: false,
        };
      return { filename, contentType: a.contentType, content: a.content, ...(a.cid ? { cid: a.cid } : {}), inline };
    });
}

/** A header's raw value, unfolded (for what mailparser could not split into an address). */
function rawHeader(parsed: ParsedMail, key: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === key)?.line;
  return line
    ? line
        .slice(line.indexOf(":") + 1)
        .replace(/\r?\n[ \t]+/g, " ")
        .trim()
    : undefined;
}

/**
 * The sender: From (or Sender) as mailparser reads it; when it finds no address there
 * (`<moderator>`, a bang path `host!user`), the raw header value, so the contact is still
 * identified by what the message says.
 */
function senderOf(parsed: ParsedMail): EmailAddress | null {
  const found = addresses(parsed.from)[0] ?? addresses(parsed.headers.get("sender") as AddressObject | undefined)[0];
  if (found) return found;
  const raw = rawHeader(parsed, "from") || rawHeader(parsed, "sender");
  if (!raw) return null;
  const address = (/<([^>]*)>/.exec(raw)?.[1] ?? raw).trim().toLowerCase().slice(0, 512);
  return address ? { address } : null;
}

/**
 * What a message that mailparser could not read at all becomes: the raw body as text, flagged.
 *
 * @example
 * unreadable(raw, "mailparser could not read it: ...").problems; // ["mailparser could not read it: ..."]
 */
export function unreadable(raw: RawEmail, reason: string): ParsedEmail {
  const bytes = rawBytes(raw);
  return {
    raw,
    messageId: syntheticId(raw),
    messageIdMissing: true,
    inReplyTo: [],
    references: [],
    from: null,
    to: [],
    cc: [],
    replyTo: [],
    subject: undefined,
    date: undefined,
    text: bytesToText(rawBody(bytes).length > 0 ? rawBody(bytes) : bytes),
    html: null,
    attachments: [],
    autoReply: null,
    bounce: null,
    problems: [reason],
    oddities: [],
  };
}

/**
 * Parses one raw email.
 *
 * @example
 * const email = await parseEmail(readFileSync("reply.eml"));
 * email.text;        // the whole text
 * email.references;  // ["root@x", "a@x"]
 * email.problems;    // [] when it was read fine
 */
export async function parseEmail(raw: RawEmail): Promise<ParsedEmail> {
  let parsed: ParsedMail;
  try {
    parsed = await readMime(await mimeInput(raw), {
      keepDeliveryStatus: true,
      skipTextToHtml: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: 2_000_000,
    });
  } catch (error) {
    // Not swallowed: the message is kept raw and flagged with this reason, and the caller logs it.
    return unreadable(raw, `mailparser could not read it: ${(error as Error).message}`);
  }
  try {
    return readParsed(raw, parsed);
  } catch (error) {
    // Every step after mailparser fails into the same flagged path (a malformed part must not lose the message).
    return unreadable(raw, `a part of it could not be read: ${(error as Error).message}`);
  } finally {
    // The decoded attachments are the ParsedEmail's alone from here (the caller lets go of them once stored).
    parsed.attachments = [];
  }
}

/** ParsedMail → ParsedEmail (may throw on shapes mailparser lets through; parseEmail catches). */
function readParsed(raw: RawEmail, parsed: ParsedMail): ParsedEmail {
  const problems: string[] = [];
  const oddities: string[] = [];
  const declaredId = parseMessageIds(parsed.messageId)[0];
  const from = senderOf(parsed);
  if (!from) problems.push("it has no sender address (From)");
  else if (!isUsableAddress(from.address))
    oddities.push(
      `the sender address "${from.address}" is not a usable email address, so the contact has no email identity and a reply cannot be sent to it`,
    );
  const html = typeof parsed.html === "string" && parsed.html.trim() !== "" ? sanitizeHtml(parsed.html) : null;
  const uu = extractUuencoded(parsed.text ?? "");
  const attachments = [
    ...attachmentsOf(parsed),
    ...uu.files.map((file) => ({ ...file, contentType: "application/octet-stream", inline: false })),
  ];
  const bounce = readBounce(parsed);
  let text = uu.text;
  if (text.trim() === "" && !html && attachments.length === 0) {
    const body = rawBody(rawBytes(raw));
    if (body.toString("latin1").trim() !== "") {
      problems.push("its body could not be read (a broken MIME structure, such as a boundary that never appears)");
      text = bytesToText(body);
    }
  }
  return {
    raw,
    messageId: declaredId ?? syntheticId(raw),
    messageIdMissing: !declaredId,
    inReplyTo: parseMessageIds(parsed.inReplyTo),
    references: parseMessageIds(parsed.references),
    from,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject?.trim() || undefined,
    date:
      parsed.headers.has("date") && parsed.date && !Number.isNaN(parsed.date.getTime()) && parsed.date.getTime() > 0
        ? parsed.date.getTime()
        : undefined,
    text,
    html,
    attachments,
    autoReply: autoReplyReason(parsed.headers) ?? (bounce ? "a delivery status notification (bounce)" : null),
    bounce,
    problems,
    oddities,
  };
}
