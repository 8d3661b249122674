/**
 * The plugin API, for channel authors: a channel definition, the adapter it creates per inbox, what
 * the adapter sends and receives, and the inbox context it gets.
 */
import type { Hono } from "hono";
import type { z } from "zod";
import type { Logger } from "../../log/index.ts";
import type { Emit } from "./message.ts";
import type { ReplyWindow, TemplateSend } from "./reply-window.ts";
import type { StatusPanel } from "./status-panel.ts";
import type { KeyValueStore } from "./storage.ts";

/** Where an outbound message goes. */
export interface OutboundTarget {
  inbox: string;
  channel: string;
  conversationId: number;
  threadKey: string | null;
  /**
   * The contact, with their id on this channel (undefined if they have none here yet). A channel
   * that declares `reachesBy` is also handed contacts without one: then send to `email` or `phone`.
   */
  contact: { id: number; externalId: string | undefined; name: string | null; email: string | null; phone: string | null };
  /** The external id of the customer message this replies to, when known. */
  replyToExternalId: string | null;
}

/** An outbound message as the delivery worker hands it to the adapter. */
export interface OutboundMessage {
  id: number;
  text: string;
  html: string | null;
  attachments: { filename: string; contentType: string; size: number; url: string | null; data: string | null }[];
  agent: { id: number; name: string } | null;
  /** Stable across retries of this message. Pass it to channels that deduplicate by key. */
  idempotencyKey: string;
  /** The attempt number, from 1. */
  attempt: number;
  /**
   * The approved template to send instead of `text` (which holds its rendered text, for the
   * timeline), when the agent or an automation picked one (see `ChannelAdapter.replyWindow`).
   */
  template?: TemplateSend;
  /** The tag the message must carry because the reply window is in a tag stage ("HUMAN_AGENT"). */
  tag?: string;
}

export interface SendResult {
  /** The channel's id for the sent message, stored on the message. */
  externalId?: string;
}

