/**
 * The footprint benchmark (issue 9): `npm run bench:footprint`.
 *
 * - Cold start: spawns `bun core/bin/switchboard.ts start` on a temp config and polls /healthz
 *   every 5 ms until the first 200: on a new database (migrations and the first admin included)
 *   and on the 1M-message database; `--starts` times each, best and spread reported.
 * - Resident memory (VmRSS of the server process) with the 1M-message database (300k contacts,
 *   100k conversations; bench/seed.ts, cached by growth-data.ts): idle after start, then the peak
 *   under ingest load (wrk at saturation), under read load (8 concurrent agents paging the inbox
 *   list, conversations and search over HTTP) and under both at once; then the same with
 *   `bun --smol` (Bun's eager-GC mode), for comparison.
 * - Page weight on the wire: an inbox list page and a conversation page with every stylesheet and
 *   script they load, gzipped as served (bench/measure.ts's pageWeight, over real HTTP).
 *
 * - WhatsApp Web's Chromium (issue 17): PSS of the browser the WhatsApp Web channel launches
 *   (bench/footprint-chromium.ts); `--whatsapp-only` measures just that, in seconds.
 *
 * Targets: RSS < 150 MB, cold start < 1 s. Results go to the "footprint" section of
 * docs/benchmarks.md. Bounded: about a minute once the database is seeded.
 *
 *   bun bench/footprint.ts [--starts 5] [--seconds 8] [--data-dir /tmp/switchboard-bench-data] [--no-write] [--whatsapp-only]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { createSession, SESSION_COOKIE } from "../core/src/auth/sessions.ts";
import { systemClock } from "../core/src/clock.ts";
import { openStore } from "../core/src/store/index.ts";
import { whatsAppChromiumSection } from "./footprint-chromium.ts";
import { DEFAULT_DATA_DIR, seededDatabase, workingCopy } from "./growth-data.ts";
import { quantile } from "./ingest-load.ts";
import { saturate, switchboardTarget } from "./ingest-measure.ts";
import { type ChildServer, startSwitchboardServer } from "./ingest-servers.ts";
import { requireWrk } from "./ingest-wrk.ts";
import { type PageWeight, pageWeight } from "./measure.ts";
import { machineLine, writeSection } from "./sections.ts";

export const TARGET_RSS_MB = 150;
export const TARGET_START_MS = 1000;

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const STARTS = Number(arg("starts") ?? 5);
const SECONDS = Number(arg("seconds") ?? 8);
const MB = 2 ** 20;

/** Pretends to be a Hono app whose `request` goes over HTTP without decompressing, for pageWeight. */
function overHttp(url: string): Hono {
  return {
    request: (path: string, init?: RequestInit) => fetch(`${url}${path}`, { ...init, decompress: false } as RequestInit),
  } as unknown as Hono;
}

/** Times `STARTS` cold starts of a server on `db` (undefined: a new database each time). */
async function coldStarts(db: string | undefined): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-start-"));
    const server = await startSwitchboardServer({ dir, db, seededInboxes: Boolean(db) });
    times.push(server.readyMs);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** Agents reading the inbox: `concurrency` loops of list page, conversation page, search, until `until`. */
async function readLoad(server: ChildServer, cookie: string, maxConversation: number, until: number, concurrency = 8): Promise<number> {
  let requests = 0;
  const paths = (i: number) =>
    ["/inbox?view=all", `/inbox/conversations/${1 + ((i * 7919) % maxConversation)}`, "/inbox?q=refund", "/inbox?view=all&status=resolved"][
      i % 4
    ]!;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < until; i += concurrency) {
        const response = await fetch(`${server.url}${paths(i)}`, { headers: { Cookie: cookie, "Accept-Encoding": "gzip" } });
        await response.arrayBuffer();
        requests++;
      }
    }),
  );
  return requests;
}

if (args.includes("--whatsapp-only")) {
  const section = await whatsAppChromiumSection(3, machineLine());
  if (args.includes("--no-write")) console.log(section);
  else writeSection("footprint-whatsapp", section);
  console.log(section.split("\n").find((line) => line.startsWith("- Chromium")));
  process.exit(0);
}

