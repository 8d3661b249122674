/**
 * UTF-7 support. mailparser deliberately refuses UTF-7 (it can smuggle markup past filters that
 * look for "<"), so a UTF-7 body arrives as "+ADw-..." gibberish. This pre-pass re-encodes UTF-7
 * text parts and UTF-7 encoded words of the top-level headers as UTF-8 before mailparser runs.
 * That is safe here because every HTML body is sanitised after decoding (core's sanitizeHtml), and text
 * is only ever shown as text.
 */
import { Rewriter } from "@zone-eu/mailsplit";
import iconv from "iconv-lite";
import { runMimePass } from "./mime-pass.ts";

const UTF7 = /^(?:(?:cs)?unicode-?1-?1-?)?utf-?7$/i;
const ENCODED_WORD = /=\?(utf-?7)(?:\*[^?]*)?\?([bq])\?([^?]*)\?=/gi;

/**
 * True when the raw message mentions UTF-7 at all (a cheap check before any work).
 *
 * @example
 * mentionsUtf7(Buffer.from("Content-Type: text/plain; charset=UTF-7")); // true
 */
export function mentionsUtf7(raw: Buffer): boolean {
  // Byte searches, so a 25 MB message is not turned into a string to look for five letters.
  return ["utf-7", "UTF-7", "Utf-7", "utf7", "UTF7"].some((needle) => raw.includes(needle));
}

/** Decodes the payload of one encoded word (B or Q) into bytes. */
function encodedWordBytes(encoding: string, text: string): Buffer {
  if (encoding.toLowerCase() === "b") return Buffer.from(text, "base64");
  const qp = text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(qp, "latin1");
}

/**
 * Rewrites `=?UTF-7?B|Q?...?=` encoded words in a header block as `=?UTF-8?B?...?=`.
 *
 * @example
 * rewriteUtf7EncodedWords("Subject: =?UTF-7?Q?Caf+AOk-?="); // "Subject: =?UTF-8?B?Q2Fmw6k=?="
 */
export function rewriteUtf7EncodedWords(headers: string): string {
  return headers.replace(ENCODED_WORD, (_match, _charset: string, encoding: string, text: string) => {
    const decoded = iconv.decode(encodedWordBytes(encoding, text), "utf7");
    return `=?UTF-8?B?${Buffer.from(decoded, "utf8").toString("base64")}?=`;
  });
}

/** Splits a raw message at the end of its top-level header block. */
function splitHead(raw: Buffer): { head: Buffer; body: Buffer } {
  const text = raw.toString("latin1");
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { head: raw, body: Buffer.alloc(0) };
  const end = match.index + match[0].length;
  return { head: raw.subarray(0, end), body: raw.subarray(end) };
}

/**
 * Returns the message with its UTF-7 parts and header words re-encoded as UTF-8; the message
 * itself when it has none.
 *
 * @example
 * const ready = await decodeUtf7(raw);
 * const parsed = await simpleParser(ready);
 */
export async function decodeUtf7(raw: Buffer): Promise<Buffer> {
  if (!mentionsUtf7(raw)) return raw;
  const { head, body } = splitHead(raw);
  const headers = head.toString("latin1");
  const rewrittenHead = Buffer.from(rewriteUtf7EncodedWords(headers), "latin1");
  const message = Buffer.concat([rewrittenHead, body]);

  const rewriter = new Rewriter(
    (node) => typeof node.charset === "string" && UTF7.test(node.charset) && /^text\//i.test(node.contentType || ""),
  );
  rewriter.on("node", (data) => {
    data.node.setCharset("utf-8");
    const chunks: Buffer[] = [];
    data.decoder.on("data", (chunk: Buffer) => chunks.push(chunk));
    data.decoder.on("end", () => data.encoder.end(Buffer.from(iconv.decode(Buffer.concat(chunks), "utf7"), "utf8")));
  });
  return runMimePass(message, rewriter);
}
