/**
 * Reports at 1M messages (issue 20): `npm run bench:reports`.
 *
 * Seeds with SQL (no events) --contacts contacts (default 50,000) with two conversations each over
 * the last eight weeks on four channels (one in ten linked into a cross-channel case) and ten
 * messages per conversation (customer, agent replies, a resolution): 1,000,000 messages by default.
 * Then measures, in this process, on that file database:
 * - `switchboard reports rebuild` (rebuildAll): its time;
 * - the Reports page (GET /inbox/reports, this week against last week, signed in as an admin, the
 *   whole HTTP answer through the app): --n requests after 5 untimed, p50 / p95 / max;
 * - the same with the business-hours toggle and with a label filter (read from samples, not rollups);
 * - the ingest cost the rollups add: the refresh a new message causes (refreshContacts of its
 *   contact, the job the durable subscriber schedules), after a reply is added, --n times;
 * - the same for one more contact with 1,000 resolved cases (10,000 messages), 20 times.
 * Writes the "reports" section of docs/benchmarks.md.
 *
 *   bun bench/reports.ts [--contacts 50000] [--n 100] [--out docs/benchmarks.md]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAgent } from "../core/src/auth/agents.ts";
import { parseConfigText } from "../core/src/config/load.ts";
import { createLogger } from "../core/src/log/index.ts";
import { sampleLoopDelay } from "../core/src/perf/loop-delay.ts";
import { rollupOptions } from "../core/src/reports/options.ts";
import { rebuildAll, refreshContacts } from "../core/src/reports/rollups.ts";
import { REFRESH_DELAY_MS, REFRESH_MAX_DELAY_MS } from "../core/src/reports/subscriber.ts";
import { createSwitchboard } from "../core/src/switchboard.ts";
import { signInAgent } from "../core/src/testing/sign-in.ts";
import { BENCHMARKS_FILE, machineLine, writeSection } from "./sections.ts";

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1] ?? ""]] : [])));
const CONTACTS = Number(args.get("contacts") ?? 50_000);
const N = Number(args.get("n") ?? 100);
const OUT = args.get("out") ?? BENCHMARKS_FILE;
const WEEKS = 8;
/** The long-history contact's cases (ten messages each), and how many of its refreshes are timed. */
const LONG_CASES = 1000;
const LONG_RUNS = 20;
const NOW = Date.now();

/**
 * Runs `work`, and answers how long it took and the longest the thread was held meanwhile: the
 * loop-delay sampler /metrics uses (core/src/perf/loop-delay.ts), every millisecond.
 */
