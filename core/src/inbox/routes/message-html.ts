/**
 * GET /inbox/messages/:id/html: a message's HTML body (an email, say), for a sandboxed frame in the
 * timeline. Channels sanitise what they store; this adds a second wall: the frame runs no script and
 * has no access to the inbox's origin, and its CSP allows images only from this message's own
 * attachments (`cid:` references are rewritten to them) and data: URLs. Remote images, which channels
 * park in `data-remote-src`, load only when the agent asks (?images=1): they tell the sender the
 * message was opened.
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

/** Rewrites `cid:<id>` references to the attachment URLs the message's metadata maps them to. */
function rewriteInlineImages(html: string, inlineImages: unknown, attachmentIds: number[]): string {
  if (!inlineImages || typeof inlineImages !== "object") return html;
  const map = inlineImages as Record<string, number>;
  return html.replace(/(["'(])cid:([^"')\s]+)/g, (whole, quote: string, cid: string) => {
    const id = attachmentIds[map[decodeURIComponent(cid)] ?? -1];
    return id === undefined ? whole : `${quote}/inbox/attachments/${id}`;
  });
}

export function messageHtmlRoutes(sb: Services): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.get("/inbox/messages/:id/html", async (c) => {
    const message = await findMessage(sb.store.db, idParam(c));
    if (!message?.html) throw new SwitchboardError(ErrorCodes.NOT_FOUND, "That message has no HTML body.");
    await visibleConversation(sb.store.db, c.get("viewer"), message.conversationId);
    const files = await sb.store.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(eq(attachments.messageId, message.id))
      .orderBy(attachments.id);
    const images = c.req.query("images") === "1";
    let html = rewriteInlineImages(
      message.html,
      message.metadata.inlineImages,
      files.map((f) => f.id),
    );
    if (images) html = html.replace(/\sdata-remote-src=/g, " src=");
    const imageSources = images ? "'self' data: https: http:" : "'self' data:";
    c.header(
      "Content-Security-Policy",
      `default-src 'none'; img-src ${imageSources}; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox`,
    );
    c.header("X-Frame-Options", "SAMEORIGIN");
    c.header("Cache-Control", "private, no-store");
    return c.html(
      `<!DOCTYPE html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;color:#1b1f24;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>${html}</body></html>`,
    );
  });
  return app;
}
