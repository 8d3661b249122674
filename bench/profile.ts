/**
 * Which SQL a page runs, how long each statement takes and how SQLite plans it: the reads of one
 * request are recorded by wrapping the store's libSQL client, then each is re-run alone (timed)
 * and explained with EXPLAIN QUERY PLAN.
 */
import type { Client, InArgs } from "@libsql/client";
import type { Hono } from "hono";

export interface QueryProfile {
  sql: string;
  args: unknown[];
  /** Median milliseconds of re-running it alone. */
  p50: number;
  plan: string[];
}

type Statement = { sql: string; args?: InArgs };

/** Records the statements `client.execute` runs while `fn` runs. */
async function recordQueries(client: Client, fn: () => Promise<unknown>): Promise<Statement[]> {
  const seen: Statement[] = [];
  const original = client.execute.bind(client);
  const patched = (statement: Statement | string, args?: InArgs) => {
    seen.push(typeof statement === "string" ? { sql: statement, args } : statement);
    return typeof statement === "string" ? original(statement, args) : original(statement);
  };
  (client as { execute: unknown }).execute = patched;
  try {
    await fn();
  } finally {
    (client as { execute: unknown }).execute = original;
  }
  return seen;
}

/**
 * Profiles the read queries of one page request.
 *
 * @example
 * const queries = await profilePage(sb.app, sb.store.client, "/inbox?view=all", { Cookie: cookie });
 */
export async function profilePage(
  app: Hono,
  client: Client,
  path: string,
  headers: Record<string, string>,
  runs = 25,
): Promise<QueryProfile[]> {
  const statements = await recordQueries(client, async () => (await app.request(path, { headers })).arrayBuffer());
  const profiles: QueryProfile[] = [];
  for (const statement of statements) {
    const args = (Array.isArray(statement.args) ? statement.args : []) as InArgs;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await client.execute({ sql: statement.sql, args });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${statement.sql}`, args });
    profiles.push({
      sql: statement.sql,
      args: args as unknown[],
      p50: times[Math.floor(times.length / 2)]!,
      plan: plan.rows.map((row) => String(row.detail)),
    });
  }
  return profiles;
}
