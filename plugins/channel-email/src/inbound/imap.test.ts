// The IMAP poller against a real Dovecot on loopback (Debian's dovecot-imapd, started by
// test-support/dovecot.ts with its own config, maildir and passwd-file). Switchboard is started
// and stopped for real over the same database file, so a restart is a restart. Skips only when
// /usr/sbin/dovecot is missing (CI installs it).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSwitchboard, loadConfig, type Switchboard } from "@switchboard/core";
import { tables } from "@switchboard/core/testing";
import { asc } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eml } from "../../test-support/corpus.ts";
import { DOVECOT_BINARY, type DovecotServer, dovecotAvailable, startDovecot } from "../../test-support/dovecot.ts";
import { captureLogs, type LogLine, PLUGIN } from "../../test-support/harness.ts";

if (!dovecotAvailable)
  console.warn(`Skipping the IMAP integration tests: ${DOVECOT_BINARY} is missing. Install it with: apt-get install -y dovecot-imapd`);

let dovecot: DovecotServer;
let client: ImapFlow;
const dirs: string[] = [];
const running: Switchboard[] = [];

beforeAll(async () => {
  if (!dovecotAvailable) return;
  dovecot = await startDovecot();
  client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await client.connect();
}, 20_000);

afterAll(async () => {
  if (!dovecotAvailable) return;
  client?.close();
  await dovecot?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 20_000);

afterEach(async () => {
  for (const switchboard of running.splice(0)) await switchboard.stop();
});

const mail = (id: string, body: string) =>
  eml(
    ["From: Bob <bob@example.com>", "To: support@acme.com", `Subject: Mail ${id}`, `Message-ID: <${id}@mail.example.com>`],
    `${body}\r\n`,
  );

/** A Switchboard with one IMAP inbox over `mailbox`, on the database in `dir` (kept across restarts). */
async function startSwitchboard(dir: string, mailbox: string, imap: Record<string, string | number> = {}) {
  const file = join(dir, "switchboard.toml");
  const extra = Object.entries(imap)
    .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
    .join("\n");
  writeFileSync(
    file,
    `[store]\nurl = "file:${join(dir, "switchboard.db")}"\n\n[plugins.email]\npackage = "${PLUGIN}"\n\n[inboxes.support]\nplugin = "email"\n\n[inboxes.support.options]\naddress = "support@acme.com"\n\n[inboxes.support.options.imap]\nhost = "127.0.0.1"\nport = ${dovecot.port}\nsecurity = "none"\nuser = "${dovecot.user}"\npassword = "\${IMAP_PASSWORD}"\nmailbox = "${mailbox}"\npoll_interval_ms = 60000\nidle_delay_ms = 200\n${extra}\n`,
  );
  const { log, lines } = captureLogs();
  const switchboard = await createSwitchboard(await loadConfig(file, { IMAP_PASSWORD: dovecot.password }), {
    log,
    backgroundWorkers: false,
  });
  await switchboard.start();
  running.push(switchboard);
  const messages = () => switchboard.store.db.select().from(tables.messages).orderBy(asc(tables.messages.id));
  const stop = async () => {
    running.splice(running.indexOf(switchboard), 1);
    await switchboard.stop();
  };
  return { switchboard, logs: lines, messages, stop };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${dovecot.log().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "swb-email-imap-"));
  dirs.push(dir);
  return dir;
}

const fetchedUids = (logs: LogLine[]) => logs.filter((l) => l.msg === "IMAP fetched").map((l) => l.uid);

