/**
 * The ingest benchmark's floor: the least any webhook receiver on this stack can do. A bare Hono app
 * on Bun.serve that reads the JSON body and runs one libSQL INSERT per request (a WAL-mode file with
 * the same client and defaults as Switchboard's store: its statement-caching embedded client, so the
 * same durability and the same per-statement cost), then answers 201
 * with the new id. No auth, no dedupe, no identity, no routing, no events. bench/ingest.ts runs it
 * as a child process beside Switchboard and loads both with the same generator.
 *
 *   bun bench/ingest-floor.ts --db /tmp/floor.db --port 4100
 */
import { Hono } from "hono";
import { createEmbeddedClient } from "../core/src/store/embedded-client.ts";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = arg("db");
if (!file) throw new Error("Usage: bun bench/ingest-floor.ts --db <file> --port <port>");

const client = createEmbeddedClient(file);
await client.execute("PRAGMA journal_mode = WAL");
await client.execute(
  "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL, contact TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)",
);

const app = new Hono();
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.post("/webhooks/:inbox/messages", async (c) => {
  const body = await c.req.json<{ id: string; contact: { id: string }; text: string }>();
  const result = await client.execute({
    sql: "INSERT INTO messages (external_id, contact, text, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    args: [body.id, body.contact.id, body.text, Date.now()],
  });
  return c.json({ status: "stored", message_id: Number(result.rows[0]![0]) }, 201);
});

const server = Bun.serve({ hostname: "127.0.0.1", port: Number(arg("port") ?? 0), fetch: app.fetch, development: false });
console.log(`floor listening on http://127.0.0.1:${server.port}`);
const stop = () => {
  void server.stop(true).then(() => {
    client.close();
    process.exit(0);
  });
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
