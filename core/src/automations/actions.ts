/**
 * Rule actions: send a templated message, add a private note, add a label (created if missing),
 * assign an agent or team, set the priority, snooze, resolve, or POST a webhook (a durable job,
 * signed when the action has a secret). Changes are made as "Automation <rule>" in the timeline.
 */
import { and, eq, isNotNull } from "drizzle-orm";
import { findAgentByEmail } from "../auth/agents.ts";
import type { ActionConfig, AutomationsConfig } from "../config/automations.ts";
import { type Actor, updateConversation } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { snakeKeys } from "../events/wire.ts";
import type { Services } from "../services.ts";
import { labels, messages, teams } from "../store/schema.ts";
import { SIGNATURE_HEADER, signWebhook } from "../webhooks/signature.ts";
import type { RuleContext } from "./context.ts";
import { renderTemplate } from "./template.ts";

export const AUTOMATION_WEBHOOK_JOB = "core:automation.webhook";
export type ActionServices = Pick<Services, "store" | "clock" | "bus" | "jobs" | "outbound" | "log">;

/** The actor of a rule's changes ("Priority changed from none to high by Automation vip"). */
export const automationActor = (rule: string): Actor => ({ id: null, name: `Automation ${rule}` });

/**
 * Sends a message from an automation on the conversation's inbox (or `inbox`), marked with the rule.
 *
 * @example
 * await sendAutomated(sb, context, "acknowledgement", "Thanks! We answer within 30 minutes.");
 */
export async function sendAutomated(
  sb: ActionServices,
  context: Pick<RuleContext, "conversation">,
  rule: string,
  text: string,
  options: { inbox?: string; note?: boolean } = {},
): Promise<void> {
  await sb.outbound.reply({
    conversationId: context.conversation.id,
    agentId: null,
    text,
    kind: options.note ? "note" : "reply",
    inbox: options.inbox,
    metadata: { automation: rule },
  });
}

/**
 * Whether an agent has replied in the conversation (automated messages have no author).
 *
 * @example
 * if (await agentReplied(sb, conversationId)) return; // a person answered: no automatic greeting
 */
export async function agentReplied(sb: Pick<ActionServices, "store">, conversationId: number): Promise<boolean> {
  const [reply] = await sb.store.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "outgoing"), isNotNull(messages.authorAgentId)))
    .limit(1);
  return reply !== undefined;
}

/**
 * Performs one action of `rule` in `context`. Throws SWB_ERR_VALIDATION when an agent or team it
 * names does not exist.
 *
 * @example
 * await performAction(sb, "vip", { type: "set_priority", priority: "high" }, context, eventData);
 */
export async function performAction(
  sb: ActionServices,
  rule: string,
  action: ActionConfig,
  context: RuleContext,
  event: { name: string; data: unknown },
  index: number,
): Promise<void> {
  const id = context.conversation.id;
  const actor = automationActor(rule);
  switch (action.type) {
    case "send_message":
      return sendAutomated(sb, context, rule, renderTemplate(action.text, context.values));
    case "add_note":
      return sendAutomated(sb, context, rule, renderTemplate(action.text, context.values), { note: true });
    case "add_label":
      await sb.store.write((tx) => tx.insert(labels).values({ name: action.label }).onConflictDoNothing());
      await updateConversation(sb, actor, id, { addLabels: [action.label] });
      return;
    case "assign": {
      const agent = action.agent ? await findAgentByEmail(sb.store.db, action.agent) : undefined;
      if (action.agent && !agent)
        throw new SwitchboardError(
          ErrorCodes.VALIDATION,
          `The automation "${rule}" assigns to ${action.agent}, who is not an agent. Fix automations.rules (name = "${rule}").`,
        );
      const [team] = action.team ? await sb.store.db.select({ id: teams.id }).from(teams).where(eq(teams.name, action.team)) : [];
      if (action.team && !team)
        throw new SwitchboardError(
          ErrorCodes.VALIDATION,
          `The automation "${rule}" assigns to the team "${action.team}", which does not exist.`,
        );
      await updateConversation(sb, actor, id, { ...(agent ? { assigneeId: agent.id } : {}), ...(team ? { teamId: team.id } : {}) });
      return;
    }
    case "set_priority":
      await updateConversation(sb, actor, id, { priority: action.priority });
      return;
    case "snooze":
      await updateConversation(sb, actor, id, { status: "snoozed", snoozedUntil: sb.clock.now() + Math.round(action.minutes * 60_000) });
      return;
    case "resolve":
      await updateConversation(sb, actor, id, { status: "resolved" });
      return;
    case "webhook": {
      const body = { rule, event: event.name, conversation_id: id, at: context.now, data: snakeKeys(event.data) };
      await sb.jobs.schedule(AUTOMATION_WEBHOOK_JOB, { rule, action: index, body });
      return;
    }
  }
}

/**
 * Defines the job that POSTs automation webhooks (the URL and secret are read from config when it runs).
 *
 * @example
 * defineWebhookJob(switchboard, config.automations);
 */
export function defineWebhookJob(sb: ActionServices, config: AutomationsConfig): void {
  sb.jobs.define(AUTOMATION_WEBHOOK_JOB, async (payload) => {
    const { rule, action, body } = payload as { rule: string; action: number; body: unknown };
    const target = config.rules.find((r) => r.name === rule)?.actions[action];
    if (!target || target.type !== "webhook") {
      sb.log.warn({ rule, action }, "automation webhook dropped: the rule or its webhook action is no longer in the config");
      return;
    }
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "Switchboard-Automations/1" };
    if (target.secret) headers[SIGNATURE_HEADER] = await signWebhook(target.secret, raw, Math.floor(sb.clock.now() / 1000));
    const response = await fetch(target.url, { method: "POST", body: raw, headers, signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    if (!response.ok)
      throw new SwitchboardError(
        ErrorCodes.DELIVERY_RETRYABLE,
        `The automation webhook of "${rule}" answered HTTP ${response.status}; it will be retried.`,
      );
  });
}
