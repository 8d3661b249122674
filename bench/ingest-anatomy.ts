/**
 * What one ingested message costs inside Switchboard, counted rather than timed: SQL statements,
 * write transactions and commits that wrote (each one an fsync with the default synchronous =
 * FULL), including the work its events trigger (SLA clocks, automations, jobs). Runs the API
 * channel in-process (app.request, a temp database) and wraps the store's libSQL client.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfigText } from "../core/src/config/load.ts";
import { createLogger } from "../core/src/log/index.ts";
import { createSwitchboard } from "../core/src/switchboard.ts";
import { apiMessage } from "./ingest-load.ts";
import { BENCH_INBOX, BENCH_SECRET, writeBenchConfig } from "./ingest-servers.ts";

export interface Anatomy {
  statements: number;
  transactions: number;
  /** Commits of transactions that wrote something (the others cost no fsync). */
  writingCommits: number;
  /** The most frequent statements ("select conversations"), per message. */
  top: { sql: string; perMessage: number }[];
}

type Executor = { execute: (...args: unknown[]) => Promise<{ rowsAffected?: number; rows?: unknown[] }> };

/**
 * Sends `messages` messages (from `contacts` contacts, as the benchmark does) and counts per message.
 *
 * @example
 * const { statements, writingCommits } = await anatomy();
 */
export async function anatomy(messages = 100, contacts = 20): Promise<Anatomy> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-anatomy-"));
  const file = writeBenchConfig({ dir }, 0);
  const sb = await createSwitchboard(parseConfigText(await Bun.file(file).text(), file, {}), {
    log: createLogger({ level: "silent" }),
    backgroundWorkers: false,
  });
  await sb.start();
  const counts = new Map<string, number>();
  let transactions = 0;
  let writingCommits = 0;
  const count = (args: unknown[]) => {
    const first = args[0] as string | { sql: string };
    const text = (typeof first === "string" ? first : first.sql).replace(/\s+/g, " ");
    // "select conversations", "insert messages": the statement's kind and its (first) table.
    const kind = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? "?";
    const table = /(?:from|into|update)\s+"?(\w+)"?/i.exec(text)?.[1] ?? "";
    const sql = `${kind} ${table}`.trim();
    counts.set(sql, (counts.get(sql) ?? 0) + 1);
    return /^(insert|update|delete)/.test(sql);
  };
  const client = sb.store.client as unknown as Executor & {
    transaction: (...args: unknown[]) => Promise<Executor & { commit(): Promise<void> }>;
  };
  const execute = client.execute.bind(client);
  const transaction = client.transaction.bind(client);
  client.execute = (...args) => {
    count(args);
    return execute(...args);
  };
  client.transaction = async (...args) => {
    transactions++;
    const tx = await transaction(...args);
    const txExecute = tx.execute.bind(tx);
    const commit = tx.commit.bind(tx);
    let wrote = false;
    tx.execute = async (...inner) => {
      const writes = count(inner);
      const result = await txExecute(...inner);
      // A statement with RETURNING reports its rows, not rowsAffected.
      if (writes && ((result.rowsAffected ?? 0) > 0 || (result.rows?.length ?? 0) > 0)) wrote = true;
      return result;
    };
    tx.commit = () => {
      if (wrote) writingCommits++;
      return commit();
    };
    return tx;
  };
  try {
    for (let i = 0; i < messages; i++) {
      const response = await sb.app.request(`/webhooks/${BENCH_INBOX}/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${BENCH_SECRET}`, "Content-Type": "application/json" },
        body: apiMessage("anatomy", i, contacts),
      });
      if (response.status !== 201) throw new Error(`The API channel answered ${response.status}: ${await response.text()}`);
      await sb.bus.idle();
    }
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const statements = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([sql, n]) => ({ sql, perMessage: n / messages }));
  return { statements: statements / messages, transactions: transactions / messages, writingCommits: writingCommits / messages, top };
}

if (import.meta.main) console.log(await anatomy());
