/**
 * Email ingestion benchmark: parse throughput over the test corpus, end-to-end ingest throughput
 * (nodemailer → the embedded SMTP server → parse → thread → libSQL), and peak memory (RSS) while
 * ingesting one 25 MB message. Run: `npm run bench:email` (or `bun bench/email.ts [rounds]`); the
 * results go to the "email" section of docs/benchmarks.md. Bounded: a fixed number of rounds on
 * loopback only.
 */

import { parseEmail } from "../plugins/channel-email/src/parse/parse.ts";
import { corpus, withAttachment } from "../plugins/channel-email/test-support/corpus.ts";
import { startEmailHarness } from "../plugins/channel-email/test-support/harness.ts";
import { machineLine, writeSection } from "./sections.ts";

const rounds = Number(process.argv[2] ?? 20);
const MB = 1024 * 1024;

/** Runs `work` after a full GC and samples RSS every 5 ms: MB before, at the peak, added, and seconds taken. */
async function peakRss(work: () => Promise<unknown>): Promise<{ before: number; peak: number; added: number; seconds: number }> {
  Bun.gc(true);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { before: before / MB, peak: peak / MB, added: (peak - before) / MB, seconds };
}

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

  const big = withAttachment("big-25mb", Math.floor(18.4 * MB));
  const parsePeak = await peakRss(() => parseEmail(big));
  report(`Parsing alone (parseEmail) of that message: peak +${parsePeak.added.toFixed(0)} MB RSS`);
  const whole = await peakRss(() => email.deliver(big));
  report(
    `One ${(big.length / MB).toFixed(1)} MB message through SMTP, parsed, stored with its attachment, and its original kept (keep_original_days = 30): ingested in ${whole.seconds.toFixed(2)} s; RSS ${whole.before.toFixed(0)} MB before, **peak ${whole.peak.toFixed(0)} MB (+${whole.added.toFixed(0)} MB)**`,
  );
} finally {
  await email.close();
}
const noOriginals = await startEmailHarness({ max_message_bytes: 40 * MB, keep_original_days: 0 });
try {
  const without = await peakRss(() => noOriginals.deliver(withAttachment("big-25mb-no-original", Math.floor(18.4 * MB))));
  report(`The same with keep_original_days = 0 (no original kept): peak +${without.added.toFixed(0)} MB`);
} finally {
  await noOriginals.close();
}
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
