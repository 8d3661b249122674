/**
 * The plugin API, for every plugin: the plugin itself (`definePlugin`'s argument) and the `ctx` its
 * setup receives, with the conversation actions it offers.
 */
import type { Hono } from "hono";
import type { z } from "zod";
import type { Clock } from "../../clock.ts";
import type { RateLimit } from "../../cluster/types.ts";
import type { EventHandlers, EventName, SwitchboardEvent } from "../../events/types.ts";
import type { Logger } from "../../log/index.ts";
import type { ChannelDefinition } from "./channel.ts";
import type {
  AgentDirectory,
  AssistantHooks,
  EnrichHandler,
  Hook,
  IdentifyHook,
  InboundHook,
  KnowledgeBase,
  RouteHandler,
  ThreadHook,
} from "./hooks.ts";
import type { JobScheduler, KeyValueStore } from "./storage.ts";

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
  get(id: number): Promise<
    | {
        id: number;
        contactId: number;
        inbox: string;
        channel: string;
        status: string;
        priority: string;
        assigneeId: number | null;
        teamId: number | null;
      }
    | undefined
  >;
  update(id: number, change: ConversationChange): Promise<void>;
  /**
   * The conversation's latest customer and agent messages (notes and activity left out), oldest
   * first: at most `limit` (default 200, at most 1000). Unknown conversation: [].
   *
   * @example
   * const messages = await ctx.conversations.messages(event.data.conversationId, { limit: 50 });
   */
  messages(id: number, options?: { limit?: number }): Promise<ConversationMessage[]>;
  /**
   * Conversations by ascending id after `afterId`: all, one contact's, or those in one status (at
   * most `limit`, default 100, at most 1000). Page on with the last id seen.
   *
   * @example
   * const page = await ctx.conversations.list({ status: "resolved", afterId: 0, limit: 500 });
   */
  list(query?: {
    contactId?: number;
    status?: ConversationChange["status"];
    afterId?: number;
    limit?: number;
  }): Promise<ConversationInfo[]>;
  /** Sends a reply on the conversation's channel (or `inbox`), through the outbox; `note: true` stores a private note instead. */
  reply(id: number, text: string, options?: { note?: boolean; inbox?: string }): Promise<{ messageId: number }>;
  /**
   * Asks the customer on this conversation to prove an email address or phone number (verified
   * linking, as the agents' "Ask to verify" does): the one the contact gave without proof, such as a
   * form's email, else one the customer is asked for on the channel. A code and a one-click link go
   * there from an inbox whose channel reaches contacts by that kind; once proved, it is a verified
   * identity and the verified-join rule applies. Throws SWB_ERR_NOT_FOUND, SWB_ERR_CONFLICT (no
   * inbox reaches that kind: the message says what to configure) or SWB_ERR_RATE_LIMITED.
   *
   * @example
   * await ctx.conversations.verify(result.conversationId, "email");
   */
  verify(id: number, kind: "email" | "phone"): Promise<{ id: number; status: string }>;
}

/** A customer's or an agent's message, as `ctx.conversations.messages` gives it. */
export interface ConversationMessage {
  id: number;
  direction: "incoming" | "outgoing";
  text: string;
  channel: string;
  inbox: string;
  /** The agent who wrote an outgoing message (null: an automation or a plugin). */
  authorAgentId: number | null;
  /** What the channel and plugins stored on the message (language, sentiment, urgency, ...). */
  metadata: Record<string, unknown>;
  createdAt: number;
}

/** A conversation, as `ctx.conversations.list` gives it. */
export interface ConversationInfo {
  id: number;
  contactId: number;
  inbox: string;
  channel: string;
  status: string;
  createdAt: number;
  updatedAt: number;
}

/* ---------- the context and the plugin ---------- */

/**
 * A plugin's share of the cluster. With one process (no `[cluster] redis_url`) the same calls work
 * inside that process, so a plugin writes them once for both.
 */
