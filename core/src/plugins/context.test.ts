// What a plugin's ctx gives it, through a real plugin loaded by the harness: kv with expiry and
// prefixes, durable jobs namespaced by plugin, event handlers isolated from each other, assistants,
// and stop hooks in reverse order.
import { afterEach, describe, expect, it } from "vitest";
import { writeFixturePlugin } from "../testing/fixtures.ts";
import { createTestHarness, type Harness, tables } from "../testing/index.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
const shared = globalThis as Record<string, unknown>;

describe("plugin context", () => {
  it("gives each plugin its own key-value store, with expiry and prefix listing", async () => {
    const plugin = writeFixturePlugin(`globalThis.__kv = ctx.kv;`, { name: "kv-user" });
    const other = writeFixturePlugin(`globalThis.__otherKv = ctx.kv;`, { name: "other" });
    harness = await createTestHarness({ plugins: { a: { package: plugin }, b: { package: other } } });
    const kv = shared.__kv as import("./types.ts").KeyValueStore;
    const otherKv = shared.__otherKv as import("./types.ts").KeyValueStore;
    await kv.set("cursor:telegram", { offset: 42 });
    await kv.set("cursor:discord", 7);
    await kv.set("session_100%", "literal", { ttlMs: 1000 });
    expect(await kv.get("cursor:telegram")).toEqual({ offset: 42 });
    expect(await otherKv.get("cursor:telegram")).toBeUndefined();
    expect((await kv.list("cursor:")).map((e) => e.key)).toEqual(["cursor:discord", "cursor:telegram"]);
    expect((await kv.list("session_1")).map((e) => e.key)).toEqual(["session_100%"]);
    expect(await kv.list("session%")).toEqual([]);
    harness.clock.advance(1001);
    expect(await kv.get("session_100%")).toBeUndefined();
    await kv.delete("cursor:discord");
    expect(await kv.get("cursor:discord")).toBeUndefined();
  });

  it("runs a plugin's durable job when due, and keeps one failing event handler from stopping the others", async () => {
    shared.__ran = [];
    shared.__seen = [];
    const plugin = writeFixturePlugin(
      `ctx.jobs.define("follow-up", (p) => { globalThis.__ran.push(p); });
       ctx.on("conversation.created", async (e) => { await ctx.jobs.schedule("follow-up", { id: e.data.conversationId }, { delayMs: 3_600_000 }); });
       ctx.on("message.created", () => { throw new Error("handler bug"); });
       ctx.on("message.created", (e) => { globalThis.__seen.push(e.data.text); });`,
      { name: "automations" },
    );
    harness = await createTestHarness({ plugins: { automations: { package: plugin } } });
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    await harness.drain();
    expect(shared.__seen).toEqual(["hello"]);
    expect(shared.__ran).toEqual([]);
    harness.clock.advance(3_600_000);
    await harness.drain();
    expect(shared.__ran).toEqual([{ id: stored.conversationId }]);
  });

  it("keeps a plugin's job keys its own: the same key as core's or another plugin's is another job", async () => {
    const plugin = writeFixturePlugin(`ctx.jobs.define("nudge", () => {}); globalThis.__jobs = ctx.jobs;`, { name: "nudger" });
    harness = await createTestHarness({ plugins: { nudger: { package: plugin } } });
    const jobs = shared.__jobs as import("./types.ts").JobScheduler;
    const core = harness.switchboard.jobs;
    core.define("core:test.timer", () => {});
    await core.schedule("core:test.timer", { core: true }, { delayMs: 60_000, key: "snooze:1" });
    await jobs.schedule("nudge", { plugin: true }, { delayMs: 60_000, key: "snooze:1" });
    const mine = async () =>
      (await harness!.switchboard.store.db.select().from(tables.jobs)).filter((row) =>
        ["core:test.timer", "nudger:nudge"].includes(row.kind),
      );
    expect((await mine()).map((row) => [row.kind, row.key, row.payload]).sort()).toEqual([
      ["core:test.timer", "snooze:1", { core: true }],
      ["nudger:nudge", "plugin:nudger:snooze:1", { plugin: true }],
    ]);
    expect(await jobs.cancel("snooze:1")).toBe(true);
    expect((await mine()).map((row) => row.kind)).toEqual(["core:test.timer"]);
  });

  it("asks assistants in turn and takes the first answer", async () => {
    const silent = writeFixturePlugin(
      `ctx.assistant({ summarize: async () => null, suggest: async () => { throw new Error("LLM down"); } });`,
      { name: "silent" },
    );
    const helpful = writeFixturePlugin(`ctx.assistant({ suggest: async (input) => ["Reply about " + input.channel] });`, {
      name: "helpful",
    });
    harness = await createTestHarness({ plugins: { silent: { package: silent }, helpful: { package: helpful } } });
    const input = { conversationId: 1, messages: [], channel: "email" };
    expect(await harness.switchboard.assistants.run("suggest", input)).toEqual({ plugin: "helpful", value: ["Reply about email"] });
    expect(await harness.switchboard.assistants.run("summarize", input)).toBeNull();
    expect(harness.switchboard.assistants.offers("translate")).toBe(false);
    expect(harness.switchboard.assistants.offers("suggest")).toBe(true);
  });

  it("runs stop hooks in reverse order of registration", async () => {
    shared.__stops = [];
    const first = writeFixturePlugin(`ctx.onStop(() => globalThis.__stops.push("first"));`, { name: "first" });
    const second = writeFixturePlugin(
      `ctx.onStop(() => { throw new Error("stop bug"); }); ctx.onStop(() => globalThis.__stops.push("second"));`,
      { name: "second", requires: ["first"] },
    );
    const h = await createTestHarness({ plugins: { second: { package: second }, first: { package: first } } });
    await h.close();
    expect(shared.__stops).toEqual(["second", "first"]);
  });
});
