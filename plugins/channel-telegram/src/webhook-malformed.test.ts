// Malformed webhook requests over real HTTP. A body that is no Telegram update at all (empty,
// truncated JSON, `null`, no update_id) cannot have come from Telegram: 400 with the reason. An
// update Telegram could send but that cannot be read (a message without `chat`) will never become
// valid, and Telegram retries anything but a 2xx: 200, logged as ignored, nothing stored. A wrong
// secret is a 401 that says what to check.

import { storedMessages, waitForMessages } from "@switchboard/core/testing";
import type { Message } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { ada, startTelegramInbox, type TelegramInbox } from "../test-support/kit.ts";

const SECRET = "webhook-secret_0123456789";

let inbox: TelegramInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

describe("Telegram webhook, malformed requests", () => {
  it("refuses bodies that are no Telegram update with 400 and the reason, and stores nothing", { timeout: 15_000 }, async () => {
    inbox = await startTelegramInbox({ mode: "webhook", webhook_secret: SECRET });
    const { telegram } = inbox;
    for (const body of [
      "",
      '{"update_id": 5, "message": {',
      "null",
      "[]",
      '"text"',
      "42",
      '{"message": {}}',
      '{"update_id": "5"}',
      '{"update_id": 1.5}',
    ]) {
      const answer = await telegram.postWebhook(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      const error = JSON.parse(answer.text).error;
      expect(error.code).toBe("SWB_ERR_VALIDATION");
      expect(error.message).toMatch(/not a Telegram update/);
    }
    expect(await storedMessages(inbox.harness, "tg")).toHaveLength(0);
  });

  it("acknowledges an update it can never read (200, ignored) so Telegram does not retry it, and stores nothing", {
    timeout: 15_000,
  }, async () => {
    inbox = await startTelegramInbox({ mode: "webhook", webhook_secret: SECRET });
    const { telegram } = inbox;
    const broken = [
      { update_id: 7, message: { message_id: 1, date: 1767600000, from: ada, text: "no chat" } },
      { update_id: 8, message: { message_id: 2, date: 1767600000, from: ada, chat: { type: "private" }, text: "chat without id" } },
      { update_id: 9, message: null },
      { update_id: 10, edited_message: "not a message" },
      {
        update_id: 11,
        message: { message_id: "x", date: 1767600000, chat: { id: 1001, type: "private" }, from: ada, text: "id is a string" },
      },
    ];
    for (const update of broken) {
      const answer = await telegram.postWebhook(JSON.stringify(update));
      expect({ update: update.update_id, status: answer.status }).toEqual({ update: update.update_id, status: 200 });
    }
    expect(await storedMessages(inbox.harness, "tg")).toHaveLength(0);

    // A good update afterwards is stored as usual.
    telegram.world.say(telegram.world.privateChat(ada), ada, "Still here");
    expect(await telegram.deliverWebhook()).toEqual([200]);
    expect((await storedMessages(inbox.harness, "tg")).map((r) => r.text)).toEqual(["Still here"]);
  });

  it("in polling mode too, moves past an update it can never read instead of fetching it forever", { timeout: 15_000 }, async () => {
    inbox = await startTelegramInbox();
    const { world } = inbox.telegram;
    world.redeliver({ update_id: 0, message: { message_id: 1, date: 1767600000, from: ada, text: "no chat" } as unknown as Message });
    world.say(world.privateChat(ada), ada, "After the broken one");
    const rows = await waitForMessages(inbox.harness, "tg", 1);
    expect(rows.map((r) => r.text)).toEqual(["After the broken one"]);
  });

  it("answers a wrong or missing secret with 401 and a reason", { timeout: 15_000 }, async () => {
    inbox = await startTelegramInbox({ mode: "webhook", webhook_secret: SECRET });
    for (const secret of ["not-the-secret-0000000", ""]) {
      const answer = await inbox.telegram.postWebhook(JSON.stringify({ update_id: 1 }), { secret });
      expect(answer.status).toBe(401);
      const error = JSON.parse(answer.text).error;
      expect(error.code).toBe("SWB_ERR_UNAUTHORIZED");
      expect(error.message).toContain("X-Telegram-Bot-Api-Secret-Token");
      expect(error.message).toContain("webhook_secret");
      expect(error.message).not.toContain(SECRET);
    }
  });
});
