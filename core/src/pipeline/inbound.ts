/**
 * The inbound pipeline: normalise → dedupe → identify → thread → enrich → route → persist → publish.
 * Stages before persist only read (and run plugin hooks, which may be slow); persist repeats the
 * decisive lookups inside one write transaction, so concurrent deliveries can never store a message
 * twice or split a new contact in two. Events go out only after the commit. Identity resolution
 * (verified joins, unverified claims, merge suggestions) lives in core/src/contacts/.
 */
import { eq, sql } from "drizzle-orm";
import { caseForLink } from "../cases/store.ts";
import type { Clock } from "../clock.ts";
import { type EnrichmentConfig, enrichmentSchema, type IdentityConfig, identitySchema } from "../config/identity.ts";
import { type EnrichmentAnswers, storeEnrichment, withAnswers } from "../contacts/enrichment.ts";
import { referencePatterns } from "../contacts/evidence.ts";
import { identifyByIdentity, identifySender, recordIdentities } from "../contacts/identify.ts";
import { suggestMerges } from "../contacts/suggest.ts";
import { suggestFromText, type TextSettings, textClaims } from "../contacts/suggest-text.ts";
import { joinVerifiedHolders, type VerifiedJoin } from "../contacts/verified-join.ts";
import { describeError, type SwitchboardError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import { conversationState, messageEventData, messageUpdatedData } from "../events/message-data.ts";
import type { EventEntry, SwitchboardEvent } from "../events/types.ts";
import type { Logger } from "../log/index.ts";
import { hookError, runFirst } from "../plugins/hooks.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { ContactSnapshot, ConversationSnapshot, InboundMessage, InboxInfo, IngestResult, RouteDecision } from "../plugins/types.ts";
import { insertAttachments } from "../store/attachments.ts";
import { absorbContactFacts, type Contact, findContact } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import type { Store, Tx } from "../store/index.ts";
import { findMessageByExternalId, insertIncomingMessage } from "../store/messages.ts";
import { reusableQuery } from "../store/reusable.ts";
import { contacts, conversations, messages } from "../store/schema.ts";
import { hideDeleted } from "./deleted.ts";
import { Enricher, type EnrichmentRun } from "./enrich.ts";
import { enrichInput } from "./identifiers.ts";
import { normaliseInbound } from "./normalise.ts";
import { storeSentOutside } from "./sent-outside.ts";
import type { Taker } from "./taker.ts";
import { type ThreadPolicy, threadFor } from "./thread.ts";

export interface InboundDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  registry: PluginRegistry;
  /** [identity] and [enrichment] from config (defaults when left out). */
  identity?: IdentityConfig;
  enrichment?: EnrichmentConfig;
  /** An inbox's display name, for customers naming another channel (merge suggestions from text). */
  inboxNames?: (inbox: string) => string | undefined;
  /** Every name a customer may use for a channel here (see TextSettings.channelNames). */
  channelNames?: () => readonly string[];
}

/** The statements every message runs, built once (see store/reusable.ts). */
const reopenForCustomer = reusableQuery((db) =>
  db
    .update(conversations)
    .set({
      status: "open",
      snoozedUntil: null,
      resolvedAt: null,
      lastActivityAt: sql`${sql.placeholder("now")}`,
      lastCustomerMessageAt: sql`${sql.placeholder("now")}`,
      updatedAt: sql`${sql.placeholder("now")}`,
    })
    .where(eq(conversations.id, sql.placeholder("id"))),
);
/**
 * The same for a conversation already open: only the times. SQLite rewrites every index holding a
 * column the SET names, changed or not, so setting `status` again rewrote the (status, sla_due_at)
 * index entry of every message: a page more in each commit (issue 22).
 */
