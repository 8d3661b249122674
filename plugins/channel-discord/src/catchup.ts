/**
 * Catching up after a restart: the gateway never replays what was written while the bot was
 * away, so the adapter remembers the last stored message of each DM and thread (in the inbox's
 * kv, for a week after its last message) and, once connected, fetches what came after it over
 * REST. Re-fetched messages that were stored already are deduplicated by core.
 */
import type { KeyValueStore, Logger } from "@switchboard/core";
import type { Client, Message } from "discord.js";

const PREFIX = "discord.last:";
const REMEMBER_MS = 7 * 24 * 3600_000;
const PAGE = 100;

/** Records that `message` is stored, so a restart fetches only what follows it. */
export function rememberStored(kv: KeyValueStore, message: Message): Promise<void> {
  return kv.set(`${PREFIX}${message.channelId}`, message.id, { ttlMs: REMEMBER_MS });
}

/**
 * Every message written after the last stored one, per remembered channel (oldest first, at
 * most 100 per channel). A channel that cannot be read is logged and skipped.
 *
 * @example
 * for (const message of await fetchMissed(client, kv, log)) await ingest(message);
 */
export async function fetchMissed(client: Client, kv: KeyValueStore, log: Logger): Promise<Message[]> {
  const all: Message[] = [];
  for (const { key, value } of await kv.list(PREFIX)) {
    const channelId = key.slice(PREFIX.length);
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isTextBased()) continue;
      const missed = [...(await channel.messages.fetch({ after: String(value), limit: PAGE })).values()];
      all.push(...missed.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)));
      if (missed.length > 0)
        log.info({ channelId, count: missed.length }, "discord messages written while the bot was away are being stored");
    } catch (error) {
      log.warn(
        { channelId, error: error instanceof Error ? error.message : String(error) },
        "could not fetch the messages written while the bot was away",
      );
    }
  }
  return all;
}
