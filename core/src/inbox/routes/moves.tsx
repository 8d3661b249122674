/** @jsxImportSource hono/jsx */
/**
 * Conversation split and merge/split undo in the inbox (issue 16.5), over the same service
 * functions as REST (splitConversation, undoMove) and through the one access rule
 * (visibleConversation, visibleMove). The split page lists the conversation's messages with
 * checkboxes; its plain form moves the selected ones into a new conversation and opens it. An undo
 * lands on the conversation that got its messages back: htmx swaps that pane in, a plain form is
 * redirected there.
 */

import { asc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { visibleConversation, visibleMove } from "../../access/index.ts";
import { splitConversation } from "../../conversations/split.ts";
import { undoMove } from "../../conversations/undo-move.ts";
import type { Services } from "../../services.ts";
import { messages } from "../../store/schema.ts";
import type { InboxEnv, PageContext } from "../env.ts";
import { idParam } from "../id-param.ts";
import { readForm } from "../read-form.ts";
import { renderPage } from "../render.ts";
import { Document } from "../views/layout.tsx";
import { SplitForm } from "../views/moves.tsx";
import { answerWithPane } from "./pane.tsx";

type Ctx = Context<InboxEnv>;

/** One id or several (checkboxes of one name), each a positive integer. */
const splitForm = z.object({
  message_id: z.union([z.coerce.number().int().positive(), z.array(z.coerce.number().int().positive()).max(1000)], {
    message: "select at least one message",
  }),
});

/** htmx gets the conversation's pane (and its URL), a plain form a redirect. */
function land(sb: Services, c: Ctx, conversationId: number) {
  if (!c.req.header("HX-Request")) return c.redirect(`/inbox/conversations/${conversationId}`, 303);
  return answerWithPane(sb, c, conversationId, { pushUrl: true });
}

/**
 * The split page and actions, and undo, for the signed-in part of the inbox.
 *
 * @example
 * app.route("/", moveRoutes(sb, { assets, theme }));
 */
export function moveRoutes(sb: Services, shared: Pick<PageContext, "assets" | "theme">): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  app.get("/inbox/conversations/:id/split", async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    const rows = await sb.store.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversation.id))
      .orderBy(asc(messages.createdAt), asc(messages.id))
      .limit(1000);
    return renderPage(
      c,
      <Document title={`Split #${conversation.id}`} page={shared}>
        <SplitForm conversationId={conversation.id} messages={rows} csrf={c.get("session").csrfToken} />
      </Document>,
    );
  });

  app.post("/inbox/conversations/:id/actions/split", async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    const form = await readForm(c, splitForm);
    const ids = Array.isArray(form.message_id) ? form.message_id : [form.message_id];
    const { conversationId } = await splitConversation(sb, c.get("session").agent, conversation.id, ids);
    return land(sb, c, conversationId);
  });

  app.post("/inbox/conversation-moves/:id/undo", async (c) => {
    const move = await visibleMove(sb.store.db, c.get("viewer"), idParam(c));
    await undoMove(sb, c.get("session").agent, move.id);
    return land(sb, c, move.sourceId);
  });

  return app;
}
