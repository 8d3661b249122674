/**
 * GET /inbox/attachments/:id: an attachment's bytes, for agents who may see its conversation. Only
 * images are shown inline; everything else downloads, so a customer's HTML or SVG file never runs
 * as a page of this site. A file kept as a URL only answers 404 and is never redirected to: this
 * site must not forward agents to addresses a customer or an integration chose (views/files.tsx
 * shows such a file as a marked outside link instead).
 */

import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { visibleConversation } from "../../access/index.ts";
import { ErrorCodes, SwitchboardError } from "../../errors/index.ts";
import type { Services } from "../../services.ts";
import { findMessage } from "../../store/messages.ts";
import { attachments } from "../../store/schema.ts";
import type { InboxEnv } from "../env.ts";
import { idParam } from "../id-param.ts";

const INLINE = /^image\/(png|jpeg|gif|webp|avif)$/;

export function attachmentRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.get("/inbox/attachments/:id", async (c) => {
    const [file] = await sb.store.db
      .select()
      .from(attachments)
      .where(eq(attachments.id, idParam(c)));
    const message = file ? await findMessage(sb.store.db, file.messageId) : undefined;
    if (!file || !message) throw new SwitchboardError(ErrorCodes.NOT_FOUND, "That attachment does not exist.");
    await visibleConversation(sb.store.db, c.get("viewer"), message.conversationId);
    if (!file.data) {
      throw new SwitchboardError(
        ErrorCodes.NOT_FOUND,
        "The bytes of this attachment are not stored. The conversation shows its original address as an outside link; open it from there.",
      );
    }
    const inline = INLINE.test(file.contentType);
    return c.body(new Uint8Array(file.data), 200, {
      "Content-Type": inline ? file.contentType : "application/octet-stream",
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      "Cache-Control": "private, max-age=3600",
    });
  });
  return app;
}
