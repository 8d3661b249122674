// Identity resolution through real channels (the API channel over HTTP and the harness's test
// inbox): one person writing from two channels becomes one contact only when verified; an
// unverified email never joins or claims; conflicting names become alternatives; phones are E.164.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { contactSuggestions, contacts, identities, identityClaims } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

describe("identity resolution across channels", () => {
  it("makes one contact of a person on two channels only once the second channel vouches for the email", async () => {
    world = await identityWorld();
    const db = world.harness.switchboard.store.db;
    const chat = await world.chat({ externalId: "tg-100", name: "Ann Lee", email: "Ann@Example.com", verified: true }, "Hi from chat");

    const typed = await world.shop({ id: "shop-ann", name: "Ann", email: "ann@example.com" }, "Hi from the shop, unverified");
    expect(typed.contact_id).not.toBe(chat.contactId);
    expect(await db.select().from(identities).where(eq(identities.channel, "email"))).toEqual([
      expect.objectContaining({ contactId: chat.contactId, externalId: "ann@example.com", verified: true, source: "inbox:test" }),
    ]);
    expect(await db.select().from(identityClaims).where(eq(identityClaims.kind, "email"))).toEqual([
      expect.objectContaining({ contactId: typed.contact_id, kind: "email", value: "ann@example.com", source: "inbox:shop" }),
    ]);

    const vouched = await world.shop({ id: "shop-ann-2", name: "Ann L.", email: "ann@example.com", verified: true }, "Signed in now");
    expect(vouched.contact_id).toBe(chat.contactId);
    const [ann] = await db.select().from(contacts).where(eq(contacts.id, chat.contactId));
    expect(ann!.name).toBe("Ann Lee");
    expect(ann!.attributes.alternatives).toEqual({ name: ["Ann L."] });
    const annIds = await db.select().from(identities).where(eq(identities.contactId, chat.contactId));
    expect(annIds.map((i) => [i.channel, i.externalId, i.verified])).toEqual([
      ["test", "tg-100", true],
      ["email", "ann@example.com", true],
      ["api", "shop-ann-2", true],
    ]);
  });

  it("never lets an unverified email claim an address: the later verified owner gets a contact of their own, and a suggestion", async () => {
    world = await identityWorld();
    const db = world.harness.switchboard.store.db;
    const squatter = await world.shop({ id: "shop-x", name: "Mallory", email: "ceo@bigcorp.example" }, "I am the CEO");
    const owner = await world.chat({ externalId: "tg-ceo", name: "Carla", email: "ceo@bigcorp.example", verified: true }, "Real CEO here");
    expect(owner.contactId).not.toBe(squatter.contact_id);
    expect(await db.select().from(identities).where(eq(identities.channel, "email"))).toEqual([
      expect.objectContaining({ contactId: owner.contactId }),
    ]);
    const [suggestion] = await db.select().from(contactSuggestions);
    expect(suggestion).toMatchObject({ contactId: squatter.contact_id, otherContactId: owner.contactId, status: "open" });
    expect(suggestion!.evidence).toEqual([
      expect.objectContaining({
        reason: "same_email",
        value: "ceo@bigcorp.example",
        detail: `Both gave ceo@bigcorp.example: verified on #${owner.contactId} (inbox:test), unverified on #${squatter.contact_id}`,
      }),
    ]);
    const again = await world.shop({ id: "shop-x", name: "Mallory", email: "ceo@bigcorp.example" }, "second message");
    expect(again.contact_id).toBe(squatter.contact_id);
  });

  it("normalises phones to E.164 (national numbers with identity.default_phone_region) and refuses impossible ones clearly", async () => {
    world = await identityWorld({ config: { identity: { default_phone_region: "DE" } } });
    const db = world.harness.switchboard.store.db;
    const a = await world.shop({ id: "p1", name: "Jo", phone: "030 1234567", verified: true }, "hi");
    const b = await world.chat({ externalId: "tg-jo", phone: "+49 (0)30 1234567", verified: true }, "hi again");
    expect(b.contactId).toBe(a.contact_id);
    expect(await db.select({ value: identities.externalId }).from(identities).where(eq(identities.channel, "phone"))).toEqual([
      { value: "+49301234567" },
    ]);
    const res = await world.harness.request("/webhooks/shop/messages", {
      method: "POST",
      headers: { Authorization: "Bearer shop-secret-0123456789", "Content-Type": "application/json" },
      body: JSON.stringify({ id: "p2", contact: { id: "x", phone: "12" }, text: "hi" }),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toContain(
      "contact.phone: expected an E.164 phone number such as +14155550123, or a national number of region DE",
    );
  });
});

describe("merge suggestions", () => {
  it("suggests contacts with the same name and email domain, or the same phone, with the evidence", async () => {
    world = await identityWorld();
    const db = world.harness.switchboard.store.db;
    const first = await world.chat({ externalId: "tg-1", name: "Dana Scully", email: "dana@fbi.example", verified: true }, "hi");
    const second = await world.shop({ id: "s-1", name: "dana scully", email: "d.scully@fbi.example", verified: true }, "hello");
    await world.shop({ id: "s-2", name: "Dana Scully", email: "dana@gmail.com", verified: true }, "free mail says nothing");
    const suggestions = await db.select().from(contactSuggestions);
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]).toMatchObject({ contactId: first.contactId, otherContactId: second.contact_id });
    expect(suggestions[0]!.evidence[0]).toMatchObject({
      reason: "same_name",
      detail: 'Same name "dana scully" and an email at fbi.example',
    });
  });

  it("shows a suggestion in the sidebar; dismissing it is CSRF-checked, audited and final", async () => {
    world = await identityWorld();
    const one = await world.chat({ externalId: "tg-1", name: "Eve", email: "eve@example.com" }, "hi");
    const two = await world.shop({ id: "s-1", name: "Eve Adams", email: "eve@example.com" }, "hello");
    const browser = await world.browser();
    const page = await (await browser.get(`/inbox/conversations/${two.conversation_id}`)).text();
    expect(page).toContain("Possibly the same person");
    expect(page).toContain(`Both gave eve@example.com: unverified on #${two.contact_id} (inbox:shop), unverified on #${one.contactId}`);
    const [suggestion] = await world.harness.switchboard.store.db.select().from(contactSuggestions);
    const path = `/inbox/conversations/${two.conversation_id}/suggestions/${suggestion!.id}/dismiss`;
    expect((await browser.post(path, {}, { csrf: false })).status).toBe(403);
    const dismissed = await browser.post(path, {}, { htmx: true });
    expect(dismissed.status).toBe(200);
    const sidebar = await dismissed.text();
    expect(sidebar).toContain('id="contact-sidebar"');
    expect(sidebar).not.toContain("Possibly the same person");
    await world.shop({ id: "s-1", name: "Eve Adams", phone: "+14155550123", email: "eve@example.com" }, "new phone, same email");
    const [after] = await world.harness.switchboard.store.db.select().from(contactSuggestions);
    expect(after).toMatchObject({ id: suggestion!.id, status: "dismissed", decidedBy: expect.stringMatching(/^agent:\d+$/) });
  });

  it("accepting a suggestion in the sidebar merges the other contact into this one", async () => {
    world = await identityWorld();
    const db = world.harness.switchboard.store.db;
    const one = await world.chat({ externalId: "tg-1", name: "Fay", phone: "+1 415 555 0123" }, "hi from chat");
    const two = await world.shop({ id: "s-9", name: "Fay", phone: "+14155550123" }, "hi from the shop");
    const [suggestion] = await db.select().from(contactSuggestions);
    expect(suggestion!.evidence.map((e) => e.reason).sort()).toEqual(["same_name", "same_phone"]);
    const browser = await world.browser();
    const res = await browser.post(`/inbox/conversations/${one.conversationId}/suggestions/${suggestion!.id}/accept`, {});
    expect(res.status).toBe(303);
    expect(await db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: one.contactId }]);
    const page = await (await browser.get(`/inbox/conversations/${one.conversationId}`)).text();
    expect(page).toContain("hi from the shop");
    expect(page).toContain("Undo merge");
    expect((await world.api(`/api/v1/contacts/${two.contact_id}`)).status).toBe(404);
  });

  it("suggests contacts that enrichment gives the same account number (identity.match_facts)", async () => {
    const { writeFixturePlugin } = await import("../../core/src/testing/index.ts");
    const crm = writeFixturePlugin(
      `ctx.enrich((input) => input.message.text.includes("order") ? { account_id: "ACC-77", plan: "pro" } : null);`,
      { name: "crm" },
    );
    world = await identityWorld({ plugins: { crm: { package: crm } } });
    const a = await world.chat({ externalId: "tg-a", name: "Gil" }, "my order is late");
    const b = await world.shop({ id: "s-b", name: "G. Smith" }, "about my order");
    await world.harness.drain();
    const open = await (await world.api(`/api/v1/contacts/${a.contactId}/merge-suggestions`)).json();
    expect(open.data).toEqual([
      expect.objectContaining({
        contact_ids: [a.contactId, b.contact_id],
        status: "open",
        evidence: [expect.objectContaining({ reason: "same_fact", value: "account_id ACC-77" })],
        other_contact: expect.objectContaining({ id: b.contact_id }),
      }),
    ]);
  });
});
