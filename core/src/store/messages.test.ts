// A customer's message as the inbound pipeline inserts it: the row insertIncomingMessage builds
// (without RETURNING) is the row the store holds, column for column, also when writes share a group
// commit and one of them rolls back.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./index.ts";
import { insertIncomingMessage, type Message } from "./messages.ts";
import { contacts, conversations, messages } from "./schema.ts";

const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function storeWithConversation(): Promise<Store> {
  const store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-messages-")), "db.sqlite")}` });
  stores.push(store);
  await store.migrate();
  await store.write(async (tx) => {
    await tx.insert(contacts).values({ id: 1, name: "Ann" });
    await tx.insert(conversations).values({ id: 1, contactId: 1, inbox: "shop", channel: "api" });
  });
  return store;
}

const given = (externalId: string, extra: Partial<Message> = {}) => ({
  conversationId: 1,
  contactId: 1,
  inbox: "shop",
  channel: "api",
  externalId,
  replyToExternalId: null,
  text: "Hi, where is order #10005?",
  html: null,
  metadata: {},
  ...extra,
});

const readBack = (store: Store, id: number) => store.db.select().from(messages).where(eq(messages.id, id));

describe("insertIncomingMessage", () => {
  it("answers the row the store holds, whatever the message carries", async () => {
    const store = await storeWithConversation();
    const shapes = [
      given("m-1"),
      given("m-2", { replyToExternalId: "m-1", html: "<p>Hi</p>", text: "Grüße, 山田 👋\nline two" }),
      given("m-3", { metadata: { sentAt: 1_700_000_000_000, subject: "Order", nested: { list: [1, "two", null], flag: true } } }),
      // A value JSON drops: the row holds what the store holds, not the caller's object.
      given("m-4", { metadata: { kept: 1, dropped: undefined } as Record<string, unknown> }),
    ];
    for (const [i, values] of shapes.entries()) {
      const built = await store.write((tx) => insertIncomingMessage(tx, values, 1_000 + i));
      expect(built).toStrictEqual((await readBack(store, built.id))[0]);
      expect(Object.keys(built).sort()).toEqual(Object.keys((await readBack(store, built.id))[0]!).sort());
    }
  });

  it("answers each write's own row when writes share a group commit and one rolls back", async () => {
    const store = await storeWithConversation();
    const writes = ["a", "b", "c", "d"].map((id) =>
      store.write(async (tx) => {
        const built = await insertIncomingMessage(tx, given(`m-${id}`, { text: `text ${id}` }), 5_000);
        if (id === "b") throw new Error("this write fails after its insert");
        return built;
      }),
    );
    const settled = await Promise.allSettled(writes);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    for (const s of settled) {
      if (s.status !== "fulfilled") continue;
      expect([s.value]).toStrictEqual(await readBack(store, s.value.id));
    }
    expect(await store.db.select({ externalId: messages.externalId }).from(messages)).toEqual([
      { externalId: "m-a" },
      { externalId: "m-c" },
      { externalId: "m-d" },
    ]);
  });
});
