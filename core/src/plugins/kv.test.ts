// ctx.kv on a real libSQL file: setMany (many keys in one transaction, replacing values, with expiry)
// and add (insert-if-absent: one winner among concurrent calls, an expired value counts as absent).
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

  it("adds a key only when it is absent or expired: of concurrent adds, exactly one wins", async () => {
    harness = await createTestHarness();
    const kv = createKeyValueStore(harness.switchboard.store, harness.clock, "kv-test");
    const other = createKeyValueStore(harness.switchboard.store, harness.clock, "kv-test");
    const wins = await Promise.all([kv.add!("seq:1", "a"), other.add!("seq:1", "b"), kv.add!("seq:1", "c")]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await kv.get("seq:1")).toBe(["a", "b", "c"][wins.indexOf(true)]);
    expect(await kv.add!("seq:1", "later")).toBe(false);

    expect(await kv.add!("lease", "first", { ttlMs: 1000 })).toBe(true);
    expect(await kv.add!("lease", "second")).toBe(false);
    harness.clock.advance(1001);
    expect(await kv.add!("lease", "second")).toBe(true);
    expect(await kv.get("lease")).toBe("second");
  });
});
