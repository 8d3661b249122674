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
import { refusal, replyWindowState } from "../pipeline/reply-window.ts";
import type { Services } from "../services.ts";
import { labels, messages, teams } from "../store/schema.ts";
import { SIGNATURE_HEADER, signWebhook } from "../webhooks/signature.ts";
import type { RuleContext } from "./context.ts";
import { renderTemplate } from "./template.ts";

export const AUTOMATION_WEBHOOK_JOB = "core:automation.webhook";
export type ActionServices = Pick<Services, "store" | "clock" | "bus" | "jobs" | "outbound" | "log" | "inboxes">;

/** The actor of a rule's changes ("Priority changed from none to high by Automation vip"). */
export const automationActor = (rule: string): Actor => ({ id: null, name: `Automation ${rule}` });

/**
 * Sends a message from an automation on the conversation's inbox (or `inbox`), marked with the rule.
 * When the channel's reply window has closed (pipeline/reply-window.ts), it sends the template the
 * channel configures for the rule instead, or nothing, with a note in the timeline that says why.
 * Resolves to whether a message went out (a note counts).
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
): Promise<boolean> {
  if (!options.note) {
    const outside = await sendOutsideWindow(sb, context, rule, options.inbox);
    if (outside !== "inside") return outside === "template";
  }
  await sb.outbound.reply({
    conversationId: context.conversation.id,
    agentId: null,
    text,
    kind: options.note ? "note" : "reply",
    inbox: options.inbox,
    metadata: { automation: rule },
  });
  return true;
}

/**
 * "inside" when a free-text automated message may go out now. When the window forbids it, sends
 * the rule's template if the channel configures one ("template"), else writes why into the
 * timeline as a note ("skipped").
 */
async function sendOutsideWindow(
  sb: ActionServices,
  context: Pick<RuleContext, "conversation">,
  rule: string,
  inboxName = context.conversation.inbox,
): Promise<"inside" | "template" | "skipped"> {
  const inbox = sb.inboxes.get(inboxName);
  const state = await replyWindowState(sb.store.db, inbox, context.conversation.contactId, sb.clock.now());
  const why = refusal(state, inboxName, { template: false });
  if (!why) return "inside";
  const template = inbox?.adapter?.replyWindow?.automationTemplates?.[rule];
  let problem = why;
  if (template && state?.state === "templates") {
    try {
      await sb.outbound.reply({
        conversationId: context.conversation.id,
        agentId: null,
        text: "",
        inbox: inboxName,
        template,
        metadata: { automation: rule },
      });
      return "template";
    } catch (error) {
      if (!(error instanceof SwitchboardError) || error.code === ErrorCodes.STORE) throw error;
      problem = error.message;
    }
  } else if (state?.state === "templates") {
    problem = `${why.split(":")[0]}, and no template is set for "${rule}" (the inbox's automation templates).`;
  }
  await sb.outbound.reply({
    conversationId: context.conversation.id,
    agentId: null,
    kind: "note",
    text: `Automation ${rule} was not sent: ${problem}`,
    metadata: { automation: rule, replyWindow: "skipped" },
  });
  sb.log.info({ conversation: context.conversation.id, rule, inbox: inboxName }, "automated message skipped: reply window closed");
  return "skipped";
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
      await sendAutomated(sb, context, rule, renderTemplate(action.text, context.values));
      return;
    case "add_note":
      await sendAutomated(sb, context, rule, renderTemplate(action.text, context.values), { note: true });
      return;
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
