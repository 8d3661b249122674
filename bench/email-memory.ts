/**
 * One memory measurement of bench:email, in a fresh process so earlier work does not weigh on it:
 * `bun bench/email-memory.ts <parse|ingest|ingest-no-original>` builds a 25 MB email (an 18.4 MB
 * attachment, base64), then either parses it or has a separate sender process (bench/email-send.ts)
 * deliver it to an email inbox's SMTP server, sampling this process's RSS every 5 ms. Prints one
 * JSON line: { before, peak, added, seconds } in MB and s.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEmail } from "../plugins/channel-email/src/parse/parse.ts";
import { withAttachment } from "../plugins/channel-email/test-support/corpus.ts";
import { startEmailHarness } from "../plugins/channel-email/test-support/harness.ts";

const MB = 1024 * 1024;
const scenario = process.argv[2] ?? "ingest";

/** Runs `work` after a full GC and samples RSS every 5 ms. */
async function peakRss(work: () => Promise<unknown>) {
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

/** Delivers `raw` from a separate process, so only the server's memory is in this process's RSS (as in production). */
async function deliverFromOtherProcess(port: number, file: string): Promise<void> {
  const child = Bun.spawn([process.execPath, fileURLToPath(new URL("./email-send.ts", import.meta.url)), String(port), file], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
  if (code !== 0 || !out.startsWith("250")) throw new Error(`the sending process failed (${code}): ${out}${err}`);
}

const dir = mkdtempSync(join(tmpdir(), "swb-bench-email-"));
try {
  const file = join(dir, "big.eml");
  writeFileSync(file, withAttachment("big-25mb", Math.floor(18.4 * MB)));
  if (scenario === "parse") {
    const raw = Bun.file(file);
    const bytes = Buffer.from(await raw.arrayBuffer());
    console.log(JSON.stringify({ bytes: bytes.length / MB, ...(await peakRss(() => parseEmail(bytes))) }));
  } else {
    const email = await startEmailHarness({ max_message_bytes: 40 * MB, keep_original_days: scenario === "ingest-no-original" ? 0 : 30 });
    try {
      await email.deliver(withAttachment("warm-up", 1024)); // the first message pays for lazy setup, not for its size
      console.log(JSON.stringify(await peakRss(() => deliverFromOtherProcess(email.smtpPort, file))));
    } finally {
      await email.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
