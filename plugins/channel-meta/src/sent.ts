/**
 * What Switchboard sent on an inbox, kept in its kv: the mids of its own sends (so their echoes
 * are recognised and not stored twice) and, per customer, the recent mids with their send times
 * (so Messenger's read `watermark` and delivery receipts can be mapped to each message).
 */
import type { KeyValueStore } from "@switchboard/core";

const TTL_MS = 30 * 86_400_000;

/** The `message.metadata` Switchboard attaches to its sends; Meta echoes it back. */
export const OWN_METADATA_PREFIX = "switchboard:";

/**
 * Records a send (one key per message, so concurrent sends never overwrite each other).
 *
 * @example
 * await recordSent(kv, psid, sent.message_id, Date.now());
 */
export async function recordSent(kv: KeyValueStore, userId: string, mid: string, at: number): Promise<void> {
  await kv.set(`own:${mid}`, true, { ttlMs: TTL_MS });
  await kv.set(`sent:${userId}:${mid}`, at, { ttlMs: TTL_MS });
}

/** True when Switchboard sent this mid. */
export async function isOwnMid(kv: KeyValueStore, mid: string): Promise<boolean> {
  return (await kv.get<boolean>(`own:${mid}`)) === true;
}

/**
 * The mids sent to `userId` up to a read watermark (ms), or up to and including `mid`; they are
 * forgotten (a read message stays read).
 *
 * @example
 * for (const mid of await takeRead(kv, psid, { watermark: event.read.watermark })) await inbox.reportDelivery({ externalId: mid, status: "read" });
 */
export async function takeRead(kv: KeyValueStore, userId: string, upTo: { watermark?: number; mid?: string }): Promise<string[]> {
  const prefix = `sent:${userId}:`;
  const sent = (await kv.list(prefix)).map(({ key, value }) => ({ mid: key.slice(prefix.length), at: Number(value) }));
  const limit = upTo.mid ? sent.find((s) => s.mid === upTo.mid)?.at : upTo.watermark;
  if (limit === undefined) return [];
  const read = sent.filter((s) => s.at <= limit).map((s) => s.mid);
  for (const mid of read) await kv.delete(`${prefix}${mid}`);
  return read;
}

const sendingKey = (userId: string, text: string) => `sending:${userId}:${text.length}:${text.slice(0, 80)}`;

/**
 * Marks a send to `userId` with `text` as in flight (for two minutes at most): its echo may arrive
 * before Meta answers the send, so before its mid is known. Call `done()` once the send is over.
 *
 * @example
 * const sending = await markSending(kv, psid, text);
 * try { sent = await graph.post(...); } finally { await sending.done(); }
 */
export async function markSending(kv: KeyValueStore, userId: string, text: string): Promise<{ done(): Promise<void> }> {
  const key = sendingKey(userId, text);
  await kv.set(key, true, { ttlMs: 120_000 });
  return { done: () => kv.delete(key) };
}

/** True when Switchboard is sending `text` to `userId` right now. */
export async function isSending(kv: KeyValueStore, userId: string, text: string): Promise<boolean> {
  return (await kv.get<boolean>(sendingKey(userId, text))) === true;
}
