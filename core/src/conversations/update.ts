/**
 * Changing a conversation (from the REST API, the inbox or an automation): status (with snooze
 * time), priority, assignee and team.
 * One write transaction updates the row, adds an "activity" message per change to the conversation's
 * timeline ("Status changed from open to resolved by Alice") and an audit_log row; the domain events
 * go out after the commit.
 */
import { and, eq, inArray } from "drizzle-orm";
import { type Agent, findAgent } from "../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Services } from "../services.ts";
import { type Conversation, findConversation } from "../store/conversations.ts";
import type { Tx } from "../store/index.ts";
import { auditLog, conversationLabels, conversations, labels, messages, teams } from "../store/schema.ts";

/** Who makes a change: an agent, or Switchboard itself (automations, snooze wake-ups) with id null. */
export type Actor = Pick<Agent, "id" | "name"> | { id: null; name: string };

/** The actor for changes Switchboard makes by itself. */
export const SYSTEM_ACTOR: Actor = { id: null, name: "Switchboard" };

/** The durable job that reopens a snoozed conversation when its time comes. */
export const SNOOZE_JOB = "core:snooze.wake";
export const snoozeKey = (conversationId: number) => `snooze:${conversationId}`;

export interface ConversationPatch {
  status?: Conversation["status"];
  /** Required with status "snoozed", and only then. */
  snoozedUntil?: number;
  priority?: Conversation["priority"];
  assigneeId?: number | null;
  teamId?: number | null;
  /** Label names to add (they must exist). */
  addLabels?: string[];
  /** Label names to remove. */
  removeLabels?: string[];
}

interface Activity {
  kind: "status" | "priority" | "assignee" | "team" | "label";
  from: string | number | null;
  to: string | number | null;
  text: string;
}

/**
 * Applies a patch as `actor`. Throws SWB_ERR_NOT_FOUND for an unknown conversation, and
 * SWB_ERR_VALIDATION for an unknown assignee or team or a snooze time in the past.
 * A patch that changes nothing writes nothing.
 *
 * @example
 * const updated = await updateConversation(switchboard, agent, 42, { status: "resolved" });
 */
