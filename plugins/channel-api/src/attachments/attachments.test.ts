// API-channel attachments over real HTTP: an integration POSTs attachment URLs to the webhook, and
// Switchboard downloads them from a real loopback file server before it answers. Loopback is
// allowed only where the test turns allow_private_attachment_urls on; without it, loopback,
// link-local and private addresses (IPv4, IPv6, and names that resolve there) are never requested,
// and the file stays an outside link with its reason. javascript:/data: URLs refuse the message.

import { type Harness, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type FileServer, PDF, PNG, startFileServer } from "../../test-support/file-server.ts";
import { type ApiInbox, startApiInbox } from "../../test-support/inbox.ts";

let inbox: ApiInbox | undefined;
let files: FileServer | undefined;
afterEach(async () => {
  await inbox?.close();
  files?.stop();
  inbox = undefined;
  files = undefined;
});

const LIMITS = { attachment_max_bytes: 2000, attachment_timeout_ms: 400 };
const file = (url: string, filename = url.split("/").pop() || "file", content_type = "image/png", size = 10) => ({
  filename,
  content_type,
  size,
  url,
});

async function send(attachments: unknown[], id = "m1") {
  const answer = await inbox!.post({ id, contact: { id: "cust-1" }, text: "See attached", attachments });
  const body = (await answer.json()) as { message_id: number; conversation_id: number; error?: { code: string; message: string } };
  return { status: answer.status, body };
}

async function stored(harness: Harness, messageId: number) {
  const [message] = await harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, messageId));
  const rows = await harness.switchboard.store.db
    .select()
    .from(tables.attachments)
    .where(eq(tables.attachments.messageId, messageId))
    .orderBy(tables.attachments.id);
  return { message: message!, rows };
}

describe("API channel attachments, with allow_private_attachment_urls for the loopback file server", () => {
  it("downloads the files before answering and stores their bytes, following a redirect", async () => {
    files = startFileServer();
    inbox = await startApiInbox({ ...LIMITS, allow_private_attachment_urls: true });
    const sent = await send([
      file(`${files.url}/logo.png`),
      file(`${files.url}/receipt.pdf`, "receipt.pdf", "application/pdf"),
      file(`${files.url}/moved.png`),
    ]);
    expect(sent.status).toBe(201);
    const { message, rows } = await stored(inbox.harness, sent.body.message_id);
    expect(rows.map((r) => [r.filename, r.contentType, r.size])).toEqual([
      ["logo.png", "image/png", PNG.length],
      ["receipt.pdf", "application/pdf", PDF.length],
      ["moved.png", "image/png", PNG.length],
    ]);
    expect(Buffer.from(rows[0]!.data!).equals(PNG)).toBe(true);
    expect(Buffer.from(rows[1]!.data!).equals(PDF)).toBe(true);
    expect(message.metadata.attachmentsNotStored).toBeUndefined();
    expect(files.hits.get("/logo.png")).toBe(2);
  });

  it("keeps as links, with the reason, files over the size or type limits, too slow, or redirected too often or off http", async () => {
    files = startFileServer();
    inbox = await startApiInbox({ ...LIMITS, allow_private_attachment_urls: true });
    const started = Date.now();
    const sent = await send([
      file(`${files.url}/big.png`),
      file(`${files.url}/streamed.png`),
      file(`${files.url}/logo.png`, "declared-big.png", "image/png", 999_999),
      file(`${files.url}/page.html`, "page.html", "text/html"),
      file(`${files.url}/slow.png`),
      file(`${files.url}/loop/1`, "loop.png"),
      file(`${files.url}/to-ftp`, "ftp.png"),
      file(`${files.url}/missing.png`),
    ]);
    expect(sent.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(2_500);
    const { message, rows } = await stored(inbox.harness, sent.body.message_id);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.data === null && r.url?.startsWith(files!.url))).toBe(true);
    const reasons = Object.fromEntries(
      (message.metadata.attachmentsNotStored as { filename: string; reason: string }[]).map((n) => [n.filename, n.reason]),
    );
    expect(reasons).toEqual({
      "big.png": "it is larger than attachment_max_bytes (5000 > 2000)",
      "streamed.png": "it is larger than attachment_max_bytes (more than 2000 bytes)",
      "declared-big.png": "it is larger than attachment_max_bytes (999999 > 2000)",
      "page.html": "its type text/html is not in attachment_content_types",
      "slow.png": "it took longer than attachment_timeout_ms (400 ms)",
      "loop.png": "it redirects more than 3 times",
      "ftp.png": "it leads to a ftp: URL; only http and https are fetched",
      "missing.png": "the server answered HTTP 404",
    });
    expect(files.hits.get("/logo.png")).toBeUndefined();
  });
});

