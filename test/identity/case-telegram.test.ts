// A case's SLA through a real channel on loopback: Maria writes on Telegram (the fake Bot API, long
// polling; her shared phone is verified), then from the shop (the API channel over HTTP, signed in
// with the same phone). The shop conversation is linked into the Telegram one's case; the agent's
// answer in the shop stops the first-response clock that started on Telegram, where she first wrote.

import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { cases, conversations, slaClocks } from "../../core/src/store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, waitForMessages } from "../../core/src/testing/index.ts";
import { type FakeTelegram, startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";
import { API_PLUGIN, SHOP_SECRET } from "./fixtures.ts";

const TELEGRAM = fileURLToPath(new URL("../../plugins/channel-telegram/src/index.ts", import.meta.url));
const maria = { id: 4343, is_bot: false, first_name: "Maria", last_name: "Lopez" };
/** A Saturday: outside the default business hours, so no clock breaches while the test runs. */
const SATURDAY_NOON = Date.UTC(2026, 11, 5, 12);

let telegram: FakeTelegram | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await telegram?.stop();
  harness = undefined;
  telegram = undefined;
});

describe("a case across Telegram and the shop", () => {
  it("stops the Telegram first-response clock when the agent answers in the shop", { timeout: 20_000 }, async () => {
    telegram = await startFakeTelegram();
    harness = await createTestHarness({
      now: SATURDAY_NOON,
      plugins: { telegram: { package: TELEGRAM }, api: { package: API_PLUGIN } },
      inboxes: {
        tg: { plugin: "telegram", options: { token: telegram.token, api_root: telegram.apiRoot, poll_timeout_seconds: 1 } },
        shop: { plugin: "api", options: { secret: SHOP_SECRET } },
      },
    });
    const { world } = telegram;
    world.shareContact(world.privateChat(maria), maria, "+34 600 111 222");
    world.say(world.privateChat(maria), maria, "Billing problem with A-1001");
    const [, first] = await waitForMessages(harness, "tg", 2, 10_000);
    await harness.drain();
    harness.clock.advance(3_600_000);
    const posted = await harness.request("/webhooks/shop/messages", {
      method: "POST",
      headers: { Authorization: `Bearer ${SHOP_SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        id: "shop-1",
        contact: { id: "maria", name: "Maria Lopez", phone: "+34600111222", verified: true },
        text: "Same problem",
      }),
    });
    expect(posted.status).toBe(201);
    const shop = await posted.json();
    await harness.drain();
    expect(shop.contact_id).toBe(first!.contactId);
    const db = harness.switchboard.store.db;
    const [linked] = await db.select().from(conversations).where(eq(conversations.id, shop.conversation_id));
    expect(linked!.caseId).toBe(first!.conversationId);

    const { token } = await createTestAgent(harness, { name: "Ada", role: "admin" });
    const reply = await harness.request(`/api/v1/conversations/${shop.conversation_id}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ text: "Refunded" }),
    });
    expect(reply.status).toBe(201);
    await harness.drain();
    const clocks = await db.select().from(slaClocks).where(eq(slaClocks.conversationId, first!.conversationId));
    expect(clocks.find((k) => k.target === "first_response")).toMatchObject({ outcome: "hit", stoppedAt: expect.any(Number) });
    const [stored] = await db.select().from(cases).where(eq(cases.id, first!.conversationId));
    expect(stored).toMatchObject({ channel: "telegram", status: "open", firstResponseAt: expect.any(Number) });
  });
});
