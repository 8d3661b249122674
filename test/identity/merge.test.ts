// Merging contacts and undoing it, through the REST API, on contacts built through real channels:
// undo restores every table exactly (full snapshots), later messages follow their conversation,
// and every merge and unmerge is audited and published.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { SwitchboardEvent } from "../../core/src/events/types.ts";
import { auditLog, contacts, conversationLabels, labels, messages } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld, snapshot } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

/** Two contacts of one person (unverified on the shop), with conversations, a label, an attachment, a suggestion and a third contact's suggestion. */
async function twoOfOne(w: IdentityWorld) {
  const chat = await w.chat(
    { externalId: "tg-1", name: "Hana Kim", email: "hana@kim.example", verified: true },
    "Chat: where is my parcel?",
  );
  await w.harness.switchboard.outbound.reply({ conversationId: chat.conversationId, text: "Looking into it", agentId: null });
  const shop = await w.shop(
    { id: "shop-hana", name: "Hana K.", email: "hana@kim.example", phone: "+14155550199" },
    "Shop: parcel 123 missing",
  );
  await w.shop({ id: "shop-hana", name: "Hana K.", email: "hana@kim.example" }, "Shop: any news?");
  const third = await w.chat({ externalId: "tg-3", name: "Other", phone: "+14155550199" }, "same phone as the shop account");
  await w.harness.switchboard.store.write(async (tx) => {
    const [label] = await tx.insert(labels).values({ name: "parcel" }).returning();
    await tx.insert(conversationLabels).values({ conversationId: shop.conversation_id, labelId: label!.id });
    await tx
      .update(contacts)
      .set({ attributes: { plan: "basic", tier: 1 } })
      .where(eq(contacts.id, shop.contact_id));
    await tx
      .update(contacts)
      .set({ attributes: { plan: "pro" } })
      .where(eq(contacts.id, chat.contactId));
  });
  await w.harness.drain();
  return { chat, shop, third };
}

