// Message search on a real libSQL file (messages indexed by the search itself, as they are after their write): whole words match their inflections (Porter stemming), a
// word no message holds is searched as a prefix, results come newest first, and operators typed
// into the box are searched as text.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./index.ts";
import { messageSearchMatch, searchMessages } from "./search.ts";

let store: Store | undefined;
afterEach(() => store?.close());

async function storeWith(texts: string[]): Promise<Store> {
  store = await openStore({ url: `file:${join(mkdtempSync(join(tmpdir(), "swb-search-")), "db.sqlite")}` });
  await store.migrate();
  await store.client.execute("INSERT INTO contacts (id, name) VALUES (1, 'Ann')");
  await store.client.execute("INSERT INTO conversations (id, contact_id, inbox, channel) VALUES (1, 1, 'api', 'api')");
  for (const [i, text] of texts.entries()) {
    await store.client.execute({
      sql: "INSERT INTO messages (id, conversation_id, contact_id, inbox, channel, direction, text) VALUES (?, 1, 1, 'api', 'api', 'incoming', ?)",
      args: [i + 1, text],
    });
  }
  return store;
}

const found = async (s: Store, input: string) => {
  const match = await messageSearchMatch(s, input);
  return (await searchMessages(s.db, match!, { limit: 10, offset: 0 })).map((hit) => hit.id);
};

describe("message search", () => {
  it("matches a whole word with its inflections, newest first, as one term", async () => {
    const s = await storeWith([
      "I want a refund",
      "Refunds take three days",
      "Was it refunded?",
      "Your reference is 42",
      "Is this refundable?",
    ]);
    expect(await messageSearchMatch(s, "refund")).toBe('"refund"');
    expect(await found(s, "refund")).toEqual([5, 3, 2, 1]);
    expect(await found(s, "refunds")).toEqual([5, 3, 2, 1]);
  });

  it("searches a word no message holds (one still being typed) as a prefix", async () => {
    const s = await storeWith(["I want a refund", "Your reference is 42", "Nothing here"]);
    expect(await messageSearchMatch(s, "ref")).toBe('"ref"*');
    expect(await found(s, "ref")).toEqual([2, 1]);
    expect(await messageSearchMatch(s, "refund ref")).toBe('"refund" "ref"*');
    expect(await found(s, "refund ref")).toEqual([1]);
  });

  it("searches operators and quotes as text, and has nothing to search for in blank input", async () => {
    const s = await storeWith(['He said "NEAR" OR not', "OR else"]);
    expect(await found(s, 'said "NEAR OR')).toEqual([1]);
    expect(await messageSearchMatch(s, "   ")).toBeUndefined();
  });
});
