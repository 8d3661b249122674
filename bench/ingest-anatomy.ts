/**
 * What one ingested message costs inside Switchboard, counted rather than timed: SQL statements,
 * write transactions and commits that wrote (each one an fsync with the default synchronous =
 * FULL), including the work its events trigger (SLA clocks, automations, jobs). Runs the API
 * channel in-process (app.request, a temp database) and wraps the store's libSQL client.
 */
import { startInProcess } from "./in-process.ts";
import { apiMessage } from "./ingest-load.ts";

export interface Anatomy {
  statements: number;
  /** Statements of a contact's first message (a new customer: contact, identities, merge checks, conversation, SLA clocks). */
  firstMessage: number;
  /** Statements of a later message of the same contact. */
  returning: number;
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
  const { sb, post, stop } = await startInProcess("anatomy", "silent");
  const counts = new Map<string, number>();
  let counted = 0;
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
    counted++;
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
  const senders = new Set<string>();
  const perMessage = { first: [] as number[], returning: [] as number[] };
  try {
    for (let i = 0; i < messages; i++) {
      const body = apiMessage("anatomy", i, contacts);
      const sender = (JSON.parse(body) as { contact: { id: string } }).contact.id;
      const before = counted;
      await post(body);
      await sb.bus.idle();
      (senders.has(sender) ? perMessage.returning : perMessage.first).push(counted - before);
      senders.add(sender);
    }
  } finally {
    await stop();
  }
  const statements = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([sql, n]) => ({ sql, perMessage: n / messages }));
  const mean = (values: number[]) => values.reduce((sum, n) => sum + n, 0) / Math.max(values.length, 1);
  return {
    statements: statements / messages,
    firstMessage: mean(perMessage.first),
    returning: mean(perMessage.returning),
    transactions: transactions / messages,
    writingCommits: writingCommits / messages,
    top,
  };
}

if (import.meta.main) console.log(await anatomy());
