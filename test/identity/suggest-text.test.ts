// Merge suggestions from what customers write, through real channels (the harness's test inbox as
// "Telegram", and the API channel over HTTP): a reference in both plus the same folded name active
// on the other channel suggests, with each piece of evidence and its weight in the contact panel; a
// name alone, or a reference alone, never does; an email written in a body that another contact
// holds does; naming the other channel counts next to another signal; patterns are configurable.

import { afterEach, describe, expect, it } from "vitest";
import { contactSuggestions } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.harness.close();
  world = undefined;
});

const DAY = 24 * 3_600_000;
/** The harness's test inbox, shown to agents (and named by customers) as "Telegram". */
const TELEGRAM = { inboxes: { test: { plugin: "test-channel", display_name: "Telegram" } as never } };

async function suggestions(w: IdentityWorld) {
  return w.harness.switchboard.store.db.select().from(contactSuggestions);
}

describe("suggestions from message text", () => {
  it("suggests on the same order number and the same folded name active on the other channel, with weights in the panel", async () => {
    world = await identityWorld(TELEGRAM);
    const telegram = await world.chat(
      { externalId: "tg-maria", name: "Maria Lopez", phone: "+34600111222", verified: true },
      "Billing problem, order A-1001",
    );
    world.harness.clock.advance(DAY);
    const email = await world.shop(
      { id: "shop-maria", name: "María  LÓPEZ", email: "maria@example.net" },
      "Still charged twice for A-1001",
    );
    expect(email.contact_id).not.toBe(telegram.contactId);
    const [suggestion] = await suggestions(world);
    expect(suggestion).toMatchObject({ contactId: telegram.contactId, otherContactId: email.contact_id, status: "open" });
    expect(suggestion!.evidence.map((e) => [e.reason, e.value, e.weight])).toEqual([
      ["same_reference", "A-1001", 0.5],
      ["same_name_active", "maria lopez", 0.35],
    ]);
    const browser = await world.browser();
    const page = await (await browser.get(`/inbox/conversations/${email.conversation_id}`)).text();
    expect(page).toContain("Possibly the same person");
    expect(page).toContain("Both wrote A-1001");
    expect(page).toContain("weight 0.5");
    const api = await (await world.api(`/api/v1/contacts/${email.contact_id}/merge-suggestions`)).json();
    expect(api.data[0].evidence[0]).toMatchObject({ reason: "same_reference", weight: 0.5 });
  });

  it("never suggests on a name alone, nor on a reference alone", async () => {
    world = await identityWorld(TELEGRAM);
    await world.chat({ externalId: "tg-1", name: "Maria Lopez" }, "hello");
    await world.shop({ id: "shop-1", name: "maria lopez" }, "hi there"); // same name, active elsewhere: 0.35
    await world.shop({ id: "shop-2", name: "Someone Else" }, "about INV-2026-0042");
    await world.chat({ externalId: "tg-3", name: "Another Person" }, "INV-2026-0042 is wrong"); // same reference only: 0.5
    expect(await suggestions(world)).toEqual([]);
  });

  it("suggests when a message gives an email another contact holds, and counts naming the other channel next to the same name", async () => {
    world = await identityWorld(TELEGRAM);
    const owner = await world.shop({ id: "shop-ann", name: "Ann Lee", email: "ann@lee.example", verified: true }, "hi");
    const chat = await world.chat({ externalId: "tg-ann", name: "A. L." }, "my email there is Ann@Lee.example");
    const [mentioned] = await suggestions(world);
    expect(mentioned).toMatchObject({ contactId: owner.contact_id, otherContactId: chat.contactId });
    expect(mentioned!.evidence[0]).toMatchObject({ reason: "mentioned_email", value: "ann@lee.example", weight: 0.7 });

    const tg = await world.chat({ externalId: "tg-bo", name: "Bo Chen" }, "hello");
    world.harness.clock.advance(DAY);
    const shop = await world.shop({ id: "shop-bo", name: "bo  chen" }, "I wrote on Telegram yesterday, no answer");
    const pair = (await suggestions(world)).find((s) => s.otherContactId === shop.contact_id);
    expect(pair).toMatchObject({ contactId: tg.contactId });
    expect(pair!.evidence.map((e) => e.reason)).toEqual(["same_name_active", "names_channel"]);
  });

  it("reads references with the configured patterns instead of the defaults", async () => {
    world = await identityWorld({ ...TELEGRAM, config: { identity: { reference_patterns: ["\\bCASE\\d{3}\\b"] } } });
    await world.chat({ externalId: "tg-1", name: "Kim Park" }, "about A-1001 and CASE123");
    world.harness.clock.advance(DAY);
    await world.shop({ id: "shop-1", name: "Kim Park" }, "A-1001 again");
    expect(await suggestions(world)).toEqual([]);
    await world.shop({ id: "shop-1", name: "Kim Park" }, "and CASE123");
    expect((await suggestions(world))[0]!.evidence.map((e) => [e.reason, e.value])).toEqual([
      ["same_reference", "CASE123"],
      ["same_name_active", "kim park"],
    ]);
  });
});
