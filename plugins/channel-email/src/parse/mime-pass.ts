/**
 * One pre-pass over a raw message's MIME tree with mailsplit: split it into parts, let one
 * transform change part headers or bodies, join it back into bytes. The UTF-7 and named-part
 * passes run through it.
 */
import { Readable, type Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Joiner, Splitter } from "@zone-eu/mailsplit";

/**
 * Runs `change` (a mailsplit Rewriter or an object-mode transform over split parts) over `raw`.
 *
 * @example
 * const rewritten = await runMimePass(raw, new Rewriter((node) => node.contentType === "text/plain"));
 */
export async function runMimePass(raw: Buffer, change: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([raw]),
    new Splitter(),
    change,
    new Joiner(),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}
