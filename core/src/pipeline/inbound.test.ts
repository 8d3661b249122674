// The inbound pipeline through the harness: dedupe, identity, threading, enrichment and routing.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log/index.ts";
import { contacts, conversations, identities, messages } from "../store/schema.ts";
import { writeFixturePlugin } from "../testing/fixtures.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";

let harness: Harness;
afterEach(async () => harness?.close());

const message = (id: string, user = "u1", text = "Hello") => ({ externalId: id, contact: { externalId: user, name: "Ada" }, text });

describe("inbound pipeline", () => {
  it("stores a re-delivered message once, even when both deliveries race", async () => {
    harness = await createTestHarness();
    const first = await harness.inject(message("m1"));
    const again = await harness.inject(message("m1"));
    const racing = await Promise.all([harness.inject(message("m2")), harness.inject(message("m2")), harness.inject(message("m2"))]);
    expect(first.status).toBe("stored");
    expect(again).toEqual({ ...first, status: "duplicate" });
    expect(racing.map((r) => r.status).sort()).toEqual(["duplicate", "duplicate", "stored"]);
    const rows = await harness.switchboard.store.db.select().from(messages);
    expect(rows.map((r) => r.externalId).sort()).toEqual(["m1", "m2"]);
  });

  it("looks a message up by its id once, inside its write, unless a taker may take it: then before the takers too, which never see a redelivery", async () => {
    harness = await createTestHarness();
    type Executor = { execute: (statement: { sql: string } | string) => Promise<unknown> };
    const client = harness.switchboard.store.client as unknown as Executor & { transaction: (...args: unknown[]) => Promise<Executor> };
    let lookups = 0;
    const watched =
      (run: Executor["execute"]): Executor["execute"] =>
      (statement) => {
        if (
          /from "messages" where \("messages"\."inbox" = \? and "messages"\."external_id" = \?\)/.test(
            typeof statement === "string" ? statement : statement.sql,
          )
        )
          lookups++;
        return run(statement);
      };
    client.execute = watched(client.execute.bind(client));
    const transaction = client.transaction.bind(client);
    client.transaction = async (...args) => {
      const tx = await transaction(...args);
      tx.execute = watched(tx.execute.bind(tx));
      return tx;
    };

    const first = await harness.inject(message("m1"));
    expect(first.status).toBe("stored");
    expect(lookups).toBe(1);
    expect(await harness.inject(message("m1"))).toEqual({ ...first, status: "duplicate" });
    expect(lookups).toBe(2);

    const offered: string[] = [];
    harness.switchboard.inbound.take({
      mayTake: (m) => m.text.startsWith("take"),
      take: async (m) => {
        offered.push(m.externalId);
        return undefined;
      },
    });
    lookups = 0;
    const taken = await harness.inject(message("m2", "u1", "take me"));
    expect(taken.status).toBe("stored");
    expect(lookups).toBe(2);
    expect(await harness.inject(message("m2", "u1", "take me"))).toEqual({ ...taken, status: "duplicate" });
    expect(offered).toEqual(["m2"]);
    await harness.inject(message("m3", "u1", "leave me"));
    expect(offered).toEqual(["m2"]);
  });

  it("gives concurrent first messages of a new customer one contact and one conversation", async () => {
    harness = await createTestHarness();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => harness.inject(message(`m${i}`, "new-user"))));
    expect(new Set(results.map((r) => (r.status === "stored" ? r.contactId : 0))).size).toBe(1);
    expect(new Set(results.map((r) => (r.status === "stored" ? r.conversationId : 0))).size).toBe(1);
    expect(await harness.switchboard.store.db.select().from(contacts)).toHaveLength(1);
    expect(await harness.switchboard.store.db.select().from(identities)).toHaveLength(1);
  });

  it("threads into the open conversation, and starts a new one once it is resolved", async () => {
    harness = await createTestHarness();
    const a = await harness.inject(message("m1"));
    const b = await harness.inject(message("m2"));
    if (a.status !== "stored" || b.status !== "stored") throw new Error("not stored");
    expect(b.conversationId).toBe(a.conversationId);
    await harness.switchboard.store.write((tx) =>
      tx.update(conversations).set({ status: "resolved" }).where(eq(conversations.id, a.conversationId)),
    );
    const c = await harness.inject(message("m3"));
    if (c.status !== "stored") throw new Error("not stored");
    expect(c.conversationId).not.toBe(a.conversationId);
    expect(c.contactId).toBe(a.contactId);
  });

  it("reopens a pending conversation when the customer writes, and says so on the bus", async () => {
    harness = await createTestHarness();
    const a = await harness.inject(message("m1"));
    if (a.status !== "stored") throw new Error("not stored");
    await harness.switchboard.store.write((tx) =>
      tx.update(conversations).set({ status: "pending" }).where(eq(conversations.id, a.conversationId)),
    );
    const seen: string[] = [];
    harness.switchboard.bus.on("conversation.status_changed", (e) => void seen.push(`${e.data.from}->${e.data.to}`));
    await harness.inject(message("m2"));
    await harness.switchboard.bus.idle();
    expect(seen).toEqual(["pending->open"]);
  });

  it("keeps threads of a channel apart by thread key", async () => {
    harness = await createTestHarness();
    const a = await harness.inject({ ...message("m1"), threadKey: "group-1" });
    const b = await harness.inject({ ...message("m2", "u2"), threadKey: "group-1" });
    const c = await harness.inject({ ...message("m3"), threadKey: "group-2" });
    if (a.status !== "stored" || b.status !== "stored" || c.status !== "stored") throw new Error("not stored");
    expect(b.conversationId).toBe(a.conversationId);
    expect(c.conversationId).not.toBe(a.conversationId);
    const direct = await harness.inject(message("m4"));
    if (direct.status !== "stored") throw new Error("not stored");
    expect([a.conversationId, c.conversationId]).not.toContain(direct.conversationId);
  });

  it("resolves a malformed message as invalid with a reason, and stores nothing", async () => {
    harness = await createTestHarness();
    expect(await harness.inject({ externalId: "", contact: { externalId: "u1" }, text: "x" })).toEqual({
      status: "invalid",
      reason: expect.stringContaining("externalId"),
    });
    expect(await harness.inject({ externalId: "m1", contact: { externalId: "u1", email: "not-an-email" }, text: "x" })).toEqual({
      status: "invalid",
      reason: expect.stringContaining("contact.email"),
    });
    expect(await harness.inject({ externalId: "m2", contact: { externalId: "u1" }, text: "  " })).toEqual({
      status: "invalid",
      reason: expect.stringContaining("neither text nor attachments"),
    });
    expect(await harness.switchboard.store.db.select().from(messages)).toHaveLength(0);
    expect(await harness.switchboard.store.db.select().from(contacts)).toHaveLength(0);
  });

  it("matches a verified email to the existing contact across channels, but not an unverified one", async () => {
    harness = await createTestHarness();
    const a = await harness.inject({
      externalId: "m1",
      contact: { externalId: "tg-1", email: "Ada@Example.com", verified: true },
      text: "hi",
    });
    const b = await harness.inject({
      externalId: "m2",
      contact: { externalId: "tg-2", email: "ada@example.com", verified: true },
      text: "hi",
    });
    const c = await harness.inject({ externalId: "m3", contact: { externalId: "tg-3", email: "ada@example.com" }, text: "hi" });
    if (a.status !== "stored" || b.status !== "stored" || c.status !== "stored") throw new Error("not stored");
    expect(b.contactId).toBe(a.contactId);
    expect(c.contactId).not.toBe(a.contactId);
    const [email] = await harness.switchboard.store.db.select().from(identities).where(eq(identities.channel, "email"));
    expect(email).toMatchObject({ externalId: "ada@example.com", verified: true });
  });

  it("enriches under a timeout without blocking, and routes new conversations with the first answer", async () => {
    const plugin = writeFixturePlugin(`
      ctx.enrich(async () => ({ plan: "gold" }));
      ctx.enrich(async (_input, signal) => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 5000)), { timeoutMs: 50 });
      ctx.enrich(async () => { throw new Error("CRM down"); });
      ctx.route(async () => null);
      ctx.route({ order: "post", handler: async () => ({ teamId: null, assigneeId: 999 }) });
      ctx.route(async () => ({ assigneeId: null, teamId: null }));
    `);
    harness = await createTestHarness({ plugins: { fixture: { package: plugin } } });
    const started = performance.now();
    const stored = await harness.inject(message("m1"));
    expect(performance.now() - started).toBeLessThan(4000);
    if (stored.status !== "stored") throw new Error("not stored");
    const [contact] = await harness.switchboard.store.db.select().from(contacts);
    expect(contact!.attributes).toEqual({ enrichment: { fixture: { plan: "gold" } }, enriched_at: { fixture: harness.clock.now() } });
    const [conversation] = await harness.switchboard.store.db.select().from(conversations);
    expect(conversation!.assigneeId).toBeNull();
  });

  it("lets a normalise hook drop a message before anything is stored", async () => {
    const plugin = writeFixturePlugin(`ctx.inbound((m) => (m.text.includes("SPAM") ? null : { ...m, text: m.text.trim() }));`);
    harness = await createTestHarness({ plugins: { fixture: { package: plugin } } });
    expect(await harness.inject(message("m1", "u1", "buy SPAM now"))).toEqual({
      status: "dropped",
      reason: 'dropped by the plugin "fixture"',
    });
    const kept = await harness.inject(message("m2", "u1", "  real question  "));
    expect(kept.status).toBe("stored");
    const rows = await harness.switchboard.store.db.select().from(messages);
    expect(rows.map((r) => r.text)).toEqual(["real question"]);
  });

  it("skips a throwing normalise, identify or thread hook, logging its plugin and hook, and stores the message as the other hooks leave it", async () => {
    const logged: { plugin?: string; hook?: string; msg: string }[] = [];
    const log = createLogger({ level: "error", destination: { write: (line: string) => void logged.push(JSON.parse(line)) } });
    const broken = writeFixturePlugin(
      `
      ctx.inbound(() => { throw new Error("spam filter down"); });
      ctx.identify(() => { throw new Error("CRM down"); });
      ctx.thread(() => { throw new Error("thread map down"); });
    `,
      { name: "broken" },
    );
    const tidy = writeFixturePlugin(`ctx.inbound((m) => ({ ...m, text: m.text.toUpperCase() }));`, { name: "tidy" });
    harness = await createTestHarness({ log, plugins: { broken: { package: broken }, tidy: { package: tidy } } });
    expect((await harness.inject(message("m1", "u1", "hello"))).status).toBe("stored");
    const rows = await harness.switchboard.store.db.select().from(messages);
    expect(rows.map((r) => r.text)).toEqual(["HELLO"]);
    const failures = logged.filter((l) => l.plugin === "broken").map((l) => [l.hook, l.msg]);
    expect(failures).toEqual([
      ["normalise", "plugin hook failed; going on without it"],
      ["identify", "plugin hook failed; going on without it"],
      ["thread", "plugin hook failed; going on without it"],
    ]);
  });

  it("resolves as invalid, naming the plugin, when a normalise hook returns a message core refuses", async () => {
    const plugin = writeFixturePlugin(`ctx.inbound((m) => ({ ...m, contact: {} }));`, { name: "mangler" });
    harness = await createTestHarness({ plugins: { mangler: { package: plugin } } });
    expect(await harness.inject(message("m1"))).toEqual({
      status: "invalid",
      reason: expect.stringMatching(/contact\.externalId.*the plugin "mangler"/),
    });
    expect(await harness.switchboard.store.db.select().from(messages)).toHaveLength(0);
  });
});
