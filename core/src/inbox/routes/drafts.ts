/**
 * POST /inbox/conversations/:id/draft: keeps what the agent has typed in a conversation's reply
 * box (static/drafts.js saves it as they type), so it is there again when they come back. An empty
 * text removes it; sending a reply or a note removes it too (a live listener on message.created).
 */
import { Hono } from "hono";
import { z } from "zod";
import { visibleConversation } from "../../access/index.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { clearDraft, MAX_DRAFT_LENGTH, saveDraft } from "../../store/drafts.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";

const draftForm = z.object({
  text: z
    .string()
    .max(MAX_DRAFT_LENGTH, { message: `keep a draft under ${MAX_DRAFT_LENGTH} characters` })
    .default(""),
});

export function draftRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();

  sb.bus.on(
    "message.created",
    async (event) => {
      const { authorAgentId, conversationId, direction } = event.data;
      if (authorAgentId !== null && (direction === "outgoing" || direction === "note"))
        await clearDraft(sb.store, authorAgentId, conversationId);
    },
    "core:drafts",
  );

  app.post("/inbox/conversations/:id/draft", async (c) => {
    const { conversation } = await visibleConversation(sb.store.db, c.get("viewer"), idParam(c));
    const parsed = draftForm.safeParse(await c.req.parseBody());
    if (!parsed.success)
      throw new SwitchboardError(ErrorCodes.VALIDATION, `Text: ${parsed.error.issues.map((i) => i.message).join("; ")}.`);
    await saveDraft(sb.store, c.get("session").agent.id, conversation.id, parsed.data.text, sb.clock.now());
    return c.body(null, 204);
  });

  return app;
}