describe.skipIf(!dovecotAvailable)("IMAP poller against Dovecot", () => {
  it("ingests the mailbox (an unreadable message stored flagged, the poller going on), marks mail seen, and resumes after a restart without refetching", async () => {
    await client.mailboxCreate("Resume");
    await client.append("Resume", mail("a", "First"));
    await client.append("Resume", Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x10]));
    await client.append("Resume", mail("b", "Second"));
    const dir = tempDir();
    const first = await startSwitchboard(dir, "Resume", { first_sync: "all" });
    await until(async () => (await first.messages()).length === 3, 10_000, "three messages");
    const stored = await first.messages();
    expect(stored.map((m) => m.text)).toEqual(["First", expect.stringContaining("could not be read"), "Second"]);
    expect(stored[1]!.metadata.email).toMatchObject({
      unparseable: { reasons: expect.any(Array) },
      received: { via: "imap", mailbox: "Resume", uid: 2 },
    });
    expect(fetchedUids(first.logs)).toEqual([1, 2, 3]);
    // The poller marks a message seen after it is stored, so the last flag may land just after the row.
    const seenFlags = async () => {
      const lock = await client.getMailboxLock("Resume");
      try {
        return (await client.fetchAll("1:*", { uid: true, flags: true }, { uid: true })).map((f) => f.flags?.has("\\Seen"));
      } finally {
        lock.release();
      }
    };
    await until(async () => (await seenFlags()).every(Boolean), 5_000, "all three marked seen");
    expect(await seenFlags()).toEqual([true, true, true]);
    await first.stop();

    await client.append("Resume", mail("c", "Third"));
    const second = await startSwitchboard(dir, "Resume", { first_sync: "all" });
    await until(async () => (await second.messages()).length === 4, 10_000, "the fourth message");
    expect(fetchedUids(second.logs)).toEqual([4]);
    expect((await second.messages()).at(-1)!.text).toBe("Third");
  }, 30_000);

  it("with first_sync = new skips old mail, then delivers a new message promptly through IDLE (poll interval 60 s)", async () => {
    await client.mailboxCreate("Idle");
    await client.append("Idle", mail("old", "Already there"));
    const sb = await startSwitchboard(tempDir(), "Idle", { first_sync: "new" });
    await until(() => sb.logs.some((l) => l.msg === "IMAP cursor set"), 10_000, "the first sync");
    await until(
      async () => (await sb.switchboard.inboxes.health("support")).message?.includes("IDLE") ?? false,
      5_000,
      "an IDLE-capable connection",
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    const appendedAt = Date.now();
    await client.append("Idle", mail("new", "Fresh"));
    await until(async () => (await sb.messages()).length === 1, 5_000, "the new message");
    const latencyMs = Date.now() - appendedAt;
    console.info(`IMAP IDLE delivery latency: ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(3_000);
    expect((await sb.messages()).map((m) => m.text)).toEqual(["Fresh"]);
  }, 30_000);

  it("re-reads the mailbox after a UIDVALIDITY change, storing only what is new (Message-ID dedupe)", async () => {
    await client.mailboxCreate("Rebuilt");
    await client.append("Rebuilt", mail("r1", "One"));
    await client.append("Rebuilt", mail("r2", "Two"));
    const dir = tempDir();
    const first = await startSwitchboard(dir, "Rebuilt", { first_sync: "all" });
    await until(async () => (await first.messages()).length === 2, 10_000, "two messages");
    const before = (await client.status("Rebuilt", { uidValidity: true })) || undefined;
    await first.stop();

    await client.mailboxDelete("Rebuilt");
    await client.mailboxCreate("Rebuilt");
    await client.append("Rebuilt", mail("r1", "One"));
    await client.append("Rebuilt", mail("r3", "Three"));
    const after = (await client.status("Rebuilt", { uidValidity: true })) || undefined;
    expect(after?.uidValidity).not.toBe(before?.uidValidity);

    const second = await startSwitchboard(dir, "Rebuilt", { first_sync: "all" });
    await until(async () => (await second.messages()).length === 3, 10_000, "the new message after the rebuild");
    await until(() => second.logs.some((l) => l.msg === "IMAP sync"), 5_000, "the sync to finish");
    expect((await second.messages()).map((m) => m.text)).toEqual(["One", "Two", "Three"]);
    expect(second.logs.some((l) => l.msg.startsWith("UIDVALIDITY changed"))).toBe(true);
    expect(fetchedUids(second.logs)).toEqual([1, 2]);
  }, 30_000);
});
