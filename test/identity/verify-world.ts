/**
 * The world of the verified-linking tests (issue 16.1), on loopback: Maria on Telegram (the fake Bot
 * API, long polling), a shop API inbox where she is known by a verified email, and an email inbox
 * whose SMTP relay captures the codes and links; an admin agent with an API token; `extra` plugins
 * and inboxes. Close it with `closeVerifyWorld()` after each test.
 */
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { signIn } from "../../core/src/inbox/fixtures.ts";
import { auditLog, contactMerges, contacts } from "../../core/src/store/schema.ts";
import {
  createTestAgent,
  createTestHarness,
  type Harness,
  type HarnessOptions,
  type RequestFn,
  waitFor,
} from "../../core/src/testing/index.ts";
import { type CaptureSmtp, startCaptureSmtp } from "../../plugins/channel-email/test-support/smtp-capture.ts";
import { type FakeTelegram, startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";
import { API_PLUGIN, SHOP_SECRET } from "./fixtures.ts";

const TELEGRAM = fileURLToPath(new URL("../../plugins/channel-telegram/src/index.ts", import.meta.url));
const EMAIL = fileURLToPath(new URL("../../plugins/channel-email/src/index.ts", import.meta.url));
export const maria = { id: 5151, is_bot: false, first_name: "Maria", last_name: "Lopez" };
export const ADDRESS = "maria@lopez.example";

/** Maria, known to the shop by her verified email, writes through the shop's API inbox ("shop"). */
export async function shopContact(request: RequestFn): Promise<{ contact_id: number; conversation_id: number }> {
  const res = await request("/webhooks/shop/messages", {
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
}

let telegram: FakeTelegram | undefined;
let relay: CaptureSmtp | undefined;
let harness: Harness | undefined;
/** Stops what `verifyWorld` started. */
export async function closeVerifyWorld(): Promise<void> {
  await harness?.close();
  await telegram?.stop();
  await relay?.close();
  harness = undefined;
  telegram = undefined;
  relay = undefined;
}

/**
 * Starts the world (plus any `extra` plugins and inboxes).
 *
 * @example
 * const w = await verifyWorld();
 * await w.say("Hi", 1);
 */
export async function verifyWorld(extra: Pick<HarnessOptions, "plugins" | "inboxes" | "config"> = {}) {
  telegram = await startFakeTelegram();
  relay = await startCaptureSmtp();
  harness = await createTestHarness({
    ...extra,
    plugins: { telegram: { package: TELEGRAM }, api: { package: API_PLUGIN }, email: { package: EMAIL }, ...extra.plugins },
    inboxes: {
      ...extra.inboxes,
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
  const smtp = relay;
  const db = h.switchboard.store.db;
  const { token, email } = await createTestAgent(h, { name: "Ada", role: "admin" });
  /** The bot's messages to Maria, as she sees them. */
  const botSaid = () => tg.world.sent.map((s) => s.message.text ?? "");
  return {
    db,
    h,
    token,
    browser: () => signIn(h, email, "correct-horse-battery"),
    shopContact: () => shopContact(h.request),
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
    smtp,
    ask(conversationId: number, kind: "email" | "phone" = "email") {
      return h.request(`/api/v1/conversations/${conversationId}/verify-${kind}`, {
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
      return (await this.mail()).code;
    },
    /** The `nth` mail to ADDRESS: its code, and the path of its one-click link. */
    async mail(nth = 1) {
      const mails = await smtp.waitFor(nth, 10_000);
      const mail = mails[nth - 1]!;
      expect(mail.rcptTo).toEqual([ADDRESS]);
      return secretsIn(mail.parsed.text ?? "");
    },
    async audits() {
      return (await db.select({ action: auditLog.action }).from(auditLog)).map((a) => a.action);
    },
    /** Undoes the (one) join over REST; resolves to the contact ids there are after it, sorted. */
    async undoJoin(): Promise<number[]> {
      const [join] = await db.select({ id: contactMerges.id }).from(contactMerges);
      const undone = await h.request(`/api/v1/contact-merges/${join!.id}/undo`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(undone.status).toBe(200);
      return (await db.select({ id: contacts.id }).from(contacts)).map((c) => c.id).sort();
    },
  };
}

/**
 * The code and the link's path in a verification message.
 *
 * @example
 * secretsIn(text) // { code: "123456", link: "http://localhost:3000/verify/…", path: "/verify/…" }
 */
export function secretsIn(text: string): { code: string; link: string; path: string } {
  const code = /code is (\d{6})\b/u.exec(text)?.[1];
  const link = /(https?:\/\/\S+\/verify\/[A-Za-z0-9_-]+)/u.exec(text)?.[1];
  if (!code || !link) throw new Error(`no code or link in: ${text}`);
  return { code, link, path: new URL(link).pathname };
}
