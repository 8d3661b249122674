// The example plugin tested the way a community author would: with @switchboard/core/testing, a
// real Switchboard on a temporary database, and messages injected through the test channel.
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, tables } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { keywordPattern } from "./index.ts";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Record<string, unknown> = { keywords: ["outage", "cancel my account"] }) {
  harness = await createTestHarness({ plugins: { urgent: { package: PLUGIN, options } } });
  return harness;
}

describe("urgent-keywords", () => {
  it("marks the conversation urgent and leaves a private note, never a message to the customer", async () => {
    const h = await start();
    const stored = await h.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "Total OUTAGE since 9am!" });
    await h.drain();
    if (stored.status !== "stored") throw new Error("not stored");
    const [conversation] = await h.switchboard.store.db.select().from(tables.conversations);
    expect(conversation!.priority).toBe("urgent");
    const rows = await h.switchboard.store.db.select().from(tables.messages);
    expect(rows.map((m) => [m.direction, m.text])).toEqual([
      ["incoming", "Total OUTAGE since 9am!"],
      ["activity", "Priority changed from none to urgent by urgent-keywords"],
      ["note", 'The customer wrote "OUTAGE": marked urgent.'],
    ]);
    expect(h.sent).toEqual([]);
  });

  it("ignores words inside other words, agents' replies, and conversations already urgent", async () => {
    const h = await start();
    const stored = await h.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "no outages here, just a question" });
    if (stored.status !== "stored") throw new Error("not stored");
    await h.switchboard.outbound.reply({ conversationId: stored.conversationId, text: "Is there an outage? No.", agentId: null });
    await h.drain();
    const [conversation] = await h.switchboard.store.db.select().from(tables.conversations);
    expect(conversation!.priority).toBe("none");
    await h.inject({ externalId: "m2", contact: { externalId: "u1" }, text: "please cancel   my account" });
    await h.inject({ externalId: "m3", contact: { externalId: "u1" }, text: "outage again" });
    await h.drain();
    const notes = (await h.switchboard.store.db.select().from(tables.messages)).filter((m) => m.direction === "note");
    expect(notes).toHaveLength(1);
  });

  it("refuses options without keywords, naming the key and the plugin", async () => {
    await expect(start({ keywords: [] })).rejects.toMatchObject({
      code: "SWB_ERR_CONFIG_INVALID",
      location: { key: "plugins.urgent.options.keywords", plugin: "urgent-keywords" },
    });
  });

  it("matches phrases across spacing and any letters, not parts of words", () => {
    const pattern = keywordPattern(["cancel my account", "café"]);
    expect(pattern.test("I want to CANCEL  my account")).toBe(true);
    expect(pattern.test("the café is closed")).toBe(true);
    expect(pattern.test("cafés")).toBe(false);
  });
});
