/**
 * Ingest on a big database (issue 22.3 and 22.5): `npm run bench:ingest-scale`.
 *
 * bench:ingest starts on an empty database; a desk that has run for a year has a million contacts,
 * thousands of them with the same name. This benchmark seeds such a database (bench/seed.ts:
 * 1,000,000 contacts with a channel identity each and their names as claims, 10,000 of them called
 * "Maria Garcia", 100,000 conversations, 1,000,000 messages), starts one Switchboard on it and one on
 * an empty database (both `switchboard start`, child processes on 127.0.0.1), and loads both alike,
 * every sender called "Maria Garcia" too, so each new sender's merge-suggestion checks meet 10,000
 * namesakes on the big one:
 *
 * - throughput: wrk closed loop (`--connections`, `--seconds`), the servers in turn, `--runs` rounds;
 * - latency at a fixed rate: half the empty database's throughput, open loop, on both;
 * - memory: each server's resident memory after start and at most under the load.
 *
 * Results go to the "ingest-scale" section of docs/benchmarks.md. Bounded: about 3 minutes (the
 * seed about 1 minute of it; `--db` reuses a database it built).
 *
 *   bun bench/ingest-scale.ts [--contacts 1000000] [--same 10000] [--messages 1000000] [--seconds 8] [--runs 3] [--db FILE] [--no-write]
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenLoopResult } from "./ingest-load.ts";
import { atRate, countRows, fmt, saturate, subscribersCaughtUp, switchboardTarget, type Target } from "./ingest-measure.ts";
import { type ChildServer, startSwitchboardServer } from "./ingest-servers.ts";
import { requireWrk, type WrkResult } from "./ingest-wrk.ts";
import { machineLine, writeSection } from "./sections.ts";
import { seed } from "./seed.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const CONTACTS = Number(arg("contacts", "1000000"));
const SAME = Number(arg("same", "10000"));
const MESSAGES = Number(arg("messages", "1000000"));
const CONVERSATIONS = Number(arg("conversations", "100000"));
const SECONDS = Number(arg("seconds", "8"));
const RUNS = Number(arg("runs", "3"));
const CONNECTIONS = Number(arg("connections", "16"));
const POOL = Number(arg("pool", "200"));
const NAME = "Maria Garcia";

requireWrk();
const machine = machineLine();
const dir = mkdtempSync(join(tmpdir(), "switchboard-ingest-scale-"));
console.log(`Working in ${dir}`);
const bigFile = join(dir, "big.db");
let seedNote: string;
const reuse = arg("db", "");
if (reuse && existsSync(reuse)) {
  copyFileSync(reuse, bigFile);
  seedNote = `a copy of ${reuse}, seeded earlier by this benchmark`;
} else {
  console.log(`Seeding ${CONTACTS} contacts (${SAME} called ${NAME}), ${CONVERSATIONS} conversations, ${MESSAGES} messages ...`);
  const seeded = await seed({
    file: reuse || bigFile,
    contacts: CONTACTS,
    conversations: CONVERSATIONS,
    messages: MESSAGES,
    namesakes: { name: NAME, count: SAME },
    log: (line) => console.log(line),
  });
  if (reuse) copyFileSync(reuse, bigFile);
  seedNote = `seeded by bench/seed.ts in ${(seeded.timings.total! / 1000).toFixed(1)} s`;
}
const seededMessages = await countRows(bigFile, "messages");
const seededContacts = await countRows(bigFile, "contacts");
const fileMb = statSync(bigFile).size / 2 ** 20;

mkdirSync(join(dir, "empty"));
mkdirSync(join(dir, "big"));
const servers = {
  empty: await startSwitchboardServer({ dir: join(dir, "empty") }),
  big: await startSwitchboardServer({ dir: join(dir, "big"), db: bigFile, seededInboxes: true }),
};
type Name = keyof typeof servers;
const NAMES: Name[] = ["empty", "big"];
const targets: Record<Name, Target> = { empty: switchboardTarget(servers.empty), big: switchboardTarget(servers.big) };
const rssIdle = { empty: servers.empty.rss(), big: servers.big.rss() };
const rssPeak = { ...rssIdle };
const sampler = setInterval(() => {
  for (const name of NAMES) rssPeak[name] = Math.max(rssPeak[name], servers[name].rss());
}, 250);

type Saturated = WrkResult & { cpuMsPerMessage: number; catchUpMs: number };
const rounds: Record<Name, Saturated>[] = [];
const fixed: Partial<Record<Name, OpenLoopResult>> = {};
let rate = 0;
const load = { seconds: SECONDS, connections: CONNECTIONS, contactPool: POOL, contactName: NAME };

try {
  console.log("Warming up (2 s each) ...");
  for (const name of NAMES) await saturate(targets[name], { ...load, seconds: 2 });
  for (let run = 1; run <= RUNS; run++) {
    const order: Name[] = run % 2 === 1 ? ["empty", "big"] : ["big", "empty"];
    const round = {} as Record<Name, Saturated>;
    for (const name of order) round[name] = await saturate(targets[name], load);
    rounds.push(round);
    console.log(
      `Round ${run}: empty ${round.empty.rps.toFixed(0)} msg/s (${round.empty.cpuMsPerMessage.toFixed(2)} ms CPU each), big ${round.big.rps.toFixed(0)} msg/s (${round.big.cpuMsPerMessage.toFixed(2)} ms CPU each)`,
    );
  }
  rate = Math.max(1, Math.round(Math.max(...rounds.map((r) => r.empty.rps)) / 2));
  for (const name of NAMES) {
    fixed[name] = await atRate(targets[name], { rate, seconds: SECONDS, contactPool: POOL, contactName: NAME });
    await subscribersCaughtUp(servers[name]);
    console.log(
      `${rate} msg/s on ${name}: p50 ${fmt(fixed[name]!.p50)} ms, p99 ${fmt(fixed[name]!.p99)} ms, max ${fmt(fixed[name]!.max)} ms`,
    );
  }
} finally {
  clearInterval(sampler);
  await Promise.all(NAMES.map((name) => servers[name].stop()));
}
const added = (await countRows(bigFile, "messages")) - seededMessages;
const suggestions = await countRows(bigFile, "contact_suggestions");
rmSync(dir, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const column = (name: Name) => rounds.map((r) => r[name]);
const row = (label: string, name: Name, server: ChildServer) => {
  const results = column(name);
  const f = fixed[name];
  return `| ${label} | ${results.map((r) => r.rps.toFixed(0)).join(", ")} | ${results.map((r) => r.cpuMsPerMessage.toFixed(2)).join(", ")} ms | ${f ? `${fmt(f.p50)} / ${fmt(f.p99)} / ${fmt(f.max)} ms${f.overloaded ? " (fell behind)" : ""}` : "–"} | ${fmt(server.readyMs)} ms | ${mb(rssIdle[name])} / ${mb(rssPeak[name])} |`;
};
const ratio = median(column("big").map((r) => r.rps)) / median(column("empty").map((r) => r.rps));
const lines = [
  "## Ingest on a big database (issue 22)",
  "",
  `\`npm run bench:ingest-scale\` (bench/ingest-scale.ts): the load of bench:ingest (customer messages POSTed to the API channel over HTTP on loopback, wrk with ${CONNECTIONS} connections for ${SECONDS} s per round, unique message ids, senders from a pool of ${POOL} new ones per round) on two Switchboard servers (\`switchboard start\`, child processes), one on an empty database and one on a database of **${seededContacts.toLocaleString("en")} contacts and ${seededMessages.toLocaleString("en")} messages** (${CONVERSATIONS.toLocaleString("en")} conversations; ${fileMb.toFixed(0)} MB; ${seedNote}): every contact has a channel identity and its name as a claim, as the pipeline records them, and **${SAME.toLocaleString("en")} of them are called "${NAME}"**. Every sender of the load is called "${NAME}" too, so each new sender's merge checks meet ${SAME.toLocaleString("en")} namesakes on the big database. The servers run in turn, alternating which goes first. The fixed rate is half the empty database's best throughput, open loop (latency counted from when each request was due).`,
  "",
  `| Database | msg/s, round by round | Server CPU per message (after the subscribers caught up) | p50 / p99 / max at ${rate} msg/s | Start to first /healthz | RSS after start / peak |`,
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  row("empty", "empty", servers.empty),
  row(`${seededContacts.toLocaleString("en")} contacts, ${seededMessages.toLocaleString("en")} messages`, "big", servers.big),
  "",
  `- Throughput on the big database: **${(ratio * 100).toFixed(0)}% of the empty one's** (median round against median round). ${added.toLocaleString("en")} messages were added to it, and it holds ${suggestions.toLocaleString("en")} merge suggestions afterwards: a new sender's name alone gives no candidates when more than 20 contacts hold it, but the same name with the same email domain (the seeded contacts' and the senders' addresses are all at mail.example) does, capped at 20 per sender.`,
  "",
  `Machine: ${machine}`,
];
if (!args.includes("--no-write")) {
  writeSection("ingest-scale", lines.join("\n"));
  console.log("Wrote the ingest-scale section of docs/benchmarks.md");
} else console.log(lines.join("\n"));
