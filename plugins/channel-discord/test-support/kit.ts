/**
 * Shared setup of the Discord tests: a fake Discord (REST + gateway) on loopback, a guild with a
 * support text channel and a forum, and a harness with one Discord inbox ("dc") pointed at the
 * fake through `api_root`. Plus small waits on the store.
 */
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { createTestHarness, tables, type Harness } from "@switchboard/core/testing";
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from "../../../test/fakes/discord/index.ts";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));

export interface DiscordInbox {
  discord: FakeDiscord;
  harness: Harness;
  guild: ReturnType<FakeDiscord["world"]["guild"]>;
  close(): Promise<void>;
}

/** Starts a fake Discord with one guild and a harness whose inbox "dc" watches its forum and text channel. */
export async function startDiscordInbox(options: Record<string, unknown> = {}, fake: FakeDiscordOptions = {}): Promise<DiscordInbox> {
  const discord = await startFakeDiscord(fake);
  const guild = discord.world.guild("Acme community");
  let harness: Harness;
  try {
    harness = await createTestHarness({
      plugins: { discord: { package: PLUGIN } },
      inboxes: { dc: { plugin: "discord", options: { token: discord.token, api_root: discord.restApi, support_channels: [guild.forum.id, guild.text.id], ...options } } },
    });
  } catch (error) {
    await discord.stop();
    throw error;
  }
  return {
    discord,
    harness,
    guild,
    async close() {
      await harness.close();
      await discord.stop();
    },
  };
}

/** Polls `check` every 10 ms until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${check.toString().slice(0, 120)}`);
    await Bun.sleep(10);
  }
}

/** The stored messages of the "dc" inbox, oldest first. */
export function storedMessages(harness: Harness) {
  return harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.inbox, "dc")).orderBy(tables.messages.id);
}

/** Waits until the "dc" inbox holds `count` messages, and returns them. */
export async function waitForMessages(harness: Harness, count: number, timeoutMs = 5000) {
  return waitFor(async () => {
    const rows = await storedMessages(harness);
    return rows.length >= count ? rows : undefined;
  }, timeoutMs);
}
