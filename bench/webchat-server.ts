/**
 * The server side of bench/webchat.ts, run as its own process so its memory is measured alone:
 * a production-like Switchboard (createSwitchboard with background workers, a temp libSQL file,
 * Bun.serve without idleTimeout as `switchboard start` serves) with the webchat inbox "site" and one
 * admin agent. A second, loopback-only control server answers GET /memory (after a full GC).
 * Prints one JSON line `{ "port", "control" }` once ready; SIGTERM stops it and removes the files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLogger, createSwitchboard, loadConfig } from "@switchboard/core";
import { createAgent } from "../core/src/auth/agents.ts";

export const BENCH_SECRET = "bench-webchat-secret-0123456789";
export const BENCH_ORIGIN = "http://shop.bench";
export const BENCH_AGENT = { email: "bench@example.com", password: "bench-password-0123" };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-webchat-"));
  const plugin = resolve(import.meta.dirname, "../plugins/channel-webchat/src/index.ts");
  const file = join(dir, "switchboard.toml");
  writeFileSync(
    file,
    `[store]
url = "file:${join(dir, "switchboard.db")}"
[plugins.webchat]
package = "${plugin}"
[inboxes.site]
plugin = "webchat"
[inboxes.site.options]
secret = "${BENCH_SECRET}"
allowed_origins = ["${BENCH_ORIGIN}"]
[inboxes.site.options.rate_limit]
ip_requests_per_minute = 10000000
visitor_messages_per_minute = 1000
streams_per_ip = 100000
`,
  );
  const switchboard = await createSwitchboard(await loadConfig(file), { log: createLogger({ level: "error" }) });
  await createAgent(switchboard.store, { email: BENCH_AGENT.email, name: "Bench Agent", role: "admin", password: BENCH_AGENT.password });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: switchboard.app.fetch, development: false });
  await switchboard.start();
  const control = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch() {
      Bun.gc(true);
      return Response.json({ ...process.memoryUsage(), pendingRequests: server.pendingRequests });
    },
  });
  process.on("SIGTERM", () => {
    void (async () => {
      await server.stop(true);
      await control.stop(true);
      await switchboard.stop();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
  console.log(JSON.stringify({ port: server.port, control: control.port }));
}

if (import.meta.main) await main();
