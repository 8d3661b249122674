/**
 * Checks a stored message (and its attachments and contact) against a real-world fixture, the
 * same way whether it came through SMTP or IMAP.
 */
import { type Harness, tables } from "@switchboard/core/testing";
import { asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { RealWorldFixture } from "./real-world.ts";

type Message = typeof tables.messages.$inferSelect;

/**
 * Asserts that `message` was stored as `fixture` says.
 *
 * @example
 * await expectStoredAsFixture(email.harness, (await email.messages()).at(-1)!, fixture);
 */
export async function expectStoredAsFixture(
  harness: Pick<Harness, "switchboard">,
  message: Message,
  fixture: RealWorldFixture,
): Promise<void> {
  const db = harness.switchboard.store.db;
  const meta = message.metadata as { warning?: string; subject?: string; email?: { oddities?: string[]; unparseable?: unknown } };
  if (fixture.text) expect(message.text, fixture.name).toContain(fixture.text);
  if (fixture.notText) expect(message.text, fixture.name).not.toContain(fixture.notText);
  expect(message.text.length, fixture.name).toBeLessThanOrEqual(100_000);
  if (fixture.flag !== "unparseable") expect(`${message.text} ${meta.subject ?? ""}`, fixture.name).not.toContain("\uFFFD");
  if (fixture.subject) expect(meta.subject, fixture.name).toBe(fixture.subject);
  if (fixture.flag === "odd") {
    expect(meta.email?.oddities?.length, fixture.name).toBeGreaterThan(0);
    expect(meta.warning, fixture.name).toMatch(/odd/);
  } else {
    expect(meta.email?.oddities, fixture.name).toBeUndefined();
  }
  expect(Boolean(meta.email?.unparseable), fixture.name).toBe(fixture.flag === "unparseable");
  const files = await db
    .select()
    .from(tables.attachments)
    .where(eq(tables.attachments.messageId, message.id))
    .orderBy(asc(tables.attachments.id));
  if (fixture.attachments)
    expect(
      files.map((f) => f.filename),
      fixture.name,
    ).toEqual(fixture.attachments);
  const fullText = files.find((f) => f.filename === "full-text.txt");
  if (fullText) {
    // The whole untrimmed text, where metadata.fullText would not fit (core keeps metadata under 16 KiB).
    expect((meta.email as { fullTextFile?: string }).fullTextFile, fixture.name).toBe("full-text.txt");
    expect((message.metadata as { fullText?: unknown }).fullText, fixture.name).toBeUndefined();
    expect(Buffer.from(fullText.data!).toString("utf8").length, fixture.name).toBeGreaterThan(message.text.length);
  }
  for (const [name, content] of Object.entries(fixture.content ?? {})) {
    const file = files.find((f) => f.filename === name);
    expect(file && Buffer.from(file.data!).toString("latin1"), `${fixture.name}: ${name}`).toBe(content.toString("latin1"));
  }
  if (fixture.contact) {
    const identities = await db.select().from(tables.identities).where(eq(tables.identities.contactId, message.contactId));
    expect(
      identities.map((i) => i.externalId),
      fixture.name,
    ).toContain(fixture.contact.externalId);
    const [contact] = await db.select().from(tables.contacts).where(eq(tables.contacts.id, message.contactId));
    expect(contact?.email ?? undefined, fixture.name).toBe(fixture.contact.email);
    if (fixture.contact.name) expect(contact?.name, fixture.name).toBe(fixture.contact.name);
  }
}