/** A message's original bytes, as a channel keeps them (see `ChannelAdapter.original`). */
export interface MessageOriginal {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export interface ChannelHealth {
  ok: boolean;
  /** What is wrong and how to fix it, when not ok; otherwise a healthy fact ("SMTP relay reachable"). */
  message?: string;
  /**
   * True when the channel works but a person should act on `message` (a wildcard origin, no webhook_url).
   * `switchboard doctor` marks it `!`; a healthy fact without it gets `✓`.
   *
   * @example
   * return { ok: true, attention: true, message: "No webhook_url: replies cannot be delivered." };
   */
  attention?: boolean;
}

/**
 * A live connection to one channel account (one inbox).
 *
 * @example
 * const adapter: ChannelAdapter = {
 *   async start(emit, signal) { for await (const m of poll(signal)) await emit(toInbound(m)); },
 *   async send(target, message) { const id = await api.send(target.contact.externalId, message.text); return { externalId: id }; },
 * };
 */
export interface ChannelAdapter {
  /** Starts receiving (polling, a socket). Return once started; keep working until `signal` aborts. */
  start?(emit: Emit, signal: AbortSignal): Promise<void> | void;
  /**
   * Sends one message. Throw a `DeliveryError` to control retries (`retryAfterMs`, `retryable: false`);
   * any other error is retried with backoff.
   */
  send(target: OutboundTarget, message: OutboundMessage): Promise<SendResult | void>;
  /** Registers webhook routes on a sub-app mounted at `/webhooks/<inbox>`. Call `emit` and answer after it resolves. */
  webhook?(app: Hono, emit: Emit): void;
  stop?(): Promise<void> | void;
  /** Checks connectivity for `switchboard doctor` and the admin page. */
  health?(): Promise<ChannelHealth>;
  /**
   * The original of an inbound message exactly as the channel received it (an email's raw source),
   * when the channel keeps one; undefined when it keeps none or no longer has it. Core shows it to
   * admins only (`GET /inbox/messages/:id/original`, a download), never to agents: it holds
   * everything the sender sent, unsanitised.
   *
   * @example
   * const adapter: ChannelAdapter = {
   *   async original(externalId) {
   *     const raw = await rawStore.get(externalId);
   *     return raw ? { filename: "original.eml", contentType: "message/rfc822", data: raw } : undefined;
   *   },
   *   async send(target, message) { ... },
   * };
   */
  original?(externalId: string): Promise<MessageOriginal | undefined>;
  /**
   * True when the channel drops a repeated send with the same `idempotencyKey`. Then a send cut off by a
   * crash is retried; otherwise it is marked failed for an agent to retry, so nobody receives it twice.
   */
  idempotentSends?: boolean;
  /** Limits the composer and the outbound pipeline respect. */
  limits?: { maxTextLength?: number };
  /**
   * The contact fields this channel can reach a contact at when they have no identity on it:
   * `"email"` (the contact's `email`) and/or `"phone"` (their `phone`). Core then offers this inbox
   * as a reply channel for such a contact and accepts replies on it; `send` gets
   * `target.contact.externalId` undefined and the address in `target.contact.email` / `phone`.
   * These fields may be unverified (typed into a web form), so never treat the recipient as proven
   * until they answer; that answer then gets an identity on this channel by the usual rules.
   *
   * @example
   * const adapter: ChannelAdapter = {
   *   reachesBy: ["email"], // a webchat visitor who left an email can get the reply by email
   *   async send(target, message) { await mailer.send(target.contact.externalId ?? target.contact.email!, message.text); },
   * };
   */
  reachesBy?: readonly ContactReachField[];
  /**
   * Whether the contact ids this channel emits (`contact.externalId`) mean the same person in every
   * inbox of the channel (`"channel"`: a Telegram user id, a Discord user, a phone number, an email
   * address) or only inside this inbox (`"inbox"`: an API integration's customer ids, a web chat
   * visitor, a Messenger page-scoped id). Two inboxes of an `"inbox"` channel that both send id
   * "42" get two contacts; a `"channel"` id joins one contact across inboxes. Default `"inbox"`,
   * the safe choice: declare `"channel"` only for ids your network guarantees are global.
   * Verified emails and phones (`contact.verified`) are always global, whatever this says.
   *
   * @example
   * const adapter: ChannelAdapter = {
   *   identityScope: "channel", // a Telegram user id is the same person in every bot's inbox
   *   async send(target, message) { await bot.api.sendMessage(target.contact.externalId!, message.text); },
   * };
   */
  identityScope?: IdentityScope;
  /**
   * A live panel on the admin inboxes page: a pairing code to scan, the account the channel is
   * connected as, its connection state. Core renders it for admins and redraws it on the open page
   * whenever the panel says it changed. See `StatusPanel`.
   *
   * @example
   * const adapter: ChannelAdapter = {
   *   statusPanel: { render: () => html`<p>Connected as ${me.phone}</p>`, subscribe: (redraw) => connection.onChange(redraw) },
   *   async send(target, message) { ... },
   * };
   */
  statusPanel?: StatusPanel;
  /**
   * When the network closes the conversation to free messages (WhatsApp's and Meta's 24 hours after
   * the customer's last message) and what may still be sent after (templates, a tagged message, or
   * nothing). Core shows the time left in the composer, refuses a send the window forbids
   * (`SWB_ERR_REPLY_WINDOW_CLOSED`), sends automations as a template or skips them with a note, and
   * can remind the assignee. Leave it out when the network has no window. See `ReplyWindow`.
   *
   * @example
   * const adapter: ChannelAdapter = {
   *   replyWindow: { openForMs: 86_400_000, after: [{ allow: "templates" }], templates: () => cachedTemplates() },
   *   async send(target, message) { return message.template ? sendTemplate(target, message.template) : sendText(target, message.text); },
   * };
   */
  replyWindow?: ReplyWindow;
  /**
   * What of this inbox only one process may run at a time, when several Switchboard processes
   * share the work (`[cluster]`): `"receive"` when `start` holds something exclusive (a long-polling
   * loop, a gateway session, a listening port, a mailbox poller) and any process may `send`;
   * `"all"` when `send` also needs that connection (a paired browser session). The process holding
   * the inbox's lease runs `start`; when it loses the lease or dies, `stop` is called (if it still
   * can be) and another process calls `start` again, so an exclusive adapter must start again
   * after a stop and resume from its stored cursor. With `"all"`, only the holder delivers the
   * inbox's replies. Leave it out when every process may receive (webhooks, a widget's connections).
   *
   * @example
   * const adapter: ChannelAdapter = {
   *   exclusive: "receive", // getUpdates allows one poller per bot
   *   async start(emit, signal) { void pollUpdates(emit, signal); },
   *   async send(target, message) { await bot.api.sendMessage(target.contact.externalId!, message.text); },
   * };
   */
  exclusive?: "receive" | "all";
}

/** A field of the contact record a channel can reach them at (see `ChannelAdapter.reachesBy`). */
export type ContactReachField = "email" | "phone";

/** Where a channel's contact ids hold (see `ChannelAdapter.identityScope`). */
export type IdentityScope = "inbox" | "channel";

/** A delivery receipt from the channel about a message Switchboard sent. */
export interface DeliveryReport {
  /** The channel's id of the sent message (what `send` returned as `externalId`). */
  externalId: string;
  status: "delivered" | "read" | "failed";
  /** Why it failed (a bounce, a blocked user). */
  error?: string;
}

/** What a channel factory gets for one inbox. */
export interface InboxContext<Options> {
  /** The inbox name from config ([inboxes.<name>]). */
  name: string;
  options: Options;
  log: Logger;
  /** The public base URL of this Switchboard (for links and webhook registration). */
  publicUrl: string;
  /** Key-value storage of this inbox alone (cursors, last seen ids), kept in the database. */
  kv: KeyValueStore;
  /**
   * Says the customer is typing (shown live to agents who have the conversation open).
   *
   * @example
   * bot.on("chat_action", (a) => inbox.typing({ contactExternalId: String(a.from.id) }));
   */
  typing(who: { contactExternalId: string; threadKey?: string }): Promise<void>;
  /**
   * Records a delivery receipt (delivered, read, bounced). Resolves to false when no sent message has that id.
   *
   * @example
   * await inbox.reportDelivery({ externalId: status.id, status: "read" });
   */
  reportDelivery(report: DeliveryReport): Promise<boolean>;
  /**
   * Says the channel lost its connection and cannot receive or send until a person acts (the phone
   * dropped a paired session, a token was revoked): publishes `channel.disconnected` with this
   * inbox, its channel and `reason`, for outgoing webhooks and plugins (`ctx.on`). Say what to do in
   * `reason`; keep `health()` saying it too, for the admin page and `switchboard doctor`.
   *
   * @example
   * client.on("disconnected", (why) => inbox.disconnected(`The session ended (${why}): scan the new code on /admin/inboxes.`));
   */
  disconnected(reason: string): Promise<void>;
}

/**
 * The kind of channel, for defaults that depend on it: SLA targets (live chat 2 min, messaging 30
 * min, email 4 h to first response…) and reports. "live-chat": a visitor waits on a website widget;
 * "messaging": chat apps (Telegram, WhatsApp, Discord); "email"; "social": public or semi-public
 * posts and DMs on social networks (Instagram, Facebook, X); "api": messages from another system.
 */
export type ChannelFamily = "live-chat" | "messaging" | "email" | "social" | "api";

/**
 * A channel kind, as `ctx.channel(kind, definition)` registers it: its inbox options, its family,
 * and the factory of one adapter per inbox.
 *
 * @example
 * ctx.channel("pager", {
 *   family: "messaging",
 *   options: z.object({ token: z.string().min(16) }),
 *   create: (inbox) => createPagerAdapter(inbox.options.token),
 * });
 */
export interface ChannelDefinition<S extends z.ZodType = z.ZodType> {
  /** Validates `[inboxes.<name>.options]`; errors name the file, key and plugin. */
  options?: S;
  /**
   * What kind of channel this is (see `ChannelFamily`); core's SLA defaults follow it. A fact about
   * the kind, not about one inbox, so it sits here and not on the adapter: core reads it for any
   * conversation of the kind, even when its inbox failed to start. Default "messaging".
   */
  family?: ChannelFamily;
  create(inbox: InboxContext<z.output<S>>): ChannelAdapter | Promise<ChannelAdapter>;
}
