/**
 * The plugin API: what a plugin's `setup(ctx)` may register. This file is types only;
 * the loader (loader.ts) and the registry (registry.ts) give them life.
 */
import type { Hono } from "hono";
import type { z } from "zod";
import type { EventName, SwitchboardEvent } from "../events/types.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log/index.ts";

/** A hook may be a bare handler, or `{ handler, order }` to run before ("pre") or after ("post") the others. */
export type Hook<F> = F | { handler: F; order?: "pre" | "post" };

/* ---------- channels ---------- */

/** An attachment arriving from a channel. Give `url` (fetchable) or `data` (base64), or both. */
export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  data?: string;
}

/** A customer message as a channel adapter hands it to core, before anything is stored. */
export interface InboundMessage {
  /** The channel's id of this message. Unique per inbox: a re-delivery with the same id is stored once. */
  externalId: string;
  /** Who wrote it, as the channel knows them. `externalId` is the stable id on this channel (chat id, address, handle). */
  contact: {
    externalId: string;
    name?: string;
    email?: string;
    phone?: string;
    /** True when the channel vouches for the identity (a signed widget user, an email's From). */
    verified?: boolean;
  };
  text: string;
  html?: string;
  subject?: string;
  attachments?: InboundAttachment[];
  /** A channel-side thread (a group chat, a Discord thread, an email thread root). Messages with the same key share a conversation. */
  threadKey?: string;
  /** The channel message this one replies to. */
  replyToExternalId?: string;
  /** When the customer sent it (ms since epoch); defaults to the time it arrived. */
  sentAt?: number;
  /**
   * True when this is an edit of a message already sent with the same `externalId`: the stored text is
   * replaced and the previous version kept in `metadata.edits`. An edit of an unknown message is stored as new.
   */
  edited?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * What `emit` resolves to, once the message is durably stored: "stored" (new), "duplicate" (this
 * external id was stored before; nothing new was written), "edited" (an edit replaced the stored
 * text) or "dropped" (a normalise hook refused it).
 */
export type IngestResult =
  | { status: "stored" | "duplicate" | "edited"; messageId: number; conversationId: number; contactId: number }
  | { status: "dropped"; reason: string };

/** Hands an inbound message to core. Resolves only after it is durably stored: acknowledge your source after that. */
export type Emit = (message: InboundMessage) => Promise<IngestResult>;

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
}

export interface SendResult {
  /** The channel's id for the sent message, stored on the message. */
  externalId?: string;
}

export interface ChannelHealth {
  ok: boolean;
  /** What is wrong and how to fix it, when not ok. */
  message?: string;
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
}

export interface ChannelDefinition<S extends z.ZodType = z.ZodType> {
  /** Validates `[inboxes.<name>.options]`; errors name the file, key and plugin. */
  options?: S;
  create(inbox: InboxContext<z.output<S>>): ChannelAdapter | Promise<ChannelAdapter>;
}

/* ---------- enrichment, routing, assistant ---------- */

export interface ConversationSnapshot {
  id: number | null;
  inbox: string;
  channel: string;
  status: string;
  assigneeId: number | null;
  teamId: number | null;
  isNew: boolean;
  /** The conversation's labels (none on a new conversation; set when an unassigned one is routed again). */
  labels?: string[];
}

export interface ContactSnapshot {
  id: number | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  isNew: boolean;
}

/** One identifier of a contact: a channel identity ("telegram", "12345"), an email or a phone. */
export interface ContactIdentifier {
  /** A channel kind, "email" or "phone". */
  kind: string;
  value: string;
  /** True when a channel vouched for it; false for what the contact typed (a pre-chat form). */
  verified: boolean;
  /** The inbox the id means this contact in, for a channel whose ids are inbox-scoped (`ChannelAdapter.identityScope`); absent for global ids. */
  inbox?: string;
}

export interface EnrichInput {
  contact: ContactSnapshot;
  /** Everything the contact is known by, including what this message says (deduplicated). */
  identifiers: ContactIdentifier[];
  conversation: ConversationSnapshot;
  message: InboundMessage;
}
/**
 * Returns facts to store on the contact under `attributes.enrichment.<plugin>` (replacing that
 * plugin's earlier facts), or nothing when it knows nothing. Throw on failure; `signal` aborts at the timeout.
 */
export type EnrichHandler = (input: EnrichInput, signal: AbortSignal) => Promise<Record<string, unknown> | null | void> | Record<string, unknown> | null | void;

