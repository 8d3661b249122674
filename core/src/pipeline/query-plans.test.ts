// Every statement a message costs (the pipeline's reads and writes, and what its events trigger in
// the durable subscribers and jobs) finds its rows through an index: run under EXPLAIN QUERY PLAN
// with the arguments it ran with, none may scan a table that grows with the data. A lookup that
// scanned every unthreaded conversation of an inbox for each message was found this way (issue 22).

import { createTestHarness, type Harness } from "@switchboard/core/testing";
import { describe, expect, it } from "vitest";

type Statement = { sql: string; args?: unknown };
type Executor = { execute: (statement: Statement | string) => Promise<{ rows: Record<string, unknown>[] }> };

/**
 * Calls `onStatement` with every statement the store's client runs, in transactions or not, and
 * returns the client's own execute (for statements the test runs itself, unseen).
 */
function watchStatements(harness: Harness, onStatement: (statement: Statement) => void): Executor["execute"] {
  const client = harness.switchboard.store.client as unknown as Executor & { transaction: (...args: unknown[]) => Promise<Executor> };
  const watched =
    (run: Executor["execute"]): Executor["execute"] =>
    (statement) => {
      onStatement(typeof statement === "string" ? { sql: statement } : statement);
      return run(statement);
    };
  const execute = client.execute.bind(client);
  client.execute = watched(execute);
  const transaction = client.transaction.bind(client);
  client.transaction = async (...args) => {
    const tx = await transaction(...args);
    tx.execute = watched(tx.execute.bind(tx));
    return tx;
  };
  return execute;
}

/**
 * Tables that hold configuration, not data that grows with traffic: a scan of them is fine. So is
 * json_each: the ids a statement was given, bound as one JSON array (a handful, capped by the caller).
 */
const SMALL_TABLES = new Set(["teams", "agents", "team_members", "event_cursors", "settings", "json_each"]);

describe("the statements a message runs", () => {
  it("use an index on every table that grows with traffic", async () => {
    // Customers call the test inbox "Telegram", so naming it brings in the namesakes' evidence.
    const harness = await createTestHarness({ inboxes: { test: { plugin: "test-channel", display_name: "Telegram" } } });
    try {
      const seen = new Map<string, Statement>();
      // Not inserts: their plans list the deferred foreign-key checks of child tables, which run
      // only while a deferred violation is pending, never on this path.
      const execute = watchStatements(harness, (s) => {
        if (/^\s*(select|update|delete)\b/i.test(s.sql)) seen.set(s.sql, s);
      });

      for (let i = 0; i < 6; i++) {
        const who = i % 3;
        await harness.inject({
          externalId: `m${i}`,
          // u0 and u2 share a name; u2's second message names a channel, so the namesake is looked up.
          contact: { externalId: `u${who}`, name: `Maria Garcia ${who % 2}`, email: `maria${who}@example.com`, phone: `+3460000000${who}` },
          text: i === 5 ? "My order A-10042 never arrived, I also wrote on Telegram" : `Hello ${i}`,
        });
        harness.clock.advance(2_000);
        await harness.drain();
      }
      expect(seen.size).toBeGreaterThan(15);

      const scans: string[] = [];
      for (const statement of seen.values()) {
        const plan = await execute({ sql: `EXPLAIN QUERY PLAN ${statement.sql}`, args: statement.args as never });
        for (const row of plan.rows) {
          const scanned = /^SCAN (\w+)/.exec(String(row.detail))?.[1];
          if (scanned && !SMALL_TABLES.has(scanned) && !/CONSTANT ROW/.test(String(row.detail)))
            scans.push(`${row.detail}\n  in: ${statement.sql}`);
        }
      }
      expect(scans).toEqual([]);

      // A search can still read too much: the conversation a contact's next message joins must be
      // found by the contact, not among every unthreaded conversation of the inbox.
      const joins = [...seen.values()].find((s) => /"thread_key" is null/.test(s.sql) && /"contact_id" = \?/.test(s.sql));
      const plan = await execute({ sql: `EXPLAIN QUERY PLAN ${joins!.sql}`, args: joins!.args as never });
      expect(plan.rows.map((row) => String(row.detail))).toEqual([
        expect.stringMatching(/^SEARCH conversations USING INDEX \w+ \(contact_id=\? AND inbox=\? AND thread_key=\?\)/),
      ]);
    } finally {
      await harness.close();
    }
  });

  it("do not grow with the sender's namesakes when the text names no channel (a namesake alone cannot be suggested)", async () => {
    const harness = await createTestHarness();
    try {
      let statements = 0;
      watchStatements(harness, () => statements++);
      let n = 0;
      const say = async (who: string) => {
        await harness.inject({ externalId: `m${++n}`, contact: { externalId: who, name: "Maria Garcia" }, text: "Any news?" });
        await harness.drain();
      };
      const costOfKnownSender = async () => {
        statements = 0;
        await say("maria-0");
        return statements;
      };
      await say("maria-0");
      const alone = await costOfKnownSender();
      for (let i = 1; i <= 15; i++) await say(`maria-${i}`);
      expect(await costOfKnownSender()).toBe(alone);
    } finally {
      await harness.close();
    }
  });
});
