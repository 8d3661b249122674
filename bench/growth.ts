/**
 * The growth benchmark (issue 9): `npm run bench:growth`.
 *
 * The same measures at 10k, 100k and 1M messages (conversations and contacts in the inbox
 * benchmark's proportions; seeded once by bench/seed.ts and cached, see growth-data.ts), to show how
 * cost grows with the data:
 *
 * - reads, in-process through the whole Hono app with a signed-in session (bench/measure.ts's
 *   timeRequests, as bench:inbox measures them): the inbox list page, conversation pages (spread
 *   over the ids) and a full-text search page; p50/p95 of the best of `--runs` series;
 * - ingest, over HTTP to `switchboard start` on a copy of each database (ingest-measure.ts): wrk
 *   throughput at saturation, and p50/p99 at one fixed rate for every size (open loop; default:
 *   half of what the slowest size took).
 *
 * The sizes are measured round-robin, each keeping its best round, so drifting machine load hits
 * them alike.
 *
 * Target: from 10k to 1M messages, latency grows less than 2×. Results go to the "growth" section
 * of docs/benchmarks.md. Bounded: a few minutes once seeded (the first run seeds ~1.1M messages).
 *
 *   bun bench/growth.ts [--sizes 10000,100000,1000000] [--n 200] [--runs 3] [--seconds 6] [--rate <msg/s>] [--data-dir ...] [--no-write]
 */

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createSession, SESSION_COOKIE } from "../core/src/auth/sessions.ts";
import { parseConfigText } from "../core/src/config/load.ts";
import { createLogger } from "../core/src/log/index.ts";
import { catchUpMessageSearch, mergeSearchIndexes } from "../core/src/store/search-index.ts";
import { createSwitchboard } from "../core/src/switchboard.ts";
import { DEFAULT_DATA_DIR, seededDatabase, workingCopy } from "./growth-data.ts";
import type { OpenLoopResult } from "./ingest-load.ts";
import { atRate, fmt, saturate, switchboardTarget } from "./ingest-measure.ts";
import { type ChildServer, startSwitchboardServer, writeBenchConfig } from "./ingest-servers.ts";
import { requireWrk, type WrkResult } from "./ingest-wrk.ts";
import { type Stats, timeRequests } from "./measure.ts";
import { machineLine, writeSection } from "./sections.ts";

export const TARGET_GROWTH = 2;

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (arg("sizes") ?? "10000,100000,1000000").split(",").map(Number);
const N = Number(arg("n") ?? 200);
const RUNS = Number(arg("runs") ?? 3);
const SECONDS = Number(arg("seconds") ?? 6);
/** The fixed ingest rate; by default half of what the slowest size took at saturation. */
const RATE = arg("rate") === undefined ? undefined : Number(arg("rate"));
const DATA_DIR = arg("data-dir") ?? DEFAULT_DATA_DIR;

interface Row {
  messages: number;
  /** Messages the search for "refund" matches. */
  matches: number;
  conversations: number;
  contacts: number;
  list: Stats;
  conversation: Stats;
  search: Stats;
  ingest: WrkResult;
  fixed: OpenLoopResult;
  rate: number;
}

/** A Switchboard in this process on one database, for the read measures (like bench/inbox.ts). */
async function openReader(db: string, dir: string) {
  const file = writeBenchConfig({ dir, db, seededInboxes: true }, 0);
  const loaded = parseConfigText(await Bun.file(file).text(), file, {});
  const sb = await createSwitchboard(loaded, { log: createLogger({ level: "silent" }), backgroundWorkers: false });
  await sb.start();
  // Indexed and merged as a running Switchboard's background indexing leaves it.
  await catchUpMessageSearch(sb.store);
  await mergeSearchIndexes(sb.store);
  const count = async (sql: string) => Number((await sb.store.client.execute(sql)).rows[0]![0]);
  const maxConversation = await count("SELECT max(id) FROM conversations");
  const { token } = await createSession(sb.store, sb.clock, 1, 3_600_000);
  return {
    sb,
    matches: await count("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'refund'"),
    conversations: await count("SELECT count(*) FROM conversations"),
    contacts: await count("SELECT count(*) FROM contacts"),
    headers: { Cookie: `${SESSION_COOKIE}=${token}`, "Accept-Encoding": "gzip" },
    sample: Array.from({ length: N }, (_, i) => `/inbox/conversations/${1 + Math.floor(((i * 7919) % N) * (maxConversation / N))}`),
  };
}