export interface RouteInput {
  contact: ContactSnapshot;
  conversation: ConversationSnapshot;
  message: InboundMessage;
}
export interface RouteDecision {
  assigneeId?: number | null;
  teamId?: number | null;
}
/** Returns a decision, or null to let the next strategy decide. */
export type RouteHandler = (input: RouteInput) => Promise<RouteDecision | null> | RouteDecision | null;

/** An agent as routing sees them. */
export interface AgentProfile {
  id: number;
  name: string;
  email: string;
  availability: "online" | "away" | "offline";
  /** Skills to match on (labels, "lang:de", facts), lower-case. */
  skills: string[];
  /** The most open conversations this agent takes; null: no limit. */
  capacity: number | null;
  /** Open conversations assigned to this agent now. */
  load: number;
  /** Ids of the teams the agent belongs to. */
  teams: number[];
  /** Online and below capacity: routing may assign them now. */
  available: boolean;
}

/**
 * What routing strategies know about agents. Core checks every decision again (an agent who is
 * not available is never assigned), so a strategy only has to pick.
 *
 * @example
 * const free = (await ctx.agents.forInbox(input.conversation.inbox)).filter((a) => a.available);
 */
export interface AgentDirectory {
  /** Agents who may answer in `inbox` (members of the teams given the inbox; everyone when no team is), or of `team` (a name). */
  forInbox(inbox: string, options?: { team?: string }): Promise<AgentProfile[]>;
  get(id: number): Promise<AgentProfile | undefined>;
  byEmail(email: string): Promise<AgentProfile | undefined>;
  /** The teams given `inbox` ([] when every agent may see it). */
  teamsOf(inbox: string): Promise<{ id: number; name: string }[]>;
  /** The agent of the contact's most recent other conversation that had one (active in the last `withinMs`, when given). */
  lastAssigneeOf(contactId: number, options?: { exceptConversationId?: number | null; withinMs?: number }): Promise<number | null>;
}

export interface AssistantInput {
  conversationId: number;
  /** The latest messages, oldest first. */
  messages: { direction: string; text: string; channel: string; createdAt: number }[];
  channel: string;
}
export interface AssistantHooks {
  suggest?(input: AssistantInput): Promise<string[] | null>;
  summarize?(input: AssistantInput): Promise<string | null>;
  translate?(input: { text: string; to: string }): Promise<string | null>;
  rewrite?(input: { text: string; channel: string; tone?: string }): Promise<string | null>;
}

/* ---------- inbound pipeline stages ---------- */

export interface InboxInfo {
  name: string;
  channel: string;
  /** What the inbox's adapter declared (`ChannelAdapter.identityScope`), filled in by core; absent means `"inbox"`. */
  identityScope?: IdentityScope;
}
/** The normalise stage ("sequential"): return the message (changed or not) for the next hook, or null to drop it (spam, loops). */
export type InboundHook = (message: InboundMessage, inbox: InboxInfo) => Promise<InboundMessage | null> | InboundMessage | null;
/** The identify stage ("first"): name the existing contact who wrote this, or null to let core match by identity. */
export type IdentifyHook = (input: { message: InboundMessage; inbox: InboxInfo }) => Promise<{ contactId: number } | null> | { contactId: number } | null;
/** The thread stage ("first"): name the conversation this joins, or ask for a new one, or null to let core decide. */
export type ThreadHook = (input: { message: InboundMessage; inbox: InboxInfo; contactId: number | null }) =>
  | Promise<{ conversationId: number } | { newConversation: true } | null>
  | { conversationId: number }
  | { newConversation: true }
  | null;

/* ---------- storage, jobs ---------- */

/**
 * Namespaced key-value storage, kept in the database.
 *
 * @example
 * await ctx.kv.set("cursor", { offset: 42 });
 * const cursor = await ctx.kv.get<{ offset: number }>("cursor");
 */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** `ttlMs` makes the value expire. */
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix?: string): Promise<{ key: string; value: unknown }[]>;
}

export interface ScheduleOptions {
  /** When to run (ms since epoch). Default: now. */
  at?: number;
  /** Or: how long from now. */
  delayMs?: number;
  /** A unique key: scheduling the same key again replaces the pending job. */
  key?: string;
  maxAttempts?: number;
}

/**
 * Durable timers: they survive restarts, run once (claimed atomically) and retry with backoff.
 *
 * @example
 * ctx.jobs.define("follow-up", async (payload: { conversationId: number }) => { ... });
 * await ctx.jobs.schedule("follow-up", { conversationId: 7 }, { delayMs: 86_400_000, key: "follow-up:7" });
 */
