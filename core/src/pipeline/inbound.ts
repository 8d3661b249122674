/**
 * The inbound pipeline: normalise → dedupe → identify → thread → enrich → route → persist → publish.
 * Stages before persist only read (and run plugin hooks, which may be slow); persist repeats the
 * decisive lookups inside one write transaction, so concurrent deliveries can never store a message
 * twice or split a new contact in two. Events go out only after the commit.
 */
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { describeError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log/index.ts";
import { runFirst, withTimeout } from "../plugins/hooks.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { ContactSnapshot, ConversationSnapshot, InboundMessage, InboxInfo, IngestResult, RouteDecision } from "../plugins/types.ts";
import { addIdentity, type Contact, fillContactGaps, findContact, findContactByIdentity } from "../store/contacts.ts";
import { type Conversation, findConversation, latestConversationFor } from "../store/conversations.ts";
import type { Queryable, Store, Tx } from "../store/index.ts";
import { findMessageByExternalId, messageEventData } from "../store/messages.ts";
import { insertAttachments } from "../store/attachments.ts";
import { contacts, conversations, messages } from "../store/schema.ts";
import { normaliseInbound } from "./normalise.ts";

export interface InboundDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  registry: PluginRegistry;
}

type Publish = () => void;

export class InboundPipeline {
  readonly #deps: InboundDeps;

  constructor(deps: InboundDeps) {
    this.#deps = deps;
  }

  /**
   * Runs one inbound message through the pipeline. Resolves once it is durably stored.
   * Throws SWB_ERR_INBOUND_INVALID (a 4xx for webhooks) for a malformed message.
   */
  async ingest(inbox: InboxInfo, input: unknown): Promise<IngestResult> {
    const { store, registry, log } = this.#deps;
    let message = normaliseInbound(input);
    for (const hook of registry.inbound) {
      const next = await hook.handler(message, inbox);
      if (next === null) return { status: "dropped", reason: `dropped by the plugin "${hook.plugin}"` };
      message = normaliseInbound(next);
    }

    const stored = await findMessageByExternalId(store.db, inbox.name, message.externalId);
    if (stored && message.edited) return this.#applyEdit(stored.id, message);
    if (stored) return { status: "duplicate", messageId: stored.id, conversationId: stored.conversationId, contactId: stored.contactId };

    const onHookError = (error: Error) => log.error({ inbox: inbox.name, error: describeError(error) }, "pipeline hook failed; going on without it");
    const identified = await runFirst(registry.identify, (h) => h({ message, inbox }), onHookError, "identify");
    const contact = identified ? await findContact(store.db, identified.value.contactId) : await identifyByIdentity(store.db, inbox, message);
    const threaded = await runFirst(registry.thread, (h) => h({ message, inbox, contactId: contact?.id ?? null }), onHookError, "thread");
    const chosen = threaded && "conversationId" in threaded.value ? await findConversation(store.db, threaded.value.conversationId) : undefined;
    const forceNew = Boolean(threaded && "newConversation" in threaded.value);
    const conversation = chosen ?? (forceNew ? undefined : openConversationOf(await latestConversationFor(store.db, { inbox: inbox.name, threadKey: message.threadKey, contactId: contact?.id ?? null })));

    const contactSnapshot = snapshotContact(contact);
    const conversationSnapshot = snapshotConversation(conversation, inbox);
    const facts = conversation ? {} : await this.#enrich({ contact: contactSnapshot, conversation: conversationSnapshot, message });
    const decision = conversation ? null : await this.#route({ contact: contactSnapshot, conversation: conversationSnapshot, message }, onHookError);

    const { result, publish } = await store.write((tx) => this.#persist(tx, inbox, message, { contactId: contact?.id, conversationId: chosen?.id, forceNew, facts, decision }));
    publish();
    return result;
  }

  /** Replaces a stored message's text with its edit, keeping every earlier version in `metadata.edits`. */
  async #applyEdit(messageId: number, message: InboundMessage): Promise<IngestResult> {
    const { store, clock, bus } = this.#deps;
    const now = clock.now();
    const { row: updated, changed } = await store.write(async (tx) => {
      const [current] = await tx.select().from(messages).where(eq(messages.id, messageId));
      if (!current) throw new Error(`Message ${messageId} vanished while being edited.`);
      if (current.text === message.text && current.html === (message.html ?? null)) return { row: current, changed: false };
      const edits = Array.isArray(current.metadata.edits) ? current.metadata.edits : [];
      const [row] = await tx
        .update(messages)
        .set({ text: message.text, html: message.html ?? null, metadata: { ...current.metadata, edits: [...edits, { text: current.text, html: current.html, replacedAt: now }] }, updatedAt: now })
        .where(eq(messages.id, messageId))
        .returning();
      return { row: row!, changed: true };
    });
    if (changed) bus.publish("message.updated", { ...messageEventData(updated), deliveryStatus: updated.deliveryStatus, deliveryError: updated.deliveryError });
    return { status: "edited", messageId: updated.id, conversationId: updated.conversationId, contactId: updated.contactId };
  }

