// GDPR erase leaves nothing in the database FILE: the raw bytes of switchboard.db and its -wal
// hold a marker written into a contact's name, email, message text, attachment and webhook
// delivery before the erase, and nowhere after it (while the server runs, and after it stops).
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { contactEraseCommand } from "../cli/contact-erase.ts";
import { SYSTEM_ACTOR } from "../conversations/update.ts";
import { webhookDeliveries } from "../store/schema.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";
import { eraseContact } from "./erase.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  if (harness) rmSync(harness.dir, { recursive: true, force: true });
  harness = undefined;
});

const MARKER = "zebra-quartz-9931";
/** One FTS5 token: FTS5 stores terms, and may store a term without its first bytes (prefix compression). */
const TOKEN = "zebraquartz9931";
const TOKEN_TAIL = "quartz9931";

/** The text of the database file and its write-ahead log, as bytes read from disk. */
function fileBytes(h: Harness): string {
  const db = join(h.dir, "switchboard.db");
  return [db, `${db}-wal`]
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path).toString("latin1"))
    .join("\n");
}

async function customerWithMarker(h: Harness) {
  const stored = await h.inject({
    externalId: "m-1",
    contact: { externalId: "zq-1", name: `Zoe ${MARKER} ${TOKEN}`, email: `${MARKER}@example.com`, verified: true },
    text: `My order code is ${MARKER}, also ${TOKEN}.`,
    attachments: [
      { filename: `${MARKER}.txt`, contentType: "text/plain", size: 30, data: Buffer.from(`scan of ${MARKER}`).toString("base64") },
    ],
  });
  if (stored.status !== "stored") throw new Error(`expected stored, got ${stored.status}`);
  await h.switchboard.outbound.reply({ conversationId: stored.conversationId, text: `Thanks, ${MARKER} noted.`, agentId: null });
  // Another customer whose rows share the pages and the full-text index.
  for (let i = 0; i < 30; i++)
    await h.inject({ externalId: `other-${i}`, contact: { externalId: `o-${i}` }, text: `unrelated words number ${i} zebra quartz` });
  await h.drain();
  return stored;
}

describe("GDPR erase and the database file", () => {
  it("leaves no trace of the contact's text in the db file or the WAL, while running and after stop", async () => {
    harness = await createTestHarness({
      keepFiles: true,
      config: { webhooks: [{ url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123", max_attempts: 1 }] },
    });
    const h = harness;
    const stored = await customerWithMarker(h);
    const deliveries = await h.switchboard.store.db.select().from(webhookDeliveries);
    expect(deliveries.some((d) => d.payload.includes(MARKER))).toBe(true);
    // Before: the marker is on disk (in the file or its log), so this test can fail.
    expect(fileBytes(h)).toContain(MARKER);
    expect(fileBytes(h)).toContain(TOKEN_TAIL);

    // The CLI, on the same file while the server runs (the REST route calls the same eraseContact).
    const config = join(h.dir, "cli.toml");
    writeFileSync(config, `[store]\nurl = "file:${join(h.dir, "switchboard.db")}"\n`);
    const lines: string[] = [];
    expect(await contactEraseCommand(String(stored.contactId), { config, yes: true }, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`Erased contact ${stored.contactId}: 2 messages, 1 conversations, 2 identities.`]);

    // While running: the erase checkpointed the WAL, and freed bytes were overwritten.
    expect(fileBytes(h)).not.toContain(MARKER);
    expect(fileBytes(h)).not.toContain(TOKEN_TAIL);
    // The other customer's words are still searchable.
    const hits = await h.switchboard.store.client.execute({
      sql: "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'quartz'",
      args: [],
    });
    expect(hits.rows.length).toBe(30);

    await h.switchboard.stop();
    const after = fileBytes(h);
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toContain(MARKER);
    expect(after).not.toContain(TOKEN_TAIL);
  });

  it("erases webhook deliveries that name only a message of the contact", async () => {
    harness = await createTestHarness({
      config: { webhooks: [{ url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123", max_attempts: 1 }] },
    });
    const h = harness;
    const stored = await customerWithMarker(h);
    const payload = JSON.stringify({
      id: "x",
      event: "plugin.note",
      at: 0,
      data: { message_id: stored.messageId, text: `note about ${MARKER}` },
    });
    const keep = JSON.stringify({
      id: "y",
      event: "plugin.note",
      at: 0,
      data: { message_id: stored.messageId + 10_000, text: "someone else" },
    });
    await h.switchboard.store.write((tx) =>
      tx.insert(webhookDeliveries).values([
        { url: "http://127.0.0.1:9/hook", event: "plugin.note", payload },
        { url: "http://127.0.0.1:9/hook", event: "plugin.note", payload: keep },
      ]),
    );
    await eraseContact(h.switchboard, SYSTEM_ACTOR, stored.contactId);
    const left = await h.switchboard.store.db.select().from(webhookDeliveries);
    expect(left.some((d) => d.payload.includes(MARKER))).toBe(false);
    expect(left.some((d) => d.payload === keep)).toBe(true);
  });
});
