// Discord health and config: a missing Message Content intent (gateway close 4014) is a health
// error that names the fix, both for a running inbox and for `doctor` (which never connects and
// reads the application's flags over REST); bad options name the key and the plugin.

import { createLogger, type KeyValueStore } from "@switchboard/core";
import { createTestHarness } from "@switchboard/core/testing";
import { describe, expect, it } from "vitest";
import { startFakeDiscord } from "../test-support/fake/index.ts";
import { PLUGIN, startDiscordInbox } from "../test-support/kit.ts";
import { createDiscordAdapter } from "./adapter.ts";
import { discordInboxOptions } from "./options.ts";

const FIX = 'turn on "Message Content Intent"';

/** A key-value store in memory, for an adapter created outside a harness. */
function memoryKv(): KeyValueStore {
  const map = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
    list: async (prefix = "") => [...map].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value })),
  };
}

describe("Discord health and options", () => {
  it("reports a missing Message Content intent (close 4014) on a started inbox, with the fix", { timeout: 10_000 }, async () => {
    const inbox = await startDiscordInbox({}, { messageContent: false });
    try {
      expect(inbox.discord.sessions[0]!.closedWith).toBe(4014);
      const handle = inbox.harness.switchboard.inboxes.get("dc")!;
      expect(handle.state).toBe("failed");
      const health = await inbox.harness.switchboard.inboxes.health("dc");
      expect(health.ok).toBe(false);
      expect(health.message).toContain("4014");
      expect(health.message).toContain(FIX);
      expect(await handle.adapter!.health!()).toEqual({ ok: false, message: expect.stringContaining(FIX) });
    } finally {
      await inbox.close();
    }
  });

  it("reports the missing intent without connecting (as doctor calls it), from the application's flags", { timeout: 10_000 }, async () => {
    const discord = await startFakeDiscord({ messageContent: false });
    try {
      const options = discordInboxOptions.parse({ token: discord.token, api_root: discord.restApi });
      const context = {
        name: "dc",
        options,
        log: createLogger({ level: "silent" }),
        publicUrl: "http://localhost",
        kv: memoryKv(),
        typing: async () => {},
        reportDelivery: async () => false,
        disconnected: async () => {},
      };
      const adapter = createDiscordAdapter(context);
      expect(await adapter.health!()).toEqual({ ok: false, message: expect.stringContaining(FIX) });
      expect(discord.sessions).toHaveLength(0);
      discord.world.applicationFlags = 1 << 19;
      expect(await adapter.health!()).toEqual({ ok: true });
      const refused = createDiscordAdapter({ ...context, options: { ...options, token: `${discord.token}x` } });
      expect(await refused.health!()).toEqual({ ok: false, message: expect.stringContaining("refused the bot token") });
    } finally {
      await discord.stop();
    }
  });

  it("refuses channel ids written as numbers and a malformed token, naming the key and the plugin", async () => {
    const start = (options: Record<string, unknown>) =>
      createTestHarness({ plugins: { discord: { package: PLUGIN } }, inboxes: { dc: { plugin: "discord", options } } });
    const token = "MTAwMDAwMDAwMDAwMDAwMDAw.FakeTk.Switchboard-discord-tests_0123456789";
    // biome-ignore lint/correctness/noPrecisionLoss: the point of the test: a snowflake written as a TOML number has already lost its digits.
    await expect(start({ token, support_channels: [1234567890123456789] })).rejects.toMatchObject({
      code: "SWB_ERR_CONFIG_INVALID",
      location: { key: "inboxes.dc.options.support_channels[0]", plugin: "channel-discord" },
      message: expect.stringContaining("expected a string"),
    });
    await expect(start({ token: "Bot abc" })).rejects.toMatchObject({
      location: { key: "inboxes.dc.options.token", plugin: "channel-discord" },
      message: expect.stringContaining("Reset Token"),
    });
  });
});