  async #enrich(input: Parameters<PluginRegistry["enrich"][number]["handler"]>[0]): Promise<Record<string, Record<string, unknown>>> {
    const facts: Record<string, Record<string, unknown>> = {};
    await Promise.all(
      this.#deps.registry.enrich.map(async (hook) => {
        const controller = new AbortController();
        try {
          const result = await withTimeout(Promise.resolve(hook.handler(input, controller.signal)), hook.timeoutMs ?? 2000, `Enrichment by "${hook.plugin}"`, { controller });
          if (result && typeof result === "object") facts[hook.plugin] = result;
        } catch (error) {
          this.#deps.log.warn({ plugin: hook.plugin, error: describeError(error) }, "enrichment failed; the message is stored without it");
        }
      }),
    );
    return facts;
  }

  async #route(input: Parameters<PluginRegistry["route"][number]["handler"]>[0], onError: (error: Error) => void): Promise<RouteDecision | null> {
    const routed = await runFirst(this.#deps.registry.route, (h) => h(input), onError, "route");
    return routed?.value ?? null;
  }

  async #persist(
    tx: Tx,
    inbox: InboxInfo,
    message: InboundMessage,
    plan: { contactId: number | undefined; conversationId: number | undefined; forceNew: boolean; facts: Record<string, Record<string, unknown>>; decision: RouteDecision | null },
  ): Promise<{ result: IngestResult; publish: Publish }> {
    const { clock, bus } = this.#deps;
    const now = clock.now();
    const events: Publish[] = [];

    const again = await findMessageByExternalId(tx, inbox.name, message.externalId);
    if (again) return { result: { status: "duplicate", messageId: again.id, conversationId: again.conversationId, contactId: again.contactId }, publish: () => {} };

    let contact = (plan.contactId !== undefined ? await findContact(tx, plan.contactId) : undefined) ?? (await identifyByIdentity(tx, inbox, message));
    if (!contact) {
      [contact] = await tx
        .insert(contacts)
        .values({ name: message.contact.name ?? null, email: message.contact.email ?? null, phone: message.contact.phone ?? null, createdAt: now, updatedAt: now })
        .returning();
      const contactId = contact!.id;
      events.push(() => bus.publish("contact.created", { contactId }));
    } else {
      await fillContactGaps(tx, contact, message.contact, now);
    }
    const contactId = contact!.id;
    await addIdentities(tx, contactId, inbox, message);
    if (Object.keys(plan.facts).length > 0) await mergeEnrichment(tx, contactId, plan.facts, now);

    let conversation: Conversation | undefined = plan.conversationId !== undefined ? await findConversation(tx, plan.conversationId) : undefined;
    if (!conversation && !plan.forceNew) conversation = openConversationOf(await latestConversationFor(tx, { inbox: inbox.name, threadKey: message.threadKey, contactId }));
    if (!conversation) {
      [conversation] = await tx
        .insert(conversations)
        .values({
          contactId,
          inbox: inbox.name,
          channel: inbox.channel,
          threadKey: message.threadKey ?? null,
          subject: message.subject ?? null,
          assigneeId: plan.decision?.assigneeId ?? null,
          teamId: plan.decision?.teamId ?? null,
          lastActivityAt: now,
          lastCustomerMessageAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const created = conversation!;
      events.push(() => bus.publish("conversation.created", { conversationId: created.id, contactId, inbox: inbox.name, channel: inbox.channel }));
      if (created.assigneeId !== null || created.teamId !== null) {
        events.push(() => bus.publish("conversation.assigned", { conversationId: created.id, assigneeId: created.assigneeId, teamId: created.teamId, actor: "routing" }));
      }
    } else {
      const previous = conversation.status;
      await tx
        .update(conversations)
        .set({ status: "open", snoozedUntil: null, resolvedAt: null, lastActivityAt: now, lastCustomerMessageAt: now, updatedAt: now })
        .where(eq(conversations.id, conversation.id));
      const id = conversation.id;
      if (previous !== "open") events.push(() => bus.publish("conversation.status_changed", { conversationId: id, from: previous, to: "open", actor: "customer" }));
    }
    const conversationId = conversation!.id;

    const [row] = await tx
      .insert(messages)
      .values({
        conversationId,
        contactId,
        inbox: inbox.name,
        channel: inbox.channel,
        direction: "incoming",
        externalId: message.externalId,
        replyToExternalId: message.replyToExternalId ?? null,
        text: message.text,
        html: message.html ?? null,
        metadata: { ...(message.metadata ?? {}), ...(message.sentAt ? { sentAt: message.sentAt } : {}), ...(message.subject ? { subject: message.subject } : {}) },
        deliveryStatus: "received",
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const stored = row!;
    await insertAttachments(tx, stored.id, message.attachments, now);
    events.push(() => bus.publish("message.created", messageEventData(stored)));
    return { result: { status: "stored", messageId: stored.id, conversationId, contactId }, publish: () => events.forEach((e) => e()) };
  }
}

/** A conversation a new message joins: any not resolved. A resolved one starts a new conversation. */
function openConversationOf(conversation: Conversation | undefined): Conversation | undefined {
  return conversation && conversation.status !== "resolved" ? conversation : undefined;
}

/** Finds the contact by this channel's identity, then by a verified email or phone. */
async function identifyByIdentity(db: Queryable, inbox: InboxInfo, message: InboundMessage): Promise<Contact | undefined> {
  const byChannel = await findContactByIdentity(db, inbox.channel, message.contact.externalId);
  if (byChannel || !message.contact.verified) return byChannel;
  if (message.contact.email) {
    const byEmail = await findContactByIdentity(db, "email", message.contact.email);
    if (byEmail) return byEmail;
  }
  return message.contact.phone ? findContactByIdentity(db, "phone", message.contact.phone) : undefined;
}

async function addIdentities(tx: Tx, contactId: number, inbox: InboxInfo, message: InboundMessage): Promise<void> {
  const verified = message.contact.verified ?? false;
  const source = `inbox:${inbox.name}`;
  await addIdentity(tx, contactId, { channel: inbox.channel, externalId: message.contact.externalId, verified, source });
  if (verified && message.contact.email) await addIdentity(tx, contactId, { channel: "email", externalId: message.contact.email, verified, source });
  if (verified && message.contact.phone) await addIdentity(tx, contactId, { channel: "phone", externalId: message.contact.phone, verified, source });
}

async function mergeEnrichment(tx: Tx, contactId: number, facts: Record<string, Record<string, unknown>>, now: number): Promise<void> {
  await tx
    .update(contacts)
    .set({
      attributes: sql`json_set(${contacts.attributes}, '$.enrichment', json_patch(coalesce(json_extract(${contacts.attributes}, '$.enrichment'), '{}'), ${JSON.stringify(facts)}))`,
      updatedAt: now,
    })
    .where(eq(contacts.id, contactId));
}

function snapshotContact(contact: Contact | undefined): ContactSnapshot {
  return contact
    ? { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone, attributes: contact.attributes, isNew: false }
    : { id: null, name: null, email: null, phone: null, attributes: {}, isNew: true };
}

function snapshotConversation(conversation: Conversation | undefined, inbox: InboxInfo): ConversationSnapshot {
  return conversation
    ? { id: conversation.id, inbox: conversation.inbox, channel: conversation.channel, status: conversation.status, assigneeId: conversation.assigneeId, teamId: conversation.teamId, isNew: false }
    : { id: null, inbox: inbox.name, channel: inbox.channel, status: "open", assigneeId: null, teamId: null, isNew: true };
}
