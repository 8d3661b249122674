/**
 * One memory measurement of bench:email, in a fresh process so earlier work does not weigh on it:
 * `bun bench/email-memory.ts <parse|ingest|ingest-no-original|imap|store>` builds a 25 MB email (an
 * 18.4 MB attachment, base64), then either parses it (from memory, as the IMAP path does), or has a
 * separate sender process (bench/email-send.ts) deliver it to an email inbox's SMTP server, or append
 * it to a Dovecot mailbox the inbox polls (imap), or has core alone store a message carrying the
 * attachment as base64 (store: what core's attachment write costs any channel). The peak is the kernel's high-water mark of this
 * process's RSS (VmHWM, reset through /proc/self/clear_refs just before): a sampler in the same
 * event loop (kept as `sampled`, and used where /proc is missing) misses the peaks reached while
 * synchronous work runs. Prints one JSON line: { before, peak, added, sampled, seconds } in MB and s.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tables } from "@switchboard/core/testing";
import { parseEmail } from "../plugins/channel-email/src/parse/parse.ts";
import { payload, withAttachment } from "../plugins/channel-email/test-support/corpus.ts";
import { startDovecot } from "../plugins/channel-email/test-support/dovecot.ts";
import { startEmailHarness } from "../plugins/channel-email/test-support/harness.ts";

const MB = 1024 * 1024;
/**
 * The warm-up message's attachment: 2 MiB, so the message is over the 1 MiB spooling threshold and
 * takes the same path as the measured one (its one-time setup, the streaming parser's code and
 * buffers, is not counted against the 25 MB message).
 */
const WARM_UP_BYTES = 2 * MB;
const scenario = process.argv[2] ?? "ingest";

/** This process's peak RSS since the last reset (VmHWM), in bytes; undefined without Linux's /proc. */
function highWaterMark(): number | undefined {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kib ? Number(kib) * 1024 : undefined;
  } catch {
    return undefined; // not Linux: the sampler's figure is used instead
  }
}

/** Resets the high-water mark to the current RSS ("5" to clear_refs, Linux 4.0+). Returns whether it could. */
function resetHighWaterMark(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false; // not Linux: the sampler's figure is used instead
  }
}

/** Runs `work` after a full GC; its peak RSS is the kernel's high-water mark, and a 5 ms sampler's for comparison. */
async function peakRss(work: () => Promise<unknown>) {
  Bun.gc(true);
  const before = process.memoryUsage().rss;
  const exact = resetHighWaterMark();
  let sampledPeak = before;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  const peak = (exact ? highWaterMark() : undefined) ?? sampledPeak;
  return { before: before / MB, peak: peak / MB, added: (peak - before) / MB, sampled: (sampledPeak - before) / MB, seconds };
}

/** Runs bench/email-send.ts with `args` in a separate process, so only the server's memory is in this process's RSS (as in production). */
async function sendFromOtherProcess(args: string[], expected: string): Promise<void> {
  const child = Bun.spawn([process.execPath, fileURLToPath(new URL("./email-send.ts", import.meta.url)), ...args], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
  if (code !== 0 || !out.startsWith(expected)) throw new Error(`the sending process failed (${code}): ${out}${err}`);
}

/** Waits until the inbox has stored `count` messages (bounded: 120 s). */
async function stored(email: Awaited<ReturnType<typeof startEmailHarness>>, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await email.harness.switchboard.store.db.select({ id: tables.messages.id }).from(tables.messages)).length < count) {
    if (Date.now() > deadline) throw new Error(`the inbox did not store message ${count} within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const dir = mkdtempSync(join(tmpdir(), "swb-bench-email-"));
try {
  const file = join(dir, "big.eml");
  writeFileSync(file, withAttachment("big-25mb", Math.floor(18.4 * MB)));
  if (scenario === "parse") {
    const raw = Bun.file(file);
    const bytes = Buffer.from(await raw.arrayBuffer());
    console.log(JSON.stringify({ bytes: bytes.length / MB, ...(await peakRss(() => parseEmail(bytes))) }));
  } else if (scenario === "store") {
    const email = await startEmailHarness({ max_message_bytes: 40 * MB });
    try {
      await email.deliver(withAttachment("warm-up", WARM_UP_BYTES));
      const bytes = payload(Math.floor(18.4 * MB));
      const store = () =>
        email.harness.switchboard.ingest("support", {
          externalId: "store-only@bench.example",
          contact: { externalId: "bob@example.com", email: "bob@example.com" },
          text: "See the attached file.",
          attachments: [
            { filename: "large.bin", contentType: "application/octet-stream", size: bytes.length, data: bytes.toString("base64") },
          ],
        });
      console.log(JSON.stringify(await peakRss(store)));
    } finally {
      await email.close();
    }
  } else if (scenario === "imap") {
    const dovecot = await startDovecot();
    try {
      const imap = { host: dovecot.host, port: dovecot.port, security: "none", user: dovecot.user, password: dovecot.password };
      // first_sync "all": the mailbox starts empty, and a message appended before the first sync is not taken for old mail.
      const email = await startEmailHarness({
        max_message_bytes: 40 * MB,
        imap: { ...imap, mailbox: "INBOX", first_sync: "all", idle_delay_ms: 100 },
      });
      const append = (path: string) =>
        sendFromOtherProcess(["imap", String(dovecot.port), dovecot.user, dovecot.password, "INBOX", path], "appended");
      try {
        const warmUp = join(dir, "warm-up.eml");
        writeFileSync(warmUp, withAttachment("warm-up", WARM_UP_BYTES));
        await append(warmUp); // the first message pays for lazy setup, not for its size
        await stored(email, 1);
        console.log(JSON.stringify(await peakRss(() => append(file).then(() => stored(email, 2)))));
      } finally {
        await email.close();
      }
    } finally {
      await dovecot.stop();
    }
  } else {
    const email = await startEmailHarness({ max_message_bytes: 40 * MB, keep_original_days: scenario === "ingest-no-original" ? 0 : 30 });
    try {
      await email.deliver(withAttachment("warm-up", WARM_UP_BYTES)); // the first message pays for lazy setup, not for its size
      console.log(JSON.stringify(await peakRss(() => sendFromOtherProcess([String(email.smtpPort), file], "250"))));
    } finally {
      await email.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
