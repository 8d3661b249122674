// A contact who later verifies an email that another contact already holds verified is the same
// person by our own rule: the two are joined (the older contact stays), audited with the reason,
// published, and the join can be undone over REST.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { SwitchboardEvent } from "../../core/src/events/types.ts";
import { auditLog, contactSuggestions, contacts, conversations, identities } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

describe("a verified email learned later", () => {
  it("joins the contact with the one who holds it verified, and the join can be undone", async () => {
    world = await identityWorld();
    const db = world.harness.switchboard.store.db;
    const chat = await world.chat(
      { externalId: "tg-9", name: "Maria Lopez", email: "maria@lopez.example", verified: true },
      "Monday: billing",
    );
    const shop = await world.shop({ id: "shop-maria", name: "Maria L." }, "Tuesday: signed out, no email yet");
    expect(shop.contact_id).not.toBe(chat.contactId);
    const events: SwitchboardEvent[] = [];
    world.harness.switchboard.bus.on("*", (e) => void events.push(e));

    const proven = await world.shop({ id: "shop-maria", name: "Maria L.", email: "maria@lopez.example", verified: true }, "Signed in now");
    expect(proven.contact_id).toBe(chat.contactId);
    expect(await db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: chat.contactId }]);
    const shopConversation = await db.select().from(conversations).where(eq(conversations.id, shop.conversation_id));
    expect(shopConversation[0]!.contactId).toBe(chat.contactId);
    expect(await db.select().from(contactSuggestions)).toEqual([]); // joined, not merely suggested
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "contact.merged"));
    expect(audit).toMatchObject({ actor: "system", subjectId: String(chat.contactId) });
    expect(audit!.data).toMatchObject({ merged: shop.contact_id, reason: "verified_email" });
    const merged = events.find((e) => e.name === "contact.merged");
    expect(merged?.data).toMatchObject({ survivorId: chat.contactId, mergedId: shop.contact_id, actor: "system" });
    expect(events.map((e) => e.name)).not.toContain("contact.created");

    const mergeId = (merged!.data as { mergeId: number }).mergeId;
    expect((await world.api(`/api/v1/contact-merges/${mergeId}/undo`, { method: "POST" })).status).toBe(200);
    expect((await db.select({ id: contacts.id }).from(contacts)).map((c) => c.id).sort()).toEqual([chat.contactId, shop.contact_id]);
    const apiIdentity = await db.select().from(identities).where(eq(identities.channel, "api"));
    expect(apiIdentity[0]!.contactId).toBe(shop.contact_id);
  });

  it("leaves an unverified holder alone: only a suggestion", async () => {
    world = await identityWorld();
    const db = world.harness.switchboard.store.db;
    const typed = await world.shop({ id: "shop-x", name: "Mallory", email: "ceo@bigcorp.example" }, "I am the CEO");
    const owner = await world.chat({ externalId: "tg-ceo", name: "Carla" }, "hello");
    const later = await world.chat({ externalId: "tg-ceo", name: "Carla", email: "ceo@bigcorp.example", verified: true }, "proven");
    expect(later.contactId).toBe(owner.contactId);
    expect(await db.select({ id: contacts.id }).from(contacts)).toHaveLength(2);
    expect((await db.select().from(contactSuggestions))[0]).toMatchObject({ contactId: typed.contact_id, otherContactId: owner.contactId });
  });
});
