/**
 * The widget API under /plugins/webchat/inboxes/<inbox>/, JSON in and out (snake_case):
 *
 *   GET  config                       looks, forms, limits, open or not (no token)
 *   POST session                      a visitor token: new, renewed, or for an identified user
 *   GET  messages?after=<seq>         the visitor's log after a seq (their history)
 *   GET  stream?after=<seq>           the live connection (see stream.ts)
 *   POST messages                     a visitor message, with files
 *   POST profile                      name and email (pre-chat, offline form)
 *   POST typing                       the visitor is typing
 *   POST read                         the visitor has seen their log up to a seq (read receipts)
 *   GET  conversations                the visitor's conversations
 *   GET  conversations/:id            one of them (404 for anyone else's)
 *   POST conversations/:id/rating     the CSAT rating
 *   GET  files/:seq/:index            an attachment's bytes
 */
import { ErrorCodes } from "@switchboard/core";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { MAX_FILES } from "../attachments.ts";
import { conversationNotFound, webchatError } from "../errors.ts";
import { markRead, postMessage, rateConversation, saveProfile, visitorTyping } from "../inbound.ts";
import type { WebchatInbox } from "../inbox.ts";
import { inboxGuard, readJson, requireVisitor, type WebchatEnv } from "./guard.ts";
import { liveStream } from "./stream.ts";

const sessionBody = z.object({
  token: z.string().max(2000).optional(),
  identifier: z.string().min(1).max(320).optional(),
  identifier_hash: z.string().max(128).optional(),
});
const messageBody = z.object({
  client_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { message: "expected 8-64 of A-Z a-z 0-9 _ -" }),
  text: z.string().default(""),
  page: z.string().max(4000).optional(),
  attachments: z.array(z.object({ filename: z.string().max(1000), content_type: z.string().max(200), data: z.string() })).optional(),
});
const profileBody = z.object({
  name: z.string().trim().max(200).optional(),
  email: z.email({ message: "expected an email address such as grace@example.com" }).max(254).optional(),
});
const readBody = z.object({ seq: z.number().int().min(1) });
const ratingBody = z.object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() });

/** The largest JSON body POST /messages may have: the files in base64, the text, and some room. */
function maxMessageBody(inbox: WebchatInbox): number {
  const files = inbox.options.attachments.enabled ? Math.ceil((inbox.options.attachments.max_bytes * 4) / 3) * MAX_FILES : 0;
  return files + inbox.options.max_text_length * 6 + 16_384;
}

function tooLarge(limit: number): never {
  throw webchatError(
    ErrorCodes.VALIDATION,
    413,
    "body_too_large",
    `The request is larger than ${limit} bytes. Send smaller files, or fewer at a time.`,
  );
}

function conversationId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw conversationNotFound(raw);
  return id;
}

/**
 * Builds the API for the plugin's inboxes.
 *
 * @example
 * ctx.http.route("/", widgetApi(inboxes));
 */
