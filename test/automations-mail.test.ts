// Loop safety through the real email channel: a vacation auto-reply delivered over SMTP (flagged by
// the channel as metadata.autoReply) triggers no acknowledgement, FAQ answer or SLA clock, while a
// person's email in the same setup gets the acknowledgement by mail.
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, tables } from "@switchboard/core/testing";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { eml } from "../plugins/channel-email/test-support/corpus.ts";
import { freePort } from "../plugins/channel-email/test-support/net.ts";
import { startCaptureSmtp } from "../plugins/channel-email/test-support/smtp-capture.ts";

const EMAIL = fileURLToPath(new URL("../plugins/channel-email/src/index.ts", import.meta.url));
let harness: Harness | undefined;
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const close of closers.splice(0)) await close();
});

describe("automations and mail auto-replies", () => {
  it("answer a person's email but never an auto-reply", async () => {
    const port = await freePort();
    const relay = await startCaptureSmtp();
    closers.push(() => relay.close());
    harness = await createTestHarness({
      now: Date.UTC(2025, 0, 7, 10, 0),
      config: { automations: { enabled: true, faq: { entries: [{ keywords: ["office"], answer: "We saw your note." }] } } },
      plugins: { email: { package: EMAIL } },
      inboxes: {
        support: {
          plugin: "email",
          options: {
            address: "support@acme.com",
            inbound_smtp: { host: "127.0.0.1", port, accept: ["support@acme.com"] },
            smtp: { host: "127.0.0.1", port: relay.port, security: "none" },
          },
        },
      },
    });
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, logger: false });
    closers.push(() => transport.close());
    const send = (id: string, subject: string, extra: string[], body: string) =>
      transport.sendMail({
        envelope: { from: "bob@example.com", to: ["support@acme.com"] },
        raw: eml([`From: Bob <bob@example.com>`, "To: support@acme.com", `Subject: ${subject}`, `Message-ID: <${id}>`, ...extra], body),
      });

    await send("ooo@x", "Out of office: Re: your ticket", ["Auto-Submitted: auto-replied"], "I am out of office until Monday.\r\n");
    await harness.drain();
    const { db } = harness.switchboard.store;
    const [stored] = await db.select().from(tables.messages);
    expect(stored!.metadata).toMatchObject({ autoReply: true });
    expect(await db.select().from(tables.messages)).toHaveLength(1); // nothing sent back, no note
    expect(await db.select().from(tables.automationFires)).toEqual([]);
    expect(await db.select().from(tables.slaClocks)).toEqual([]);
    expect(relay.mails).toEqual([]);

    await send("human@x", "Order 42", [], "Where is my order?\r\n");
    await harness.drain();
    const [ack] = await relay.waitFor(1);
    expect(ack!.parsed.text?.trim()).toBe("Thanks for your message! We usually answer within 4 hours.");
    expect(ack!.rcptTo).toEqual(["bob@example.com"]);
  });
});
