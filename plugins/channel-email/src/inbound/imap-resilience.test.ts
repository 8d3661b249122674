// Issue 15 over IMAP against a real Dovecot (test-support/dovecot.ts): every real-world fixture
// stored as it is through SMTP; the poller's backoff timed with a controllable wait (a fake clock:
// the test decides when each wait ends and what the jitter draws) across Dovecot stopped and
// restarted; a connection problem shown in the health in the server's words with the fix, also
// before the poller runs (what `switchboard doctor` sees); and a message that keeps failing to
// store is stored raw and flagged, never skipped. Every wait is bounded.
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
import { expectStoredAsFixture } from "../../test-support/expect-fixture.ts";
import { captureLogs, PLUGIN } from "../../test-support/harness.ts";
import { memoryKv } from "../../test-support/memory-kv.ts";
import { realWorldFixtures } from "../../test-support/real-world.ts";
import { imapOptions } from "../options.ts";
import { ImapPoller } from "./imap-poller.ts";
import type { Ingest } from "./ingest.ts";

if (!dovecotAvailable)
  console.warn(`Skipping the IMAP resilience tests: ${DOVECOT_BINARY} is missing. Install it with: apt-get install -y dovecot-imapd`);

let dovecot: DovecotServer;
const dirs: string[] = [];
const running: Switchboard[] = [];
const pollers: ImapPoller[] = [];

beforeAll(async () => {
  if (dovecotAvailable) dovecot = await startDovecot();
}, 20_000);
afterAll(async () => {
  await dovecot?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 20_000);
/** True while a test has Dovecot halted; afterEach brings it back so a failure does not fail the tests after it. */
let halted = false;

afterEach(async () => {
  if (halted) await dovecot.start();
  halted = false;
  for (const poller of pollers.splice(0)) await poller.stop();
  for (const switchboard of running.splice(0)) await switchboard.stop();
}, 20_000);

/** A fresh client (the previous one dies with a halted server), used for one job and closed. */
async function withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${dovecot.log().slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function configFile(mailbox: string, extra = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "swb-email-resilience-"));
  dirs.push(dir);
  const file = join(dir, "switchboard.toml");
  writeFileSync(
    file,
    `[store]\nurl = "file:${join(dir, "switchboard.db")}"\n\n[plugins.email]\npackage = "${PLUGIN}"\n\n[inboxes.support]\nplugin = "email"\n\n[inboxes.support.options]\naddress = "support@acme.com"\n\n[inboxes.support.options.imap]\nhost = "127.0.0.1"\nport = ${dovecot.port}\nsecurity = "none"\nuser = "${dovecot.user}"\npassword = "\${IMAP_PASSWORD}"\nmailbox = "${mailbox}"\nfirst_sync = "all"\nidle_delay_ms = 200\n${extra}\n`,
  );
  return file;
}

async function startSwitchboard(mailbox: string, options: { start?: boolean; password?: string } = {}) {
  const { log, lines } = captureLogs();
  const loaded = await loadConfig(configFile(mailbox), { IMAP_PASSWORD: options.password ?? dovecot.password });
  const switchboard = await createSwitchboard(loaded, { log, backgroundWorkers: false });
  if (options.start !== false) await switchboard.start();
  running.push(switchboard);
  const messages = () => switchboard.store.db.select().from(tables.messages).orderBy(asc(tables.messages.id));
  return { switchboard, logs: lines, messages };
}

/** A wait the test ends by hand: every requested delay is recorded, and nothing happens until the test releases it. */
function fakeWait() {
  const delays: number[] = [];
  let release: (() => void) | undefined;
  const wait = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      delays.push(ms);
      release = resolve;
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  return {
    wait,
    delays,
    async next(count: number) {
      await until(() => delays.length >= count, 30_000, `wait number ${count}`);
    },
    release() {
      const done = release;
      release = undefined;
      done?.();
    },
  };
}

/** A poller alone over `mailbox` of the test Dovecot, with the test's ingest, wait and jitter; stopped after the test. */
function startPoller(
  mailbox: string,
  deps: Pick<ConstructorParameters<typeof ImapPoller>[0], "log" | "ingest" | "wait" | "random">,
): ImapPoller {
  const options = imapOptions.parse({
    host: dovecot.host,
    port: dovecot.port,
    security: "none",
    user: dovecot.user,
    password: dovecot.password,
    mailbox,
    first_sync: "all",
    idle_delay_ms: 200,
  });
  const poller = new ImapPoller({ options, kv: memoryKv(), maxBytes: 1024 * 1024, ...deps });
  pollers.push(poller);
  poller.start(new AbortController().signal);
  return poller;
}

