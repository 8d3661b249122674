/**
 * The inbound side of the API channel: `POST /webhooks/<inbox>/messages`, authenticated with the
 * inbox secret as a bearer token. It answers only after the message is durably stored: 201 for a
 * new message, 200 for a re-delivery of one already stored, 422 with the reason for a bad body
 * (an attachment URL that is not http(s), such as `javascript:` or `data:`, refuses the whole
 * message). `html` is sanitised with core's sanitizeHtml, as email is. Attachment files are
 * downloaded before the message is stored (attachments/collect.ts).
 */
import {
  constantTimeEqual,
  type Emit,
  ErrorCodes,
  freeJson,
  type InboundMessage,
  type Logger,
  SwitchboardError,
  sanitizeHtml,
} from "@switchboard/core";
import type { Hono } from "hono";
import { z } from "zod";
import { collectAttachments, type NotStored } from "./attachments/collect.ts";
import type { FetchLimits } from "./attachments/fetch-file.ts";

/** The largest `html` body accepted, in characters (as email's). */
const MAX_HTML = 500_000;

const attachmentSchema = z.object({
  filename: z.string().min(1).max(512),
  content_type: z.string().min(1).max(256),
  size: z.number().int().nonnegative(),
  /** Where Switchboard downloads the file from: http or https only. */
  url: z.url({ protocol: /^https?$/, error: "use an http or https URL (javascript:, data: and other schemes are refused)" }),
});

/** The JSON a system POSTs for one customer message. */
export const apiMessageSchema = z.object({
  /** Your id for this message; re-sending the same id stores it once. */
  id: z.string().min(1).max(512),
  contact: z.object({
    /** Your stable id for the customer. */
    id: z.string().min(1).max(512),
    name: z.string().max(256).optional(),
    email: z.email().optional(),
    phone: z.string().optional(),
    /** True when your system has verified this customer's email and phone (a signed-in user): then they join the contact who holds them. */
    verified: z.boolean().optional(),
  }),
  text: z.string().max(100_000).default(""),
  html: z.string().max(MAX_HTML).optional(),
  subject: z.string().max(1000).optional(),
  /** Messages with the same thread_id share a conversation. */
  thread_id: z.string().min(1).max(512).optional(),
  sent_at: z.iso.datetime({ offset: true }).optional(),
  attachments: z.array(attachmentSchema).max(20).optional(),
  metadata: freeJson().optional(),
});

/** What the inbound route needs from the inbox's options. */
export interface InboundOptions {
  secret: string;
  limits: FetchLimits;
  log: Logger;
}

async function toInbound(body: z.infer<typeof apiMessageSchema>, options: InboundOptions): Promise<InboundMessage> {
  const { attachments, notStored } = await collectAttachments(body.attachments ?? [], options.limits, options.log);
  const html = body.html === undefined ? undefined : sanitizeHtml(body.html).html;
  return {
    externalId: body.id,
    contact: {
      externalId: body.contact.id,
      name: body.contact.name,
      email: body.contact.email,
      phone: body.contact.phone,
      verified: body.contact.verified,
    },
    text: body.text,
    html: html || undefined,
    subject: body.subject,
    threadKey: body.thread_id,
    sentAt: body.sent_at ? Date.parse(body.sent_at) : undefined,
    attachments: attachments.length ? attachments : undefined,
    metadata: withNotStored(body.metadata, notStored),
  };
}

/** The integration's metadata, with `attachmentsNotStored` set by us alone (never taken from the body). */
function withNotStored(metadata: Record<string, unknown> | undefined, notStored: NotStored[]): Record<string, unknown> | undefined {
  const { attachmentsNotStored: _theirs, ...rest } = metadata ?? {};
  if (notStored.length) return { ...rest, attachmentsNotStored: notStored };
  return metadata === undefined ? undefined : rest;
}

/** Registers the inbound route on the inbox's webhook app. */
export function registerInboundRoutes(app: Hono, emit: Emit, options: InboundOptions): void {
  const { secret } = options;
  app.post("/messages", async (c) => {
    const header = c.req.header("Authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    if (!constantTimeEqual(given, secret)) {
      return c.json(
        {
          error: {
            code: ErrorCodes.UNAUTHORIZED,
            message: "Send the inbox secret as `Authorization: Bearer <secret>` (options.secret of this inbox in config/switchboard.toml).",
          },
        },
        401,
      );
    }
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return c.json(
        {
          error: {
            code: ErrorCodes.INBOUND_INVALID,
            message: "The body is not valid JSON. Send Content-Type: application/json with a JSON object.",
          },
        },
        400,
      );
    }
    const parsed = apiMessageSchema.safeParse(json);
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; ");
      throw new SwitchboardError(ErrorCodes.INBOUND_INVALID, `The message was refused: ${reasons}`);
    }
    const result = await emit(await toInbound(parsed.data, options));
    if (result.status === "invalid") return c.json({ error: { code: ErrorCodes.INBOUND_INVALID, message: result.reason } }, 422);
    if (result.status === "dropped") return c.json({ status: "dropped", reason: result.reason }, 202);
    return c.json(
      {
        status: result.status,
        message_id: result.messageId,
        conversation_id: result.conversationId,
        contact_id: result.contactId,
        ...(result.storedAs ? { stored_as: result.storedAs } : {}),
      },
      result.status === "stored" ? 201 : 200,
    );
  });
}