requireWrk();
const machine = machineLine();
const loadBefore = loadavg()[0]!;
const seeded = await seededDatabase(1_000_000, arg("data-dir") ?? DEFAULT_DATA_DIR);
const dir = mkdtempSync(join(tmpdir(), "switchboard-footprint-"));
const db = workingCopy(seeded, dir);

console.log(`Cold starts (${STARTS} each) ...`);
const freshStarts = await coldStarts(undefined);
const bigStarts = await coldStarts(db);

interface Memory {
  rss: Record<"idle" | "afterPages" | "ingest" | "reads" | "both" | "after", number>;
  weights: PageWeight[];
  readRequests: number;
  ingested: number;
}

/** Starts a server on the database, weighs two pages, and samples its RSS idle and under load. */
async function memory(bunFlags: string[] = []): Promise<Memory> {
  const server = await startSwitchboardServer({ dir, db, seededInboxes: true, bunFlags });
  const rss = {} as Memory["rss"];
  let readRequests = 0;
  let ingested = 0;
  try {
    const store = await openStore({ url: `file:${db}` });
    const { token } = await createSession(store, systemClock, 1, 3_600_000);
    const maxConversation = Number((await store.client.execute("SELECT max(id) FROM conversations")).rows[0]![0]);
    store.close();
    const cookie = `${SESSION_COOKIE}=${token}`;

    await Bun.sleep(2_000);
    rss.idle = server.rss();
    const weights = [
      await pageWeight(overHttp(server.url), "/inbox?view=all", { Cookie: cookie }),
      await pageWeight(overHttp(server.url), `/inbox/conversations/${Math.floor(maxConversation / 2)}`, { Cookie: cookie }),
    ];
    rss.afterPages = server.rss();

    const peakDuring = async (fn: () => Promise<unknown>) => {
      let peak = server.rss();
      const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 100);
      try {
        await fn();
      } finally {
        clearInterval(sampler);
      }
      return Math.max(peak, server.rss());
    };
    const target = switchboardTarget(server);
    rss.ingest = await peakDuring(
      async () => (ingested += (await saturate(target, { seconds: SECONDS, connections: 16, contactPool: 2000 })).requests),
    );
    rss.reads = await peakDuring(
      async () => (readRequests += await readLoad(server, cookie, maxConversation, performance.now() + SECONDS * 1000)),
    );
    rss.both = await peakDuring(() =>
      Promise.all([
        saturate(target, { seconds: SECONDS, connections: 16, contactPool: 2000 }).then((r) => (ingested += r.requests)),
        readLoad(server, cookie, maxConversation, performance.now() + SECONDS * 1000).then((n) => (readRequests += n)),
      ]),
    );
    await Bun.sleep(3_000);
    rss.after = server.rss();
    return { rss, weights, readRequests, ingested };
  } finally {
    await server.stop();
  }
}

