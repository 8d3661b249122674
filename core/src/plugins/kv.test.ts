// ctx.kv's setMany on a real libSQL file: many keys in one transaction, replacing values, with expiry.
import { afterEach, describe, expect, it } from "vitest";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { createKeyValueStore } from "./kv.ts";

let harness: Harness;
afterEach(async () => harness?.close());

describe("plugin key-value storage", () => {
  it("sets many keys at once, replaces existing ones, and lets them expire", async () => {
    harness = await createTestHarness();
    const kv = createKeyValueStore(harness.switchboard.store, harness.clock, "kv-test");
    await kv.set("pairs:1", ["old"]);
    await kv.setMany?.([
      { key: "pairs:1", value: ["new"] },
      { key: "pairs:2", value: { n: 2 } },
    ]);
    await kv.setMany?.([{ key: "short", value: true }], { ttlMs: 1000 });
    expect(await kv.list("pairs:")).toEqual([
      { key: "pairs:1", value: ["new"] },
      { key: "pairs:2", value: { n: 2 } },
    ]);
    expect(await kv.get("short")).toBe(true);
    harness.clock.advance(1001);
    expect(await kv.get("short")).toBeUndefined();
    await kv.setMany?.([]);
  });
});
