// Free-form JSON limits (32 levels, 16 KiB): refused with a reason that names them, without ever
// recursing, on the inbound pipeline every channel goes through, and over HTTP on the API channel's
// webhook, whose body is also limited in size.
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHarness, type Harness, tables } from "../testing/index.ts";
import { FREE_JSON_MAX_BYTES, freeJson, freeJsonProblem } from "./free-form.ts";

const API_PLUGIN = fileURLToPath(new URL("../../../plugins/channel-api/src/index.ts", import.meta.url));
const SECRET = "shop-secret-0123456789";

/** `{"a":{"a":…{"a":1}…}}`, `levels` objects deep, as JSON text (JSON.stringify would overflow the stack). */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("free-form JSON limits", () => {
  it("measures depth and size without recursion, even a million levels deep", () => {
    expect(freeJsonProblem(JSON.parse(nested(32)))).toBeUndefined();
    expect(freeJsonProblem(JSON.parse(nested(33)))).toMatch(
      /^nests more than 32 levels deep; free-form JSON may nest at most 32 levels and take at most 16 KiB/,
    );
    expect(freeJsonProblem(JSON.parse(nested(1_000_000)))).toMatch(/more than 32 levels/);
    expect(freeJsonProblem(JSON.parse(`[${"[".repeat(200_000)}${"]".repeat(200_000)}]`))).toMatch(/more than 32 levels/);
    expect(freeJsonProblem({ text: "é".repeat(FREE_JSON_MAX_BYTES / 2) })).toMatch(/^is \d+ bytes as JSON/);
    expect(freeJsonProblem({ many: Array.from({ length: 100_000 }, () => 0) })).toMatch(/larger than 16 KiB/);
    expect(freeJsonProblem({ plan: "pro", tags: ["vip"], nested: { a: [1, { b: null }] } })).toBeUndefined();
    expect(freeJson().safeParse(["not", "an", "object"]).success).toBe(false);
  });

  it("refuses inbound metadata over the limits as invalid, naming them, and stores nothing", async () => {
    harness = await createTestHarness();
    for (const levels of [50_000, 10_000, 33]) {
      const metadata = { deep: JSON.parse(nested(levels - 1)) };
      expect(await harness.inject({ externalId: `m${levels}`, contact: { externalId: "u1" }, text: "hi", metadata })).toEqual({
        status: "invalid",
        reason: expect.stringMatching(/metadata: nests more than 32 levels deep; .*16 KiB/),
      });
    }
    expect(
      await harness.inject({ externalId: "big", contact: { externalId: "u1" }, text: "hi", metadata: { blob: "x".repeat(20_000) } }),
    ).toMatchObject({ status: "invalid" });
    expect(await harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(0);
    expect(
      (await harness.inject({ externalId: "ok", contact: { externalId: "u1" }, text: "hi", metadata: { deep: JSON.parse(nested(31)) } }))
        .status,
    ).toBe("stored");
  });

  it("answers the API channel's webhook with 422 for metadata 50,000 deep and 413 for a body over 4 MiB", { timeout: 15_000 }, async () => {
    harness = await createTestHarness({
      plugins: { api: { package: API_PLUGIN } },
      inboxes: { shop: { plugin: "api", options: { secret: SECRET } } },
    });
    const post = (body: string) =>
      harness!.request("/webhooks/shop/messages", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
        body,
      });
    const deep = await post(`{"id":"m1","contact":{"id":"c1"},"text":"hi","metadata":{"deep":${nested(49_999)}}}`);
    expect(deep.status).toBe(422);
    expect((await deep.json()).error.message).toMatch(/metadata: nests more than 32 levels deep/);
    const huge = await post(JSON.stringify({ id: "m2", contact: { id: "c1" }, text: "x".repeat(4 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.message).toContain("4 MiB");
    expect(await harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(0);
  });
});
