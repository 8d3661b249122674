// The API channel end to end over real HTTP on loopback: a system POSTs customer messages into
// Switchboard, and agent replies reach its webhook, signed, retried after 500 and 429 Retry-After.

import { SIGNATURE_HEADER, verifyWebhookSignature } from "@switchboard/core";
import { createTestHarness, tables, writeFixturePlugin } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiInbox, PLUGIN, SECRET, startApiInbox } from "../test-support/inbox.ts";
import { retryAfterMs } from "./outbound.ts";

let inbox: ApiInbox | undefined;
const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
  servers.splice(0).forEach((s) => s.stop(true));
});

interface Received {
  body: {
    event: string;
    message: { id: number; text: string; conversation_id: number; contact: { id: string | null }; in_reply_to: string | null };
  };
  idempotencyKey: string | null;
  verified: boolean;
}

/** A fake customer system: answers the queued statuses in order, then 200 with an id. */
function fakeReceiver(answers: { status: number; headers?: Record<string, string> }[]) {
  const received: Received[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const raw = await request.text();
      const check = await verifyWebhookSignature(SECRET, request.headers.get(SIGNATURE_HEADER), raw);
      received.push({ body: JSON.parse(raw), idempotencyKey: request.headers.get("Idempotency-Key"), verified: check.ok });
      const answer = answers.shift();
      return answer ? new Response("nope", answer) : Response.json({ id: `ext-${received.length}` });
    },
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/replies`, received };
}

/** Starts the "shop" inbox (closing one started before in the same test). */
async function start(webhookUrl?: string) {
  await inbox?.close();
  inbox = await startApiInbox(webhookUrl ? { webhook_url: webhookUrl } : {});
  return inbox;
}

describe("API channel", () => {
  it("accepts a customer message over HTTP once, answering after it is stored", async () => {
    const { harness, post } = await start();
    const message = {
      id: "order-42-msg-1",
      contact: { id: "cust-9", name: "Grace", email: "grace@example.com" },
      text: "Where is order 42?",
    };
    const first = await post(message);
    expect(first.status).toBe(201);
    const body = (await first.json()) as { status: string; message_id: number; conversation_id: number };
    expect(body).toMatchObject({ status: "stored", message_id: expect.any(Number), conversation_id: expect.any(Number) });
    const [row] = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, body.message_id));
    expect(row).toMatchObject({ text: "Where is order 42?", inbox: "shop", channel: "api", externalId: "order-42-msg-1" });
    const again = await post(message);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate", message_id: body.message_id });
    expect(await harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(1);
  });

  it("refuses a wrong secret, bad JSON and an invalid message, with reasons", async () => {
    const { harness, post } = await start();
    const denied = await post({ id: "x", contact: { id: "c" }, text: "hi" }, "wrong-secret-0123456789");
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({
      error: { code: "SWB_ERR_UNAUTHORIZED", message: expect.stringContaining("Authorization: Bearer") },
    });
    const garbled = await post("{not json");
    expect(garbled.status).toBe(400);
    const invalid = await post({ id: "x", contact: {}, text: 5 });
    expect(invalid.status).toBe(422);
    const error = ((await invalid.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("SWB_ERR_INBOUND_INVALID");
    expect(error.message).toContain("contact.id");
    expect(error.message).toContain("text");
    expect(await harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(0);
  });

  it("answers 422 with core's reason when core refuses the message, and stores nothing", async () => {
    // The body passes the channel's own checks; a normalise hook then leaves the message without a contact id.
    const mangler = writeFixturePlugin(`ctx.inbound((message) => ({ ...message, contact: { name: message.contact.name } }));`, {
      name: "mangler",
    });
    const harness = await createTestHarness({
      plugins: { api: { package: PLUGIN }, mangler: { package: mangler } },
      inboxes: { shop: { plugin: "api", options: { secret: SECRET } } },
    });
    try {
      const answer = await harness.request("/webhooks/shop/messages", {
        method: "POST",
        headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify({ id: "m1", contact: { id: "cust-1", name: "Grace" }, text: "Hi" }),
      });
      expect(answer.status).toBe(422);
      expect(await answer.json()).toEqual({
        error: { code: "SWB_ERR_INBOUND_INVALID", message: expect.stringMatching(/contact\.externalId.*the plugin "mangler"/) },
      });
      expect(await harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });

  it("delivers an agent reply to the webhook, signed, after a 500 and a 429 with Retry-After", async () => {
    const receiver = fakeReceiver([{ status: 500 }, { status: 429, headers: { "Retry-After": "30" } }]);
    const { harness, post } = await start(receiver.url);
    const created = (await (await post({ id: "m1", contact: { id: "cust-1" }, text: "Hi" })).json()) as { conversation_id: number };
    const reply = await harness.switchboard.outbound.reply({
      conversationId: created.conversation_id,
      text: "Hello Grace, it ships today.",
      agentId: null,
    });

    await harness.drain();
    expect(receiver.received).toHaveLength(1);
    harness.clock.advance(2_000);
    await harness.drain();
    expect(receiver.received).toHaveLength(2);
    harness.clock.advance(29_000);
    await harness.drain();
    expect(receiver.received).toHaveLength(2);
    harness.clock.advance(1_000);
    await harness.drain();
    expect(receiver.received).toHaveLength(3);

    expect(receiver.received.every((r) => r.verified && r.idempotencyKey === `swb-msg-${reply.id}`)).toBe(true);
    expect(receiver.received[2]!.body).toMatchObject({
      event: "message.outgoing",
      message: {
        id: reply.id,
        text: "Hello Grace, it ships today.",
        conversation_id: created.conversation_id,
        contact: { id: "cust-1" },
        in_reply_to: "m1",
      },
    });
    const [row] = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, reply.id));
    expect(row).toMatchObject({ deliveryStatus: "sent", externalId: "ext-3" });
  });

  it("fails a reply at once when the receiver refuses it, or when there is no webhook_url", async () => {
    const receiver = fakeReceiver([{ status: 400 }]);
    const { harness, post } = await start(receiver.url);
    const created = (await (await post({ id: "m1", contact: { id: "cust-1" }, text: "Hi" })).json()) as { conversation_id: number };
    const reply = await harness.switchboard.outbound.reply({ conversationId: created.conversation_id, text: "Hello", agentId: null });
    await harness.drain();
    const [row] = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, reply.id));
    expect(row).toMatchObject({ deliveryStatus: "failed", deliveryError: expect.stringContaining("HTTP 400") });

    const second = await start();
    const made = (await (await second.post({ id: "m1", contact: { id: "cust-1" }, text: "Hi" })).json()) as { conversation_id: number };
    const orphan = await second.harness.switchboard.outbound.reply({ conversationId: made.conversation_id, text: "Hello", agentId: null });
    await second.harness.drain();
    const [failed] = await second.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, orphan.id));
    expect(failed!.deliveryError).toContain("no webhook_url");
  });

  it("refuses inbox options that break its schema, naming the key and the plugin", async () => {
    await expect(
      createTestHarness({ plugins: { api: { package: PLUGIN } }, inboxes: { shop: { plugin: "api", options: { secret: "short" } } } }),
    ).rejects.toMatchObject({ code: "SWB_ERR_CONFIG_INVALID", location: { key: "inboxes.shop.options.secret", plugin: "channel-api" } });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("12")).toBe(12_000);
    expect(retryAfterMs(new Date(1_000_000 + 5000).toUTCString(), 1_000_000)).toBe(5000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
