// Telegram webhook mode over real HTTP: the inbox registers its webhook with a secret, the fake
// POSTs updates to /webhooks/tg as Telegram does, a wrong secret is refused with 401, and an update
// is acknowledged (2xx) only once stored. Also: options errors and health.

import { createTestHarness, storedMessages } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../test-support/fake/index.ts";
import { ada, PLUGIN, startTelegramInbox, type TelegramInbox } from "../test-support/kit.ts";

const SECRET = "webhook-secret_0123456789";

let inbox: TelegramInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

describe("Telegram webhook mode", () => {
  it("registers its webhook, stores updates POSTed with the right secret once, and refuses a wrong secret with 401", {
    timeout: 10_000,
  }, async () => {
    inbox = await startTelegramInbox({ mode: "webhook", webhook_secret: SECRET });
    const { world } = inbox.telegram;
    expect(world.webhook).toEqual({
      url: `${inbox.publicUrl}/webhooks/tg`,
      secret_token: SECRET,
      allowed_updates: ["message", "edited_message"],
    });
    expect(world.calls.some((c) => c.method === "getUpdates")).toBe(false);

    const sent = world.say(world.privateChat(ada), ada, "Hello over a webhook");
    expect(await inbox.telegram.deliverWebhook({ secret: "not-the-secret-0000000" })).toEqual([401]);
    expect(await storedMessages(inbox.harness, "tg")).toHaveLength(0);
    expect(world.pending).toHaveLength(1);

    expect(await inbox.telegram.deliverWebhook()).toEqual([200]);
    const rows = await storedMessages(inbox.harness, "tg");
    expect(rows.map((r) => [r.text, r.externalId])).toEqual([["Hello over a webhook", "1001:1"]]);

    world.redeliver({ update_id: 1, message: sent });
    world.edit(sent, "Hello over a webhook (edited)");
    expect(await inbox.telegram.deliverWebhook()).toEqual([200, 200]);
    const after = await storedMessages(inbox.harness, "tg");
    expect(after.map((r) => r.text)).toEqual(["Hello over a webhook (edited)"]);
    expect(await inbox.harness.switchboard.inboxes.health("tg")).toEqual({ ok: true });
  });

  it("answers 500 when storing fails, so Telegram delivers the update again", { timeout: 10_000 }, async () => {
    inbox = await startTelegramInbox({ mode: "webhook", webhook_secret: SECRET });
    const { world } = inbox.telegram;
    const { client } = inbox.harness.switchboard.store;
    // The database refuses to store messages, as a full disk would, until the trigger is dropped.
    await client.execute("CREATE TRIGGER disk_full BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    world.say(world.privateChat(ada), ada, "Will this survive?");
    expect(await inbox.telegram.deliverWebhook()).toEqual([500]);
    expect(world.pending).toHaveLength(1);
    expect(await storedMessages(inbox.harness, "tg")).toHaveLength(0);
    await client.execute("DROP TRIGGER disk_full");
    expect(await inbox.telegram.deliverWebhook()).toEqual([200]);
    expect((await storedMessages(inbox.harness, "tg")).map((r) => r.text)).toEqual(["Will this survive?"]);
  });

  it("refuses webhook mode without a secret and a malformed token, naming the key and the plugin", async () => {
    const telegram = await startFakeTelegram();
    try {
      const start = (options: Record<string, unknown>) =>
        createTestHarness({ plugins: { telegram: { package: PLUGIN } }, inboxes: { tg: { plugin: "telegram", options } } });
      await expect(start({ token: telegram.token, mode: "webhook" })).rejects.toMatchObject({
        code: "SWB_ERR_CONFIG_INVALID",
        location: { key: "inboxes.tg.options.webhook_secret", plugin: "channel-telegram" },
        message: expect.stringContaining('required when mode = "webhook"'),
      });
      await expect(start({ token: "not-a-token" })).rejects.toMatchObject({
        location: { key: "inboxes.tg.options.token", plugin: "channel-telegram" },
        message: expect.stringContaining("@BotFather"),
      });
      await expect(start({ token: telegram.token, polling: true })).rejects.toMatchObject({ code: "SWB_ERR_CONFIG_INVALID" });
    } finally {
      await telegram.stop();
    }
  });

  it("reports a refused token on the inbox, with the fix and without the token", { timeout: 10_000 }, async () => {
    const telegram = await startFakeTelegram();
    const wrong = "987654321:AAWrongTokenWrongTokenWrongToken_0000";
    const harness = await createTestHarness({
      plugins: { telegram: { package: PLUGIN } },
      inboxes: { tg: { plugin: "telegram", options: { token: wrong, api_root: telegram.apiRoot } } },
    });
    try {
      const health = await harness.switchboard.inboxes.health("tg");
      expect(health.ok).toBe(false);
      expect(health.message).toContain("401: Unauthorized");
      expect(health.message).toContain("Check options.token");
      expect(health.message).not.toContain(wrong);
      expect(harness.switchboard.inboxes.get("tg")!.state).toBe("failed");
    } finally {
      await harness.close();
      await telegram.stop();
    }
  });
});
