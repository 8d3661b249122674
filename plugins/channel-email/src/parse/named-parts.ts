/**
 * Named text parts stay attachments. mailparser merges every text part that is not marked
 * `Content-Disposition: attachment` into the body, so a `Makefile` sent as
 * `Content-Type: text/plain; name=Makefile` (inline, or with no disposition) lost its name and
 * became part of the text. This pre-pass (mailsplit, as the UTF-7 one) marks such parts
 * `attachment`, keeping their file name. The first text part of a message is its body, name or not.
 */
import { Transform, type TransformCallback } from "node:stream";
import { runMimePass } from "./mime-pass.ts";

/** The parts of mailsplit's MimeNode this pass reads and changes. */
interface SplitNode {
  type: "node";
  contentType: string | false;
  disposition: string | false;
  filename: string | false;
  parentNode?: unknown;
  headers: { update(key: string, value: string): void };
  libmime: { buildHeaderValue(value: { value: string; params: Record<string, string> }): string };
}

/** A text part's Content-Type with a name, read from the bytes that follow "text/". */
const NAMED_TEXT = /^text\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?\bname\*?=/i;

/**
 * True when some `Content-Type: text/...` header names a file (the pass is needed). Looks only at
 * the few hundred bytes after each "text/", never turning the whole message into a string.
 *
 * @example
 * hasNamedTextPart(Buffer.from("Content-Type: text/plain; name=Makefile\r\n")); // true
 */
export function hasNamedTextPart(raw: Buffer): boolean {
  for (const needle of ["text/", "Text/", "TEXT/"]) {
    for (let at = raw.indexOf(needle); at >= 0; at = raw.indexOf(needle, at + 5)) {
      if (NAMED_TEXT.test(raw.subarray(at, at + 400).toString("latin1"))) return true;
    }
  }
  return false;
}

/** Marks named text parts (after the first text part) as attachments. */
class NamedTextParts extends Transform {
  #seenBody = false;
  constructor() {
    super({ objectMode: true });
  }
  override _transform(data: { type?: string }, _encoding: BufferEncoding, done: TransformCallback): void {
    if (data.type === "node") {
      const node = data as SplitNode;
      const isText = typeof node.contentType === "string" && node.contentType.startsWith("text/");
      if (isText && node.filename && node.disposition !== "attachment" && this.#seenBody) {
        node.headers.update(
          "Content-Disposition",
          node.libmime.buildHeaderValue({ value: "attachment", params: { filename: node.filename } }),
        );
        node.disposition = "attachment";
      } else if (isText && node.disposition !== "attachment") {
        this.#seenBody = true;
      }
    }
    this.push(data);
    done();
  }
}

/**
 * Returns the message with its named text parts marked as attachments; the message itself when it has none.
 *
 * @example
 * const ready = await keepNamedTextParts(raw);
 * const parsed = await simpleParser(ready); // parsed.attachments has the Makefile
 */
export async function keepNamedTextParts(raw: Buffer): Promise<Buffer> {
  return hasNamedTextPart(raw) ? runMimePass(raw, new NamedTextParts()) : raw;
}