export interface JobScheduler {
  define<P>(kind: string, handler: (payload: P, job: { id: number; attempt: number }) => Promise<void> | void): void;
  schedule<P>(kind: string, payload: P, options?: ScheduleOptions): Promise<number>;
  cancel(key: string): Promise<boolean>;
}

/* ---------- acting on conversations ---------- */

/** A change a plugin makes to a conversation; each change leaves an activity entry in the timeline. */
export interface ConversationChange {
  status?: "open" | "pending" | "snoozed" | "resolved";
  /** Required with status "snoozed" (ms since epoch). */
  snoozedUntil?: number;
  priority?: "none" | "low" | "medium" | "high" | "urgent";
  assigneeId?: number | null;
  teamId?: number | null;
  /** Label names (they must exist). */
  addLabels?: string[];
  removeLabels?: string[];
}

/**
 * What a plugin may do to conversations, acting as itself (the timeline says "by <plugin name>").
 *
 * @example
 * await ctx.conversations.update(event.data.conversationId, { priority: "urgent" });
 * await ctx.conversations.reply(event.data.conversationId, "Thanks! A person will answer shortly.");
 */
export interface ConversationActions {
  get(id: number): Promise<{ id: number; contactId: number; inbox: string; channel: string; status: string; priority: string; assigneeId: number | null; teamId: number | null } | undefined>;
  update(id: number, change: ConversationChange): Promise<void>;
  /** Sends a reply on the conversation's channel (or `inbox`), through the outbox; `note: true` stores a private note instead. */
  reply(id: number, text: string, options?: { note?: boolean; inbox?: string }): Promise<{ messageId: number }>;
}

/* ---------- the context and the plugin ---------- */

export type EventHandler<N extends EventName> = (event: SwitchboardEvent<N>) => Promise<void> | void;

/** What `setup(ctx)` receives. */
export interface PluginContext<Options = unknown> {
  /** The plugin's validated options. */
  options: Options;
  /** The plugin's name (from definePlugin). */
  name: string;
  log: Logger;
  /** Switchboard's clock: read the time through it, so tests with a manual clock control it. */
  clock: Clock;
  kv: KeyValueStore;
  /** Agents with availability, load, capacity and skills (for routing strategies). */
  agents: AgentDirectory;
  jobs: JobScheduler;
  /** A Hono sub-app mounted at `/plugins/<name>`. */
  http: Hono;
  /** Read and change conversations, and reply or add notes, as this plugin. Usable once Switchboard has started. */
  conversations: ConversationActions;
  channel<S extends z.ZodType>(kind: string, definition: ChannelDefinition<S>): void;
  /** Normalise stage: transform or drop inbound messages before they are stored. */
  inbound(hook: Hook<InboundHook>): void;
  /** Identify stage: map an inbound message to an existing contact. */
  identify(hook: Hook<IdentifyHook>): void;
  /** Thread stage: map an inbound message to a conversation. */
  thread(hook: Hook<ThreadHook>): void;
  /**
   * Adds facts to the contact of an arriving message when this plugin's facts about them are missing
   * or older than `ttlMs` (default: enrichment.ttl_minutes). Runs under a timeout (default 2 s) and
   * never delays ingestion past enrichment.wait_ms: later answers are stored when they come. A failure is logged.
   */
  enrich(hook: Hook<EnrichHandler>, options?: { timeoutMs?: number; ttlMs?: number }): void;
  route(hook: Hook<RouteHandler>): void;
  assistant(hooks: AssistantHooks): void;
  on<N extends EventName>(event: N | "*", handler: EventHandler<N>): void;
  /** Contributes a component to a named inbox slot (e.g. "contact.sidebar"). */
  view(slot: string, component: (props: Record<string, unknown>) => unknown): void;
  /** Runs when Switchboard stops; stop hooks run in reverse order of registration. */
  onStop(fn: () => Promise<void> | void): void;
}

/** A plugin, as its package's default export. */
export interface SwitchboardPlugin<S extends z.ZodType = z.ZodType> {
  name: string;
  version: string;
  /** Names of plugins that must start before this one. */
  requires?: string[];
  /** Validates `[plugins.<alias>.options]`. */
  config?: S;
  setup(ctx: PluginContext<z.output<S>>): Promise<void> | void;
}
