/**
 * The raw source of every inbound email, kept in the inbox's key-value store for
 * `keep_original_days` (default 30; 0 keeps none), so a message can be re-parsed after a parser fix
 * and an admin can download it (core's GET /inbox/messages/:id/original asks the adapter's
 * `original()`; agents never see it). A source is written gzipped, in parts of 768 KiB (read one at a
 * time from a spooled message's file), so a 25 MB email never becomes one 33 MB JSON string in memory,
 * and 30 days of mail take less room. Each kept source is listed in an
 * hourly bucket; a sweep (at start and every 6 hours) deletes the sources and buckets older than
 * the limit, so expired mail leaves the database rather than only being hidden.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { KeyValueStore, Logger } from "@switchboard/core";
import { collectEvery } from "../collect-garbage.ts";
import { type RawEmail, rawParts } from "../parse/raw-email.ts";

const DAY_MS = 86_400_000;
const SOURCE = "original:";
const BUCKET = "originals-hour:";
/** Bytes per stored part (a multiple of 3, so each part is whole base64). */
const PART_BYTES = 768 * 1024;

/** What a bucket lists: a source's key and how many parts it has. */
type Listed = [key: string, parts: number];

/** Keys stay short whatever the Message-ID. */
const sourceKey = (externalId: string) => `${SOURCE}${createHash("sha256").update(externalId).digest("hex").slice(0, 40)}`;
/** The hour bucket of a time, e.g. "originals-hour:2026-03-04T09". */
const bucketKey = (at: number) => `${BUCKET}${new Date(at).toISOString().slice(0, 13)}`;

/**
 * The kept raw sources of one inbox.
 *
 * @example
 * const originals = new Originals(inbox.kv, 30, inbox.log);
 * await originals.keep("abc@mail.example.com", raw);
 * await originals.get("abc@mail.example.com"); // the raw bytes, for 30 days
 */
export class Originals {
  readonly #kv: KeyValueStore;
  readonly #keepMs: number;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(kv: KeyValueStore, keepDays: number, log: Logger, now: () => number = Date.now) {
    this.#kv = kv;
    this.#keepMs = keepDays * DAY_MS;
    this.#log = log;
    this.#now = now;
  }

  /** Keeps `raw` as the original of the message `externalId` (a no-op when keep_original_days is 0). */
  async keep(externalId: string, raw: RawEmail): Promise<void> {
    if (this.#keepMs === 0) return;
    const key = sourceKey(externalId);
    const parts = Math.max(1, Math.ceil(raw.length / PART_BYTES));
    // A spooled message is read from its file one part at a time, never whole.
    const read = rawParts(raw, PART_BYTES);
    const collect = collectEvery();
    for (let part = 0; part < parts; part++) {
      const packed = gzipSync(read.next().value ?? Buffer.alloc(0), { level: 6 });
      await this.#kv.set(`${key}:${part}`, packed.toString("base64"), { ttlMs: this.#keepMs });
      collect(PART_BYTES);
      // One event-loop turn (5 ms) between parts: other mail is served meanwhile, and the runtime collects the
      // previous part's garbage (a 25 MB original written back to back peaked about 40 MB higher).
      if (parts > 1) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.#kv.set(key, { parts, bytes: raw.length }, { ttlMs: this.#keepMs });
    const bucket = bucketKey(this.#now());
    const listed = (await this.#kv.get<Listed[]>(bucket)) ?? [];
    if (!listed.some(([listedKey]) => listedKey === key)) await this.#kv.set(bucket, [...listed, [key, parts]]);
  }

  /** The kept original of `externalId`, or undefined when none is kept (any more). */
  async get(externalId: string): Promise<Buffer | undefined> {
    const key = sourceKey(externalId);
    const head = await this.#kv.get<{ parts: number; bytes: number }>(key);
    if (!head) return undefined;
    const parts: Buffer[] = [];
    for (let part = 0; part < head.parts; part++) {
      const data = await this.#kv.get<string>(`${key}:${part}`);
      if (typeof data !== "string") return undefined;
      parts.push(gunzipSync(Buffer.from(data, "base64")));
    }
    return Buffer.concat(parts, head.bytes);
  }

  /** Deletes the originals (and their buckets) older than the limit. Returns how many were deleted. */
  async sweep(): Promise<number> {
    const oldest = bucketKey(this.#now() - this.#keepMs);
    let deleted = 0;
    for (const { key, value } of await this.#kv.list(BUCKET)) {
      if (this.#keepMs > 0 && key >= oldest) continue;
      for (const [source, parts] of Array.isArray(value) ? (value as Listed[]) : []) {
        for (let part = 0; part < parts; part++) await this.#kv.delete(`${source}:${part}`);
        await this.#kv.delete(source);
        deleted++;
      }
      await this.#kv.delete(key);
    }
    if (deleted > 0) this.#log.info({ deleted, keepDays: this.#keepMs / DAY_MS }, "deleted email originals past keep_original_days");
    return deleted;
  }
}
