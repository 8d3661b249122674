/**
 * POST /inbox/bulk: one change to the conversations selected in the list (at most 100): assign
 * (an agent, or nobody), set the status (open, pending, resolved), add a label, or set the
 * priority. Every selected conversation must be one the agent may see, or nothing changes (404, as
 * for one). Each change goes through updateConversation, so the timeline, the events and the SLA
 * clocks follow as for a change made one at a time. Answers with a redirect back to the list.
 */
import { Hono } from "hono";
import { z } from "zod";
import { visibleConversation } from "../../access/index.ts";
import { type ConversationPatch, updateConversation } from "../../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import type { InboxEnv } from "../env.ts";

const MAX_SELECTED = 100;
const ids = z.preprocess(
  (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]),
  z
    .array(z.coerce.number().int().positive({ message: "select conversations by their numbers" }))
    .min(1, { message: "select at least one conversation" })
    .max(MAX_SELECTED, { message: `select at most ${MAX_SELECTED} conversations at once` }),
);
const bulkForm = z.discriminatedUnion(
  "op",
  [
    z.object({
      op: z.literal("assign"),
      ids,
      assignee: z.union([z.literal("").transform(() => null), z.coerce.number().int().positive()]),
    }),
    z.object({
      op: z.literal("status"),
      ids,
      status: z.enum(["open", "pending", "resolved"], { message: "pick open, pending or resolved" }),
    }),
    z.object({ op: z.literal("label"), ids, label: z.string().trim().min(1, { message: "pick a label" }).max(64) }),
    z.object({ op: z.literal("priority"), ids, priority: z.enum(["none", "low", "medium", "high", "urgent"]) }),
  ],
  { message: "pick what to do: assign, status, label or priority" },
);

/** Only a path of the inbox list, so the answer cannot redirect elsewhere. */
function backTo(value: unknown): string {
  return typeof value === "string" && /^\/inbox(\?|$)/.test(value) ? value : "/inbox";
}

function patchOf(form: z.output<typeof bulkForm>): ConversationPatch {
  switch (form.op) {
    case "assign":
      return { assigneeId: form.assignee };
    case "status":
      return { status: form.status };
    case "label":
      return { addLabels: [form.label] };
    case "priority":
      return { priority: form.priority };
  }
}

export function bulkRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  app.post("/inbox/bulk", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const parsed = bulkForm.safeParse(body);
    if (!parsed.success)
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        `${parsed.error.issues.map((i) => `${String(i.path[0] ?? "form")}: ${i.message}`).join("; ")}.`,
      );
    const viewer = c.get("viewer");
    const selected = [...new Set(parsed.data.ids)];
    for (const id of selected) await visibleConversation(sb.store.db, viewer, id); // all or nothing: 404 first
    const change = patchOf(parsed.data);
    const agent = c.get("session").agent;
    for (const id of selected) await updateConversation(sb, agent, id, change);
    sb.log.info({ agent: agent.id, op: parsed.data.op, count: selected.length }, "bulk change");
    return c.redirect(backTo(body.back), 303);
  });

  return app;
}
