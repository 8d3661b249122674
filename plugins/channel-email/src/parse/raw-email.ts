/**
 * A raw email as the inbound path holds it: a Buffer (IMAP hands one over), or a SpooledEmail, the
 * message in a temporary file (the SMTP server writes DATA there as it arrives). A spooled message
 * is never held whole in memory on the common path: mailparser reads it as a stream, the kept
 * original is copied from it in parts, and only the rare paths (a pre-pass that rewrites the
 * message, a message kept raw and flagged) read it whole.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { collectEvery } from "../collect-garbage.ts";

/** The bytes read at a time when a spooled message is scanned or hashed. */
const WINDOW = 1024 * 1024;

/**
 * An email spooled to a file. `length` is its size in bytes, so code that only logs a size reads it as from a Buffer.
 *
 * @example
 * const spooled = new SpooledEmail("/tmp/switchboard-smtp-x/1.eml", 26_402_514);
 * spooled.stream().pipe(parser);
 */
export class SpooledEmail {
  constructor(
    readonly path: string,
    readonly length: number,
  ) {}

  /** The whole message in one Buffer (the rare paths that need it all at once). */
  read(): Buffer {
    return readFileSync(this.path);
  }

  /** The bytes from `start` up to `end` (exclusive). */
  slice(start: number, end: number): Buffer {
    const size = Math.max(0, Math.min(end, this.length) - start);
    const out = Buffer.allocUnsafe(size);
    const fd = openSync(this.path, "r");
    try {
      let done = 0;
      while (done < size) {
        const read = readSync(fd, out, done, size - done, start + done);
        if (read === 0) break;
        done += read;
      }
      return done === size ? out : out.subarray(0, done);
    } finally {
      closeSync(fd);
    }
  }

  /** The message as a stream of 64 KiB pieces (collecting garbage as it goes, see collect-garbage.ts). */
  stream(): Readable {
    const path = this.path;
    return Readable.from(
      (async function* () {
        const collect = collectEvery();
        for await (const chunk of createReadStream(path, { highWaterMark: 65_536 })) {
          collect((chunk as Buffer).length);
          yield chunk as Buffer;
        }
      })(),
      { objectMode: false },
    );
  }

  /**
   * Calls `visit` on windows of about 1 MiB that overlap by `overlap` bytes, all read into one reused
   * buffer (a window is valid only during its call), until `visit` returns true. Returns whether it did.
   */
  some(overlap: number, visit: (window: Buffer) => boolean): boolean {
    const buffer = Buffer.allocUnsafe(WINDOW + overlap);
    const fd = openSync(this.path, "r");
    try {
      let kept = 0;
      for (let position = 0; position < this.length; ) {
        const read = readSync(fd, buffer, kept, WINDOW, position);
        if (read === 0) break;
        position += read;
        const end = kept + read;
        if (visit(buffer.subarray(0, end))) return true;
        // The window's last `overlap` bytes start the next one, so a match across the seam is seen whole.
        kept = Math.min(overlap, end);
        buffer.copyWithin(0, end - kept, end);
      }
      return false;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Writes `source` to a file in a new temporary folder and returns it spooled, with `discard`
 * deleting the folder. A failing source or write rejects, and leaves nothing.
 *
 * @example
 * const { email, discard } = await spoolToFile(download.content, "switchboard-imap-");
 * try { await ingest(email, received); } finally { discard(); }
 */
export async function spoolToFile(source: Readable, prefix: string): Promise<{ email: SpooledEmail; discard(): void }> {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const discard = () => rmSync(folder, { recursive: true, force: true });
  const path = join(folder, "message.eml");
  let length = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      length += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, count, createWriteStream(path));
  } catch (error) {
    discard();
    throw error;
  }
  return { email: new SpooledEmail(path, length), discard };
}

/** A raw email: in memory, or spooled to a file. */
export type RawEmail = Buffer | SpooledEmail;

/**
 * The whole message as one Buffer (a spooled one is read from its file).
 *
 * @example
 * rawBytes(Buffer.from("Subject: x\r\n\r\nHi")).length; // 17
 */
export function rawBytes(raw: RawEmail): Buffer {
  return raw instanceof SpooledEmail ? raw.read() : raw;
}

/** The first `max` bytes of a message. */
export function rawStart(raw: RawEmail, max: number): Buffer {
  return raw instanceof SpooledEmail ? raw.slice(0, max) : raw.subarray(0, max);
}

/** The parts of at most `size` bytes a message is read in (views of a Buffer; reads of a spooled file, one at a time). */
export function* rawParts(raw: RawEmail, size: number): Generator<Buffer> {
  for (let at = 0; at < raw.length; at += size)
    yield raw instanceof SpooledEmail ? raw.slice(at, at + size) : raw.subarray(at, Math.min(at + size, raw.length));
}

/** The sha256 of a message (hex), read in parts. */
export function rawSha256(raw: RawEmail): string {
  const hash = createHash("sha256");
  for (const part of rawParts(raw, WINDOW)) hash.update(part);
  return hash.digest("hex");
}
