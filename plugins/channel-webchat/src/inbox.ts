/**
 * One webchat inbox, alive: its options and keys, the visitors' logs, the live connections, the
 * limits (request and message rates counted across processes by the cluster, open connections per
 * process), and core's `emit` once the inbox has started. The HTTP routes and the channel adapter
 * both work through this object. Visitor sessions (tokens, identified users) are made here too.
 */
import {
  type ConversationActions,
  type Emit,
  ErrorCodes,
  type InboundMessage,
  type InboxContext,
  type PluginCluster,
  type RateLimit,
} from "@switchboard/core";
import type { AgentsOnline } from "./agents-online.ts";
import { availability } from "./business-hours.ts";
import { CsatStore } from "./csat.ts";
import { webchatError } from "./errors.ts";
import { History, type VisitorRecord } from "./history.ts";
import { Hub } from "./hub.ts";
import type { WebchatOptions } from "./options.ts";
import { ConnectionCounter } from "./rate-limit.ts";
import {
  type InboxKeys,
  identifiedId,
  inboxKeys,
  newAnonymousId,
  signVisitorToken,
  type VisitorClaims,
  verifyIdentifierHash,
  verifyVisitorToken,
} from "./tokens.ts";

/** What POST /session takes. */
export interface SessionInput {
  token?: string;
  identifier?: string;
  identifier_hash?: string;
}

/** The visitor as the widget sees them. */
export interface VisitorView {
  id: string;
  name: string | null;
  email: string | null;
  identified: boolean;
}

const DAY = 86_400_000;

/** What an inbox uses of the plugin's `ctx.cluster`: live pushes and rate limits across processes. */
export type WebchatCluster = Pick<PluginCluster, "broadcast" | "listen" | "rateLimit">;

/**
 * The state and the session logic of one inbox.
 *
 * @example
 * const inbox = await WebchatInbox.create(inboxContext, agentsOnline, ctx.conversations, ctx.cluster);
 * const { token } = await inbox.startSession({}, Date.now());
 * const claims = await inbox.authenticate(`Bearer ${token}`, Date.now());
 */
export class WebchatInbox {
  readonly name: string;
  readonly options: WebchatOptions;
  readonly log: InboxContext<WebchatOptions>["log"];
  readonly history: History;
  readonly hub: Hub;
  readonly typing: InboxContext<WebchatOptions>["typing"];
  readonly reportDelivery: InboxContext<WebchatOptions>["reportDelivery"];
  readonly csat: CsatStore;
  readonly limits: {
    ipRequests: RateLimit;
    visitorMessages: RateLimit;
    /** Visitor typing reaches agents at most every 2 seconds; extra calls are answered but not passed on. */
    visitorTyping: RateLimit;
    visitorStreams: ConnectionCounter;
    ipStreams: ConnectionCounter;
  };
  /** Core's conversation actions (ctx.conversations), for verifying a form's email. */
  readonly conversations: Pick<ConversationActions, "verify">;
  readonly #keys: InboxKeys;
  readonly #agentsOnline: AgentsOnline;
  #emit: Emit | undefined;

  private constructor(
    context: InboxContext<WebchatOptions>,
    keys: InboxKeys,
    csat: CsatStore,
    agentsOnline: AgentsOnline,
    conversations: Pick<ConversationActions, "verify">,
    cluster: WebchatCluster,
  ) {
    this.name = context.name;
    this.hub = new Hub(cluster, `push:${context.name}`);
    this.options = context.options;
    this.log = context.log;
    this.history = new History(context.kv);
    this.typing = context.typing;
    this.reportDelivery = context.reportDelivery;
    this.#keys = keys;
    this.csat = csat;
    this.#agentsOnline = agentsOnline;
    this.conversations = conversations;
    const limits = context.options.rate_limit;
    this.limits = {
      ipRequests: cluster.rateLimit(`${context.name}:ip`, limits.ip_requests_per_minute),
      visitorMessages: cluster.rateLimit(`${context.name}:messages`, limits.visitor_messages_per_minute),
      visitorTyping: cluster.rateLimit(`${context.name}:typing`, 30, 1),
      visitorStreams: new ConnectionCounter(limits.streams_per_visitor),
      ipStreams: new ConnectionCounter(limits.streams_per_ip),
    };
  }

  /**
   * `agentsOnline` reads core's agent directory (shared by the plugin's inboxes); `conversations` is
   * ctx.conversations; `cluster` is ctx.cluster.
   */
  static async create(
    context: InboxContext<WebchatOptions>,
    agentsOnline: AgentsOnline,
    conversations: Pick<ConversationActions, "verify">,
    cluster: WebchatCluster,
  ): Promise<WebchatInbox> {
    return new WebchatInbox(
      context,
      await inboxKeys(context.options.secret),
      await CsatStore.load(context.kv),
      agentsOnline,
      conversations,
      cluster,
    );
  }