describe("contact merge and undo", () => {
  it("moves everything to the survivor, keeps conflicts as alternatives, and undo restores every table exactly", async () => {
    world = await identityWorld();
    const { chat, shop, third } = await twoOfOne(world);
    const events: SwitchboardEvent[] = [];
    world.harness.switchboard.bus.on("*", (e) => void events.push(e));
    const before = await snapshot(world.harness);
    expect(before.contact_suggestions).toHaveLength(2);

    const merged = await world.api(`/api/v1/contacts/${chat.contactId}/merge`, { method: "POST", body: { contact_id: shop.contact_id } });
    expect(merged.status).toBe(201);
    const merge = await merged.json();
    expect(merge).toMatchObject({
      survivor_id: chat.contactId,
      merged_id: shop.contact_id,
      moved: { identities: 1, conversations: 1, messages: 2 },
      undone_at: null,
    });
    const detail = await (await world.api(`/api/v1/contacts/${chat.contactId}`)).json();
    expect(detail.name).toBe("Hana Kim");
    expect(detail.phone).toBe("+14155550199");
    expect(detail.attributes).toEqual({ plan: "pro", tier: 1, alternatives: { name: ["Hana K."], plan: ["basic"] } });
    expect(detail.conversations).toHaveLength(2);
    const survivorMessages = await world.harness.switchboard.store.db.select().from(messages).where(eq(messages.contactId, chat.contactId));
    expect(survivorMessages.map((m) => m.text)).toContain("Shop: any news?");
    const afterMerge = await snapshot(world.harness);
    expect(afterMerge.contact_suggestions).toEqual([
      expect.objectContaining({ contact_id: chat.contactId, other_contact_id: third.contactId }),
    ]);
    expect(afterMerge.contacts_fts).not.toEqual(before.contacts_fts);

    const undone = await world.api(`/api/v1/contact-merges/${merge.id}/undo`, { method: "POST" });
    expect(undone.status).toBe(200);
    expect((await undone.json()).undone_at).toBe(world.harness.clock.now());
    expect(await snapshot(world.harness)).toEqual(before);

    expect((await world.api(`/api/v1/contact-merges/${merge.id}/undo`, { method: "POST" })).status).toBe(409);
    await world.harness.drain();
    expect(events.filter((e) => e.name.startsWith("contact.")).map((e) => [e.name, e.data])).toEqual([
      [
        "contact.merged",
        { survivorId: chat.contactId, mergedId: shop.contact_id, actor: expect.stringMatching(/^agent:/), mergeId: merge.id },
      ],
      [
        "contact.unmerged",
        { survivorId: chat.contactId, restoredId: shop.contact_id, actor: expect.stringMatching(/^agent:/), mergeId: merge.id },
      ],
    ]);
    const audit = await world.harness.switchboard.store.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, String(chat.contactId)));
    expect(audit.map((a) => a.action)).toEqual(["contact.merged", "contact.unmerged"]);
    expect(audit[1]!.data).toEqual({ restored: shop.contact_id, merge: merge.id, exact: true });
  });

  it("undo after new messages: they follow their conversation back, and facts edited since stay", async () => {
    world = await identityWorld();
    const { chat, shop } = await twoOfOne(world);
    const merge = await (
      await world.api(`/api/v1/contacts/${chat.contactId}/merge`, { method: "POST", body: { contact_id: shop.contact_id } })
    ).json();
    const later = await world.shop({ id: "shop-hana", name: "Hana K." }, "Shop: written after the merge");
    expect(later.contact_id).toBe(chat.contactId);
    await world.api(`/api/v1/contacts/${chat.contactId}`, { method: "PATCH", body: { name: "Hana Kim-Lee" } });
    expect((await world.api(`/api/v1/contact-merges/${merge.id}/undo`, { method: "POST" })).status).toBe(200);
    const db = world.harness.switchboard.store.db;
    const [message] = await db.select().from(messages).where(eq(messages.id, later.message_id));
    expect(message!.contactId).toBe(shop.contact_id);
    const [survivor] = await db.select().from(contacts).where(eq(contacts.id, chat.contactId));
    expect(survivor).toMatchObject({ name: "Hana Kim-Lee", phone: null, attributes: { plan: "pro" } });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "contact.unmerged"));
    expect(audit!.data).toMatchObject({ exact: false });
  });

  it("refuses to undo a merge whose survivor was merged on since, until that one is undone", async () => {
    world = await identityWorld();
    const a = await world.chat({ externalId: "a", name: "A" }, "a");
    const b = await world.chat({ externalId: "b", name: "B" }, "b");
    const c = await world.chat({ externalId: "c", name: "C" }, "c");
    const first = await (
      await world.api(`/api/v1/contacts/${a.contactId}/merge`, { method: "POST", body: { contact_id: b.contactId } })
    ).json();
    const second = await (
      await world.api(`/api/v1/contacts/${c.contactId}/merge`, { method: "POST", body: { contact_id: a.contactId } })
    ).json();
    const refused = await world.api(`/api/v1/contact-merges/${first.id}/undo`, { method: "POST" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toBe(
      `Contact ${a.contactId} was itself merged into contact ${c.contactId} (merge ${second.id}) since. Undo merge ${second.id} first.`,
    );
    expect((await world.api(`/api/v1/contact-merges/${second.id}/undo`, { method: "POST" })).status).toBe(200);
    expect((await world.api(`/api/v1/contact-merges/${first.id}/undo`, { method: "POST" })).status).toBe(200);
    expect((await world.api(`/api/v1/contacts/${a.contactId}/merge`, { method: "POST", body: { contact_id: a.contactId } })).status).toBe(
      422,
    );
    expect((await world.api(`/api/v1/contacts/${a.contactId}/merge`, { method: "POST", body: { contact_id: 999 } })).status).toBe(404);
  });
});