const touchForCustomer = reusableQuery((db) =>
  db
    .update(conversations)
    .set({
      lastActivityAt: sql`${sql.placeholder("now")}`,
      lastCustomerMessageAt: sql`${sql.placeholder("now")}`,
      updatedAt: sql`${sql.placeholder("now")}`,
    })
    .where(eq(conversations.id, sql.placeholder("id"))),
);
/** A new customer's contact and conversation, built once too. */
const insertContact = reusableQuery((db) =>
  db
    .insert(contacts)
    .values({
      name: sql.placeholder("name"),
      email: sql.placeholder("email"),
      phone: sql.placeholder("phone"),
      createdAt: sql.placeholder("now"),
      updatedAt: sql.placeholder("now"),
    })
    .returning(),
);
const insertConversation = reusableQuery((db) =>
  db
    .insert(conversations)
    .values({
      contactId: sql.placeholder("contactId"),
      inbox: sql.placeholder("inbox"),
      channel: sql.placeholder("channel"),
      threadKey: sql.placeholder("threadKey"),
      subject: sql.placeholder("subject"),
      assigneeId: sql.placeholder("assigneeId"),
      teamId: sql.placeholder("teamId"),
      linkedConversationId: sql.placeholder("linkedConversationId"),
      caseId: sql.placeholder("caseId"),
      lastActivityAt: sql.placeholder("now"),
      lastCustomerMessageAt: sql.placeholder("now"),
      createdAt: sql.placeholder("now"),
      updatedAt: sql.placeholder("now"),
    })
    .returning(),
);

interface Plan {
  contactId: number | undefined;
  conversationId: number | undefined;
  forceNew: boolean;
  facts: EnrichmentAnswers;
  decision: RouteDecision | null;
}

/** Nothing decided before the write: #persist finds the contact and the conversation. */
const NO_PLAN: Plan = { contactId: undefined, conversationId: undefined, forceNew: false, facts: new Map(), decision: null };

export class InboundPipeline {
  readonly #deps: InboundDeps;
  readonly #identity: IdentityConfig;
  readonly #policy: ThreadPolicy;
  readonly #text: TextSettings;
  readonly #enricher: Enricher;
  readonly #takers: Taker[] = [];