const better = (a: Stats | undefined, b: Stats) => (a && a.p95 <= b.p95 ? a : b);

requireWrk();
const machine = machineLine();
const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), "switchboard-growth-"));
const rows: Row[] = [];
try {
  // Every size is measured in every round, round-robin, and keeps its best: the machine's load drifts
  // over minutes, and this way each size sees the same drift.
  const dbs: string[] = [];
  for (const [i, messages] of SIZES.entries()) {
    mkdirSync(join(dir, String(i)));
    dbs.push(workingCopy(await seededDatabase(messages, DATA_DIR), join(dir, String(i))));
  }
  const readers = [];
  for (const [i, db] of dbs.entries()) readers.push(await openReader(db, join(dir, String(i))));
  const reads: { list?: Stats; conversation?: Stats; search?: Stats }[] = SIZES.map(() => ({}));
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const [i, reader] of readers.entries()) {
        const options = { n: N, warmup: 20, runs: 1 };
        const best = reads[i]!;
        best.list = better(best.list, await timeRequests(reader.sb.app, "List page", ["/inbox?view=all"], reader.headers, options));
        best.conversation = better(
          best.conversation,
          await timeRequests(reader.sb.app, "Conversation page", reader.sample, reader.headers, options),
        );
        // A quarter as many searches: at 1M messages one takes about a second here.
        best.search = better(
          best.search,
          await timeRequests(reader.sb.app, "Search page", ["/inbox?q=refund"], reader.headers, {
            ...options,
            n: Math.max(20, Math.round(N / 4)),
            warmup: 5,
          }),
        );
        console.log(
          `reads, round ${run}, ${SIZES[i]} messages: list p95 ${fmt(best.list.p95)} ms, conversation p95 ${fmt(best.conversation.p95)} ms, search p95 ${fmt(best.search.p95)} ms (best so far)`,
        );
      }
    }
  } finally {
    for (const reader of readers) await reader.sb.stop();
  }

  const servers: ChildServer[] = [];
  try {
    for (const [i, db] of dbs.entries()) servers.push(await startSwitchboardServer({ dir: join(dir, String(i)), db, seededInboxes: true }));
    const targets = servers.map(switchboardTarget);
    for (const target of targets) await saturate(target, { seconds: 2, connections: 16, contactPool: 2000 });
    const ingest: (WrkResult | undefined)[] = SIZES.map(() => undefined);
    for (let run = 1; run <= RUNS; run++) {
      for (const [i, target] of targets.entries()) {
        const result = await saturate(target, { seconds: SECONDS, connections: 16, contactPool: 2000 });
        if (!ingest[i] || result.rps > ingest[i]!.rps) ingest[i] = result;
        console.log(`ingest, round ${run}, ${SIZES[i]} messages: ${result.rps.toFixed(0)} msg/s`);
      }
    }
    // One rate for every size, well inside what the slowest took, so it measures latency, not a queue.
    const rate = RATE ?? Math.max(1, Math.floor(Math.min(...ingest.map((r) => r!.rps)) / 2));
    const fixed: (OpenLoopResult | undefined)[] = SIZES.map(() => undefined);
    for (let run = 1; run <= 2; run++) {
      for (const [i, target] of targets.entries()) {
        const result = await atRate(target, { rate, seconds: SECONDS, contactPool: 2000 });
        if (
          !fixed[i] ||
          (result.overloaded ? 1 : 0) - (fixed[i]!.overloaded ? 1 : 0) < 0 ||
          (result.overloaded === fixed[i]!.overloaded && result.p99 < fixed[i]!.p99)
        )
          fixed[i] = result;
        console.log(
          `ingest at ${rate} msg/s, round ${run}, ${SIZES[i]} messages: p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms${result.overloaded ? " (fell behind)" : ""}`,
        );
      }
    }
    for (const [i, messages] of SIZES.entries()) {
      const read = reads[i]!;
      rows.push({
        messages,
        matches: readers[i]!.matches,
        conversations: readers[i]!.conversations,
        contacts: readers[i]!.contacts,
        list: read.list!,
        conversation: read.conversation!,
        search: read.search!,
        ingest: ingest[i]!,
        fixed: fixed[i]!,
        rate,
      });
    }
  } finally {
    for (const server of servers) await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const first = rows[0]!;
const last = rows.at(-1)!;
const growth = (a: number, b: number) => b / a;
const factors = [
  { name: "List page p95", factor: growth(first.list.p95, last.list.p95) },
  { name: "Conversation page p95", factor: growth(first.conversation.p95, last.conversation.p95) },
  { name: "Search page p95", factor: growth(first.search.p95, last.search.p95) },
  { name: "Ingest time per message (1 / throughput)", factor: growth(last.ingest.rps, first.ingest.rps) },
  { name: `Ingest p99 at ${first.rate} msg/s`, factor: growth(first.fixed.p99, last.fixed.p99) },
];
const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));
const pair = (s: Stats) => `${fmt(s.p50)} / ${fmt(s.p95)}`;
const lines = [
  "## Growth (issue 9)",
  "",
  `\`npm run bench:growth\` (bench/growth.ts): the same measures on databases of ${SIZES.map(k).join(", ")} messages (bench/seed.ts; per message 0.1 conversations and 0.3 contacts). Every size is measured in every round, round-robin, and keeps its best round (the machine's load drifts; this way each size sees the same drift). Reads: in-process through the whole app with a signed-in session, ${N} requests per series (searches: ${Math.max(20, Math.round(N / 4))}), best of ${RUNS} series (bench/measure.ts's timeRequests), milliseconds p50 / p95. Ingest: \`switchboard start\` on a copy of each database (all three running), wrk with 16 connections, best of ${RUNS} × ${SECONDS} s; then an open loop at one fixed rate for every size (${first.rate} msg/s: half of what the slowest size took, so it measures latency and not a queue), best of 2 × ${SECONDS} s.`,
  "",
  `| Messages | Conversations | Contacts | List page | Conversation page | Search page ("refund": matches) | Ingest msg/s | Ingest p50 / p99 at ${first.rate} msg/s |`,
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${k(r.messages)} | ${k(r.conversations)} | ${k(r.contacts)} | ${pair(r.list)} | ${pair(r.conversation)} | ${pair(r.search)} (${r.matches}) | ${r.ingest.rps.toFixed(0)} | ${fmt(r.fixed.p50)} / ${fmt(r.fixed.p99)}${r.fixed.overloaded ? " (fell behind)" : ""} |`,
  ),
  "",
  `Growth from ${k(first.messages)} to ${k(last.messages)} messages (target < ${TARGET_GROWTH}×):`,
  "",
  ...factors.map((f) => `- ${f.name}: **${f.factor.toFixed(2)}×** ${f.factor < TARGET_GROWTH ? "(met)" : "(**missed**)"}`),
  "",
  ...(factors[2]!.factor >= TARGET_GROWTH
    ? [
        `Search is the read whose cost follows the data: a common word matches more messages as the store grows (${rows.map((r) => `${r.matches} at ${k(r.messages)}`).join(", ")}). Since 2026-11-25 a word the index holds is searched as a whole word (Porter stemming covers its inflections) and read newest first only as far as the page, so the query itself stays under half a millisecond at 1M messages (it was 11 ms as a prefix query, which merges every matching term's list first). Measured apart the same day, one request at a time after a warm-up, the whole search page took 4.5 ms at 10k and 4.3 ms at 1M; what differs here is the rest of the page beside the results (the conversation list's query, 0.05 ms at 10k and 0.4 ms at 1M) and run-to-run noise at a few milliseconds. What it would take to hold it flat: leave the conversation list out of the search page (render it on demand, as the list page's own fragment).`,
      ]
    : []),
  "",
  `Machine: ${machine.replace(/; load average .*$/, "")}; load average ${loadBefore.toFixed(2)} before and ${loadavg()[0]!.toFixed(2)} after (a shared machine: noisy upper bounds; one run, so compare the rows of one table, not across runs).`,
];
console.log(lines.join("\n"));
if (!args.includes("--no-write")) {
  writeSection("growth", lines.join("\n"));
  console.log("Wrote the growth section of docs/benchmarks.md");
}