export async function updateConversation(
  sb: Pick<Services, "store" | "clock" | "bus" | "jobs">,
  actor: Actor,
  id: number,
  patch: ConversationPatch,
): Promise<Conversation> {
  const now = sb.clock.now();
  if (patch.status === "snoozed" && (patch.snoozedUntil === undefined || patch.snoozedUntil <= now)) {
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      "Invalid body: snoozed_until: give a time in the future (milliseconds since the epoch).",
    );
  }
  const actorRef = actor.id === null ? "system" : `agent:${actor.id}`;
  const { conversation, events } = await sb.store.write(async (tx) => {
    const current = await findConversation(tx, id);
    if (!current) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist.`);
    const { set, activities } = await plan(tx, current, patch, actor, now);
    if (activities.length === 0) return { conversation: current, events: [] };
    const [updated] = await tx
      .update(conversations)
      .set({ ...set, updatedAt: now })
      .where(eq(conversations.id, id))
      .returning();
    await applyLabels(tx, id, patch);
    if (updated!.status === "snoozed" && updated!.snoozedUntil !== null) {
      await sb.jobs.schedule(SNOOZE_JOB, { conversationId: id }, { at: updated!.snoozedUntil, key: snoozeKey(id) }, tx);
    } else if (current.status === "snoozed") {
      await sb.jobs.cancel(snoozeKey(id), tx);
    }
    await tx.insert(messages).values(
      activities.map((a) => ({
        conversationId: id,
        contactId: current.contactId,
        inbox: current.inbox,
        channel: current.channel,
        direction: "activity" as const,
        authorAgentId: actor.id,
        text: a.text,
        metadata: { activity: a.kind, from: a.from, to: a.to },
        deliveryStatus: "sent" as const,
        createdAt: now,
        updatedAt: now,
      })),
    );
    const changes = Object.fromEntries(activities.map((a) => [a.kind, { from: a.from, to: a.to }]));
    await tx.insert(auditLog).values({
      actor: actorRef,
      action: "conversation.updated",
      subjectType: "conversation",
      subjectId: String(id),
      data: changes,
      createdAt: now,
    });
    const events: SwitchboardEvent[] = [];
    const status = activities.find((a) => a.kind === "status");
    if (status && status.from !== status.to)
      events.push(
        await sb.bus.record(tx, "conversation.status_changed", {
          conversationId: id,
          from: String(status.from),
          to: String(status.to),
          actor: actorRef,
        }),
      );
    if (activities.some((a) => a.kind === "assignee" || a.kind === "team"))
      events.push(
        await sb.bus.record(tx, "conversation.assigned", {
          conversationId: id,
          assigneeId: updated!.assigneeId,
          teamId: updated!.teamId,
          actor: actorRef,
        }),
      );
    return { conversation: updated!, events };
  });
  sb.bus.announce(...events);
  return conversation;
}

/** Works out the column changes and their timeline entries. Reads (agents, teams) inside the transaction. */
async function plan(
  tx: Tx,
  current: Conversation,
  patch: ConversationPatch,
  actor: Actor,
  now: number,
): Promise<{ set: Partial<Conversation>; activities: Activity[] }> {
  const set: Partial<Conversation> = {};
  const activities: Activity[] = [];
  const by = ` by ${actor.name}`;
  activities.push(...(await labelActivities(tx, current.id, patch, by)));
  const { status } = patch;
  if (status !== undefined && (status !== current.status || (status === "snoozed" && patch.snoozedUntil !== current.snoozedUntil))) {
    set.status = status;
    set.snoozedUntil = status === "snoozed" ? patch.snoozedUntil! : null;
    if (status !== current.status) set.resolvedAt = status === "resolved" ? now : null;
    const until = status === "snoozed" ? ` until ${new Date(patch.snoozedUntil!).toISOString()}` : "";
    activities.push({
      kind: "status",
      from: current.status,
      to: status,
      text: `Status changed from ${current.status} to ${status}${until}${by}`,
    });
  }
  if (patch.priority !== undefined && patch.priority !== current.priority) {
    set.priority = patch.priority;
    activities.push({
      kind: "priority",
      from: current.priority,
      to: patch.priority,
      text: `Priority changed from ${current.priority} to ${patch.priority}${by}`,
    });
  }
  if (patch.assigneeId !== undefined && patch.assigneeId !== current.assigneeId) {
    const assignee = patch.assigneeId === null ? undefined : await findAgent(tx, patch.assigneeId);
    if (patch.assigneeId !== null && !assignee) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `Invalid body: assignee_id: there is no agent ${patch.assigneeId}. List agents with GET /api/v1/agents.`,
      );
    }
    if (assignee?.deactivatedAt != null) {
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `Invalid body: assignee_id: ${assignee.name} has been deactivated. Pick an active agent, or ask an admin to reactivate them.`,
      );
    }
    set.assigneeId = patch.assigneeId;
    activities.push({
      kind: "assignee",
      from: current.assigneeId,
      to: patch.assigneeId,
      text: assignee ? `Assigned to ${assignee.name}${by}` : `Unassigned${by}`,
    });
  }
  if (patch.teamId !== undefined && patch.teamId !== current.teamId) {
    const [team] = patch.teamId === null ? [] : await tx.select().from(teams).where(eq(teams.id, patch.teamId));
    if (patch.teamId !== null && !team)
      throw new SwitchboardError(ErrorCodes.VALIDATION, `Invalid body: team_id: there is no team ${patch.teamId}.`);
    set.teamId = patch.teamId;
    activities.push({
      kind: "team",
      from: current.teamId,
      to: patch.teamId,
      text: team ? `Moved to team ${team.name}${by}` : `Removed from its team${by}`,
    });
  }
  return { set, activities };
}

/** The label changes of a patch as timeline entries; unknown label names are refused. */
async function labelActivities(tx: Tx, conversationId: number, patch: ConversationPatch, by: string): Promise<Activity[]> {
  const names = [...(patch.addLabels ?? []), ...(patch.removeLabels ?? [])];
  if (names.length === 0) return [];
  const known = await tx.select().from(labels).where(inArray(labels.name, names));
  const unknown = names.filter((name) => !known.some((label) => label.name === name));
  if (unknown.length > 0)
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `There is no label ${unknown.map((n) => `"${n}"`).join(", ")}. An admin creates labels on the Labels page.`,
    );
  const current = new Set(
    (
      await tx
        .select({ id: conversationLabels.labelId })
        .from(conversationLabels)
        .where(eq(conversationLabels.conversationId, conversationId))
    ).map((r) => r.id),
  );
  const byName = new Map(known.map((label) => [label.name, label.id]));
  const added = (patch.addLabels ?? []).filter((name) => !current.has(byName.get(name)!));
  const removed = (patch.removeLabels ?? []).filter((name) => current.has(byName.get(name)!));
  return [
    ...added.map((name): Activity => ({ kind: "label", from: null, to: name, text: `Label ${name} added${by}` })),
    ...removed.map((name): Activity => ({ kind: "label", from: name, to: null, text: `Label ${name} removed${by}` })),
  ];
}

async function applyLabels(tx: Tx, conversationId: number, patch: ConversationPatch): Promise<void> {
  if (patch.addLabels?.length) {
    const rows = await tx.select({ id: labels.id }).from(labels).where(inArray(labels.name, patch.addLabels));
    await tx
      .insert(conversationLabels)
      .values(rows.map((r) => ({ conversationId, labelId: r.id })))
      .onConflictDoNothing();
  }
  if (patch.removeLabels?.length) {
    const rows = await tx.select({ id: labels.id }).from(labels).where(inArray(labels.name, patch.removeLabels));
    await tx.delete(conversationLabels).where(
      and(
        eq(conversationLabels.conversationId, conversationId),
        inArray(
          conversationLabels.labelId,
          rows.map((r) => r.id),
        ),
      ),
    );
  }
}

/**
 * Defines the job that wakes snoozed conversations: when its time comes, a conversation still
 * snoozed is reopened by Switchboard, with an activity entry.
 *
 * @example
 * defineSnoozeWakeUp(switchboard);
 */
export function defineSnoozeWakeUp(sb: Pick<Services, "store" | "clock" | "bus" | "jobs">): void {
  sb.jobs.define(SNOOZE_JOB, async (payload) => {
    const { conversationId } = payload as { conversationId: number };
    const conversation = await findConversation(sb.store.db, conversationId);
    if (!conversation || conversation.status !== "snoozed" || (conversation.snoozedUntil ?? 0) > sb.clock.now()) return;
    await updateConversation(sb, SYSTEM_ACTOR, conversationId, { status: "open" });
  });
}
