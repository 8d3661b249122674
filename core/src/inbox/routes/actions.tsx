/** @jsxImportSource hono/jsx */
/**
 * What agents do from the inbox: reply or write a note, assign, change status (snooze), priority
 * and labels, merge, retry a failed delivery, set their availability, and say they are typing.
 * Each is a plain form POST: htmx gets a fragment (or 204 and a refresh trigger), a browser without
 * JavaScript gets a redirect back to the conversation. A refused action answers 4xx with the reason.
 */

import { eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { visibleConversation } from "../../access/index.ts";
import { settleOffered } from "../../assist/records.ts";
import { assistedReply } from "../../assist/reply.ts";
import { askToVerify } from "../../contacts/verify-identity.ts";
import { mergeConversations } from "../../conversations/merge.ts";
import { type ConversationPatch, updateConversation } from "../../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import { mentionsIn, recordMentions } from "../../mentions/notify.ts";
import type { Services } from "../../services.ts";
import { findMessage } from "../../store/messages.ts";
import { agents, conversationLabels, labels } from "../../store/schema.ts";
import { expandShortcuts } from "../canned/expand.ts";
import { loadCanned } from "../canned/load.ts";
import { loadConversationPage } from "../conversation-data.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";
import { readForm } from "../read-form.ts";
import { renderFragment } from "../render.ts";
import { snoozeUntil } from "../snooze.ts";
import { ConversationHeader } from "../views/actions.tsx";
import { AvailabilityForm } from "../views/availability.tsx";
import { answerWithPane } from "./pane.tsx";

type Ctx = Context<InboxEnv>;

const replyForm = z
  .object({
    text: z.string().max(100_000),
    kind: z.enum(["reply", "note"]).default("reply"),
    inbox: z.string().max(64).optional(),
    /** An approved template of the inbox (the composer's template picker), with `var.<key>` fields. */
    template: z.string().min(1).max(512).optional(),
    language: z.string().max(32).optional(),
  })
  .catchall(z.unknown());

/** The `var.<key>` fields of a template form, by key. */
function templateVariables(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form).flatMap(([field, value]) =>
      field.startsWith("var.") && typeof value === "string" ? [[field.slice(4), value.slice(0, 2_000)]] : [],
    ),
  );
}
const statusForm = z.object({
  status: z.enum(["open", "pending", "snoozed", "resolved"]),
  until: z.string().optional(),
  /** The browser's Date.getTimezoneOffset() (minutes behind UTC); absent without JavaScript, then UTC. */
  tz_offset: z.coerce.number().int().min(-900).max(900).optional(),
  /** A snooze preset (views/snooze-presets.tsx), in the agent's time zone. */
  preset: z.enum(["later", "tomorrow", "monday"]).optional(),
});
const idOrEmpty = z.union([z.literal("").transform(() => null), z.coerce.number().int().positive()]);

/** A datetime-local value ("2026-11-25T09:30") in the agent's time zone (`offsetMinutes` behind UTC; UTC without it). */
function parseUntil(value: string | undefined, offsetMinutes = 0): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(/Z|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(at) ? undefined : at + offsetMinutes * 60_000;
}

