// Outgoing webhooks against a real HTTP receiver on loopback: signed deliveries that verify,
// retries after a failing answer, and the delivery log.
import { afterEach, describe, expect, it } from "vitest";
import { webhookDeliveries } from "../store/schema.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from "./signature.ts";

let harness: Harness | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await harness?.close();
  server?.stop(true);
  harness = undefined;
});

const SECRET = "whsec-0123456789abcdef";

describe("webhook signatures", () => {
  it("verify with the right secret and body, and not otherwise", async () => {
    const body = JSON.stringify({ event: "message.created" });
    const header = await signWebhook(SECRET, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    const now = { nowSeconds: 1_700_000_010 };
    expect(await verifyWebhookSignature(SECRET, header, body, now)).toEqual({ ok: true });
    expect(await verifyWebhookSignature("another-secret-123456", header, body, now)).toEqual({
      ok: false,
      reason: "signature does not match",
    });
    expect(await verifyWebhookSignature(SECRET, header, body + " ", now)).toEqual({ ok: false, reason: "signature does not match" });
    expect(await verifyWebhookSignature(SECRET, header, body, { nowSeconds: 1_700_000_000 + 3600 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("replay"),
    });
    expect(await verifyWebhookSignature(SECRET, null, body)).toMatchObject({ ok: false, reason: expect.stringContaining("missing") });
    expect(await verifyWebhookSignature(SECRET, "garbage", body)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("malformed"),
    });
  });
});

describe("outgoing webhooks", () => {
  it("deliver signed events, retry after a 503, and record every delivery", async () => {
    const received: { event: string | null; verified: boolean; body: { event: string; data: { text?: string } } }[] = [];
    let failFirst = true;
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(request) {
        const body = await request.text();
        if (failFirst) {
          failFirst = false;
          return new Response("busy", { status: 503 });
        }
        const check = await verifyWebhookSignature(SECRET, request.headers.get(SIGNATURE_HEADER), body);
        received.push({ event: request.headers.get("X-Switchboard-Event"), verified: check.ok, body: JSON.parse(body) });
        return new Response("ok");
      },
    });
    harness = await createTestHarness({
      now: Date.now(),
      config: { webhooks: [{ url: `http://127.0.0.1:${server.port}/hook`, secret: SECRET, events: ["message.created"] }] },
    });
    await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "Where is my order?" });
    await harness.drain();
    let log = await harness.switchboard.store.db.select().from(webhookDeliveries);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      event: "message.created",
      status: "pending",
      attempts: 1,
      responseStatus: 503,
      lastError: "the receiver answered HTTP 503",
    });
    expect(received).toHaveLength(0);

    harness.clock.advance(2000);
    await harness.drain();
    log = await harness.switchboard.store.db.select().from(webhookDeliveries);
    expect(log[0]).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 200, lastError: null });
    expect(received).toEqual([
      {
        event: "message.created",
        verified: true,
        body: expect.objectContaining({ event: "message.created", data: expect.objectContaining({ text: "Where is my order?" }) }),
      },
    ]);
  });

  it("mark a delivery failed after its last attempt", async () => {
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("no", { status: 500 }) });
    harness = await createTestHarness({
      config: { webhooks: [{ url: `http://127.0.0.1:${server.port}/`, secret: SECRET, max_attempts: 2 }] },
    });
    await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "hi" });
    await harness.drain();
    harness.clock.advance(10_000);
    await harness.drain();
    const log = await harness.switchboard.store.db.select().from(webhookDeliveries);
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.every((row) => row.status === "failed" && row.attempts === 2)).toBe(true);
  });
});