  constructor(deps: InboundDeps) {
    this.#deps = deps;
    this.#identity = deps.identity ?? identitySchema.parse({});
    this.#policy = { crossChannel: this.#identity.cross_channel, windowMs: this.#identity.cross_channel_window_hours * 3_600_000 };
    this.#text = {
      patterns: referencePatterns(this.#identity.reference_patterns),
      windowMs: this.#identity.name_activity_window_hours * 3_600_000,
      displayName: (name) => deps.inboxNames?.(name),
      ...(deps.channelNames ? { channelNames: deps.channelNames } : {}),
    };
    const enrichment = deps.enrichment ?? enrichmentSchema.parse({});
    const settings = { ttlMs: enrichment.ttl_minutes * 60_000, waitMs: enrichment.wait_ms, matchFacts: this.#identity.match_facts };
    this.#enricher = new Enricher({ ...deps, settings });
    this.take(storeSentOutside(deps));
  }

  /**
   * Runs one inbound message through the pipeline. Resolves once it is durably stored, or with
   * `{ status: "invalid", reason }` for a message core refuses (a 4xx for webhooks). A plugin hook
   * that throws is logged with its plugin's and hook's names and skipped; it never fails the message.
   */
  /**
   * Adds a core step that may take a new message before it is stored as a customer message (the
   * CSAT survey stores an answer as a survey answer). It runs after the normalise hooks and the
   * duplicate check, for the messages its `mayTake` accepts; the first taker to resolve to a result
   * ends the pipeline with that result.
   *
   * @example
   * pipeline.take({
   *   mayTake: (message) => looksLikeSurveyAnswer(message.text),
   *   take: async (message, inbox) => (await surveyAwaits(message, inbox)) ? storeAnswer(message, inbox) : undefined,
   * });
   */
  take(taker: Taker): void {
    this.#takers.push(taker);
  }

  async ingest(inbox: InboxInfo, input: unknown): Promise<IngestResult> {
    const { store, registry, log } = this.#deps;
    const onHookError = (error: SwitchboardError) =>
      log.error({ inbox: inbox.name, ...error.details, error: describeError(error) }, "plugin hook failed; going on without it");
    const normalised = await this.#normalise(inbox, input, onHookError);
    if ("status" in normalised) return normalised;
    const { message } = normalised;

    // What #plan looks up is for the plugins' identify, thread, enrich and route hooks; with none of
    // them, #persist finds the contact and the conversation itself, inside the write (issue 22).
    const hooked = registry.identify.length + registry.thread.length + registry.enrich.length + registry.route.length > 0;
    const takers = this.#takers.filter((taker) => taker.mayTake(message, inbox));
    // The duplicate check before the write is for what runs before it (a taker, the plugins' hooks)
    // and for edits and deletions. Without them, #persist's own check inside the write answers a
    // delivery seen before alone: one statement fewer for most messages (issue 22).
    if (hooked || takers.length > 0 || message.deleted || message.edited) {
      const stored = await findMessageByExternalId(store.db, inbox.name, message.externalId);
      if (message.deleted) return hideDeleted(this.#deps, stored);
      if (stored && message.edited) return this.#applyEdit(stored.id, message);
      if (stored) return { status: "duplicate", messageId: stored.id, conversationId: stored.conversationId, contactId: stored.contactId };
      for (const taker of takers) {
        const taken = await taker.take(message, inbox);
        if (taken) return taken;
      }
    }
    const { plan, run } = hooked ? await this.#plan(inbox, message, onHookError) : { plan: NO_PLAN, run: undefined };
    const { result, events } = await store.write((tx) => this.#persist(tx, inbox, message, plan));
    this.#deps.bus.announce(...events);
    if (run && "contactId" in result) run.finish(result.contactId);
    return result;
  }

  /** The plugins' say before the write: who wrote (identify), which conversation (thread), facts (enrich), who answers (route). */
  async #plan(
    inbox: InboxInfo,
    message: InboundMessage,
    onHookError: (error: SwitchboardError) => void,
  ): Promise<{ plan: Plan; run: EnrichmentRun | undefined }> {
    const { store, registry, clock } = this.#deps;
    const identified = await runFirst(registry.identify, (h) => h({ message, inbox }), onHookError, "identify");
    const contact = identified
      ? await findContact(store.db, identified.value.contactId)
      : await identifyByIdentity(store.db, inbox, message);
    const threaded = await runFirst(registry.thread, (h) => h({ message, inbox, contactId: contact?.id ?? null }), onHookError, "thread");
    const chosen =
      threaded && "conversationId" in threaded.value ? await findConversation(store.db, threaded.value.conversationId) : undefined;
    const forceNew = Boolean(threaded && "newConversation" in threaded.value);
    const conversation =
      chosen ??
      (forceNew ? undefined : (await threadFor(store.db, inbox, message, contact?.id ?? null, clock.now(), this.#policy)).conversation);

    const conversationSnapshot = snapshotConversation(conversation, inbox);
    const run = await this.#enricher.begin(contact, () =>
      enrichInput(store.db, inbox, message, contact, snapshotContact(contact), conversationSnapshot),
    );
    const facts = run ? await run.early() : new Map();
    const contactSnapshot = snapshotContact(contact, facts, clock.now());
    const decision = conversation
      ? null
      : await this.#route({ contact: contactSnapshot, conversation: conversationSnapshot, message }, onHookError);
    return { plan: { contactId: contact?.id, conversationId: chosen?.id, forceNew, facts, decision }, run };
  }

  /**
   * The normalise stage ("sequential"): core's check, then each plugin's inbound hook, each result
   * checked again. A hook that throws is reported and skipped (the message goes on as the hooks
   * before it left it), so a broken filter never blocks a channel's queue nor loses a message.
   */
  async #normalise(
    inbox: InboxInfo,
    input: unknown,
    onHookError: (error: SwitchboardError) => void,
  ): Promise<{ message: InboundMessage } | IngestResult> {
    const region = { defaultPhoneRegion: this.#identity.default_phone_region };
    const checked = normaliseInbound(input, region);
    if ("reason" in checked) return { status: "invalid", reason: checked.reason };
    let message = checked.message;
    for (const hook of this.#deps.registry.inbound) {
      let next: InboundMessage | null;
      try {
        next = await hook.handler(message, inbox);
      } catch (error) {
        onHookError(hookError(hook.plugin, "normalise", error));
        continue;
      }
      if (next === null) return { status: "dropped", reason: `dropped by the plugin "${hook.plugin}"` };
      const again = normaliseInbound(next, region);
      if ("reason" in again)
        return { status: "invalid", reason: `${again.reason} (after the normalise hook of the plugin "${hook.plugin}")` };
      message = again.message;
    }
    return { message };
  }

  /** Resolves once enrichment answers that came after their message are stored (for shutdown and tests). */
  idle(): Promise<void> {
    return this.#enricher.idle();
  }

  /** Replaces a stored message's text with its edit, keeping every earlier version in `metadata.edits`. */
  async #applyEdit(messageId: number, message: InboundMessage): Promise<IngestResult> {
    const { store, clock, bus } = this.#deps;
    const now = clock.now();
    const { row: updated, events } = await store.write(async (tx) => {
      const [current] = await tx.select().from(messages).where(eq(messages.id, messageId));
      if (!current) throw new Error(`Message ${messageId} vanished while being edited.`);
      if (current.text === message.text && current.html === (message.html ?? null)) return { row: current, events: [] };
      const edits = Array.isArray(current.metadata.edits) ? current.metadata.edits : [];
      const [row] = await tx
        .update(messages)
        .set({
          text: message.text,
          html: message.html ?? null,
          metadata: { ...current.metadata, edits: [...edits, { text: current.text, html: current.html, replacedAt: now }] },
          updatedAt: now,
        })
        .where(eq(messages.id, messageId))
        .returning();
      const edited = await bus.record(tx, "message.updated", messageUpdatedData(row!));
      return { row: row!, events: [edited] };
    });
    bus.announce(...events);
    return { status: "edited", messageId: updated.id, conversationId: updated.conversationId, contactId: updated.contactId };
  }

  async #route(
    input: Parameters<PluginRegistry["route"][number]["handler"]>[0],
    onError: (error: SwitchboardError) => void,
  ): Promise<RouteDecision | null> {
    const routed = await runFirst(this.#deps.registry.route, (h) => h(input), onError, "route");
    return routed?.value ?? null;
  }

  async #persist(
    tx: Tx,
    inbox: InboxInfo,
    message: InboundMessage,
    plan: Plan,
  ): Promise<{ result: IngestResult; events: SwitchboardEvent[] }> {
    const { clock, bus } = this.#deps;
    const now = clock.now();
    // The events of this change, logged in one statement at the end (a new customer's contact,
    // conversation and message created were three inserts). Local to this run: group commit may run
    // the function again after a neighbour's failure.
    const logged: EventEntry[] = [];

    const again = await findMessageByExternalId(tx, inbox.name, message.externalId);
    if (again)
      return {
        result: { status: "duplicate", messageId: again.id, conversationId: again.conversationId, contactId: again.contactId },
        events: [],
      };

    const { contactId, created, joined } = await this.#resolveContact(tx, inbox, message, plan, now);
    // A verified join logs its merges itself; it never comes with a new contact's contact.created.
    const merges = await joined.record(bus);
    if (created) logged.push({ name: "contact.created", data: { contactId } });
    if (plan.facts.size > 0 && (await storeEnrichment(tx, contactId, plan.facts, { matchFacts: this.#identity.match_facts }, now))) {
      const plugins = [...plan.facts.keys()];
      logged.push({ name: "contact.enriched", data: { contactId, plugins } });
    }

    let conversation: Conversation | undefined =
      plan.conversationId !== undefined ? await findConversation(tx, plan.conversationId) : undefined;
    let linkTo: number | undefined;
    // A contact created in this transaction has no conversation of its own yet: only a channel thread can be joined.
    if (!conversation && !plan.forceNew)
      ({ conversation, linkTo } = await threadFor(tx, inbox, message, created ? null : contactId, now, this.#policy));
    if (!conversation) {
      [conversation] = await insertConversation(tx, {
        contactId,
        inbox: inbox.name,
        channel: inbox.channel,
        threadKey: message.threadKey ?? null,
        subject: message.subject ?? null,
        assigneeId: plan.decision?.assigneeId ?? null,
        teamId: plan.decision?.teamId ?? null,
        linkedConversationId: linkTo ?? null,
        caseId: linkTo === undefined ? null : await caseForLink(tx, linkTo, now),
        now,
      });
      const created = conversation!;
      logged.push({
        name: "conversation.created",
        data: { conversationId: created.id, contactId, inbox: inbox.name, channel: inbox.channel },
      });
      if (created.assigneeId !== null || created.teamId !== null)
        logged.push({
          name: "conversation.assigned",
          data: { conversationId: created.id, assigneeId: created.assigneeId, teamId: created.teamId, actor: "routing" },
        });
    } else {
      const previous = conversation.status;
      const alreadyOpen = previous === "open" && conversation.snoozedUntil === null && conversation.resolvedAt === null;
      await (alreadyOpen ? touchForCustomer : reopenForCustomer)(tx, { id: conversation.id, now });
      conversation = {
        ...conversation,
        status: "open",
        snoozedUntil: null,
        resolvedAt: null,
        lastActivityAt: now,
        lastCustomerMessageAt: now,
        updatedAt: now,
      };
      const id = conversation.id;
      if (previous !== "open")
        logged.push({ name: "conversation.status_changed", data: { conversationId: id, from: previous, to: "open", actor: "customer" } });
    }
    const conversationId = conversation!.id;

    const stored = await insertIncomingMessage(
      tx,
      {
        conversationId,
        contactId,
        inbox: inbox.name,
        channel: inbox.channel,
        externalId: message.externalId,
        replyToExternalId: message.replyToExternalId ?? null,
        text: message.text,
        html: message.html ?? null,
        metadata: {
          ...(message.metadata ?? {}),
          ...(message.sentAt ? { sentAt: message.sentAt } : {}),
          ...(message.subject ? { subject: message.subject } : {}),
        },
      },
      now,
    );
    await insertAttachments(tx, stored.id, message.attachments, now);
    const state = conversationState(conversation!);
    logged.push({ name: "message.created", data: { ...messageEventData(stored), conversation: state } });
    const events = [...merges, ...(await bus.recordAll(tx, logged))];
    return { result: { status: "stored", messageId: stored.id, conversationId, contactId }, events };
  }

  /**
   * The contact inside the transaction: the one identified before (if it still exists), else by
   * identity again, else a new one. Records the sender's identities and claims, keeps conflicting
   * facts as alternatives, and suggests merges from what is new.
   */
  async #resolveContact(
    tx: Tx,
    inbox: InboxInfo,
    message: InboundMessage,
    plan: Plan,
    now: number,
  ): Promise<{ contactId: number; created: boolean; joined: VerifiedJoin }> {
    const chosen = plan.contactId !== undefined ? await findContact(tx, plan.contactId) : undefined;
    const sender = chosen ? { contact: chosen, byChannel: false } : await identifySender(tx, inbox, message);
    let contact = sender?.contact;
    const created = !contact;
    let filled: string[] = [];
    if (!contact) {
      [contact] = await insertContact(tx, {
        name: message.contact.name ?? null,
        email: message.contact.email ?? null,
        phone: message.contact.phone ?? null,
        now,
      });
    } else {
      filled = await absorbContactFacts(tx, contact, message.contact, now);
    }
    // The name as it stands after this message (a gap it filled).
    const nameAfter = filled.includes("name") ? (message.contact.name ?? null) : contact!.name;
    // An unverified sender joins nobody (only a verified identity does), so the text's claims (that
    // name, the references) are known now and go into the insert of the sender's own claims: one
    // statement instead of two (issue 22).
    const text =
      this.#identity.suggest_from_text && !message.contact.verified ? textClaims(nameAfter, message.text, this.#text.patterns) : undefined;
    const recorded = await recordIdentities(tx, contact!.id, inbox, message, now, {
      byChannel: sender?.byChannel ?? false,
      ...(text ? { alsoClaims: text.claims } : {}),
    });
    // A verified email or phone another contact holds verified joins the two; the rest may suggest.
    const joined = await joinVerifiedHolders(tx, contact!.id, recorded, now);
    const contactId = joined.contactId;
    const signals = recorded.filter((s) => s.heldBy === undefined);
    const checkName =
      this.#identity.suggest_name_matches && Boolean(message.contact.name) && (created || filled.length > 0 || signals.length > 0);
    // Unless the contact was joined into another (whose name suggestFromText reads).
    const name = contactId !== contact!.id ? undefined : nameAfter;
    if (signals.length > 0 || checkName) await suggestMerges(tx, contactId, signals, { checkName, name }, now);
    if (this.#identity.suggest_from_text)
      await suggestFromText(tx, contactId, inbox, message.text, this.#text, now, name, contactId === contact!.id ? text : undefined);
    return { contactId, created: created && contactId === contact!.id, joined };
  }
}

function snapshotContact(contact: Contact | undefined, facts: EnrichmentAnswers = new Map(), now = 0): ContactSnapshot {
  const attributes = facts.size > 0 ? withAnswers(contact?.attributes ?? {}, facts, now) : (contact?.attributes ?? {});
  return contact
    ? { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone, attributes, isNew: false }
    : { id: null, name: null, email: null, phone: null, attributes, isNew: true };
}

function snapshotConversation(conversation: Conversation | undefined, inbox: InboxInfo): ConversationSnapshot {
  return conversation
    ? {
        id: conversation.id,
        inbox: conversation.inbox,
        channel: conversation.channel,
        status: conversation.status,
        assigneeId: conversation.assigneeId,
        teamId: conversation.teamId,
        isNew: false,
      }
    : { id: null, inbox: inbox.name, channel: inbox.channel, status: "open", assigneeId: null, teamId: null, isNew: true };
}