export interface PluginCluster {
  /**
   * Sends `payload` to this plugin's listeners of `topic` in every process, this one included (at
   * once). Best effort: for a live push to a connection that may be held by another process; what
   * must not be lost belongs in the store or the event log.
   *
   * @example
   * ctx.cluster.broadcast("push", JSON.stringify({ visitorId, entry }));
   */
  broadcast(topic: string, payload: string): void;
  /**
   * Listens to this plugin's broadcasts on `topic` from every process. Returns a function that stops listening.
   *
   * @example
   * ctx.cluster.listen("push", (payload) => { const { visitorId, entry } = JSON.parse(payload); hub.push(visitorId, entry); });
   */
  listen(topic: string, listener: (payload: string) => void): () => void;
  /**
   * A token bucket per key, `perMinute` on average with bursts up to `burst` (default a minute's
   * worth), counted across every process through Redis (in this process alone while Redis is down).
   *
   * @example
   * const perIp = ctx.cluster.rateLimit("ip", 600);
   * const take = await perIp.take(ip);
   * if (!take.ok) return c.json({ error: "slow down" }, 429, { "Retry-After": String(Math.ceil(take.retryAfterMs / 1000)) });
   */
  rateLimit(name: string, perMinute: number, burst?: number): RateLimit;
}

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
  /** The knowledge base's published articles, to search and read. */
  knowledge: KnowledgeBase;
  /** What this plugin shares with its copies in the other Switchboard processes (`[cluster]`): live pushes and rate limits. */
  cluster: PluginCluster;
  channel<S extends z.ZodType>(kind: string, definition: ChannelDefinition<S>): void;
  /**
   * Normalise stage: transform or drop inbound messages before they are stored. A hook that throws
   * is logged with this plugin's name and the hook's ("normalise") and skipped: the message goes on
   * as the hooks before it left it, so a broken filter never blocks a channel nor loses a message.
   *
   * @example
   * ctx.inbound((message) => (/unsubscribe/i.test(message.text) ? null : { ...message, text: message.text.trim() }));
   */
  inbound(hook: Hook<InboundHook>): void;
  /**
   * Identify stage: map an inbound message to an existing contact. A hook that throws is logged and skipped.
   *
   * @example
   * ctx.identify(async ({ message }) => {
   *   const id = await crm.contactIdFor(message.contact.externalId);
   *   return id ? { contactId: id } : null;
   * });
   */
  identify(hook: Hook<IdentifyHook>): void;
  /**
   * Thread stage: map an inbound message to a conversation. A hook that throws is logged and skipped.
   *
   * @example
   * ctx.thread(({ message }) => (message.subject?.startsWith("[New]") ? { newConversation: true } : null));
   */
  thread(hook: Hook<ThreadHook>): void;
  /**
   * Adds facts to the contact of an arriving message when this plugin's facts about them are missing
   * or older than `ttlMs` (default: enrichment.ttl_minutes). Runs under a timeout (default 2 s) and
   * never delays ingestion past enrichment.wait_ms: later answers are stored when they come. A failure is logged.
   */
  enrich(hook: Hook<EnrichHandler>, options?: { timeoutMs?: number; ttlMs?: number }): void;
  /**
   * Adds a routing strategy. `options.facts` names the contact facts it reads, by the option key that
   * holds each path; a path `enrichment.<alias>.<fact>` whose alias is no enrichment plugin under
   * [plugins] stops start-up with a config error naming that key, as it could never match.
   *
   * @example
   * ctx.route(async (input) => ({ assigneeId: 7 }), { facts: { attribute: ctx.options.attribute } });
   */
  route(hook: Hook<RouteHandler>, options?: { facts?: Record<string, string> }): void;
  assistant(hooks: AssistantHooks): void;
  /**
   * Subscribes to an event (or "*") live: the handler runs in this process right after the change
   * commits, best effort; what happens while Switchboard is down is never seen. For work that must
   * not be lost (syncing a CRM, counting), use `consume`.
   *
   * @example
   * ctx.on("typing", (event) => widget.showTyping(event.data.conversationId));
   */
  on<N extends EventName>(event: N | "*", handler: EventHandler<N>): void;
  /**
   * Subscribes durable handlers, by event name ("*" for all), under `name` (unique in this plugin):
   * they read the event log from a cursor that survives crashes and restarts, in order, at least
   * once, so a handler must be idempotent (an event may come again after a crash). A handler that
   * throws is retried three times, then the event is logged and skipped. Lag shows on /metrics as
   * `switchboard_event_subscriber_behind{subscriber="plugin:<plugin>:<name>"}`.
   *
   * @example
   * ctx.consume("crm-sync", {
   *   "contact.created": (event) => crm.upsert(event.data.contactId), // an upsert: safe to repeat
   *   "contact.erased": (event) => crm.forget(event.data.contactId),
   * });
   */
  consume(name: string, handlers: EventHandlers): void;
  /** Contributes a component to a named inbox slot (e.g. "contact.sidebar"). */
  view(slot: string, component: (props: Record<string, unknown>) => unknown): void;
  /** Runs when Switchboard stops; stop hooks run in reverse order of registration. */
  onStop(fn: () => Promise<void> | void): void;
}

/**
 * A plugin, as its package's default export (write it with `definePlugin`).
 *
 * @example
 * export default definePlugin({
 *   name: "urgent-keywords",
 *   version: "1.2.0",
 *   core: "^1.0.0",
 *   options: z.object({ keywords: z.array(z.string()).default(["urgent"]) }),
 *   setup(ctx) { ctx.log.info({ keywords: ctx.options.keywords }, "watching"); },
 * });
 */
export interface SwitchboardPlugin<S extends z.ZodType = z.ZodType> {
  name: string;
  /** The plugin's own version (shown on the admin page and by `doctor`). */
  version: string;
  /**
   * The versions of @switchboard/core this plugin works with, as a semver range (`"^1.0.0"`,
   * `"1.x"`, `">=1.2 <3"`), as Fastify plugins declare `fastify: "5.x"`. The loader refuses to
   * start a plugin whose range does not include the running core (SWB_ERR_PLUGIN_CORE_VERSION),
   * naming both versions. Without it nothing is checked: declare it.
   */
  core?: string;
  /** Names of plugins that must start before this one. */
  requires?: string[];
  /** Validates `[plugins.<alias>.options]` and types `ctx.options`, as a channel's `options` does for an inbox. */
  options?: S;
  /**
   * The old name of `options`; it still works.
   * @deprecated Write `options` instead (same schema). Declaring both is refused (SWB_ERR_PLUGIN_INVALID).
   */
  config?: S;
  setup(ctx: PluginContext<z.output<S>>): Promise<void> | void;
}
