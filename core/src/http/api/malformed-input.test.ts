// Malformed input to the REST API answers a 4xx with a reason, never a 500: search text with NUL,
// ids that are no ids, and every JSON answer says nosniff.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("REST API: malformed input", () => {
  it("searches text with NUL and other control characters as plain words on /search and /contacts", async () => {
    await t.say("support", { externalId: "a", name: "Grace Hopper" }, "hello world");
    for (const q of ["%00", "hello%00", "%00hello", "%01%1F%7F", "%22%00%22*"]) {
      for (const path of [`/api/v1/search?q=${q}`, `/api/v1/contacts?q=${q}`]) {
        const answer = await t.api(path);
        expect({ path, status: answer.status }).not.toMatchObject({ status: expect.toSatisfy((s: number) => s >= 500) });
      }
    }
    const hits = await (await t.api("/api/v1/search?q=hello%00wor")).json();
    expect(hits.data).toHaveLength(1);
    const contacts = await (await t.api("/api/v1/contacts?q=grace%00hop")).json();
    expect(contacts.data.map((c: { name: string }) => c.name)).toEqual(["Grace Hopper"]);
    const onlyNul = await t.api("/api/v1/search?q=%00");
    expect(onlyNul.status).toBe(422);
  });

  it("refuses an id that is no id with 422 and the rule, and never reads it as another id", async () => {
    const first = await t.say("support", { externalId: "a" }, "one");
    for (let i = 0; i < 16; i++) await t.say("support", { externalId: `x${i}` }, `more ${i}`);
    expect((await t.api(`/api/v1/conversations/${first.conversationId}`)).status).toBe(200);
    for (const id of ["1e309", "Infinity", "-1", "0", "0x10", "1e1", "1.0", "%2010", "9".repeat(400), "NaN"]) {
      for (const path of [`/api/v1/conversations/${id}`, `/api/v1/contacts/${id}`, `/api/v1/conversations/${id}/messages`]) {
        const answer = await t.api(path);
        expect({ path, status: answer.status }).toEqual({ path, status: 422 });
        expect((await answer.json()).error.message).toContain("positive whole number written in digits");
      }
    }
  });
});