  /** Called by the adapter's start: from now on visitors' messages reach core. */
  attach(emit: Emit): void {
    this.#emit = emit;
  }

  detach(): void {
    this.#emit = undefined;
    this.hub.closeAll();
  }

  /** Core's emit; a 503 before the inbox has started. */
  get emit(): Emit {
    if (!this.#emit)
      throw webchatError(
        ErrorCodes.CHANNEL_UNAVAILABLE,
        503,
        "not_started",
        `The inbox "${this.name}" has not started yet. Try again in a moment.`,
      );
    return this.#emit;
  }

  /**
   * Starts or renews a visitor session. With `identifier` + `identifier_hash` the visitor is the
   * site's signed-in user (a forged hash is a 401); with a valid `token` the same visitor goes on;
   * otherwise a new anonymous visitor is made.
   */
  async startSession(input: SessionInput, now: number): Promise<{ token: string; expiresAt: number; visitor: VisitorView }> {
    let claims: Omit<VisitorClaims, "expiresAt">;
    if (input.identifier !== undefined) {
      await verifyIdentifierHash(this.#keys.identifier, input.identifier, input.identifier_hash ?? "");
      claims = { inbox: this.name, visitorId: await identifiedId(input.identifier), identifier: input.identifier };
    } else if (input.token) {
      claims = await verifyVisitorToken(this.#keys.token, input.token, this.name, now);
    } else {
      claims = { inbox: this.name, visitorId: newAnonymousId() };
    }
    const expiresAt = now + this.options.token_ttl_days * DAY;
    const token = await signVisitorToken(this.#keys.token, { ...claims, expiresAt });
    return { token, expiresAt, visitor: this.view({ ...claims, expiresAt }, await this.history.visitor(claims.visitorId)) };
  }

  /** Checks `Authorization: Bearer <token>`. Throws a 401 with the reason. */
  async authenticate(header: string | undefined, now: number): Promise<VisitorClaims> {
    const token = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
    if (!token)
      throw webchatError(
        ErrorCodes.UNAUTHORIZED,
        401,
        "token_missing",
        "Send the visitor token as `Authorization: Bearer <token>` (POST /session gives one).",
      );
    return verifyVisitorToken(this.#keys.token, token, this.name, now);
  }

  /** The visitor's id on this channel (core's identity): "user:<identifier>" or the anonymous visitor id. */
  externalIdOf(claims: VisitorClaims): string {
    return claims.identifier !== undefined ? `user:${claims.identifier}` : claims.visitorId;
  }

  /**
   * The visitor as core's contact. An identified visitor is verified, with their identifier as the
   * email when it is one (so they join the existing contact with that email); an anonymous
   * visitor's name and email from the forms are facts, never a verified identity.
   */
  contactFor(claims: VisitorClaims, record: VisitorRecord): InboundMessage["contact"] {
    const externalId = this.externalIdOf(claims);
    if (claims.identifier !== undefined) {
      const email = isEmail(claims.identifier) ? claims.identifier.toLowerCase() : undefined;
      return { externalId, name: record.name, email, verified: true };
    }
    return { externalId, name: record.name, email: record.email, verified: false };
  }

  view(claims: VisitorClaims, record: VisitorRecord): VisitorView {
    const email = claims.identifier !== undefined && isEmail(claims.identifier) ? claims.identifier.toLowerCase() : record.email;
    return { id: claims.visitorId, name: record.name ?? null, email: email ?? null, identified: claims.identifier !== undefined };
  }

  /**
   * What the widget needs to draw itself: looks, forms, limits, and whether the team is open (within
   * business hours and, with offline_when_no_agent_online, with an agent of this inbox online).
   */
  async publicConfig(now: number) {
    const o = this.options;
    const hours = availability(o.business_hours, now);
    const staffed = !hours.open || !o.offline_when_no_agent_online || (await this.#agentsOnline(this.name));
    return {
      inbox: this.name,
      title: o.title,
      greeting: o.greeting,
      launcher_label: o.launcher_label,
      language: o.language,
      position: o.position,
      theme: o.theme,
      colors: o.colors,
      pre_chat: o.pre_chat,
      online: hours.open && staffed,
      next_open_at: hours.nextOpenAt,
      reply_time_minutes: o.reply_time_minutes,
      csat: o.csat,
      max_text_length: o.max_text_length,
      attachments: o.attachments,
      heartbeat_seconds: o.heartbeat_seconds,
    };
  }
}

/**
 * The visitor id behind a contact's identity on this channel (the reverse of `contactFor`).
 *
 * @example
 * await visitorIdOf("user:grace@example.com"); // "u_…"
 */
export async function visitorIdOf(externalId: string | undefined): Promise<string | undefined> {
  if (!externalId) return undefined;
  if (externalId.startsWith("user:")) return identifiedId(externalId.slice("user:".length));
  return externalId.startsWith("a_") ? externalId : undefined;
}

export function isEmail(value: string): boolean {
  return /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(value) && value.length <= 254;
}
