// Verified linking (issue 16.1) through real channels on loopback: Maria writes on Telegram (the fake
// Bot API, long polling); the agent asks her over REST to verify an email; she answers an address on
// Telegram; the code goes out by SMTP from the email inbox (chosen by `reachesBy`, captured by a
// loopback relay); she types it on Telegram and her Telegram contact joins the shop contact that
// holds the address verified. Wrong codes lock after 5 tries, codes expire after 15 minutes, and
// asks are rate-limited per contact.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditLog, contacts, identityVerifications } from "../../core/src/store/schema.ts";
import { ADDRESS, closeVerifyWorld, verifyWorld as world } from "./verify-world.ts";

afterEach(closeVerifyWorld);

describe("asking a Telegram customer to verify an email", () => {
  it("sends a code by email and joins the contacts when she types it on Telegram", { timeout: 30_000 }, async () => {
    const w = await world();
    const shop = await w.shopContact();
    await w.say("Hi, billing problem", 1);
    const tg = await w.conversationId();
    expect(tg.contactId).not.toBe(shop.contact_id);

    const asked = await w.ask(tg.id);
    expect(asked.status).toBe(201);
    expect(await asked.json()).toMatchObject({ conversation_id: tg.id, status: "awaiting_value" });
    await w.botSays("reply with your email address");

    await w.say(`It is ${ADDRESS.toUpperCase()}`, 2);
    const code = await w.code();
    await w.botSays("We sent a 6-digit code");
    const [row] = await w.db.select().from(identityVerifications);
    expect(row).toMatchObject({ status: "awaiting_code", value: ADDRESS, attempts: 0 });
    expect(row!.codeHash).not.toContain(code);

    await w.say(code, 3);
    await w.botSays("is verified");
    expect(await w.db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: shop.contact_id }]);
    const [merged] = await w.db.select().from(auditLog).where(eq(auditLog.action, "contact.merged"));
    expect(merged!.data).toMatchObject({ merged: tg.contactId, reason: "verified_email" });
    expect(await w.audits()).toEqual(
      expect.arrayContaining(["identity.verification_requested", "identity.verification_code_sent", "identity.verified"]),
    );
    const stored = await w.h.switchboard.store.client.execute("SELECT text FROM messages WHERE inbox = 'tg' AND direction = 'incoming'");
    expect(stored.rows.map((r) => r.text)).not.toContain(code); // the code is not kept in the timeline

    expect(await w.undoJoin()).toEqual([shop.contact_id, tg.contactId].sort());
  });

  it("is an action in the conversation header of the inbox", { timeout: 30_000 }, async () => {
    const w = await world();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    const browser = await w.browser();
    const page = await (await browser.get(`/inbox/conversations/${tg.id}`)).text();
    expect(page).toContain(`action="/inbox/conversations/${tg.id}/actions/verify-email"`);
    const asked = await browser.post(`/inbox/conversations/${tg.id}/actions/verify-email`, {}, { htmx: true });
    expect(asked.status).toBe(200);
    await w.botSays("reply with your email address");
    expect((await w.db.select().from(identityVerifications))[0]).toMatchObject({ conversationId: tg.id, status: "awaiting_value" });
    expect((await browser.post(`/inbox/conversations/${tg.id}/actions/verify-email`, {}, { csrf: false })).status).toBe(403);
  });

  it("locks after 5 wrong codes, and the right code then does nothing", { timeout: 30_000 }, async () => {
    const w = await world();
    const shop = await w.shopContact();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    expect((await w.ask(tg.id)).status).toBe(201);
    await w.say(ADDRESS, 2);
    const code = await w.code();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 5; i++) await w.say(wrong, 2 + i);
    await w.botSays("no tries left");
    expect(w.botSaid().filter((t) => t.includes("tries left") || t.includes("try left"))).toHaveLength(5);
    expect((await w.db.select().from(identityVerifications))[0]).toMatchObject({ status: "locked", attempts: 5 });
    await w.say(code, 8); // now an ordinary message
    expect((await w.db.select().from(contacts)).map((c) => c.id).sort()).toEqual([shop.contact_id, tg.contactId].sort());
    expect((await w.audits()).filter((a) => a === "identity.verification_failed")).toHaveLength(4);
    expect(await w.audits()).toContain("identity.verification_locked");
  });

  it("lets a code expire after 15 minutes", { timeout: 30_000 }, async () => {
    const w = await world();
    await w.shopContact();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    expect((await w.ask(tg.id)).status).toBe(201);
    await w.say(ADDRESS, 2);
    const code = await w.code();
    w.h.clock.advance(15 * 60_000 + 1);
    await w.say(code, 3);
    expect(await w.db.select().from(contacts)).toHaveLength(2);
    expect((await w.db.select().from(identityVerifications))[0]).toMatchObject({ status: "expired" });
    expect(await w.audits()).toContain("identity.verification_expired");
  });

  it("tells the customer when the code cannot be sent (the relay refuses it), and audits it", { timeout: 30_000 }, async () => {
    const w = await world();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    expect((await w.ask(tg.id)).status).toBe(201);
    w.smtp.failNext(550, 550, 550, 550, 550);
    await w.say(ADDRESS, 2);
    await w.botSays("We could not send a code to that address");
    expect(w.botSaid().some((t) => t.includes("We sent a 6-digit code"))).toBe(false);
    expect((await w.db.select().from(identityVerifications))[0]).toMatchObject({ status: "cancelled", value: ADDRESS });
    const [failed] = await w.db.select().from(auditLog).where(eq(auditLog.action, "identity.verification_send_failed"));
    expect(failed!.data).toMatchObject({ value: ADDRESS, reason: expect.stringContaining("550") });
  });

  it("limits asks per contact (429)", { timeout: 30_000 }, async () => {
    const w = await world();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    for (let i = 0; i < 3; i++) expect((await w.ask(tg.id)).status).toBe(201);
    const limited = await w.ask(tg.id);
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe("SWB_ERR_RATE_LIMITED");
    expect((await w.ask(999_999)).status).toBe(404);
  });

  it("limits codes per address, whoever asks, with the same answer for any address", { timeout: 30_000 }, async () => {
    const w = await world();
    await w.say("Hi", 1);
    const tg = await w.conversationId();
    for (let i = 1; i <= 3; i++) {
      expect((await w.ask(tg.id)).status).toBe(201);
      await w.say(ADDRESS, 1 + i);
    }
    await w.smtp.waitFor(3, 10_000);
    const bob = { id: 6262, is_bot: false, first_name: "Bob", last_name: "Brown" };
    await w.say("Hello", 5, bob);
    const other = await w.conversationId(4);
    expect(other.contactId).not.toBe(tg.contactId);
    expect((await w.ask(other.id)).status).toBe(201);
    await w.say(ADDRESS, 6, bob);
    await w.botSays("cannot send a code to that address right now");
    expect(w.smtp.mails).toHaveLength(3);
    expect(await w.audits()).toContain("identity.verification_rate_limited");
  });
});
