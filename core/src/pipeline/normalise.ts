/**
 * The normalise stage's core part: checks an inbound message from an adapter and cleans it
 * (trimmed ids, lower-case email, limits). A bad message is refused with SWB_ERR_INBOUND_INVALID
 * and a reason, and nothing is stored.
 */
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { InboundMessage } from "../plugins/types.ts";

export const MAX_INBOUND_TEXT = 100_000;

export const inboundMessageSchema = z.object({
  externalId: z.string().trim().min(1).max(512),
  contact: z.object({
    externalId: z.string().trim().min(1).max(512),
    name: z.string().trim().max(256).optional(),
    email: z.string().trim().toLowerCase().pipe(z.email()).optional(),
    phone: z.string().trim().regex(/^\+[1-9]\d{6,14}$/, { message: "expected an E.164 phone number such as +14155550123" }).optional(),
    verified: z.boolean().optional(),
  }),
  text: z.string().max(MAX_INBOUND_TEXT),
  html: z.string().max(MAX_INBOUND_TEXT * 5).optional(),
  subject: z.string().max(1000).optional(),
  attachments: z
    .array(
      z.object({
        filename: z.string().min(1).max(512),
        contentType: z.string().min(1).max(256),
        size: z.number().int().nonnegative(),
        url: z.string().optional(),
        data: z.string().optional(),
      }),
    )
    .max(50)
    .optional(),
  threadKey: z.string().min(1).max(512).optional(),
  replyToExternalId: z.string().min(1).max(512).optional(),
  sentAt: z.number().int().positive().optional(),
  edited: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Validates and cleans an inbound message.
 *
 * @example
 * const message = normaliseInbound({ externalId: "m1", contact: { externalId: "u1", email: " A@B.com " }, text: "hi" });
 * message.contact.email // "a@b.com"
 */
export function normaliseInbound(input: unknown): InboundMessage {
  const parsed = inboundMessageSchema.safeParse(input);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(message)"}: ${issue.message}`).join("; ");
    throw new SwitchboardError(ErrorCodes.INBOUND_INVALID, `The inbound message was refused: ${reasons}`, { issues: parsed.error.issues });
  }
  const message = parsed.data;
  if (message.text.trim() === "" && !message.attachments?.length) {
    throw new SwitchboardError(ErrorCodes.INBOUND_INVALID, "The inbound message was refused: it has neither text nor attachments.");
  }
  return message;
}
