/**
 * Test helpers for automations: a harness with automations on (business hours in UTC, weekdays
 * 09-17), the API channel on a real loopback HTTP server with a fake customer system that
 * receives the replies, and short ways to write as a customer and read what was sent.
 */
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { conversations, messages } from "../store/schema.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";

export const API_PLUGIN = fileURLToPath(new URL("../../../plugins/channel-api/src/index.ts", import.meta.url));
export const LEAST_BUSY_PLUGIN = fileURLToPath(new URL("../../../plugins/routing-least-busy/src/index.ts", import.meta.url));
export const API_SECRET = "shop-secret-0123456789";
/** Tuesday 7 January 2025, 10:00 UTC: open. */
export const TUESDAY_10 = Date.UTC(2025, 0, 7, 10, 0);
/** Saturday 4 January 2025, 12:00 UTC: closed. */
export const SATURDAY_NOON = Date.UTC(2025, 0, 4, 12, 0);
export const HOUR = 3_600_000;

export interface AutomationKit {
  harness: Harness;
  /** Texts the API inbox's fake receiver got, in order. */
  received: string[];
  /** A customer message over HTTP into the "shop" API inbox. */
  post(
    contact: string,
    text: string,
    extra?: Record<string, unknown>,
  ): Promise<{ status: string; conversation_id: number; message_id?: number; stored_as?: string; http: number }>;
  /** A customer message into the harness "test" inbox (or another test-channel inbox); -1 when it was taken as a survey answer. */
  write(contact: string, text: string, metadata?: Record<string, unknown>, inbox?: string): Promise<number>;
  /** Texts the "test" inbox sent, in order. */
  sentTexts(): string[];
  conversation(id: number): Promise<typeof conversations.$inferSelect>;
  timeline(id: number): Promise<(typeof messages.$inferSelect)[]>;
  close(): Promise<void>;
}

let n = 0;

/**
 * Starts a harness with `[automations]` (enabled) merged with `automations`; `extra.inboxes` adds
 * more inboxes on the test channel.
 *
 * @example
 * const kit = await automationKit({ faq: { entries: [{ keywords: ["open"], answer: "9 to 5" }] } }, TUESDAY_10);
 */
export async function automationKit(
  automations: Record<string, unknown>,
  now: number,
  extra: {
    plugins?: Record<string, { package: string; options?: Record<string, unknown> }>;
    routing?: string[];
    config?: Record<string, unknown>;
    inboxes?: string[];
  } = {},
): Promise<AutomationKit> {
  const received: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      received.push(((await request.json()) as { message: { text: string } }).message.text);
      return Response.json({ id: `ext-${received.length}` });
    },
  });
  const harness = await createTestHarness({
    now,
    config: { automations: { enabled: true, ...automations }, ...extra.config },
    plugins: { api: { package: API_PLUGIN }, ...extra.plugins },
    inboxes: {
      shop: { plugin: "api", options: { secret: API_SECRET, webhook_url: `http://127.0.0.1:${server.port}/replies` } },
      ...(extra.routing ? { test: { plugin: "test-channel", routing: extra.routing } } : {}),
      ...Object.fromEntries((extra.inboxes ?? []).map((name) => [name, { plugin: "test-channel" }])),
    },
  });
  const http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: harness.switchboard.app.fetch });
  const { db } = harness.switchboard.store;
  return {
    harness,
    received,
    async post(contact, text, more = {}) {
      const response = await fetch(`http://127.0.0.1:${http.port}/webhooks/shop/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${API_SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify({ id: `api-${++n}`, contact: { id: contact }, text, ...more }),
      });
      const body = (await response.json()) as { status: string; conversation_id: number; message_id?: number; stored_as?: string };
      await harness.drain();
      return { ...body, http: response.status };
    },
    async write(contact, text, metadata = {}, inbox = "test") {
      const stored = await harness.inject(
        { externalId: `t-${++n}`, contact: { externalId: contact, name: "Grace Hopper" }, text, metadata },
        inbox,
      );
      await harness.drain();
      return "reason" in stored || stored.storedAs === "survey_answer" ? -1 : stored.conversationId;
    },
    sentTexts: () => harness.sent.map((s) => s.message.text),
    conversation: async (id) => (await db.select().from(conversations).where(eq(conversations.id, id)))[0]!,
    timeline: (id) => db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(messages.id),
    async close() {
      await harness.close();
      http.stop(true);
      server.stop(true);
    },
  };
}
