/**
 * The automation engine: turns domain events into built-in and custom rules. A customer message
 * runs, in order: the FAQ (with its human escape hatch), the acknowledgement or out-of-hours notice,
 * then custom "conversation.created" (on the first message) and "message.created" rules. With such
 * arrival rules, a new conversation is routed after they have run (a label they add counts as a
 * needed skill), for every first message, automated or not. Messages
 * flagged as auto-replies or bots trigger nothing. Resolution schedules the follow-up and the
 * survey; any customer message cancels the follow-up, except an answer to the survey (feedback, not
 * a new request); "idle" rules wait on durable jobs.
 */
import { and, count, eq, lte } from "drizzle-orm";
import type { AutomationsConfig } from "../config/automations.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Routing } from "../routing/index.ts";
import type { Sla } from "../sla/index.ts";
import { findConversation } from "../store/conversations.ts";
import { findMessage } from "../store/messages.ts";
import { messages } from "../store/schema.ts";
import { type ActionServices, defineWebhookJob } from "./actions.ts";
import { setupCsat } from "./builtins/csat.ts";
import { runFaq } from "./builtins/faq.ts";
import { setupFollowUp } from "./builtins/follow-up.ts";
import { runGreeting } from "./builtins/greeting.ts";
import { loadContext } from "./context.ts";
import { type RuleEvent, runRules } from "./rules.ts";

export const IDLE_JOB = "core:automation.idle";
const idleKey = (rule: string, conversationId: number) => `idle:${rule}:${conversationId}`;

export interface EngineDeps {
  sb: ActionServices;
  config: AutomationsConfig;
  routing: Routing;
  sla: Sla;
}

/**
 * Subscribes the engine to the bus and defines its jobs. Returns the inbound hook that reads survey answers.
 *
 * @example
 * const { captureAnswer } = startEngine({ sb: switchboard, config: config.automations, routing, sla });
 */
export function startEngine({ sb, config, routing, sla }: EngineDeps) {
  const load = (conversationId: number, messageId?: number) => loadContext(sb, sla, conversationId, messageId);
  const followUp = setupFollowUp(sb, config.follow_up, load);
  const csat = setupCsat(sb, config.csat, load);
  defineWebhookJob(sb, config);
  const idleRules = config.rules.filter((r) => r.enabled && r.on === "idle");
  const routeAfterRules = config.rules.some((r) => r.enabled && (r.on === "conversation.created" || r.on === "message.created"));
  if (routeAfterRules) routing.router.deferArrivals();

  const rulesFor = async (on: RuleEvent, event: { name: string; data: unknown }, conversationId: number, only?: string) => {
    const context = await load(conversationId);
    if (context) await runRules(sb, config, on, context, event, only);
  };

  /** Whether the message is the first incoming one of its conversation. */
  const isFirst = async (conversationId: number, messageId: number) => {
    const [earlier] = await sb.store.db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "incoming"), lte(messages.id, messageId)));
    return (earlier?.n ?? 0) <= 1;
  };

  sb.bus.consume("automations", {
    "message.created": async (event) => {
      const data = event.data;
      if (data.direction !== "incoming") return;
      if (!routeAfterRules) return arrived(event);
      try {
        await arrived(event);
      } finally {
        // Routing was left to us (deferArrivals): route the new conversation once the rules have run.
        if (await isFirst(data.conversationId, data.messageId)) await routing.routeNow(data.conversationId);
      }
    },
    "conversation.status_changed": async (event) => {
      if (event.data.to === "resolved") {
        const conversation = await findConversation(sb.store.db, event.data.conversationId);
        if (conversation) {
          await followUp.resolved(conversation.id, conversation.contactId, event.at);
          await csat.resolved(conversation.id);
        }
      }
      await rulesFor("conversation.status_changed", event, event.data.conversationId);
    },
    "conversation.assigned": (event) => rulesFor("conversation.assigned", event, event.data.conversationId),
    "sla.warning": (event) => rulesFor("sla.warning", event, event.data.conversationId),
    "sla.breached": (event) => rulesFor("sla.breached", event, event.data.conversationId),
  });

  /** The built-ins and rules for an incoming message. */
  async function arrived(event: SwitchboardEvent<"message.created">): Promise<void> {
    const { data } = event;
    if (data.automated) return;
    const message = await findMessage(sb.store.db, data.messageId);
    // A survey answer is feedback, not a new request: it triggers nothing and leaves the follow-up.
    if (!message || message.metadata.survey !== undefined) return;
    await followUp.customerWrote(data.contactId);
    // The event carries the conversation as it stood once the message was stored.
    const { conversation } = data;
    if (conversation.status === "resolved") return;
    const context = await load(conversation.id, message.id);
    if (!context) return;
    const first = await isFirst(conversation.id, message.id);
    const answered = await runFaq(sb, routing, config.faq, context);
    if (!answered) await runGreeting(sb, config, context, first);
    if (first) await runRules(sb, config, "conversation.created", context, event);
    await runRules(sb, config, "message.created", context, event);
    for (const rule of idleRules) {
      await sb.jobs.schedule(
        IDLE_JOB,
        { rule: rule.name, conversationId: conversation.id },
        { at: context.now + Math.round(rule.after_minutes! * 60_000), key: idleKey(rule.name, conversation.id) },
      );
    }
  }

  sb.jobs.define(IDLE_JOB, async (payload) => {
    const { rule, conversationId } = payload as { rule: string; conversationId: number };
    const conversation = await findConversation(sb.store.db, conversationId);
    const idle = idleRules.find((r) => r.name === rule);
    if (!conversation || !idle || conversation.status === "resolved" || conversation.lastCustomerMessageAt === null) return;
    const since = conversation.lastCustomerMessageAt;
    if (since + idle.after_minutes! * 60_000 > sb.clock.now()) return;
    await rulesFor("idle", { name: "idle", data: { conversationId, lastCustomerMessageAt: since } }, conversationId, rule);
  });

  return { captureAnswer: csat.captureAnswer };
}
