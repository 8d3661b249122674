// Issue 15.10: a message over 1 MiB is spooled to a temporary file by the SMTP server and parsed
// from it as a stream. These tests hold that path to the in-memory one: every corpus and real-world
// fixture (a multipart one also pushed past 1 MiB, so its part headers are found by the windowed scan) parses
// exactly as the same bytes in memory; a scan finds a marker across a window's seam; and a large
// email sent over SMTP is stored with the exact attachment and original, its spool file deleted once
// answered and the spool folder once the server closes; over IMAP, it is downloaded into a temporary
// file and stored exactly the same.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestAgent, signInAgent } from "@switchboard/core/testing";
import { ImapFlow } from "imapflow";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { corpus, payload, withAttachment } from "../../test-support/corpus.ts";
import { dovecotAvailable, startDovecot } from "../../test-support/dovecot.ts";
import { type EmailHarness, startEmailHarness } from "../../test-support/harness.ts";
import { realWorldFixtures } from "../../test-support/real-world.ts";
import { parseEmail } from "../parse/parse.ts";
import { SpooledEmail } from "../parse/raw-email.ts";

const dir = mkdtempSync(join(tmpdir(), "swb-spooled-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let file = 0;
function spool(raw: Buffer): SpooledEmail {
  const path = join(dir, `${++file}.eml`);
  writeFileSync(path, raw);
  return new SpooledEmail(path, raw.length);
}

/** The message with 1.2 MB of filler right after its header block (a multipart's preamble, which no part reads). */
function pushedPastOneMiB(raw: Buffer): Buffer {
  const end = raw.indexOf("\r\n\r\n") + 4;
  const filler = Buffer.from(`${"x".repeat(78)}\r\n`.repeat(15_000), "latin1");
  return Buffer.concat([raw.subarray(0, end), filler, raw.subarray(end)]);
}

const fixtures = [
  ...corpus({ large: true }).map((e) => ({ name: e.name, raw: e.raw })),
  ...realWorldFixtures().map((f) => ({ name: f.name, raw: f.raw })),
];

describe("a spooled email (issue 15.10)", () => {
  for (const { name, raw } of fixtures) {
    it(`parses "${name}" from its file exactly as in memory`, async () => {
      // Pushed past 1 MiB when the filler is a preamble no part reads (multipart) and the message is not that large already.
      const head = raw.subarray(0, raw.indexOf("\r\n\r\n")).toString("latin1");
      const push = /^content-type:\s*multipart\//im.test(head) && raw.length < 1024 * 1024;
      for (const bytes of push ? [raw, pushedPastOneMiB(raw)] : [raw]) {
        const { raw: _inMemory, ...expected } = await parseEmail(bytes);
        const { raw: spooled, ...actual } = await parseEmail(spool(bytes));
        expect(spooled).toBeInstanceOf(SpooledEmail);
        expect(actual).toEqual(expected);
      }
    }, 60_000);
  }

  it("scans a file in windows that overlap, so a marker across a seam is found", () => {
    for (const offset of [1024 * 1024 - 3, 1024 * 1024, 2 * 1024 * 1024 - 200]) {
      const marker = "charset=UTF-7; name=notes.txt";
      const bytes = Buffer.concat([Buffer.alloc(offset, "a"), Buffer.from(marker), Buffer.alloc(1000, "b")]);
      const spooled = spool(bytes);
      expect(spooled.some(512, (window) => window.includes(marker))).toBe(true);
      expect(spooled.some(512, (window) => window.includes("not there"))).toBe(false);
      expect(spooled.slice(offset, offset + marker.length).toString()).toBe(marker);
    }
  });
});

describe("a large email over SMTP and IMAP (issue 15.10)", () => {
  let email: EmailHarness | undefined;
  const tmp = process.env.TMPDIR;
  const spoolRoot = mkdtempSync(join(tmpdir(), "swb-spool-root-"));
  afterEach(async () => {
    await email?.close();
    email = undefined;
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  });
  afterAll(() => rmSync(spoolRoot, { recursive: true, force: true }));

  /** The stored message's single attachment and its original (downloaded by an admin), for exact comparison. */
  async function storedBytes(h: EmailHarness) {
    const [message] = await h.messages();
    const [file] = await h.attachments(message!.id);
    const admin = await createTestAgent(h.harness, { name: "Ada Admin", role: "admin" });
    const { cookie } = await signInAgent((path, init) => h.harness.request(path, init), admin.email, "correct-horse-battery");
    const original = await h.harness.request(`/inbox/messages/${message!.id}/original`, { headers: { Cookie: cookie } });
    return { file: file!, original: Buffer.from(await original.arrayBuffer()) };
  }

  it("stores the exact attachment and original, and deletes its spool file once answered", async () => {
    // The server spools under os.tmpdir(), read when it starts: here, a folder of this test's own.
    process.env.TMPDIR = spoolRoot;
    email = await startEmailHarness({ max_message_bytes: 10 * 1024 * 1024 });
    const spoolFolders = () => readdirSync(spoolRoot).filter((name) => name.startsWith("switchboard-smtp-"));
    const [folder] = spoolFolders();
    expect(folder).toBeDefined();
    const raw = withAttachment("spooled", 3 * 1024 * 1024, "report.pdf");
    expect((await email.deliver(raw)).response).toMatch(/^250 /);
    expect(readdirSync(join(spoolRoot, folder!))).toEqual([]);

    const { file, original } = await storedBytes(email);
    expect(file).toMatchObject({ filename: "report.pdf", size: 3 * 1024 * 1024 });
    expect(Buffer.from(file.data!).equals(payload(3 * 1024 * 1024))).toBe(true);
    expect(original.equals(raw)).toBe(true);

    // A cleaner of old temporary files took the folder: the next large email is still taken (250) and stored.
    rmSync(join(spoolRoot, folder!), { recursive: true, force: true });
    const again = withAttachment("spooled-again", 2 * 1024 * 1024);
    expect((await email.deliver(again)).response).toMatch(/^250 /);
    expect(await email.messages()).toHaveLength(2);
    expect(readdirSync(join(spoolRoot, folder!))).toEqual([]);

    await email.close();
    email = undefined;
    expect(spoolFolders()).toEqual([]);
  }, 30_000);

  it.skipIf(!dovecotAvailable)(
    "over IMAP, downloads it into a temporary file, stores it exactly, and deletes the file",
    async () => {
      // Dovecot's mail processes run as nobody: its folder stays in the shared temporary directory.
      const dovecot = await startDovecot();
      process.env.TMPDIR = spoolRoot;
      try {
        const imap = { host: dovecot.host, port: dovecot.port, security: "none", user: dovecot.user, password: dovecot.password };
        // first_sync "all": the mailbox starts empty, and a message appended before the first sync is not taken for old mail.
        email = await startEmailHarness({ max_message_bytes: 10 * 1024 * 1024, imap: { ...imap, first_sync: "all", idle_delay_ms: 100 } });
        const raw = withAttachment("spooled-imap", 3 * 1024 * 1024, "scan.tiff");
        const client = new ImapFlow({
          ...imap,
          secure: false,
          doSTARTTLS: false,
          auth: { user: imap.user, pass: imap.password },
          logger: false,
        });
        await client.connect();
        await client.append("INBOX", raw);
        await client.logout();
        // The message shows once stored; its original is kept after that, and the downloaded file is
        // deleted last: wait for both, not for the message alone.
        const imapSpoolFiles = () => readdirSync(spoolRoot).filter((name) => name.startsWith("switchboard-imap-"));
        const taken = async () => imapSpoolFiles().length === 0 && (await email!.messages()).length > 0;
        const deadline = Date.now() + 20_000;
        while (!(await taken()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        const { file, original } = await storedBytes(email);
        expect(file).toMatchObject({ filename: "scan.tiff", size: 3 * 1024 * 1024 });
        expect(Buffer.from(file.data!).equals(payload(3 * 1024 * 1024))).toBe(true);
        expect(original.equals(raw)).toBe(true);
        expect(email.logs.some((line) => line.msg === "IMAP fetched" && line.bytes === raw.length)).toBe(true);
        expect(imapSpoolFiles()).toEqual([]);
      } finally {
        await email?.close();
        email = undefined;
        await dovecot.stop();
      }
    },
    60_000,
  );
});
