// Issue 4's offline promise, end to end over real interfaces: a web chat visitor, while nobody is
// online, leaves a message and their email (the widget API over HTTP); an agent answers from the
// email inbox (the inbox's reply form over HTTP); the email reaches a capture SMTP relay on
// loopback, addressed to the visitor; the visitor answers by email (nodemailer to the inbox's own
// SMTP server); the answer is on the same contact, in the same conversation. A visitor who left no
// email is not offered the email inbox, and a send there is refused with the reason. An answer from
// another address is not attached to the visitor.

import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { createTestAgent, createTestHarness, type Harness, signInAgent, type TestAgent } from "../core/src/testing/index.ts";
import { eml } from "../plugins/channel-email/test-support/corpus.ts";
import { freePort } from "../plugins/channel-email/test-support/net.ts";
import { type CaptureSmtp, startCaptureSmtp } from "../plugins/channel-email/test-support/smtp-capture.ts";

const WEBCHAT = fileURLToPath(new URL("../plugins/channel-webchat/src/index.ts", import.meta.url));
const EMAIL = fileURLToPath(new URL("../plugins/channel-email/src/index.ts", import.meta.url));
const SITE = "http://shop.test";
const PASSWORD = "correct-horse-battery";

interface World {
  harness: Harness;
  relay: CaptureSmtp;
  url: string;
  agent: TestAgent;
  /** Calls the webchat inbox API as the widget does. */
  widget(path: string, init?: { token?: string; body?: unknown }): Promise<Response>;
  /** Delivers a raw email to the email inbox's SMTP server, as the visitor's mail provider would. */
  mailIn(raw: Buffer, from: string): Promise<void>;
  /** The agent, signed in through the login form: GET and form POST with the session cookie and CSRF token. */
  inbox: { get(path: string): Promise<Response>; post(path: string, form: Record<string, string>): Promise<Response> };
  api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(): Promise<World> {
  const relay = await startCaptureSmtp();
  const inboundPort = await freePort();
  const harness = await createTestHarness({
    plugins: { webchat: { package: WEBCHAT }, email: { package: EMAIL } },
    inboxes: {
      site: { plugin: "webchat", options: { secret: "site-secret-0123456789", allowed_origins: [SITE] } },
      support: {
        plugin: "email",
        options: {
          address: "support@acme.com",
          name: "Acme Support",
          inbound_smtp: { host: "127.0.0.1", port: inboundPort, accept: ["support@acme.com"] },
          smtp: { host: "127.0.0.1", port: relay.port, security: "none", timeout_ms: 5_000 },
        },
      },
    },
  });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: harness.switchboard.app.fetch });
  const url = `http://127.0.0.1:${server.port}`;
  const agent = await createTestAgent(harness, { name: "Alice" }); // offline, as new agents are
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true, logger: false });

  const { cookie, csrf } = await signInAgent((path, init) => fetch(url + path, { ...init, redirect: "manual" }), agent.email, PASSWORD);

  return {
    harness,
    relay,
    url,
    agent,
    widget(path, init = {}) {
      const headers: Record<string, string> = { Origin: SITE };
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers["Content-Type"] = "application/json";
      return fetch(`${url}/plugins/webchat/inboxes/site${path}`, {
        method: init.body === undefined ? "GET" : "POST",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    async mailIn(raw, from) {
      await transport.sendMail({ envelope: { from, to: ["support@acme.com"] }, raw });
    },
    inbox: {
      get: (path) => fetch(`${url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" }),
      post: (path, form) =>
        fetch(`${url}${path}`, {
          method: "POST",
          headers: { Cookie: cookie },
          body: new URLSearchParams({ ...form, _csrf: csrf }),
          redirect: "manual",
        }),
    },
    async api(path, init = {}) {
      const response = await fetch(`${url}/api/v1${path}`, {
        method: init.method ?? "GET",
        headers: { Authorization: `Bearer ${agent.token}`, ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      transport.close();
      await server.stop(true);
      await harness.close();
      await relay.close();
    },
  };
}

/** A new visitor writes while the team is away; returns their token and conversation. */
async function visitorWrites(w: World, text: string): Promise<{ token: string; conversationId: number }> {
  const config = (await (await w.widget("/config")).json()) as { online: boolean };
  expect(config.online).toBe(false);
  const { token } = (await (await w.widget("/session", { body: {} })).json()) as { token: string };
  const sent = await w.widget("/messages", { token, body: { client_id: `client-${crypto.randomUUID()}`, text } });
  expect(sent.status).toBe(201);
  const { message } = (await sent.json()) as { message: { conversation_id: number } };
  return { token, conversationId: message.conversation_id };
}

type ApiMessage = {
  id: number;
  contact_id: number;
  inbox: string;
  direction: string;
  text: string;
  delivery_status: string;
  external_id: string | null;
};
type ApiContact = { id: number; email: string | null; identities: { channel: string; external_id: string; verified: boolean }[] };

const offersEmailInbox = (page: string) => /<option value="support"/.test(page);

/** The visitor leaves their email in the offline form, and an agent answers on the email inbox through the reply form. */
async function answeredByEmail(w: World) {
  const { token, conversationId } = await visitorWrites(w, "My order 42 has not arrived");
  expect((await w.widget("/profile", { token, body: { email: "Ada@Example.com" } })).status).toBe(200);
  expect(offersEmailInbox(await (await w.inbox.get(`/inbox/conversations/${conversationId}`)).text())).toBe(true);
  const posted = await w.inbox.post(`/inbox/conversations/${conversationId}/messages`, {
    text: "Sorry, Ada! It ships today.",
    kind: "reply",
    inbox: "support",
  });
  expect(posted.status).toBe(303);
  await w.harness.drain();
  const [mail] = await w.relay.waitFor(1);
  const messages = (await w.api<{ data: ApiMessage[] }>(`/conversations/${conversationId}/messages`)).body.data;
  return { conversationId, contactId: messages[0]!.contact_id, mail: mail!, messages };
}

const answer = (id: string, inReplyTo: string, from: string) =>
  eml(
    [
      `From: ${from}`,
      "To: Acme Support <support@acme.com>",
      "Subject: Re: Your conversation with us",
      `Message-ID: <${id}>`,
      `In-Reply-To: ${inReplyTo}`,
      `References: ${inReplyTo}`,
    ],
    "Thanks, I will watch for it.\r\n\r\nOn Monday Acme Support wrote:\r\n> Sorry, Ada! It ships today.\r\n",
  );

describe("a web chat visitor answered by email", () => {
  it("gets the agent's reply at the email they left, and their emailed answer joins the same contact and conversation", async () => {
    world = await start();
    const { conversationId, contactId, mail, messages } = await answeredByEmail(world);
    expect(mail.rcptTo).toEqual(["ada@example.com"]);
    expect(mail.parsed.from?.value).toEqual([{ name: "Alice via Acme Support", address: "support@acme.com" }]);
    expect(mail.parsed.text).toContain("Sorry, Ada! It ships today.");
    const reply = messages.find((m) => m.direction === "outgoing")!;
    expect(reply).toMatchObject({ inbox: "support", delivery_status: "sent", external_id: mail.parsed.messageId!.slice(1, -1) });
    const before = (await world.api<ApiContact>(`/contacts/${contactId}`)).body;
    expect(before.email).toBe("ada@example.com");
    expect(before.identities.map((i) => i.channel)).toEqual(["webchat"]);

    await world.mailIn(answer("ada-1@example.com", mail.parsed.messageId!, "Ada <ada@example.com>"), "ada@example.com");
    const timeline = (await world.api<{ data: ApiMessage[] }>(`/conversations/${conversationId}/messages`)).body.data;
    expect(timeline.map((m) => [m.inbox, m.direction, m.contact_id, m.text])).toEqual([
      ["site", "incoming", contactId, "My order 42 has not arrived"],
      ["site", "incoming", contactId, "Email for the reply: ada@example.com"],
      ["support", "outgoing", contactId, "Sorry, Ada! It ships today."],
      ["support", "incoming", contactId, "Thanks, I will watch for it."],
    ]);
    const after = (await world.api<ApiContact>(`/contacts/${contactId}`)).body;
    expect(after.identities).toMatchObject([{ channel: "webchat" }, { channel: "email", external_id: "ada@example.com", verified: true }]);
    expect((await world.api<{ data: unknown[] }>("/contacts")).body.data).toHaveLength(1);
    const page = await (await world.inbox.get(`/inbox/conversations/${conversationId}`)).text();
    expect(page).toContain("Thanks, I will watch for it.");
    // The visitor now answers by email, so the composer offers email first (its default), web chat after.
    expect([...page.matchAll(/<option value="(site|support)"/g)].map((m) => m[1])).toEqual(["support", "site"]);

    // The next reply, through the REST API this time, answers the visitor's email in the same thread.
    expect(
      (
        await world.api(`/conversations/${conversationId}/messages`, {
          method: "POST",
          body: { text: "Tracking number: 42-42", inbox: "support" },
        })
      ).status,
    ).toBe(201);
    await world.harness.drain();
    const [, next] = await world.relay.waitFor(2);
    expect(next!.rcptTo).toEqual(["ada@example.com"]);
    expect(next!.parsed.inReplyTo).toBe("<ada-1@example.com>");
  }, 30_000);

  it("without an email left, is not offered the email inbox, and a send there is refused with the reason", async () => {
    world = await start();
    const { conversationId } = await visitorWrites(world, "Hello?");
    expect(offersEmailInbox(await (await world.inbox.get(`/inbox/conversations/${conversationId}`)).text())).toBe(false);

    const refused = await world.api<{ error: { message: string } }>(`/conversations/${conversationId}/messages`, {
      method: "POST",
      body: { text: "Hi", inbox: "support" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe(
      'The contact has no email identity and no email address, so the inbox "support" cannot reach them. Add an email address to the contact, or reply on another inbox.',
    );
    const viaForm = await world.inbox.post(`/inbox/conversations/${conversationId}/messages`, {
      text: "Hi",
      kind: "reply",
      inbox: "support",
    });
    expect(viaForm.status).toBe(422);
    await world.harness.drain();
    expect(world.relay.mails).toEqual([]);
  }, 30_000);

  it("does not attach an answer from another address to the visitor", async () => {
    world = await start();
    const { conversationId, contactId, mail } = await answeredByEmail(world);
    await world.mailIn(answer("eve-1@example.com", mail.parsed.messageId!, "Eve <eve@example.com>"), "eve@example.com");
    const last = (await world.api<{ data: ApiMessage[] }>(`/conversations/${conversationId}/messages`)).body.data.at(-1)!;
    expect(last).toMatchObject({ inbox: "support", direction: "incoming", text: "Thanks, I will watch for it." });
    expect(last.contact_id).not.toBe(contactId);
    expect((await world.api<ApiContact>(`/contacts/${contactId}`)).body.identities.map((i) => i.channel)).toEqual(["webchat"]);
    expect((await world.api<ApiContact>(`/contacts/${last.contact_id}`)).body.identities).toMatchObject([
      { channel: "email", external_id: "eve@example.com" },
    ]);
  }, 30_000);
});
