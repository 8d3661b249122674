/**
 * Durability under a crash: a Switchboard process killed with SIGKILL mid-ingest keeps every message
 * it acknowledged with a 2xx. The server runs as a real child process (the `start` CLI) on a temp file
 * database; messages are POSTed to the API channel with bounded concurrency, the child is killed while
 * requests are in flight, and the database file is then read directly. A restart on the same database
 * must come up and treat a re-sent acknowledged message as a duplicate.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, expect, test } from "vitest";
import { apiServerConfig, killAll, startServer } from "./fixtures/server-process.ts";

const SECRET = "crash-test-secret-0123456789";

const CONCURRENCY = 8;
const MAX_MESSAGES = 2000;
/** Kill once this many messages were acknowledged, or after KILL_AFTER_MS, whichever comes first. */
const KILL_AT_ACKS = 400;
const KILL_AFTER_MS = 3000;

const dir = mkdtempSync(join(tmpdir(), "switchboard-crash-"));
const dbFile = join(dir, "sb.db");
const configFile = join(dir, "switchboard.toml");
writeFileSync(configFile, apiServerConfig(dbFile, SECRET));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

function post(url: string, n: number): Promise<Response> {
  return fetch(`${url}/webhooks/api/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      id: `msg-${n}`,
      contact: { id: `customer-${n % 25}`, name: `Customer ${n % 25}` },
      text: `message number ${n}`,
    }),
  });
}

test("every message acknowledged before a SIGKILL is in the database after restart", { timeout: 60_000 }, async () => {
  const { child, url, exited } = await startServer(configFile);
  const acknowledged: string[] = [];
  let errors = 0;
  let inFlight = 0;
  let inFlightAtKill = -1;
  let next = 0;
  let killed = false;
  const startedAt = Date.now();
  const kill = () => {
    if (killed) return;
    killed = true;
    inFlightAtKill = inFlight;
    child.kill("SIGKILL");
  };

  const worker = async () => {
    while (!killed && next < MAX_MESSAGES) {
      const n = next++;
      inFlight++;
      const sending = post(url, n);
      // Kill just after sending, not just after an answer: answers come a commit group at a time, so
      // right after one arrives every request of its group may be answered too and none cut off.
      if (acknowledged.length >= KILL_AT_ACKS || Date.now() - startedAt >= KILL_AFTER_MS) setImmediate(kill);
      try {
        const res = await sending;
        if (res.status >= 200 && res.status < 300) acknowledged.push(`msg-${n}`);
        else throw new Error(`unexpected status ${res.status}: ${await res.text()}`);
      } catch (error) {
        // A request cut off by the kill fails; anything failing before the kill is a real bug.
        if (!killed) throw error;
        errors++;
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  kill();
  expect(await exited).toEqual({ code: null, signal: "SIGKILL" });

  expect(acknowledged.length).toBeGreaterThan(50);
  expect(inFlightAtKill).toBeGreaterThan(0);
  expect(errors).toBeGreaterThan(0);

  const client = createClient({ url: `file:${dbFile}` });
  const rows = await client.execute(
    "SELECT external_id AS id, count(*) AS n FROM messages WHERE inbox = 'api' AND direction = 'incoming' GROUP BY external_id",
  );
  client.close();
  const stored = new Map(rows.rows.map((row) => [String(row.id), Number(row.n)]));
  const missing = acknowledged.filter((id) => !stored.has(id));
  expect(missing).toEqual([]);
  expect(acknowledged.filter((id) => stored.get(id) !== 1)).toEqual([]);

  const restarted = await startServer(configFile);
  expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
  const again = await post(restarted.url, Number(acknowledged[0]!.slice("msg-".length)));
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ status: "duplicate" });
  restarted.child.kill("SIGTERM");
  expect(await restarted.exited).toEqual({ code: 0, signal: null });
});
