// Malformed input to the inbox's routes answers a 4xx with a reason, never a 500: search text with
// control characters, and ids that are no ids (1e309, Infinity, -1, 0x10, 400 digits) in every
// inbox route with a numeric id. An id that only looks like a number ("0x10", "1e1") names nothing:
// it must not reach conversation 16 or 10.
import { afterEach, describe, expect, it } from "vitest";
import type { Harness } from "../testing/index.ts";
import { type Browser, inboxHarness, signIn } from "./fixtures.ts";

let harness: Harness;
afterEach(async () => harness?.close());

const BAD_IDS = ["1e309", "Infinity", "-1", "0", "0x10", "1e1", "1.5", "%2010", "9".repeat(400), "NaN", "abc"];

async function setUp(): Promise<Browser> {
  ({ harness } = await inboxHarness());
  // Enough rows that an alias like 0x10 (16) or 1e1 (10) would name a real conversation and message.
  for (let i = 1; i <= 20; i++) {
    const stored = await harness.inject({
      externalId: `m-${i}`,
      contact: { externalId: `u${i}`, name: `Customer ${i}` },
      text: `hello ${i}`,
    });
    if (stored.status !== "stored") throw new Error("not stored");
  }
  return signIn(harness, "ada@example.com", "correct-horse-battery");
}

describe("inbox: malformed input", () => {
  it("searches text with NUL and other control characters as plain words, never a 500", async () => {
    const browser = await setUp();
    for (const q of ["%00", "hello%00", "%00%00hello", "%01%1F%7F", "%22%00%22", "hello%00world*"]) {
      const page = await browser.get(`/inbox?q=${q}`);
      expect({ q, status: page.status }).toEqual({ q, status: 200 });
    }
    expect(await (await browser.get("/inbox?q=hello%003")).text()).toContain("<mark>hello</mark>");
  });

  it("answers 404 with a reason for an id that is no id, on every route with a numeric id", async () => {
    const browser = await setUp();
    const gets = [
      "/inbox/attachments/:id",
      "/inbox/messages/:id/html",
      "/inbox/conversations/:id",
      "/inbox/conversations/:id/head",
      "/inbox/conversations/:id/timeline",
    ];
    const posts = [
      "/inbox/conversations/:id/messages",
      "/inbox/conversations/:id/typing",
      "/inbox/conversations/:id/status",
      "/inbox/messages/:id/retry",
    ];
    for (const id of BAD_IDS) {
      for (const route of gets) {
        const path = route.replace(":id", id);
        const answer = await browser.get(path);
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
        expect(await answer.text()).toContain("is not an id");
      }
      for (const route of posts) {
        const path = route.replace(":id", id);
        const answer = await browser.post(path, { text: "hi", status: "resolved" });
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      }
    }
  });

  it("ignores a selection or a cursor that is no id, instead of failing", async () => {
    const browser = await setUp();
    for (const id of ["1e309", "Infinity", "-1", "9".repeat(400)]) {
      expect((await browser.get(`/inbox/list?selected=${id}`)).status).toBe(200);
      expect((await browser.get(`/inbox/conversations/1/timeline?after=${id}`)).status).toBe(200);
    }
  });
});
