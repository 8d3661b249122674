/**
 * The simulator's channel drivers: how a simulated person writes on each channel and how the
 * agents' replies come back to them. Each goes through the channel's real entrance: the API
 * channel's webhook over HTTP (replies arrive at a signed webhook receiver here), the fake Telegram
 * and Discord servers (each plugin's test-support/fake) that the real telegram and discord plugins talk to, and the
 * webchat widget's own HTTP API.
 */
import { SIGNATURE_HEADER, verifyWebhookSignature } from "@switchboard/core";
import type { APIUser } from "discord-api-types/v10";
import type { FakeDiscord } from "../../plugins/channel-discord/test-support/fake/index.ts";
import type { FakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";
import type { ChannelDriver } from "./simulator.ts";
import type { Person } from "./stories.ts";

type Deliver = (personKey: string, text: string) => void;

/** Calls `fn` every `ms` until stopped; one call at a time. */
function every(ms: number, fn: () => Promise<void> | void): () => Promise<void> {
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    current = current
      .then(async () => {
        if (!stopped) await fn();
      })
      .catch(() => {});
  }, ms);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}

/**
 * The API channel: messages are POSTed to /webhooks/<inbox>/messages with the inbox secret, as a
 * shop's backend would; replies come to `webhookUrl` (set it as the inbox's `webhook_url`), signed.
 * The email and phone are sent as verified, so the person is one contact with their other channels.
 */
export function apiDriver(options: {
  secret: string;
  inbox: string;
}): ChannelDriver & { webhookUrl: string; connect(baseUrl: string): void } {
  let baseUrl = "";
  let deliver: Deliver = () => {};
  let sent = 0;
  const receiver = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const raw = await request.text();
      const check = await verifyWebhookSignature(options.secret, request.headers.get(SIGNATURE_HEADER), raw);
      if (!check.ok) return new Response("bad signature", { status: 401 });
      const body = JSON.parse(raw) as { message: { id: number; text: string; contact: { id: string | null } } };
      if (body.message.contact.id) deliver(body.message.contact.id, body.message.text);
      return Response.json({ id: `shop-ack-${body.message.id}` });
    },
  });
  return {
    name: "api",
    label: "the shop's contact form",
    webhookUrl: `http://127.0.0.1:${receiver.port}/switchboard/replies`,
    connect(url) {
      baseUrl = url;
    },
    async say(person, text) {
      const response = await fetch(`${baseUrl}/webhooks/${options.inbox}/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${options.secret}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          id: `${person.key}-${Date.now()}-${++sent}`,
          contact: { id: person.key, name: `${person.first} ${person.last}`, email: person.email, phone: person.phone, verified: true },
          text,
        }),
      });
      if (response.status >= 300) throw new Error(`The API channel answered ${response.status}: ${await response.text()}`);
    },
    start(fn) {
      deliver = fn;
    },
    async stop() {
      await receiver.stop(true);
    },
  };
}

/** Telegram through the fake Bot API: a private chat with the bot; the first time, the person shares their phone. */
export function telegramDriver(telegram: FakeTelegram): ChannelDriver {
  const users = new Map<string, { id: number; is_bot: false; first_name: string; last_name: string; username: string }>();
  const byChat = new Map<number, string>();
  let stop: () => Promise<void> = async () => {};
  return {
    name: "telegram",
    label: "Telegram",
    async say(person, text) {
      const { world } = telegram;
      let user = users.get(person.key);
      const chat = () => world.privateChat(user!);
      if (!user) {
        user = {
          id: 7_000_000 + person.index,
          is_bot: false,
          first_name: person.first,
          last_name: person.last,
          username: `${person.first}${person.last}`
            .toLowerCase()
            .replace(/[^a-z]/g, "")
            .slice(0, 30),
        };
        users.set(person.key, user);
        byChat.set(user.id, person.key);
        world.shareContact(chat(), user, person.phone);
      }
      world.say(chat(), user, text);
    },
    start(deliver) {
      stop = every(200, () => {
        const { world } = telegram;
        for (const sent of world.sent.splice(0)) {
          const key = byChat.get(sent.message.chat.id);
          if (key) deliver(key, sent.message.text ?? sent.message.caption ?? "(a file)");
        }
        if (world.calls.length > 500) world.calls.splice(0, world.calls.length - 100);
      });
    },
    stop: () => stop(),
  };
}

/** Discord through the fake REST API and gateway: a direct message to the bot. */
export function discordDriver(discord: FakeDiscord): ChannelDriver {
  const users = new Map<string, APIUser>();
  const byUser = new Map<string, string>();
  let stop: () => Promise<void> = async () => {};
  return {
    name: "discord",
    label: "Discord",
    async say(person, text) {
      let user = users.get(person.key);
      if (!user) {
        user = discord.world.user(`${person.first}${person.last[0]}`.toLowerCase(), `${person.first} ${person.last}`);
        users.set(person.key, user);
        byUser.set(user.id, person.key);
      }
      discord.world.dm(user, text);
    },
    start(deliver) {
      stop = every(200, () => {
        const { world } = discord;
        for (const sent of world.sent.splice(0)) {
          const channel = world.channels.get(sent.channelId) as { recipients?: APIUser[] } | undefined;
          const key = channel?.recipients?.[0] ? byUser.get(channel.recipients[0].id) : undefined;
          if (key) deliver(key, String(sent.body.content ?? "(a file)"));
        }
        if (world.calls.length > 500) world.calls.splice(0, world.calls.length - 100);
      });
    },
    stop: () => stop(),
  };
}

/** The webchat widget's API, as the widget calls it from `origin`: a visitor session, a profile (name, email), messages. */
export function webchatDriver(options: { baseUrl: string; inbox: string; origin: string }): ChannelDriver {
  const api = `${options.baseUrl}/plugins/webchat/inboxes/${options.inbox}`;
  const visitors = new Map<string, { token: string; seq: number }>();
  let counter = 0;
  let stop: () => Promise<void> = async () => {};
  const call = async (path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { Origin: options.origin, "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`The webchat API answered ${response.status} to ${path}: ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  return {
    name: "webchat",
    label: "the website chat",
    async say(person: Person, text: string) {
      let visitor = visitors.get(person.key);
      if (!visitor) {
        const { token } = (await call("/session", undefined, {})) as { token: string };
        await call("/profile", token, { name: `${person.first} ${person.last}`, email: person.email });
        visitor = { token, seq: 0 };
        visitors.set(person.key, visitor);
      }
      await call("/messages", visitor.token, { client_id: `sim-${person.index}-${Date.now()}-${++counter}`, text });
    },
    start(deliver) {
      stop = every(1_000, async () => {
        for (const [key, visitor] of visitors) {
          const { messages } = (await call(`/messages?after=${visitor.seq}`, visitor.token)) as {
            messages: { seq: number; author: string; kind: string; text: string }[];
          };
          for (const entry of messages) {
            visitor.seq = Math.max(visitor.seq, entry.seq);
            if (entry.author === "agent" && entry.kind === "text") deliver(key, entry.text);
          }
        }
      });
    },
    stop: () => stop(),
  };
}
