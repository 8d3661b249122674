/**
 * Email ingestion benchmark: parse throughput over the test corpus, end-to-end ingest throughput
 * (nodemailer → the embedded SMTP server → parse → thread → libSQL), and peak memory (RSS) while
 * ingesting one 25 MB message, each measured in a fresh process (bench/email-memory.ts) with the
 * sender in another (bench/email-send.ts), three runs, the median. Run: `npm run bench:email` (or `bun bench/email.ts [rounds]`); the
 * results go to the "email" section of docs/benchmarks.md. Bounded: a fixed number of rounds on
 * loopback only.
 */

import { fileURLToPath } from "node:url";
import { parseEmail } from "../plugins/channel-email/src/parse/parse.ts";
import { corpus } from "../plugins/channel-email/test-support/corpus.ts";
import { startEmailHarness } from "../plugins/channel-email/test-support/harness.ts";
import { machineLine, writeSection } from "./sections.ts";

const rounds = Number(process.argv[2] ?? 20);
const MB = 1024 * 1024;

/** Gives every copy its own Message-ID (and content hash), so nothing is deduplicated. */
function unique(raw: Buffer, round: number): Buffer {
  const text = raw.toString("latin1").replace(/^Message-ID: <([^>]+)>/im, `Message-ID: <$1.r${round}>`);
  return Buffer.concat([Buffer.from(`X-Bench-Round: ${round}\r\n`, "latin1"), Buffer.from(text, "latin1")]);
}

const entries = corpus();
const bytesPerRound = entries.reduce((sum, e) => sum + e.raw.length, 0);

let started = performance.now();
for (let round = 0; round < rounds; round++) for (const entry of entries) await parseEmail(unique(entry.raw, round));
const parseSeconds = (performance.now() - started) / 1000;
const parsed = rounds * entries.length;
const results: string[] = [];
const report = (line: string) => {
  console.log(line);
  results.push(`- ${line}`);
};
report(
  `Parse only (mailparser + sanitiser + trimming): ${parsed} messages (${((rounds * bytesPerRound) / 1024).toFixed(0)} KiB) in ${parseSeconds.toFixed(2)} s = **${(parsed / parseSeconds).toFixed(0)} msg/s**`,
);

const email = await startEmailHarness({ max_message_bytes: 40 * MB });
try {
  started = performance.now();
  for (let round = 0; round < rounds; round++) for (const entry of entries) await email.deliver(unique(entry.raw, round + 1000));
  const ingestSeconds = (performance.now() - started) / 1000;
  const stored = (await email.messages()).length;
  report(
    `SMTP → parse → thread → store, one message at a time over a reused connection: ${stored} messages in ${ingestSeconds.toFixed(2)} s = **${(stored / ingestSeconds).toFixed(0)} msg/s**`,
  );
} finally {
  await email.close();
}
// Memory: each measurement in a fresh process (earlier work would weigh on a shared one), three runs each, the median reported.
const RUNS = 3;
async function memory(scenario: string): Promise<{ added: number; seconds: number; runs: number[] }> {
  const runs: { added: number; seconds: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const child = Bun.spawn([process.execPath, fileURLToPath(new URL("./email-memory.ts", import.meta.url)), scenario], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const [code, out] = await Promise.all([child.exited, new Response(child.stdout).text()]);
    if (code !== 0) throw new Error(`bench/email-memory.ts ${scenario} failed (${code}): ${out}`);
    runs.push(JSON.parse(out.trim().split("\n").at(-1)!) as { added: number; seconds: number });
  }
  const sorted = [...runs].sort((x, y) => x.added - y.added);
  const median = sorted[Math.floor(RUNS / 2)]!;
  return { added: median.added, seconds: median.seconds, runs: runs.map((r) => Math.round(r.added)) };
}
const parsing = await memory("parse");
report(
  `A 25.2 MB email (an 18.4 MB attachment), parsed alone (parseEmail): peak **+${parsing.added.toFixed(0)} MB** RSS (runs: ${parsing.runs.join(", ")} MB)`,
);
const whole = await memory("ingest");
report(
  `The same email sent from another process to the SMTP server, parsed, stored with its attachment, its original kept (keep_original_days = 30): ${whole.seconds.toFixed(2)} s, peak **+${whole.added.toFixed(0)} MB** RSS of the server process (runs: ${whole.runs.join(", ")} MB)`,
);
const noOriginal = await memory("ingest-no-original");
report(`The same with keep_original_days = 0: peak **+${noOriginal.added.toFixed(0)} MB** (runs: ${noOriginal.runs.join(", ")} MB)`);
writeSection(
  "email",
  [
    "## Email ingest (issues 5 and 15)",
    "",
    `\`npm run bench:email\` (bench/email.ts), ${rounds} rounds over the test corpus (${entries.length} tricky .eml files: every charset, nested multiparts, a forwarded message, a broken boundary; the 8 MB one is left out of the throughput rounds):`,
    "",
    ...results,
    "",
    `Machine: ${machineLine()}`,
  ].join("\n"),
);