let plain: Memory;
let smol: Memory;
try {
  plain = await memory();
  smol = await memory(["--smol"]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const { rss, weights, readRequests, ingested } = plain;

const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
const startText = (list: number[]) =>
  `best **${sorted(list)[0]!.toFixed(0)} ms**, median ${quantile(sorted(list), 0.5).toFixed(0)} ms, worst ${sorted(list).at(-1)!.toFixed(0)} ms`;
const peakOf = (m: Memory) => Math.max(m.rss.idle, m.rss.ingest, m.rss.reads, m.rss.both);
const peak = peakOf(plain);
const smolPeak = peakOf(smol);
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `Cold start: new database ${sorted(freshStarts)
    .map((t) => t.toFixed(0))
    .join(", ")} ms; 1M messages ${sorted(bigStarts)
    .map((t) => t.toFixed(0))
    .join(", ")} ms`,
);
console.log(`RSS: idle ${mb(rss.idle)}, ingest ${mb(rss.ingest)}, reads ${mb(rss.reads)}, both ${mb(rss.both)}, after ${mb(rss.after)}`);
console.log(
  `RSS with bun --smol: idle ${mb(smol.rss.idle)}, ingest ${mb(smol.rss.ingest)}, reads ${mb(smol.rss.reads)}, both ${mb(smol.rss.both)}, after ${mb(smol.rss.after)}`,
);
for (const w of weights) console.log(`Weight of ${w.path}: ${kb(w.total)} gzipped`);

const lines = [
  "## Footprint (issue 9)",
  "",
  "`npm run bench:footprint` (bench/footprint.ts): `switchboard start` as a child process; resident memory is the process's VmRSS.",
  "",
  `- **Cold start** to the first 200 from /healthz (spawn included, ${STARTS} starts each): new database (migrations, first admin) ${startText(freshStarts)}; the 1M-message database ${startText(bigStarts)}. Target < ${TARGET_START_MS} ms: ${sorted(freshStarts)[0]! < TARGET_START_MS && sorted(bigStarts)[0]! < TARGET_START_MS ? "**met** (best run)" : "**missed**"}${quantile(sorted(bigStarts), 0.5) >= TARGET_START_MS || quantile(sorted(freshStarts), 0.5) >= TARGET_START_MS ? "; the median missed it" : ""}.`,
  "",
  "| Resident memory, 1M messages / 100k conversations / 300k contacts | `switchboard start` | with `bun --smol` |",
  "| --- | ---: | ---: |",
  `| Idle, 2 s after start | ${mb(rss.idle)} | ${mb(smol.rss.idle)} |`,
  `| After serving the two pages below | ${mb(rss.afterPages)} | ${mb(smol.rss.afterPages)} |`,
  `| Peak under ingest (wrk, 16 connections, ${SECONDS} s) | ${mb(rss.ingest)} | ${mb(smol.rss.ingest)} |`,
  `| Peak under reads (8 agents paging list, conversations, search; ${SECONDS} s) | ${mb(rss.reads)} | ${mb(smol.rss.reads)} |`,
  `| Peak under both at once | ${mb(rss.both)} | ${mb(smol.rss.both)} |`,
  `| 3 s after the load | ${mb(rss.after)} | ${mb(smol.rss.after)} |`,
  "",
  `- Peak RSS **${mb(peak)}** (${ingested} messages ingested, ${readRequests} pages read; with \`bun --smol\`, which collects garbage more eagerly: ${mb(smolPeak)}). Target < ${TARGET_RSS_MB} MB: ${peak / MB < TARGET_RSS_MB ? "**met**" : "**missed**"}${smolPeak / MB < TARGET_RSS_MB && peak / MB >= TARGET_RSS_MB ? " (met with `--smol`)" : ""}.`,
  "",
  "What grows under load (probed 2026-11-25 through /metrics' heap gauges): the JS heap in use stays at 17-20 MB, but the collector lets about 30 MB of garbage pile up between collections (heap total ~45 MB at peak), JIT-compiled code adds 5-15 MB, and native buffers and allocator arenas the rest. The same growth appears on a new, empty database and with a libSQL pool of 2 connections instead of 20, so neither the data size nor the pool is the cause, and `--smol` does not change it. Since the ingest work of 2026-11-25 (statement cache, queries built once, group commit) the same 8 s carry far more work (7,000-8,700 messages ingested and 2,000-3,000 pages read in the runs of 2026-11-25, where the earlier 170 MB peak served 498 messages and 64 pages), and the peak rose with the rate of allocation, not with the data: a statement cache of 100 instead of 500 statements per connection measured the same. What it would take: allocate less per request (drizzle still maps every row into new objects, and the row objects of the client carry each value twice, by index and by name), or cap the collector's headroom (Bun exposes no such setting today; `--smol` did not change it).",
  "",
  "| Page (first visit: HTML + every CSS and JS it loads) | gzipped on the wire | uncompressed |",
  "| --- | ---: | ---: |",
  ...weights.map(
    (w) =>
      `| \`${w.path}\` (${w.parts.map((p) => `${p.url.split("?")[0]} ${kb(p.bytes)}`).join(", ")}) | ${kb(w.total)} | ${kb(w.parts.reduce((sum, p) => sum + p.raw, 0))} |`,
  ),
  "",
  `Machine: ${machine.replace(/; load average .*$/, "")}; load average ${loadBefore.toFixed(2)} before and ${loadavg()[0]!.toFixed(2)} after (a shared machine: noisy upper bounds).`,
];
const chromium = await whatsAppChromiumSection(3, machine);
if (!args.includes("--no-write")) {
  writeSection("footprint", lines.join("\n"));
  writeSection("footprint-whatsapp", chromium);
  console.log("Wrote the footprint sections of docs/benchmarks.md");
} else console.log(`${lines.join("\n")}\n\n${chromium}`);
