/**
 * Changing a conversation through the API: status (with snooze time), priority, assignee and team.
 * One write transaction updates the row, adds an "activity" message per change to the conversation's
 * timeline ("Status changed from open to resolved by Alice") and an audit_log row; the domain events
 * go out after the commit.
 */
import { eq } from "drizzle-orm";
import { type Agent, findAgent } from "../../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Switchboard } from "../../switchboard.ts";
import { type Conversation, findConversation } from "../../store/conversations.ts";
import type { Tx } from "../../store/index.ts";
import { auditLog, conversations, messages, teams } from "../../store/schema.ts";

export interface ConversationPatch {
  status?: Conversation["status"];
  /** Required with status "snoozed", and only then. */
  snoozedUntil?: number;
  priority?: Conversation["priority"];
  assigneeId?: number | null;
  teamId?: number | null;
}

interface Activity {
  kind: "status" | "priority" | "assignee" | "team";
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
export async function updateConversation(sb: Pick<Switchboard, "store" | "clock" | "bus">, actor: Agent, id: number, patch: ConversationPatch): Promise<Conversation> {
  const now = sb.clock.now();
  if (patch.status === "snoozed" && (patch.snoozedUntil === undefined || patch.snoozedUntil <= now)) {
    throw new SwitchboardError(ErrorCodes.VALIDATION, "Invalid body: snoozed_until: give a time in the future (milliseconds since the epoch).");
  }
  const actorRef = `agent:${actor.id}`;
  const { conversation, activities } = await sb.store.write(async (tx) => {
    const current = await findConversation(tx, id);
    if (!current) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${id} does not exist. List conversations with GET /api/v1/conversations.`);
    const { set, activities } = await plan(tx, current, patch, actor, now);
    if (activities.length === 0) return { conversation: current, activities };
    const [updated] = await tx.update(conversations).set({ ...set, updatedAt: now }).where(eq(conversations.id, id)).returning();
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
    await tx.insert(auditLog).values({ actor: actorRef, action: "conversation.updated", subjectType: "conversation", subjectId: String(id), data: changes, createdAt: now });
    return { conversation: updated!, activities };
  });
  const status = activities.find((a) => a.kind === "status");
  if (status && status.from !== status.to) sb.bus.publish("conversation.status_changed", { conversationId: id, from: String(status.from), to: String(status.to), actor: actorRef });
  if (activities.some((a) => a.kind === "assignee" || a.kind === "team")) {
    sb.bus.publish("conversation.assigned", { conversationId: id, assigneeId: conversation.assigneeId, teamId: conversation.teamId, actor: actorRef });
  }
  return conversation;
}

/** Works out the column changes and their timeline entries. Reads (agents, teams) inside the transaction. */
async function plan(tx: Tx, current: Conversation, patch: ConversationPatch, actor: Agent, now: number): Promise<{ set: Partial<Conversation>; activities: Activity[] }> {
  const set: Partial<Conversation> = {};
  const activities: Activity[] = [];
  const by = ` by ${actor.name}`;
  const { status } = patch;
  if (status !== undefined && (status !== current.status || (status === "snoozed" && patch.snoozedUntil !== current.snoozedUntil))) {
    set.status = status;
    set.snoozedUntil = status === "snoozed" ? patch.snoozedUntil! : null;
    if (status !== current.status) set.resolvedAt = status === "resolved" ? now : null;
    const until = status === "snoozed" ? ` until ${new Date(patch.snoozedUntil!).toISOString()}` : "";
    activities.push({ kind: "status", from: current.status, to: status, text: `Status changed from ${current.status} to ${status}${until}${by}` });
  }
  if (patch.priority !== undefined && patch.priority !== current.priority) {
    set.priority = patch.priority;
    activities.push({ kind: "priority", from: current.priority, to: patch.priority, text: `Priority changed from ${current.priority} to ${patch.priority}${by}` });
  }
  if (patch.assigneeId !== undefined && patch.assigneeId !== current.assigneeId) {
    const assignee = patch.assigneeId === null ? undefined : await findAgent(tx, patch.assigneeId);
    if (patch.assigneeId !== null && !assignee) {
      throw new SwitchboardError(ErrorCodes.VALIDATION, `Invalid body: assignee_id: there is no agent ${patch.assigneeId}. List agents with GET /api/v1/agents.`);
    }
    set.assigneeId = patch.assigneeId;
    activities.push({ kind: "assignee", from: current.assigneeId, to: patch.assigneeId, text: assignee ? `Assigned to ${assignee.name}${by}` : `Unassigned${by}` });
  }
  if (patch.teamId !== undefined && patch.teamId !== current.teamId) {
    const [team] = patch.teamId === null ? [] : await tx.select().from(teams).where(eq(teams.id, patch.teamId));
    if (patch.teamId !== null && !team) throw new SwitchboardError(ErrorCodes.VALIDATION, `Invalid body: team_id: there is no team ${patch.teamId}.`);
    set.teamId = patch.teamId;
    activities.push({ kind: "team", from: current.teamId, to: patch.teamId, text: team ? `Moved to team ${team.name}${by}` : `Removed from its team${by}` });
  }
  return { set, activities };
}
