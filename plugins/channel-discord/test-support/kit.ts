/**
 * Shared setup of the Discord tests: a fake Discord (REST + gateway) on loopback, a guild with a
 * support text channel and a forum, and a harness with one Discord inbox ("dc") pointed at the
 * fake through `api_root`. The waits on the store are
 * `waitFor`/`waitForMessages` of `@switchboard/core/testing`.
 */
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness } from "@switchboard/core/testing";
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from "./fake/index.ts";

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
      inboxes: {
        dc: {
          plugin: "discord",
          options: { token: discord.token, api_root: discord.restApi, support_channels: [guild.forum.id, guild.text.id], ...options },
        },
      },
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
