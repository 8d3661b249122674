/**
 * GET /inbox/messages/:id/original: a message's original as its channel received it (an email's
 * raw source), for admins only, as a download. It holds everything the sender sent, unsanitised,
 * so it never renders as a page of this site. The channel keeps it for as long as it says
 * (`ChannelAdapter.original`); a message whose channel keeps none, or no longer has it, answers 404
 * with the reason.
 */
import { Hono } from "hono";
import { requireAdmin, visibleConversation } from "../../access/index.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { findMessage } from "../../store/messages.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";

export function messageOriginalRoutes(sb: Pick<Services, "store" | "inboxes">): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.get("/inbox/messages/:id/original", async (c) => {
    const message = await findMessage(sb.store.db, idParam(c));
    if (!message) throw new SwitchboardError(ErrorCodes.NOT_FOUND, "That message does not exist.");
    const viewer = c.get("viewer");
    await visibleConversation(sb.store.db, viewer, message.conversationId);
    requireAdmin(viewer, "see a message's original source");
    const adapter = message.direction === "incoming" && message.externalId ? sb.inboxes.get(message.inbox)?.adapter : undefined;
    const original = adapter?.original ? await adapter.original(message.externalId!) : undefined;
    if (!original) {
      throw new SwitchboardError(
        ErrorCodes.NOT_FOUND,
        "No original is kept for this message: its channel keeps none, or it has expired (see the channel's options for how long originals are kept).",
      );
    }
    return c.body(new Uint8Array(original.data), 200, {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(original.filename)}`,
      "Cache-Control": "private, no-store",
    });
  });
  return app;
}
