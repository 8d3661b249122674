/**
 * The inbox benchmark (issue 3): `npm run bench:inbox`.
 *
 * Seeds 300k contacts, 100k conversations and 1M messages (bench/seed.ts), starts a real
 * Switchboard on that file, and measures the server time of the list page and of conversation
 * pages through `app.request` with a signed-in session cookie and gzip (p50/p95/p99 over a few
 * hundred requests each), the weight on the wire of an inbox page with the CSS and JS it loads,
 * and the SQL each page runs (timed alone, with its query plan). Writes docs/benchmarks.md.
 *
 *   bun bench/inbox.ts [--db /tmp/x.db] [--n 300] [--runs 3] [--out docs/benchmarks.md]
 *
 * --db keeps the database at that path: seeded there when missing, reused (not re-seeded) when it
 * exists. Without it the database lives in a temp folder and is deleted at the end.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { createSession } from "../core/src/auth/sessions.ts";
import { parseConfigText } from "../core/src/config/load.ts";
import { createLogger } from "../core/src/log/index.ts";
import { createSwitchboard } from "../core/src/switchboard.ts";
import { pageWeight, type Stats, timeRequests } from "./measure.ts";
import { profilePage } from "./profile.ts";
import { machine, writeReport } from "./report.ts";
import { BENCH_INBOXES, type SeedResult, seed } from "./seed.ts";

const ROOT = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(arg("n") ?? 300);
const WARMUP = 30;
const RUNS = Number(arg("runs") ?? 3);
const OUT = resolve(ROOT, arg("out") ?? "docs/benchmarks.md");
export const TARGET_P95_MS = 25;
export const TARGET_WEIGHT_BYTES = 100 * 1024;

const before = machine();
const dir = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
const reuse = arg("db");
const file = reuse ?? join(dir, "bench.db");
let seeded: SeedResult | undefined;
if (reuse && existsSync(reuse)) {
  console.log(`Reusing ${reuse} (no seed timing).`);
} else {
  console.log(`Seeding ${file} ...`);
  seeded = await seed({ file, log: (line) => console.log(line) });
  console.log(`Seeded in ${(seeded.timings.total! / 1000).toFixed(1)} s.`);
}

const config = {
  store: { url: `file:${file}` },
  plugins: {
    api: { package: resolve(ROOT, "plugins/channel-api/src/index.ts") },
    demo: { package: resolve(ROOT, "test/e2e/demo-channels.ts") },
  },
  inboxes: Object.fromEntries(
    BENCH_INBOXES.map((inbox) => [
      inbox.name,
      inbox.channel === "api"
        ? { plugin: "api", options: { secret: "bench-secret-0123456789" } }
        : { plugin: "demo", channel: inbox.channel },
    ]),
  ),
};
const loaded = parseConfigText(stringify(config), join(dir, "switchboard.toml"), {});
const sb = await createSwitchboard(loaded, { log: createLogger({ level: "silent" }), backgroundWorkers: false });
await sb.start();

try {
  const ttl = 3_600_000;
  const admin = await createSession(sb.store, sb.clock, 1, ttl);
  const agent = await createSession(sb.store, sb.clock, 2, ttl);
  const as = (session: { token: string }) => ({ Cookie: `swb_session=${session.token}`, "Accept-Encoding": "gzip" });

  const count = async (sql: string) => Number((await sb.store.client.execute(sql)).rows[0]![0]);
  const totals = {
    contacts: await count("SELECT count(*) FROM contacts"),
    conversations: await count("SELECT count(*) FROM conversations"),
    messages: await count("SELECT count(*) FROM messages"),
  };
  const maxConversation = await count("SELECT max(id) FROM conversations");
  const heavy = await count("SELECT min(id) FROM conversations WHERE thread_key LIKE 'heavy-%'");
  const heavyMessages = await count(
    `SELECT count(*) FROM messages WHERE contact_id = (SELECT contact_id FROM conversations WHERE id = ${heavy})`,
  );
  // 300 conversations spread evenly over the ids (every one a different page).
  const sample = Array.from({ length: N }, (_, i) => 1 + Math.floor(((i * 7919) % N) * (maxConversation / N)));
  const resolvedPage = await (await sb.app.request("/inbox?view=all&status=resolved", { headers: { Cookie: as(admin).Cookie } })).text();
  const nextPage = /hx-get="(\/inbox\/list\?[^"]*cursor=[^"]+)"/.exec(resolvedPage)?.[1]?.replaceAll("&amp;", "&");
  if (!nextPage) throw new Error("The resolved list has no next page link.");

  const scenarios: { name: string; paths: string[]; headers: Record<string, string>; n?: number; runs?: number }[] = [
    { name: "List page: all, open (target)", paths: ["/inbox?view=all"], headers: as(admin) },
    { name: "List page: mine, open (an agent)", paths: ["/inbox"], headers: as(agent) },
    { name: "List page: unassigned, open", paths: ["/inbox?view=unassigned"], headers: as(admin) },
    { name: "List page: all, resolved (~90k match)", paths: ["/inbox?view=all&status=resolved"], headers: as(admin) },
    {
      name: "List page: inbox + label filter, resolved",
      paths: ["/inbox?view=all&status=resolved&inbox=support&label=2"],
      headers: as(admin),
    },
    { name: "List: next page (htmx fragment, cursor)", paths: [nextPage], headers: as(admin) },
    {
      name: `Conversation page: ${N} different conversations (target)`,
      paths: sample.map((id) => `/inbox/conversations/${id}`),
      headers: as(admin),
    },
    {
      name: "Conversation pane: opened from the list (htmx)",
      paths: sample.map((id) => `/inbox/conversations/${id}`),
      headers: { ...as(admin), "HX-Request": "true", "HX-Target": "main" },
    },
    { name: `Conversation page: heavy contact (${heavyMessages} messages)`, paths: [`/inbox/conversations/${heavy}`], headers: as(admin) },
    // Not a target, and slow for a word in ~15% of all messages: a few requests only.
    { name: 'Search page: "refund" (FTS5, not a target)', paths: ["/inbox?q=refund"], headers: as(admin), n: 20, runs: 1 },
  ];
  const results: Stats[] = [];
  for (const { name, paths, headers, n, runs } of scenarios) {
    const stats = await timeRequests(sb.app, name, paths, headers, { n: n ?? N, warmup: n ? 2 : WARMUP, runs: runs ?? RUNS });
    console.log(`${name}: p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms (CPU p95 ${stats.cpuP95.toFixed(1)} ms)`);
    results.push(stats);
  }

  const weights = [
    await pageWeight(sb.app, "/inbox?view=all", as(admin)),
    await pageWeight(sb.app, `/inbox/conversations/${sample[1]}`, as(admin)),
  ];
  for (const w of weights) console.log(`Weight of ${w.path}: ${w.total} bytes gzipped`);
  const profiles = {
    list: await profilePage(sb.app, sb.store.client, "/inbox?view=all", as(admin)),
    conversation: await profilePage(sb.app, sb.store.client, `/inbox/conversations/${sample[1]}`, as(admin)),
  };
  const sqliteVersion = String((await sb.store.client.execute("SELECT sqlite_version()")).rows[0]![0]);
  writeReport(OUT, {
    before,
    after: machine(),
    sqliteVersion,
    seeded,
    totals,
    results,
    weights,
    profiles,
    targets: { p95Ms: TARGET_P95_MS, weightBytes: TARGET_WEIGHT_BYTES },
  });
  console.log(`Wrote ${OUT}`);
} finally {
  await sb.stop();
  rmSync(dir, { recursive: true, force: true });
}
