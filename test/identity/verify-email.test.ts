// Verified linking (issue 16.1) through real channels on loopback: Maria writes on Telegram (the fake
// Bot API, long polling); the agent asks her over REST to verify an email; she answers an address on
// Telegram; the code goes out by SMTP from the email inbox (chosen by `reachesBy`, captured by a
// loopback relay); she types it on Telegram and her Telegram contact joins the shop contact that
// holds the address verified. Wrong codes lock after 5 tries, codes expire after 15 minutes, and
// asks are rate-limited per contact.

import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { signIn } from "../../core/src/inbox/fixtures.ts";
import { auditLog, contactMerges, contacts, identityVerifications } from "../../core/src/store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, waitFor } from "../../core/src/testing/index.ts";
import { type CaptureSmtp, startCaptureSmtp } from "../../plugins/channel-email/test-support/smtp-capture.ts";
import { type FakeTelegram, startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";
import { API_PLUGIN, SHOP_SECRET } from "./fixtures.ts";

const TELEGRAM = fileURLToPath(new URL("../../plugins/channel-telegram/src/index.ts", import.meta.url));
const EMAIL = fileURLToPath(new URL("../../plugins/channel-email/src/index.ts", import.meta.url));
const maria = { id: 5151, is_bot: false, first_name: "Maria", last_name: "Lopez" };
const ADDRESS = "maria@lopez.example";

let telegram: FakeTelegram | undefined;
let relay: CaptureSmtp | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await telegram?.stop();
  await relay?.close();
  harness = undefined;
  telegram = undefined;
  relay = undefined;
});

async function world() {
  telegram = await startFakeTelegram();
  relay = await startCaptureSmtp();
  harness = await createTestHarness({
    plugins: { telegram: { package: TELEGRAM }, api: { package: API_PLUGIN }, email: { package: EMAIL } },
    inboxes: {
      tg: { plugin: "telegram", options: { token: telegram.token, api_root: telegram.apiRoot, poll_timeout_seconds: 1 } },
      shop: { plugin: "api", options: { secret: SHOP_SECRET } },
      mail: {
        plugin: "email",
        options: { address: "support@acme.com", name: "Acme", smtp: { host: "127.0.0.1", port: relay.port, security: "none" } },
      },
    },
  });
  const h = harness;
  const tg = telegram;
  const db = h.switchboard.store.db;
  const { token, email } = await createTestAgent(h, { name: "Ada", role: "admin" });
  /** The bot's messages to Maria, as she sees them. */
  const botSaid = () => tg.world.sent.map((s) => s.message.text ?? "");
  return {
    db,
    h,
    token,
    browser: () => signIn(h, email, "correct-horse-battery"),
    async shopContact() {
      const res = await h.request("/webhooks/shop/messages", {
        method: "POST",
        headers: { Authorization: `Bearer ${SHOP_SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          id: "shop-1",
          contact: { id: "maria", name: "Maria L.", email: ADDRESS, verified: true },
          text: "Order A-1001",
        }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { contact_id: number; conversation_id: number };
    },
    /** Maria writes on Telegram; resolves once Switchboard has stored or taken it (`count` incoming messages in tg). */
    async say(text: string, count: number, from = maria) {
      tg.world.say(tg.world.privateChat(from), from, text);
      await waitFor(async () => {
        const rows = await h.switchboard.store.client.execute(
          "SELECT count(*) AS n FROM messages WHERE inbox = 'tg' AND direction = 'incoming'",
        );
        return Number(rows.rows[0]!.n) >= count;
      }, 10_000);
      await h.drain();
    },
    async conversationId(nth = 0) {
      const rows = await h.switchboard.store.client.execute(
        `SELECT conversation_id AS id, contact_id AS c FROM messages WHERE inbox = 'tg' AND direction = 'incoming' ORDER BY id LIMIT 1 OFFSET ${nth}`,
      );
      return { id: Number(rows.rows[0]!.id), contactId: Number(rows.rows[0]!.c) };
    },
    ask(conversationId: number) {
      return h.request(`/api/v1/conversations/${conversationId}/verify-email`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
    },
    async botSays(fragment: string) {
      return waitFor(async () => {
        await h.drain();
        return botSaid().find((t) => t.includes(fragment));
      }, 10_000);
    },
    botSaid,
    async code() {
      const [mail] = await relay!.waitFor(1, 10_000);
      expect(mail!.rcptTo).toEqual([ADDRESS]);
      return /\b(\d{6})\b/u.exec(mail!.parsed.text ?? "")![1]!;
    },
    async audits() {
      return (await db.select({ action: auditLog.action }).from(auditLog)).map((a) => a.action);
    },
  };
}

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

    const [join] = await w.db.select({ id: contactMerges.id }).from(contactMerges);
    const undone = await w.h.request(`/api/v1/contact-merges/${join!.id}/undo`, {
      method: "POST",
      headers: { Authorization: `Bearer ${w.token}` },
    });
    expect(undone.status).toBe(200);
    expect((await w.db.select({ id: contacts.id }).from(contacts)).map((c) => c.id).sort()).toEqual([shop.contact_id, tg.contactId].sort());
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
    await relay!.waitFor(3, 10_000);
    const bob = { id: 6262, is_bot: false, first_name: "Bob", last_name: "Brown" };
    await w.say("Hello", 5, bob);
    const other = await w.conversationId(4);
    expect(other.contactId).not.toBe(tg.contactId);
    expect((await w.ask(other.id)).status).toBe(201);
    await w.say(ADDRESS, 6, bob);
    await w.botSays("cannot send a code to that address right now");
    expect(relay!.mails).toHaveLength(3);
    expect(await w.audits()).toContain("identity.verification_rate_limited");
  });
});
