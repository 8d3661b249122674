// "Ask to verify a phone" (issue 16.1) through real channels on loopback. There is no SMS channel:
// the code and the link go out on whichever inbox's channel `reachesBy` "phone" (here WhatsApp
// Cloud, on its fake Graph API), chosen generically. Maria on Telegram gives her number; the code
// goes to it on WhatsApp; she types it on Telegram and her Telegram contact joins the shop contact
// that holds the number verified (undoable, audited). Without an inbox that reaches phones the ask
// answers 409 saying what to configure.

import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditLog, contacts, identityVerifications } from "../../core/src/store/schema.ts";
import { waitFor } from "../../core/src/testing/index.ts";
import { type FakeWhatsApp, startFakeWhatsApp } from "../../plugins/channel-whatsapp-cloud/test-support/fake.ts";
import { inboxOptions } from "../../plugins/channel-whatsapp-cloud/test-support/kit.ts";
import { SHOP_SECRET } from "./fixtures.ts";
import { closeVerifyWorld, secretsIn, verifyWorld } from "./verify-world.ts";

const WHATSAPP = fileURLToPath(new URL("../../plugins/channel-whatsapp-cloud/src/index.ts", import.meta.url));
const PHONE = "+16505551234";

let wa: FakeWhatsApp | undefined;
afterEach(async () => {
  await closeVerifyWorld();
  await wa?.stop();
  wa = undefined;
});

/** The world with a WhatsApp Cloud inbox, and the shop contact who holds PHONE verified. */
async function withWhatsApp() {
  wa = await startFakeWhatsApp();
  const w = await verifyWorld({
    plugins: { whatsapp: { package: WHATSAPP } },
    inboxes: { wa: { plugin: "whatsapp", options: inboxOptions(wa) } },
  });
  const res = await w.h.request("/webhooks/shop/messages", {
    method: "POST",
    headers: { Authorization: `Bearer ${SHOP_SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id: "shop-1", contact: { id: "maria", name: "Maria L.", phone: PHONE, verified: true }, text: "Order A-1001" }),
  });
  expect(res.status).toBe(201);
  const shop = ((await res.json()) as { contact_id: number }).contact_id;
  return { w, wa, shop };
}

/** The text of the `nth` WhatsApp message the fake accepted, and its recipient. */
async function whatsAppSent(fake: FakeWhatsApp, nth = 1) {
  const body = await waitFor(() => fake.sends()[nth - 1], 10_000);
  return { to: body.to, text: (body.text as { body: string }).body };
}

describe("asking a Telegram customer to verify a phone", () => {
  it("sends the code on WhatsApp (reachesBy phone) and joins the contacts when she types it on Telegram", { timeout: 30_000 }, async () => {
    const { w, wa: fake, shop } = await withWhatsApp();
    await w.say("Hi, billing problem", 1);
    const tg = await w.conversationId();
    expect(tg.contactId).not.toBe(shop);

    const asked = await w.ask(tg.id, "phone");
    expect(asked.status).toBe(201);
    expect(await asked.json()).toMatchObject({ kind: "phone", status: "awaiting_value" });
    await w.botSays("reply with your phone number");

    await w.say("sure, it is +1 (650) 555-1234", 2);
    const sent = await whatsAppSent(fake);
    expect(sent.to).toBe(PHONE.slice(1));
    const { code, link } = secretsIn(sent.text);
    expect(link).toContain("/verify/");
    await w.botSays(`We sent a 6-digit code to ${PHONE}`);
    expect((await w.db.select().from(identityVerifications))[0]).toMatchObject({ kind: "phone", status: "awaiting_code", value: PHONE });
    expect(w.smtp.mails).toHaveLength(0);

    await w.say(code, 3);
    await w.botSays("Thank you, your phone number is verified.");
    expect(await w.db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: shop }]);
    const [merged] = await w.db.select().from(auditLog).where(eq(auditLog.action, "contact.merged"));
    expect(merged!.data).toMatchObject({ merged: tg.contactId, reason: "verified_phone" });
    const [verified] = await w.db.select().from(auditLog).where(eq(auditLog.action, "identity.verified"));
    expect(verified!.data).toMatchObject({ kind: "phone", value: PHONE, via: "code" });

    expect(await w.undoJoin()).toEqual([shop, tg.contactId].sort());
  });

  it("verifies by the link in the WhatsApp message too, and lets the phone code expire after 15 minutes", { timeout: 30_000 }, async () => {
    const { w, wa: fake, shop } = await withWhatsApp();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    expect((await w.ask(tg.id, "phone")).status).toBe(201);
    await w.say(PHONE, 2);
    const first = secretsIn((await whatsAppSent(fake)).text);
    w.h.clock.advance(15 * 60_000 + 1);
    expect((await w.h.request(first.path)).status).toBe(410);
    await w.say(first.code, 3);
    expect((await w.db.select().from(identityVerifications))[0]).toMatchObject({ status: "expired" });

    expect((await w.ask(tg.id, "phone")).status).toBe(201);
    await w.say(PHONE, 4);
    const second = secretsIn((await whatsAppSent(fake, 2)).text);
    const page = await w.h.request(second.path);
    expect(await page.text()).toContain("Confirm your phone number");
    const done = await w.h.request(second.path, { method: "POST", headers: { Origin: "http://localhost" } });
    expect(done.status).toBe(200);
    expect(await w.db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: shop }]);
  });

  it("answers 409 naming what to configure when no inbox reaches a phone, over REST and in the inbox", { timeout: 30_000 }, async () => {
    const w = await verifyWorld();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    const refused = await w.ask(tg.id, "phone");
    expect(refused.status).toBe(409);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("SWB_ERR_CONFLICT");
    expect(error.message).toContain('reaches contacts by phone (reachesBy "phone", such as WhatsApp Cloud)');
    expect(await w.db.select().from(identityVerifications)).toEqual([]);

    const browser = await w.browser();
    const page = await (await browser.get(`/inbox/conversations/${tg.id}`)).text();
    expect(page).toContain(`action="/inbox/conversations/${tg.id}/actions/verify-phone"`);
    const inInbox = await browser.post(`/inbox/conversations/${tg.id}/actions/verify-phone`, {}, { htmx: true });
    expect(inInbox.status).toBe(409);
    expect(await inInbox.text()).toContain("Configure an inbox whose channel reaches contacts by phone");
    expect(w.botSaid().some((t) => t.includes("phone number"))).toBe(false);
  });
});