export function widgetApi(inboxes: Map<string, WebchatInbox>): Hono<WebchatEnv> {
  const api = new Hono<WebchatEnv>();
  api.use("/inboxes/:inbox/*", inboxGuard(inboxes));

  api.get("/inboxes/:inbox/config", async (c) =>
    c.json(await c.get("inbox").publicConfig(Date.now()), 200, { "Cache-Control": "no-store" }),
  );

  api.post("/inboxes/:inbox/session", bodyLimit({ maxSize: 8192, onError: () => tooLarge(8192) }), async (c) => {
    const session = await c.get("inbox").startSession(await readJson(c, sessionBody), Date.now());
    return c.json({ token: session.token, expires_at: session.expiresAt, visitor: session.visitor });
  });

  api.get("/inboxes/:inbox/stream", requireVisitor, liveStream);

  api.get("/inboxes/:inbox/messages", requireVisitor, async (c) => {
    const inbox = c.get("inbox");
    const visitor = c.get("visitor");
    const after = Math.max(0, Number.parseInt(c.req.query("after") ?? "0", 10) || 0);
    const [messages, record] = await Promise.all([inbox.history.after(visitor.visitorId, after), inbox.history.visitor(visitor.visitorId)]);
    return c.json({ messages, visitor: inbox.view(visitor, record) });
  });

  api.post(
    "/inboxes/:inbox/messages",
    requireVisitor,
    async (c, next) => {
      const limit = maxMessageBody(c.get("inbox"));
      return bodyLimit({ maxSize: limit, onError: () => tooLarge(limit) })(c, next);
    },
    async (c) => {
      const result = await postMessage(c.get("inbox"), c.get("visitor"), await readJson(c, messageBody));
      if (result.status === "dropped") return c.json({ status: "dropped", reason: result.reason }, 202);
      return c.json({ status: result.status, message: result.entry }, result.status === "stored" ? 201 : 200);
    },
  );

  api.post("/inboxes/:inbox/profile", requireVisitor, bodyLimit({ maxSize: 8192, onError: () => tooLarge(8192) }), async (c) => {
    const inbox = c.get("inbox");
    const record = await saveProfile(inbox, c.get("visitor"), await readJson(c, profileBody));
    return c.json({ visitor: inbox.view(c.get("visitor"), record) });
  });

  api.post("/inboxes/:inbox/typing", requireVisitor, async (c) => {
    const inbox = c.get("inbox");
    const visitor = c.get("visitor");
    await visitorTyping(inbox, visitor);
    return c.body(null, 204);
  });

  api.post("/inboxes/:inbox/read", requireVisitor, bodyLimit({ maxSize: 1024, onError: () => tooLarge(1024) }), async (c) => {
    const { seq } = await readJson(c, readBody);
    return c.json({ read: await markRead(c.get("inbox"), c.get("visitor"), seq) });
  });

  api.get("/inboxes/:inbox/conversations", requireVisitor, async (c) => {
    const inbox = c.get("inbox");
    const visitorId = c.get("visitor").visitorId;
    const [record, entries] = await Promise.all([inbox.history.visitor(visitorId), inbox.history.after(visitorId, 0)]);
    const conversations = await Promise.all(
      record.conversations.map(async (id) => {
        const own = entries.filter((e) => e.conversation_id === id);
        return {
          id,
          resolved: own.at(-1)?.kind === "resolved" || own.at(-1)?.kind === "rating",
          last_message: own.filter((e) => e.kind === "text").at(-1) ?? null,
          rating: (await inbox.csat.get(id))?.rating ?? null,
        };
      }),
    );
    return c.json({ conversations });
  });

  api.get("/inboxes/:inbox/conversations/:id", requireVisitor, async (c) => {
    const inbox = c.get("inbox");
    const visitorId = c.get("visitor").visitorId;
    const id = conversationId(c.req.param("id"));
    const record = await inbox.history.visitor(visitorId);
    if (!record.conversations.includes(id)) throw conversationNotFound(id);
    const messages = (await inbox.history.after(visitorId, 0)).filter((e) => e.conversation_id === id);
    return c.json({ id, messages, rating: (await inbox.csat.get(id))?.rating ?? null });
  });

  api.post(
    "/inboxes/:inbox/conversations/:id/rating",
    requireVisitor,
    bodyLimit({ maxSize: 8192, onError: () => tooLarge(8192) }),
    async (c) => {
      const entry = await rateConversation(
        c.get("inbox"),
        c.get("visitor"),
        conversationId(c.req.param("id")),
        await readJson(c, ratingBody),
      );
      return c.json({ message: entry });
    },
  );

  api.get("/inboxes/:inbox/files/:seq/:index", requireVisitor, async (c) => {
    const file = await c.get("inbox").history.file(c.get("visitor").visitorId, Number(c.req.param("seq")), Number(c.req.param("index")));
    if (!file) throw webchatError(ErrorCodes.NOT_FOUND, 404, "file_not_found", "You have no such file.");
    const inline = /^image\/(png|jpeg|gif|webp)$/.test(file.contentType);
    return c.body(new Uint8Array(Buffer.from(file.data, "base64")), 200, {
      "Content-Type": inline ? file.contentType : "application/octet-stream",
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      "Cache-Control": "private, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    });
  });

  return api;
}
