/**
 * Raw 8-bit bytes in the top-level headers (RFC 6532 allows UTF-8 there; old mailers write
 * Latin-1 or put raw bytes inside encoded words). mailparser reads them as UTF-8 and turns
 * anything else into U+FFFD. This pre-pass makes the header block readable before it runs:
 * a raw byte inside a Q encoded word becomes `=XX`, so the word's own charset decodes it; the
 * rest stays when it is valid UTF-8, and otherwise is read in the message's declared charset
 * (windows-1252 when none is declared or known) and written back as UTF-8.
 */
import iconv from "iconv-lite";

const Q_WORD = /=\?([^?\s]+)\?[qQ]\?([^?]*)\?=/g;

/** Splits a raw message at the end of its top-level header block. */
function splitHead(raw: Buffer): { head: Buffer; body: Buffer } {
  const end = raw.indexOf("\r\n\r\n");
  const endLf = raw.indexOf("\n\n");
  const at = end >= 0 && (endLf < 0 || end < endLf) ? end + 4 : endLf >= 0 ? endLf + 2 : raw.length;
  return { head: raw.subarray(0, at), body: raw.subarray(at) };
}

/** True when the bytes are valid UTF-8. */
function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the message with its top-level header block in clean UTF-8; the message itself when the headers are plain ASCII.
 *
 * @example
 * const ready = fixRawHeaderBytes(Buffer.from('From: "Jos\xe9" <jose@example.com>\r\n\r\nHola', "latin1"));
 * // From: "José" <jose@example.com> (UTF-8)
 */
export function fixRawHeaderBytes(raw: Buffer): Buffer {
  const { head, body } = splitHead(raw);
  if (!head.some((byte) => byte >= 0x80)) return raw;
  let text = head.toString("latin1");
  text = text.replace(Q_WORD, (word) =>
    word.replace(/[\x80-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`),
  );
  let fixed = Buffer.from(text, "latin1");
  if (!isUtf8(fixed)) {
    const declared = /^content-type:[^\r\n]*charset="?([\w.:-]+)/im.exec(text)?.[1];
    const charset = declared && iconv.encodingExists(declared) && !/^utf-?8$/i.test(declared) ? declared : "windows-1252";
    fixed = Buffer.from(iconv.decode(fixed, charset), "utf8");
  }
  return Buffer.concat([fixed, body]);
}