describe.skipIf(!dovecotAvailable)("IMAP resilience against Dovecot (issue 15)", () => {
  it("stores every real-world fixture from the mailbox as the SMTP path does", async () => {
    const fixtures = realWorldFixtures();
    await withClient(async (client) => {
      await client.mailboxCreate("RealWorld");
      for (const fixture of fixtures) await client.append("RealWorld", fixture.raw);
    });
    const sb = await startSwitchboard("RealWorld");
    await until(async () => (await sb.messages()).length === fixtures.length, 20_000, `${fixtures.length} messages`);
    const stored = await sb.messages();
    for (const [i, fixture] of fixtures.entries()) await expectStoredAsFixture({ switchboard: sb.switchboard }, stored[i]!, fixture);
    expect(stored.map((m) => (m.metadata.email as { received: { uid: number } }).received.uid)).toEqual(fixtures.map((_, i) => i + 1));
  }, 40_000);

  it("backs off exponentially with jitter while Dovecot is down, never connecting before the wait ends, and starts over after a successful sync", async () => {
    await withClient((client) => client.mailboxCreate("Outage"));
    const clock = fakeWait();
    const { log, lines } = captureLogs();
    const stored: number[] = [];
    const ingest = Object.assign(
      async (_raw: Buffer, received: Parameters<Ingest>[1]) => {
        if (received.via === "imap") stored.push(received.uid);
        return { status: "stored" as const, messageId: 1, conversationId: 1, contactId: 1 };
      },
      { keepFlagged: async () => ({ status: "stored" as const, messageId: 1, conversationId: 1, contactId: 1 }) },
    ) as unknown as Ingest;
    const poller = startPoller("Outage", { log, ingest, wait: clock.wait, random: () => 0.5 });
    await until(() => poller.health().ok, 10_000, "the first connection");

    halted = true;
    await dovecot.halt();
    const attempts = () => lines.filter((l) => l.msg.startsWith("IMAP connection problem")).length;
    for (let n = 1; n <= 4; n++) {
      await clock.next(n);
      // Nothing connects while the wait is pending, however long the test lingers.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(attempts()).toBe(n);
      if (n < 4) clock.release();
    }
    // Equal jitter at random() = 0.5: three quarters of 1 s, 2 s, 4 s, 8 s.
    expect(clock.delays).toEqual([750, 1500, 3000, 6000]);
    expect(poller.health()).toMatchObject({
      ok: false,
      message: expect.stringMatching(/connection was refused.*Fix: check that the server runs.*no message is skipped/),
    });

    await dovecot.start();
    halted = false;
    await withClient((client) =>
      client.append("Outage", eml(["From: bob@example.com", "Subject: after", "Message-ID: <after@x>"], "Back again\r\n")),
    );
    clock.release();
    await until(() => stored.includes(1), 10_000, "the message appended while the poller waited");
    // Healthy once that sync has finished (the message is flagged seen and the cursor moved after it is stored).
    await until(() => poller.health().ok, 10_000, "the sync that stored it to finish");

    // The successful sync reset the backoff: the next outage starts again from the first step.
    halted = true;
    await dovecot.halt();
    await clock.next(5);
    expect(clock.delays[4]).toBe(750);
    await dovecot.start();
    halted = false;
    clock.release();
    await until(() => poller.health().ok, 10_000, "the reconnection");
  }, 90_000);

  it("a misspelled mailbox is a connection problem in the server's words with the fix, retried with backoff, shown before start too (doctor)", async () => {
    const sb = await startSwitchboard("Inbx");
    await until(
      async () => (await sb.switchboard.inboxes.health("support")).message?.includes("mailbox could not be opened") ?? false,
      10_000,
      "the health to name the mailbox",
    );
    const health = await sb.switchboard.inboxes.health("support");
    expect(health.ok).toBe(false);
    expect(health.message).toMatch(/mailbox "Inbx".*server said: ".*Inbx.*".*Fix: set options\.imap\.mailbox/);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // Real backoff: 0.5–1 s, then 1–2 s, ... — at most 3 logins in those 2.5 s, not hundreds.
    const logins = sb.logs.filter((l) => l.msg === "IMAP connected").length;
    expect(logins).toBeGreaterThanOrEqual(1);
    expect(logins).toBeLessThanOrEqual(3);

    const notStarted = await startSwitchboard("INBOX", { start: false, password: "wrong-password" });
    const probe = await notStarted.switchboard.inboxes.health("support");
    expect(probe).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /login as "support" was refused \(server said: ".+"\)\. Fix: check options\.imap\.user and options\.imap\.password/,
      ),
    });
  }, 30_000);

  it("a message that fails to store five times is stored raw and flagged, not skipped; the next message follows", async () => {
    await withClient(async (client) => {
      await client.mailboxCreate("Failing");
      await client.append("Failing", eml(["From: bob@example.com", "Subject: one", "Message-ID: <fail1@x>"], "One\r\n"));
      await client.append("Failing", eml(["From: bob@example.com", "Subject: two", "Message-ID: <fail2@x>"], "Two\r\n"));
    });
    const clock = fakeWait();
    const { log } = captureLogs();
    const flagged: { uid: number; reason: string }[] = [];
    const stored: number[] = [];
    const ok = { status: "stored" as const, messageId: 1, conversationId: 1, contactId: 1 };
    const ingest = Object.assign(
      async (_raw: Buffer, received: Parameters<Ingest>[1]) => {
        if (received.via === "imap" && received.uid === 1) throw new Error("the store is refusing this one");
        if (received.via === "imap") stored.push(received.uid);
        return ok;
      },
      {
        keepFlagged: async (_raw: Buffer, received: Parameters<Ingest>[1], reason: string) => {
          if (received.via === "imap") flagged.push({ uid: received.uid, reason });
          return ok;
        },
      },
    ) as unknown as Ingest;
    startPoller("Failing", { log, ingest, wait: clock.wait, random: () => 0 });
    for (let n = 1; n <= 4; n++) {
      await clock.next(n);
      clock.release();
    }
    await until(() => stored.includes(2), 10_000, "the second message");
    expect(flagged).toEqual([{ uid: 1, reason: expect.stringContaining("failed to store 5 times") }]);
    expect(clock.delays).toEqual([500, 1000, 2000, 4000]);
  }, 30_000);
});
