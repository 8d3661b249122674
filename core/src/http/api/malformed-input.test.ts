// Malformed input to the REST API answers a 4xx with a reason, never a 500: search text with NUL,
// ids that are no ids, free-form JSON nested too deep or too large, bodies over the size limit.
// Every JSON answer says nosniff.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

/** `{"a":{"a":…{"a":1}…}}`, `levels` objects deep, as JSON text (JSON.stringify would overflow the stack). */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

function patchContact(id: number, body: string) {
  return t.switchboard.app.request(`/api/v1/contacts/${id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
    body,
  });
}

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

  it("refuses contact attributes nested deeper than 32 levels or over 16 KiB with 422 naming the limits, and stores nothing", async () => {
    const { contactId } = await t.say("support", { externalId: "a", name: "Grace" }, "hello");
    for (const levels of [50_000, 10_000, 33]) {
      const answer = await patchContact(contactId, `{"attributes":{"deep":${nested(levels - 1)}}}`);
      expect({ levels, status: answer.status }).toEqual({ levels, status: 422 });
      const { error } = await answer.json();
      expect(error.message).toContain("attributes");
      expect(error.message).toContain("at most 32 levels");
      expect(error.message).toContain("16 KiB");
    }
    const large = await patchContact(contactId, JSON.stringify({ attributes: { notes: "x".repeat(17 * 1024) } }));
    expect(large.status).toBe(422);
    expect((await large.json()).error.message).toContain("16 KiB");
    expect((await (await t.api(`/api/v1/contacts/${contactId}`)).json()).attributes).toEqual({});

    const ok = await patchContact(contactId, `{"attributes":{"deep":${nested(31)}}}`);
    expect(ok.status).toBe(200);
    expect((await t.api(`/api/v1/contacts/${contactId}/export`)).status).toBe(200);
  });

  it("refuses a body over 1 MiB with 413 and the limit, before reading it", async () => {
    const { contactId } = await t.say("support", { externalId: "a" }, "hello");
    const answer = await patchContact(contactId, JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) }));
    expect(answer.status).toBe(413);
    const { error } = await answer.json();
    expect(error.code).toBe("SWB_ERR_PAYLOAD_TOO_LARGE");
    expect(error.message).toContain("1 MiB");
  });

  it("sends X-Content-Type-Options: nosniff with every JSON answer, errors included", async () => {
    const { conversationId } = await t.say("support", { externalId: "a" }, "hello");
    for (const [path, token] of [
      [`/api/v1/conversations/${conversationId}`, undefined],
      ["/api/v1/conversations/999", undefined],
      ["/api/v1/conversations", null],
      ["/api/openapi.json", undefined],
      ["/healthz", undefined],
      ["/no/such/route", undefined],
    ] as const) {
      const answer = await t.api(path, { token });
      expect(answer.headers.get("content-type")).toContain("application/json");
      expect({ path, nosniff: answer.headers.get("x-content-type-options") }).toEqual({ path, nosniff: "nosniff" });
    }
  });
});