export function actionRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  /** After an action: htmx gets the fresh header (or 204), a plain form a redirect. */
  async function answerWithHeader(c: Ctx, conversationId: number) {
    if (!c.req.header("HX-Request")) return c.redirect(`/inbox/conversations/${conversationId}`, 303);
    const session = c.get("session");
    const { conversation, contact } = await visibleConversation(sb.store.db, c.get("viewer"), conversationId);
    const data = await loadConversationPage(sb, conversation, contact, c.get("viewer"));
    return renderFragment(c, <ConversationHeader data={data} csrf={session.csrfToken} selfId={session.agent.id} />, 200, {
      "HX-Trigger": "timeline-refresh",
    });
  }

  const conversationAction = (path: string, run: (c: Ctx, id: number) => Promise<void>) =>
    app.post(`/inbox/conversations/:id/${path}`, async (c) => {
      const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
      await run(c, conversation.id);
      return answerWithHeader(c, conversation.id);
    });

  const patch = (c: Ctx, id: number, change: ConversationPatch) =>
    updateConversation(sb, c.get("session").agent, id, change).then(() => undefined);

  conversationAction("actions/assign", async (c, id) => {
    const form = await readForm(c, z.object({ assignee: idOrEmpty.optional(), team: idOrEmpty.optional() }));
    await patch(c, id, { assigneeId: form.assignee, teamId: form.team });
  });
  conversationAction("actions/status", async (c, id) => {
    const form = await readForm(c, statusForm);
    const until = snoozeUntil(form, c.get("session").agent, sb.clock.now()) ?? parseUntil(form.until, form.tz_offset);
    if (form.status === "snoozed" && until === undefined) throw new SwitchboardError(ErrorCodes.VALIDATION, "Pick when the snooze ends.");
    await patch(c, id, { status: form.status, snoozedUntil: form.status === "snoozed" ? until : undefined });
  });
  conversationAction("actions/priority", async (c, id) => {
    const form = await readForm(c, z.object({ priority: z.enum(["none", "low", "medium", "high", "urgent"]) }));
    await patch(c, id, { priority: form.priority });
  });
  conversationAction("actions/labels", async (c, id) => {
    const form = await readForm(c, z.object({ label: z.union([z.string(), z.array(z.string())]).optional() }));
    const wanted = new Set(form.label === undefined ? [] : Array.isArray(form.label) ? form.label : [form.label]);
    const current = (
      await sb.store.db
        .select({ name: labels.name })
        .from(conversationLabels)
        .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
        .where(eq(conversationLabels.conversationId, id))
    ).map((l) => l.name);
    await patch(c, id, { addLabels: [...wanted].filter((l) => !current.includes(l)), removeLabels: current.filter((l) => !wanted.has(l)) });
  });
  conversationAction("actions/verify-email", async (c, id) => {
    await askToVerify(sb, c.get("session").agent, id, "email");
  });
  conversationAction("actions/verify-phone", async (c, id) => {
    await askToVerify(sb, c.get("session").agent, id, "phone");
  });
  // The merged conversation is resolved and its messages live in the target: htmx moves there.
  app.post("/inbox/conversations/:id/actions/merge", async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    const form = await readForm(c, z.object({ into: z.coerce.number().int().positive() }));
    const { conversation: target } = await visibleConversation(sb.store.db, c.get("viewer"), form.into);
    await mergeConversations(sb, c.get("session").agent, conversation.id, target.id);
    if (!c.req.header("HX-Request")) return c.redirect(`/inbox/conversations/${target.id}`, 303);
    return answerWithPane(sb, c, target.id, { pushUrl: true });
  });

  app.post("/inbox/conversations/:id/messages", async (c) => {
    const { conversation, contact } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    const form = await readForm(c, replyForm);
    const agent = c.get("session").agent;
    // A "/shortcut" the browser did not expand is expanded here: never sent as the literal shortcut.
    const canned = form.text.includes("/") ? await loadCanned(sb.store.db, { contactName: contact.name, agentName: agent.name }) : [];
    if (form.inbox && sb.inboxes.get(form.inbox) && !c.get("viewer").inboxes.includes(form.inbox))
      throw new SwitchboardError(ErrorCodes.VALIDATION, `You cannot reply on the inbox "${form.inbox}".`);
    const written = expandShortcuts(form.text, canned);
    // Assistant text in the composer: which suggestion it came from, and a previewed translation to send instead.
    const to = { conversationId: conversation.id, agentId: agent.id };
    const assisted = form.kind === "reply" ? await assistedReply(sb, to, written, await c.req.parseBody({ all: true })) : undefined;
    const text = assisted?.text ?? written;
    const mentions = form.kind === "note" ? await mentionsIn(sb.store.db, text, agent.id) : [];
    const stored = await sb.outbound.reply(
      {
        conversationId: conversation.id,
        text,
        agentId: agent.id,
        kind: form.kind,
        inbox: form.inbox,
        metadata:
          mentions.length || assisted?.used.length ? { ...(mentions.length ? { mentions } : {}), ...assisted?.metadata } : undefined,
        ...(form.template && form.kind === "reply"
          ? { template: { name: form.template, language: form.language, variables: templateVariables(form) } }
          : {}),
      },
      { within: (tx, note) => recordMentions(sb, tx, note, mentions) },
    );
    if (assisted) await settleOffered(sb, to, { messageId: stored.id, used: assisted.used });
    if (!c.req.header("HX-Request")) return c.redirect(`/inbox/conversations/${conversation.id}`, 303);
    return c.body(null, 204, { "HX-Trigger": "timeline-refresh" });
  });

  app.post("/inbox/conversations/:id/typing", async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    sb.bus.publish("typing", { conversationId: conversation.id, who: "agent", agentId: c.get("session").agent.id });
    return c.body(null, 204);
  });

  app.post("/inbox/messages/:id/retry", async (c) => {
    const message = await findMessage(sb.store.db, idParam(c));
    if (!message) throw new SwitchboardError(ErrorCodes.NOT_FOUND, "That message does not exist.");
    await visibleConversation(sb.store.db, c.get("viewer"), message.conversationId);
    await sb.delivery.retry(message.id);
    if (!c.req.header("HX-Request")) return c.redirect(`/inbox/conversations/${message.conversationId}`, 303);
    return c.body(null, 204, { "HX-Trigger": "timeline-refresh" });
  });

  app.post("/inbox/me/availability", async (c) => {
    const form = await readForm(c, z.object({ availability: z.enum(["online", "away", "offline"]) }));
    const session = c.get("session");
    await sb.store.write((tx) => tx.update(agents).set({ availability: form.availability }).where(eq(agents.id, session.agent.id)));
    sb.bus.publish("agent.availability_changed", { agentId: session.agent.id, availability: form.availability });
    if (!c.req.header("HX-Request")) return c.redirect("/inbox", 303);
    return renderFragment(c, <AvailabilityForm value={form.availability} csrf={session.csrfToken} />);
  });

  return app;
}
