// The seed scenario through real channels on loopback: Maria writes on Telegram (the fake Bot API,
// long polling; she shares only her phone) on Monday, then emails on Tuesday (SMTP to the email
// inbox's own server) citing the same order number. The two share no identifier, so Switchboard
// keeps two contacts and suggests merging them, with the evidence and its weights; accepting it puts
// Monday's Telegram message in front of the agent who opens the email.

import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { contactSuggestions } from "../../core/src/store/schema.ts";
import { createTestAgent, createTestHarness, type Harness, waitFor, waitForMessages } from "../../core/src/testing/index.ts";
import { eml } from "../../plugins/channel-email/test-support/corpus.ts";
import { freePort } from "../../plugins/channel-email/test-support/net.ts";
import { type FakeTelegram, startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";

const TELEGRAM = fileURLToPath(new URL("../../plugins/channel-telegram/src/index.ts", import.meta.url));
const EMAIL = fileURLToPath(new URL("../../plugins/channel-email/src/index.ts", import.meta.url));
const maria = { id: 4242, is_bot: false, first_name: "Maria", last_name: "Lopez" };
const DAY = 24 * 3_600_000;

let telegram: FakeTelegram | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await telegram?.stop();
  harness = undefined;
  telegram = undefined;
});

describe("the seed scenario: Telegram on Monday, email on Tuesday", () => {
  it("suggests the merge from the shared order number and name, and after it the email's agent sees Monday's message", {
    timeout: 20_000,
  }, async () => {
    telegram = await startFakeTelegram();
    const smtpPort = await freePort();
    harness = await createTestHarness({
      plugins: { telegram: { package: TELEGRAM }, email: { package: EMAIL } },
      inboxes: {
        tg: {
          plugin: "telegram",
          display_name: "Telegram",
          options: { token: telegram.token, api_root: telegram.apiRoot, poll_timeout_seconds: 1 },
        },
        support: {
          plugin: "email",
          options: { address: "support@acme.com", inbound_smtp: { host: "127.0.0.1", port: smtpPort, accept: ["support@acme.com"] } },
        },
      },
    });
    const { world } = telegram;
    world.shareContact(world.privateChat(maria), maria, "+34 600 111 222");
    world.say(world.privateChat(maria), maria, "I was billed twice for order A-1001");
    const [, monday] = await waitForMessages(harness, "tg", 2, 10_000);
    expect(monday!.text).toBe("I was billed twice for order A-1001");

    harness.clock.advance(DAY);
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true, logger: false });
    await transport.sendMail({
      envelope: { from: "maria@example.net", to: ["support@acme.com"] },
      raw: eml(
        ["From: Maria Lopez <maria@example.net>", "To: support@acme.com", "Subject: Order A-1001", "Message-ID: <a1001@example.net>"],
        "Hello, I wrote on Telegram yesterday: A-1001 was charged twice.",
      ),
    });
    transport.close();
    const [tuesday] = await waitForMessages(harness, "support", 1, 10_000);
    expect(tuesday!.contactId).not.toBe(monday!.contactId);

    const db = harness.switchboard.store.db;
    const suggestion = await waitFor(async () => (await db.select().from(contactSuggestions))[0]);
    expect(suggestion).toMatchObject({ contactId: monday!.contactId, otherContactId: tuesday!.contactId, status: "open" });
    expect(suggestion.evidence.map((e) => [e.reason, e.value, e.weight])).toEqual([
      ["same_reference", "A-1001", 0.5],
      ["same_name_active", "maria lopez", 0.35],
      ["names_channel", "telegram", 0.25],
    ]);

    const { token } = await createTestAgent(harness, { name: "Ada", role: "admin" });
    const accept = await harness.request(`/api/v1/merge-suggestions/${suggestion.id}/accept`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ survivor_id: tuesday!.contactId }),
    });
    expect(accept.status).toBe(201);
    const timeline = await harness.request(`/api/v1/contacts/${tuesday!.contactId}/timeline`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const texts = ((await timeline.json()).data as { text: string }[]).map((m) => m.text);
    expect(texts).toEqual(
      expect.arrayContaining(["I was billed twice for order A-1001", expect.stringContaining("A-1001 was charged twice")]),
    );
  });
});