describe("API channel attachments without allow_private_attachment_urls", () => {
  it("never requests loopback, link-local or private addresses, by IP or by a name that resolves there, and still stores the message", async () => {
    files = startFileServer();
    inbox = await startApiInbox(LIMITS);
    const port = files.port;
    const sent = await send([
      file(`http://127.0.0.1:${port}/logo.png`, "v4.png"),
      file(`http://localhost:${port}/logo.png`, "name.png"),
      file(`http://[::1]:${port}/logo.png`, "v6.png"),
      file(`http://[::ffff:127.0.0.1]:${port}/logo.png`, "mapped.png"),
      file("http://169.254.169.254/latest/meta-data", "metadata.png"),
      file("http://10.0.0.7/x.png", "private.png"),
      file("http://[fd00::7]/x.png", "ula.png"),
      file("http://[fe80::1]/x.png", "linklocal.png"),
    ]);
    expect(sent.status).toBe(201);
    expect(files.hits.size).toBe(0);
    const { message, rows } = await stored(inbox.harness, sent.body.message_id);
    expect(message.text).toBe("See attached");
    expect(rows.map((r) => [r.filename, r.data])).toEqual(rows.map((r) => [r.filename, null]));
    const reasons = Object.fromEntries(
      (message.metadata.attachmentsNotStored as { filename: string; reason: string }[]).map((n) => [n.filename, n.reason]),
    );
    const off = ", and private addresses are not fetched (allow_private_attachment_urls is off)";
    expect(reasons["v4.png"]).toBe(`127.0.0.1 is a loopback address${off}`);
    expect(reasons["name.png"]).toMatch(
      new RegExp(`^localhost: (127\\.0\\.0\\.1|::1) is a loopback address${off.replace(/[()]/g, "\\$&")}$`),
    );
    expect(reasons["v6.png"]).toBe(`::1 is a loopback address${off}`);
    expect(reasons["mapped.png"]).toBe(`127.0.0.1 is a loopback address${off}`);
    expect(reasons["metadata.png"]).toBe(`169.254.169.254 is a linkLocal address${off}`);
    expect(reasons["private.png"]).toBe(`10.0.0.7 is a private address${off}`);
    expect(reasons["ula.png"]).toBe(`fd00::7 is a uniqueLocal address${off}`);
    expect(reasons["linklocal.png"]).toBe(`fe80::1 is a linkLocal address${off}`);
  });

  it("refuses javascript:, data: and other non-http URLs with a 422 and a reason, storing nothing", async () => {
    inbox = await startApiInbox(LIMITS);
    for (const url of [
      "javascript:alert(document.cookie)",
      "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
      "file:///etc/passwd",
      "ftp://files.example/x.png",
    ]) {
      const sent = await send([file("https://cdn.example/ok.png"), file(url, "evil.png")], `m-${url.slice(0, 4)}`);
      expect(sent.status, url).toBe(422);
      expect(sent.body.error).toMatchObject({
        code: "SWB_ERR_INBOUND_INVALID",
        message: expect.stringContaining("attachments.1.url: use an http or https URL"),
      });
    }
    const db = inbox.harness.switchboard.store.db;
    expect(await db.select().from(tables.messages)).toHaveLength(0);
    expect(await db.select().from(tables.attachments)).toHaveLength(0);
    expect(await db.select().from(tables.contacts)).toHaveLength(0);
  });

  it("ignores an attachmentsNotStored that the integration puts in metadata itself", async () => {
    inbox = await startApiInbox(LIMITS);
    const answer = await inbox.post({
      id: "m1",
      contact: { id: "c" },
      text: "Hi",
      metadata: { order: 42, attachmentsNotStored: [{ filename: "x", url: "https://evil.example", reason: "trust me" }] },
    });
    const { message } = await stored(inbox.harness, ((await answer.json()) as { message_id: number }).message_id);
    expect(message.metadata).toEqual({ order: 42 });
  });
});