async function withTurns(work: () => Promise<unknown>): Promise<{ ms: number; stretch: number }> {
  let stretch = 0;
  const stop = sampleLoopDelay({ observe: (seconds) => (stretch = Math.max(stretch, seconds * 1000)), intervalMs: 1 });
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  // The sample that came due during the work's last stretch runs now.
  await new Promise((resolve) => setTimeout(resolve, 2));
  stop();
  return { ms, stretch };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-reports-"));
const file = join(dir, "sb.db");
const toml = `[store]\nurl = "file:${file}"\n[business_hours]\ntimezone = "Europe/Berlin"\n[reports]\nagent_hourly_cost = 30\n`;
const sb = await createSwitchboard(parseConfigText(toml, join(dir, "switchboard.toml"), {}), {
  log: createLogger({ level: "silent" }),
  backgroundWorkers: false,
});
await sb.start();
const { store } = sb;

try {
  const password = "bench-password-0123";
  await createAgent(store, { email: "admin@example.com", name: "Admin", role: "admin", password });
  for (const n of [2, 3, 4]) await createAgent(store, { email: `agent${n}@example.com`, name: `Agent ${n}`, password });
  const conversations = CONTACTS * 2;
  const span = WEEKS * 7 * 86_400_000;
  const seedStart = performance.now();
  await store.client.executeMultiple(`
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${CONTACTS})
    INSERT INTO contacts (id, name) SELECT i, 'Customer ' || i FROM k;
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${conversations})
    INSERT INTO conversations (id, contact_id, inbox, channel, status, case_id, linked_conversation_id, created_at, last_activity_at, updated_at)
    SELECT i, ((i - 1) % ${CONTACTS}) + 1,
      CASE i % 4 WHEN 0 THEN 'chat' WHEN 1 THEN 'mail' WHEN 2 THEN 'tg' ELSE 'wa' END,
      CASE i % 4 WHEN 0 THEN 'webchat' WHEN 1 THEN 'email' WHEN 2 THEN 'telegram' ELSE 'whatsapp' END,
      'resolved',
      CASE WHEN i > ${CONTACTS} AND i % 10 = 0 THEN i - ${CONTACTS} END,
      CASE WHEN i > ${CONTACTS} AND i % 10 = 0 THEN i - ${CONTACTS} END,
      ${NOW - span} + (i * ${Math.floor(span / conversations)}) % ${span}, ${NOW}, ${NOW}
    FROM k;
    UPDATE conversations SET case_id = id WHERE id IN (SELECT case_id FROM conversations WHERE case_id IS NOT NULL);
    WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 9)
    INSERT INTO messages (conversation_id, contact_id, inbox, channel, direction, author_agent_id, text, metadata, created_at, updated_at)
    SELECT c.id, c.contact_id, c.inbox, c.channel,
      CASE WHEN k.j = 9 THEN 'activity' WHEN k.j % 2 = 0 THEN 'incoming' ELSE 'outgoing' END,
      CASE WHEN k.j % 2 = 1 THEN 2 + (c.id % 3) END,
      'message ' || k.j,
      CASE WHEN k.j = 9 THEN '{"activity":"status","from":"open","to":"resolved"}' ELSE '{}' END,
      c.created_at + k.j * 300000 + (c.id % 7) * 60000, c.created_at + k.j * 300000
    FROM conversations c, k;
  `);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const [{ n: messages }] = (await store.client.execute("SELECT count(*) AS n FROM messages")).rows as unknown as [{ n: number }];
  console.log(`seeded ${messages} messages in ${seedSeconds.toFixed(0)} s`);

  const options = await rollupOptions(store.db, sb.loaded.config);
  const rebuildStart = performance.now();
  const rebuilt = await rebuildAll(store, options);
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
  console.log(`rebuilt: ${JSON.stringify(rebuilt)} in ${rebuildSeconds.toFixed(1)} s`);

  const { cookie } = await signInAgent(async (path, init) => sb.app.request(path, init), "admin@example.com", password);
  const page = async (query: string) => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < N + 5; i++) {
      const started = performance.now();
      const response = await sb.app.request(`/inbox/reports${query}`, { headers: { Cookie: cookie } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET /inbox/reports${query}: ${response.status} ${body.slice(0, 200)}`);
      if (i >= 5) times.push(performance.now() - started);
      bytes = body.length;
    }
    return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: Math.max(...times), bytes };
  };
  const week = await page("");
  const business = await page("?hours=business");
  await store.client.execute("INSERT INTO labels (id, name) VALUES (1, 'billing')");
  await store.client.execute(
    `INSERT INTO conversation_labels (conversation_id, label_id) SELECT id, 1 FROM conversations WHERE id % 5 = 0`,
  );
  const label = await page("?label=billing");
  console.log({ week, business, label });

  // Ingest cost: a reply added to a recent conversation, then the refresh its event schedules.
  const [{ n: maxId }] = (await store.client.execute("SELECT max(id) AS n FROM conversations")).rows as unknown as [{ n: number }];
  const refresh: number[] = [];
  const refreshStretch: number[] = [];
  for (let i = 0; i < N; i++) {
    const id = maxId - i * 7;
    await store.client.execute({
      sql: "INSERT INTO messages (conversation_id, contact_id, inbox, channel, direction, text, created_at, updated_at) SELECT id, contact_id, inbox, channel, 'incoming', 'again', ?, ? FROM conversations WHERE id = ?",
      args: [NOW, NOW, id],
    });
    const [{ c }] = (await store.client.execute({ sql: "SELECT contact_id AS c FROM conversations WHERE id = ?", args: [id] }))
      .rows as unknown as [{ c: number }];
    const run = await withTurns(() => refreshContacts(store, options, [c]));
    refresh.push(run.ms);
    refreshStretch.push(run.stretch);
  }
  const ingest = {
    p50: quantile(refresh, 0.5),
    p95: quantile(refresh, 0.95),
    max: Math.max(...refresh),
    stretch: Math.max(...refreshStretch),
  };
  console.log({ ingest });

  // A refresh measures a contact's whole history: one more contact with LONG_CASES resolved cases of
  // ten messages each, one a day, then the refresh a new message in its last case causes.
  const long = CONTACTS + 1;
  await store.client.executeMultiple(`
    INSERT INTO contacts (id, name) VALUES (${long}, 'Long history');
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${LONG_CASES})
    INSERT INTO conversations (id, contact_id, inbox, channel, status, created_at, last_activity_at, updated_at)
    SELECT ${maxId} + i, ${long}, 'chat', 'webchat', 'resolved', ${NOW} - (${LONG_CASES} - i + 1) * 86400000, ${NOW}, ${NOW} FROM k;
    WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 9)
    INSERT INTO messages (conversation_id, contact_id, inbox, channel, direction, author_agent_id, text, metadata, created_at, updated_at)
    SELECT c.id, c.contact_id, c.inbox, c.channel,
      CASE WHEN k.j = 9 THEN 'activity' WHEN k.j % 2 = 0 THEN 'incoming' ELSE 'outgoing' END,
      CASE WHEN k.j % 2 = 1 THEN 2 END, 'message ' || k.j,
      CASE WHEN k.j = 9 THEN '{"activity":"status","from":"open","to":"resolved"}' ELSE '{}' END,
      c.created_at + k.j * 300000, c.created_at + k.j * 300000
    FROM conversations c, k WHERE c.contact_id = ${long};
  `);
  await refreshContacts(store, options, [long]);
  const longRefresh: number[] = [];
  const longStretch: number[] = [];
  for (let i = 0; i < LONG_RUNS; i++) {
    await store.client.execute({
      sql: "INSERT INTO messages (conversation_id, contact_id, inbox, channel, direction, text, created_at, updated_at) VALUES (?, ?, 'chat', 'webchat', 'incoming', 'again', ?, ?)",
      args: [maxId + LONG_CASES, long, NOW + i, NOW + i],
    });
    const run = await withTurns(() => refreshContacts(store, options, [long]));
    longRefresh.push(run.ms);
    longStretch.push(run.stretch);
  }
  const longIngest = {
    p50: quantile(longRefresh, 0.5),
    max: Math.max(...longRefresh),
    stretchP50: quantile(longStretch, 0.5),
    stretch: Math.max(...longStretch),
  };
  console.log({ longIngest });

  writeSection(
    "reports",
    `## Reports (issue 20)

\`npm run bench:reports\` (bench/reports.ts): ${CONTACTS.toLocaleString("en")} contacts, ${conversations.toLocaleString("en")} conversations over ${WEEKS} weeks on 4 channels (one in ten in a cross-channel case), **${Number(messages).toLocaleString("en")} messages**, seeded with SQL in ${seedSeconds.toFixed(0)} s. ${machineLine()}

| What | Result |
|---|---|
| \`switchboard reports rebuild\` (every sample and rollup from the raw rows) | ${rebuildSeconds.toFixed(1)} s: ${rebuilt.samples.toLocaleString("en")} samples, ${rebuilt.rollups.toLocaleString("en")} rollup rows |
| Reports page, this week against last week (daily rollups), ${N} requests | p50 ${ms(week.p50)}, **p95 ${ms(week.p95)}**, max ${ms(week.max)}; ${(week.bytes / 1024).toFixed(1)} KiB of HTML |
| The same in business time | p50 ${ms(business.p50)}, p95 ${ms(business.p95)}, max ${ms(business.max)} |
| With a label filter (read from the samples: rollups carry no labels) | p50 ${ms(label.p50)}, p95 ${ms(label.p95)}, max ${ms(label.max)} |
| Ingest cost: the refresh one new message causes (its contact measured again, the difference applied to samples and rollups; run by the reports subscriber's job) | p50 ${ms(ingest.p50)}, p95 ${ms(ingest.p95)}, max ${ms(ingest.max)} per event; the thread held at most ${ms(ingest.stretch)} without a turn of the event loop |
| The same for a contact with a long history: ${LONG_CASES.toLocaleString("en")} resolved cases, ${(LONG_CASES * 10).toLocaleString("en")} messages, ${LONG_RUNS} times | p50 ${ms(longIngest.p50)}, max ${ms(longIngest.max)} per event; the longest stretch without a turn of the event loop p50 ${ms(longIngest.stretchP50)}, max ${ms(longIngest.stretch)} |

The page is timed through the whole app (session, access rule, queries, SVG charts, HTML) without a socket. The refresh runs off the ingest path (a durable job ${REFRESH_DELAY_MS / 1000}-${REFRESH_MAX_DELAY_MS / 1000} s after the event, spread by contact id), so it costs worker time, not reply latency; events for one contact meanwhile are one refresh. Its time includes its commit, and it grows with the contact's history (here ${(Number(messages) / CONTACTS).toFixed(0)} messages a contact; bench:ingest's notes, item 17). It measures in a read snapshot outside the write lock, a long history in parts with a turn of the event loop every 4 ms, and then writes the difference: the stretches above are how long the thread was held at most (the loop-delay sampler of /metrics, every millisecond), what other requests would wait.`,
    OUT,
  );
} finally {
  await sb.stop();
  rmSync(dir, { recursive: true, force: true });
}
