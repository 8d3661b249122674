// Verifying the web chat pre-chat email (issue 16.1) through real channels on loopback: a visitor
// leaves maria@lopez.example in the widget's pre-chat form (stored as an unverified claim) and
// writes; with the inbox's `verify_prechat_email = true` Switchboard at once sends a code and a link
// to that address from the email inbox (SMTP capture) and says so in the chat; the visitor types the
// code in the widget and her web chat contact joins the shop contact that holds the address
// verified. Without the option, the agent's "Ask to verify an email" proves the form's address the
// same way (here by the link). Core knows nothing of web chat: the plugin calls ctx.conversations.verify.

import { fileURLToPath } from "node:url";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/src/log/index.ts";
import { auditLog, contacts, identities, identityClaims, identityVerifications, messages } from "../../core/src/store/schema.ts";
import { createTestAgent, waitFor } from "../../core/src/testing/index.ts";
import { type CaptureSmtp, startCaptureSmtp } from "../../plugins/channel-email/test-support/smtp-capture.ts";
import { type Kit, startKit } from "../../plugins/channel-webchat/test-support/kit.ts";
import { API_PLUGIN, SHOP_SECRET } from "./fixtures.ts";
import { ADDRESS, shopContact as postShopContact, secretsIn } from "./verify-world.ts";

const EMAIL = fileURLToPath(new URL("../../plugins/channel-email/src/index.ts", import.meta.url));

let kit: Kit | undefined;
let relay: CaptureSmtp | undefined;
afterEach(async () => {
  await kit?.close();
  await relay?.close();
  kit = undefined;
  relay = undefined;
});

async function world(options: Record<string, unknown>) {
  relay = await startCaptureSmtp();
  kit = await startKit(
    { pre_chat: "required", ...options },
    {
      plugins: { api: { package: API_PLUGIN }, email: { package: EMAIL } },
      inboxes: {
        shop: { plugin: "api", options: { secret: SHOP_SECRET } },
        mail: {
          plugin: "email",
          options: { address: "support@acme.com", name: "Acme", smtp: { host: "127.0.0.1", port: relay.port, security: "none" } },
        },
      },
    },
  );
  const k = kit;
  const db = k.harness.switchboard.store.db;
  const shopContact = (await postShopContact(k.harness.request)).contact_id;
  const token = await k.visitor();
  expect((await k.call("/profile", { token, body: { name: "Maria", email: ADDRESS } })).status).toBe(200);
  expect((await k.say(token, "Hi, billing problem")).status).toBe(201);
  const [first] = await db.select().from(messages).where(eq(messages.inbox, "site"));
  return {
    k,
    db,
    token,
    shopContact,
    visitor: { contactId: first!.contactId, conversationId: first!.conversationId },
    /** What the widget shows the visitor (their log), once it contains `fragment` (polled gently: the widget API is rate-limited per IP). */
    async widgetSays(fragment: string) {
      return waitFor(async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await k.harness.drain();
        const answer = await k.call("/messages?after=0", { token });
        expect(answer.status).toBe(200);
        const log = (await answer.json()) as { messages: { text: string }[] };
        return log.messages.find((m) => m.text.includes(fragment));
      }, 10_000);
    },
  };
}

describe("verifying the web chat pre-chat email", () => {
  it("with verify_prechat_email but no inbox that sends email, answers the visitor and logs core's reason", {
    timeout: 30_000,
  }, async () => {
    const logged: { msg: string; error?: { message: string } }[] = [];
    const log = createLogger({ level: "warn", destination: { write: (line: string) => void logged.push(JSON.parse(line)) } });
    kit = await startKit({ pre_chat: "required", verify_prechat_email: true }, { log });
    const token = await kit.visitor();
    expect((await kit.call("/profile", { token, body: { name: "Maria", email: ADDRESS } })).status).toBe(200);
    expect((await kit.say(token, "Hi")).status).toBe(201);
    const warning = await waitFor(() => logged.find((l) => l.msg === "could not ask the visitor to verify the form's email"), 10_000);
    expect(warning.error?.message).toContain("Configure an email inbox");
    expect(await kit.harness.switchboard.store.db.select().from(identityVerifications)).toEqual([]);
  });

  it("with verify_prechat_email, sends a code at the first message; typed in the widget, it joins the contacts", {
    timeout: 30_000,
  }, async () => {
    const w = await world({ verify_prechat_email: true });
    expect(w.visitor.contactId).not.toBe(w.shopContact);
    expect(
      await w.db
        .select({ value: identityClaims.value })
        .from(identityClaims)
        .where(and(eq(identityClaims.contactId, w.visitor.contactId), eq(identityClaims.kind, "email"))),
    ).toEqual([{ value: ADDRESS }]);
    const [mail] = await relay!.waitFor(1, 10_000);
    expect(mail!.rcptTo).toEqual([ADDRESS]);
    const { code } = secretsIn(mail!.parsed.text ?? "");
    await w.widgetSays(`We sent a 6-digit code to ${ADDRESS}`);
    const [row] = await w.db.select().from(identityVerifications);
    expect(row).toMatchObject({ conversationId: w.visitor.conversationId, status: "awaiting_code", value: ADDRESS });
    const [asked] = await w.db.select().from(auditLog).where(eq(auditLog.action, "identity.verification_requested"));
    expect(asked).toMatchObject({ actor: "plugin:webchat", data: expect.objectContaining({ claimed: ADDRESS }) });

    expect((await w.k.say(w.token, code)).status).toBe(201);
    await w.widgetSays("Thank you, your email address is verified.");
    expect(await w.db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: w.shopContact }]);
    const email = await w.db.select().from(identities).where(eq(identities.channel, "email"));
    expect(email).toEqual([expect.objectContaining({ externalId: ADDRESS, verified: true, contactId: w.shopContact })]);
    const stored = await w.db.select({ text: messages.text }).from(messages).where(eq(messages.inbox, "site"));
    expect(stored.map((m) => m.text)).not.toContain(code);
  });

  it("without the option, stores the email unverified, and the agent's ask proves it (here by the link)", { timeout: 30_000 }, async () => {
    const w = await world({});
    await w.k.harness.drain();
    expect(relay!.mails).toHaveLength(0);
    expect(await w.db.select().from(identityVerifications)).toEqual([]);

    const { token } = await createTestAgent(w.k.harness, { name: "Ada", role: "admin" });
    const asked = await w.k.harness.request(`/api/v1/conversations/${w.visitor.conversationId}/verify-email`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(asked.status).toBe(201);
    expect(await asked.json()).toMatchObject({ kind: "email", status: "awaiting_code" });
    const [mail] = await relay!.waitFor(1, 10_000);
    const { path } = secretsIn(mail!.parsed.text ?? "");
    const confirmed = await w.k.harness.request(path, { method: "POST", headers: { Origin: "http://localhost" } });
    expect(confirmed.status).toBe(200);
    await w.widgetSays("Thank you, your email address is verified.");
    expect(await w.db.select({ id: contacts.id }).from(contacts)).toEqual([{ id: w.shopContact }]);
  });
});
