// createCluster: one process alone never loads the Redis client; a Redis URL does.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Runs createCluster in a fresh Bun process and answers whether ioredis was loaded afterwards. */
function loadsIoredis(redisUrl?: string): boolean {
  const index = resolve(import.meta.dirname, "index.ts");
  const script = `
    const { createCluster } = await import(${JSON.stringify(index)});
    const log = { info() {}, warn() {}, error() {}, debug() {}, child() { return log; } };
    const config = { lease_ms: 10000, key_prefix: "t:", ${redisUrl ? `redis_url: ${JSON.stringify(redisUrl)}, ` : ""}};
    const cluster = await createCluster(config, log);
    console.log(Object.keys(require.cache).some((path) => path.includes("/ioredis/")) ? "loaded" : "not loaded");
    await cluster.stop();
    process.exit(0);
  `;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim() === "loaded";
}

describe("createCluster", () => {
  it("loads the Redis client only when redis_url is set", () => {
    expect(loadsIoredis()).toBe(false);
    expect(loadsIoredis("redis://127.0.0.1:1")).toBe(true);
  });
});
