/**
 * Routing after arrival: unassigned open conversations are routed again when an agent comes online
 * or capacity frees up (a durable, de-duplicated job), and a conversation left unassigned past
 * `[routing] escalate_after_minutes` escalates, once (priority, optional team, a note that marks it,
 * `routing.escalated`).
 */
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Actor, updateConversation } from "../conversations/update.ts";
import type { RouteInput } from "../plugins/types.ts";
import type { Services } from "../services.ts";
import { findContact, identitiesOf } from "../store/contacts.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import { conversationLabels, conversations, labels, messages, teams } from "../store/schema.ts";
import type { Router } from "./router.ts";

/** Who routing acts as in the timeline ("Assigned to Bob by Routing"). */
export const ROUTING_ACTOR: Actor = { id: null, name: "Routing" };
export const REQUEUE_JOB = "core:routing.requeue";
export const ESCALATE_JOB = "core:routing.escalate";
const REQUEUE_KEY = "routing:requeue";
export const escalateKey = (conversationId: number) => `routing:escalate:${conversationId}`;
/** How many waiting conversations one re-queue run looks at, oldest first. */
const BATCH = 50;

type Needs = Pick<Services, "store" | "clock" | "bus" | "jobs" | "log" | "outbound" | "loaded">;

/** What a strategy sees for a conversation that already exists. */
async function routeInputOf(sb: Needs, conversation: Conversation): Promise<RouteInput | undefined> {
  const contact = await findContact(sb.store.db, conversation.contactId);
  if (!contact) return undefined;
  const [last] = await sb.store.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, "incoming")))
    .orderBy(desc(messages.id))
    .limit(1);
  const identity = (await identitiesOf(sb.store.db, contact.id)).find((i) => i.channel === conversation.channel);
  const attached = await sb.store.db
    .select({ name: labels.name })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(eq(conversationLabels.conversationId, conversation.id));
  return {
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      attributes: contact.attributes,
      isNew: false,
    },
    conversation: {
      id: conversation.id,
      inbox: conversation.inbox,
      channel: conversation.channel,
      status: conversation.status,
      assigneeId: null,
      teamId: conversation.teamId,
      isNew: false,
      labels: attached.map((l) => l.name),
    },
    message: {
      externalId: last?.externalId ?? `conversation-${conversation.id}`,
      contact: { externalId: identity?.externalId ?? String(contact.id) },
      text: last?.text ?? "",
      metadata: last?.metadata ?? {},
    },
  };
}

/**
 * Routes one unassigned conversation now through its inbox's chain. Returns whether it got an agent.
 *
 * @example
 * await routeConversation(switchboard, router, 42);
 */
export async function routeConversation(sb: Needs, router: Router, conversationId: number): Promise<boolean> {
  const conversation = await findConversation(sb.store.db, conversationId);
  if (!conversation || conversation.status !== "open" || conversation.assigneeId !== null) return false;
  const input = await routeInputOf(sb, conversation);
  const decision = input ? await router.decide(input) : null;
  if (!decision) return false;
  const teamId = conversation.teamId ?? decision.teamId ?? undefined;
  await updateConversation(sb, ROUTING_ACTOR, conversationId, {
    assigneeId: decision.assigneeId ?? undefined,
    teamId: teamId ?? undefined,
  });
  return decision.assigneeId != null;
}

/**
 * Defines the re-queue and escalation jobs and subscribes to the events that trigger them.
 *
 * @example
 * const { requeueSoon } = setupRequeue(switchboard, router);
 * await requeueSoon(); // route waiting conversations again soon
 */
export function setupRequeue(sb: Needs, router: Router): { requeueSoon(): Promise<void> } {
  const { escalate_after_minutes: afterMinutes, escalate_priority: priority, escalate_to_team: teamName } = sb.loaded.config.routing;
  const routed = () => Object.keys(sb.loaded.config.inboxes).filter((inbox) => router.strategiesFor(inbox).length > 0);
  const requeueSoon = async () => {
    if (routed().length > 0) await sb.jobs.schedule(REQUEUE_JOB, {}, { key: REQUEUE_KEY });
  };

  /** A conversation escalates once: its escalation note marks it. */
  const escalatedBefore = async (conversationId: number) => {
    const [note] = await sb.store.db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          eq(messages.direction, "note"),
          sql`json_extract(${messages.metadata}, '$.routing') = 'escalated'`,
        ),
      )
      .limit(1);
    return note !== undefined;
  };

  sb.jobs.define(REQUEUE_JOB, async () => {
    const inboxes = routed();
    if (inboxes.length === 0) return;
    const waiting = await sb.store.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.status, "open"), isNull(conversations.assigneeId), inArray(conversations.inbox, inboxes)))
      .orderBy(asc(conversations.createdAt), asc(conversations.id))
      .limit(BATCH);
    for (const { id } of waiting) await routeConversation(sb, router, id);
  });

  sb.jobs.define(ESCALATE_JOB, async (payload) => {
    const { conversationId, since } = payload as { conversationId: number; since: number };
    const conversation = await findConversation(sb.store.db, conversationId);
    if (!conversation || conversation.status !== "open" || conversation.assigneeId !== null || (await escalatedBefore(conversationId)))
      return;
    const [team] = teamName ? await sb.store.db.select({ id: teams.id }).from(teams).where(eq(teams.name, teamName)) : [];
    if (teamName && !team)
      sb.log.warn({ team: teamName }, "routing.escalate_to_team names no team; escalating without moving the conversation");
    const waitedMs = sb.clock.now() - since;
    await sb.outbound.reply({
      conversationId,
      agentId: null,
      kind: "note",
      metadata: { routing: "escalated" },
      text: `Unassigned for ${Math.round(waitedMs / 60_000)} minutes: escalated (priority ${priority}${team ? `, team ${teamName}` : ""}).`,
    });
    await updateConversation(sb, ROUTING_ACTOR, conversationId, { priority, ...(team ? { teamId: team.id } : {}) });
    await sb.bus.publish("routing.escalated", { conversationId, waitedMs });
    await requeueSoon();
  });

  /** `inbox` when the event names it: a conversation in an inbox without routing needs no read. */
  const watchEscalation = async (conversationId: number, inbox?: string) => {
    if (afterMinutes === 0 || (inbox !== undefined && !routed().includes(inbox))) return;
    const conversation = await findConversation(sb.store.db, conversationId);
    if (!conversation || !routed().includes(conversation.inbox) || (await escalatedBefore(conversationId))) return;
    if (conversation.assigneeId !== null || conversation.status !== "open") {
      await sb.jobs.cancel(escalateKey(conversationId));
      return;
    }
    const since = sb.clock.now();
    await sb.jobs.schedule(
      ESCALATE_JOB,
      { conversationId, since },
      { at: since + afterMinutes * 60_000, key: escalateKey(conversationId) },
    );
  };

  sb.bus.consume("routing", {
    "conversation.created": (event) => watchEscalation(event.data.conversationId, event.data.inbox),
    "conversation.assigned": async (event) => {
      await watchEscalation(event.data.conversationId);
      await requeueSoon();
    },
    "agent.availability_changed": async (event) => {
      if (event.data.availability === "online") await requeueSoon();
    },
    "conversation.status_changed": async (event) => {
      if (event.data.from === "open") await requeueSoon();
    },
  });
  return { requeueSoon };
}
