// GDPR: exporting everything about one contact and erasing them with all their messages, through the
// REST API (admins only) and the CLI commands (on the same database file), with the full-text index
// and webhook payloads cleaned and the erasure audited without personal data.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../../core/src/auth/agents.ts";
import { createApiToken } from "../../core/src/auth/tokens.ts";
import { contactEraseCommand } from "../../core/src/cli/contact-erase.ts";
import { contactExportCommand } from "../../core/src/cli/contact-export.ts";
import { auditLog, contacts, messages, webhookDeliveries } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

const ftsHits = async (w: IdentityWorld, word: string) =>
  (await w.harness.switchboard.store.client.execute({ sql: "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?", args: [word] }))
    .rows.length;

async function customer(w: IdentityWorld) {
  const chat = await w.chat(
    { externalId: "tg-kai", name: "Kai Secret", email: "kai@example.com", verified: true },
    "my passport number is zebra42",
  );
  const shop = await w.shop({ id: "shop-kai", name: "Kai", email: "kai@example.com", verified: true }, "second channel, quokka99");
  await w.harness.switchboard.outbound.reply({ conversationId: chat.conversationId, text: "Got it", agentId: null });
  const other = await w.chat({ externalId: "tg-other", name: "Lea" }, "unrelated zebra42 mention");
  await w.harness.drain();
  return { chat, shop, other };
}

describe("GDPR export and erase", () => {
  it("exports everything about a contact through the API, and erases them with their messages, FTS rows and webhook payloads", async () => {
    world = await identityWorld({ config: { webhooks: [{ url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }] } });
    const { chat, shop, other } = await customer(world);
    expect(shop.contact_id).toBe(chat.contactId);

    const exported = await (await world.api(`/api/v1/contacts/${chat.contactId}/export`)).json();
    expect(exported).toMatchObject({
      format: "switchboard.contact-export/1",
      contact: { id: chat.contactId, name: "Kai Secret", email: "kai@example.com" },
    });
    expect(exported.identities.map((i: { channel: string }) => i.channel)).toEqual(["test", "email", "api"]);
    expect(exported.conversations).toHaveLength(2);
    expect(exported.messages.map((m: { text: string }) => m.text)).toEqual([
      "my passport number is zebra42",
      "second channel, quokka99",
      "Got it",
    ]);
    const db = world.harness.switchboard.store.db;
    expect((await db.select().from(webhookDeliveries)).some((d) => d.payload.includes("quokka99"))).toBe(true);

    const erased = await world.api(`/api/v1/contacts/${chat.contactId}`, { method: "DELETE" });
    expect(await erased.json()).toEqual({ contact_id: chat.contactId, messages: 3, conversations: 2, identities: 3 });
    expect(await db.select().from(contacts).where(eq(contacts.id, chat.contactId))).toEqual([]);
    expect(await db.select().from(messages).where(eq(messages.contactId, chat.contactId))).toEqual([]);
    expect(await ftsHits(world, "quokka99")).toBe(0);
    expect(await ftsHits(world, "zebra42")).toBe(1);
    expect((await db.select().from(webhookDeliveries)).some((d) => d.payload.includes("quokka99") || d.payload.includes("Kai"))).toBe(
      false,
    );
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "contact.erased"));
    expect(audit).toMatchObject({ subjectId: String(chat.contactId), data: { messages: 3, conversations: 2, identities: 3 } });
    expect(JSON.stringify(audit)).not.toMatch(/Kai|kai@|zebra|quokka/);
    expect((await world.api(`/api/v1/contacts/${other.contactId}`)).status).toBe(200);
    expect((await world.api(`/api/v1/contacts/${chat.contactId}/export`)).status).toBe(404);
  });

  it("lets only admins export or erase through the API", async () => {
    world = await identityWorld();
    const { chat } = await customer(world);
    const { agent } = await createAgent(world.harness.switchboard.store, {
      email: "max@example.com",
      name: "Max",
      password: "correct-horse-battery",
    });
    const { token } = await createApiToken(world.harness.switchboard.store, agent.id, "t");
    const res = await world.harness.request(`/api/v1/contacts/${chat.contactId}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain("Only admins may erase contacts");
  });

  it("exports and erases with the CLI commands, refusing to erase without --yes", async () => {
    world = await identityWorld();
    const { chat } = await customer(world);
    const config = join(world.harness.dir, "cli.toml");
    writeFileSync(config, `[store]\nurl = "file:${join(world.harness.dir, "switchboard.db")}"\n`);
    let printed = "";
    expect(await contactExportCommand(String(chat.contactId), { config }, (text) => (printed += text))).toBe(0);
    expect(JSON.parse(printed).messages).toHaveLength(3);
    await expect(contactEraseCommand(String(chat.contactId), { config })).rejects.toThrow(
      /for good\. Export them first .* then run again with --yes/,
    );
    const lines: string[] = [];
    expect(await contactEraseCommand(`#${chat.contactId}`, { config, yes: true }, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([`Erased contact ${chat.contactId}: 3 messages, 2 conversations, 3 identities.`]);
    await expect(contactEraseCommand("abc", { config, yes: true })).rejects.toThrow('"abc" is not a contact id');
    expect(await ftsHits(world, "quokka99")).toBe(0);
  });
});
