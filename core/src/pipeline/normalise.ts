/**
 * The normalise stage's core part: checks an inbound message from an adapter and cleans it
 * (trimmed ids, lower-case email, phone in E.164 via libphonenumber-js, limits, metadata within the
 * free-form JSON limits). A bad message is refused with a reason (`emit` resolves
 * `{ status: "invalid", reason }`), and nothing is stored.
 */
import { z } from "zod";
import { normalisePhone, phoneProblem } from "../contacts/normalise.ts";
import { freeJson } from "../json/free-form.ts";
import type { InboundMessage } from "../plugins/types.ts";

export const MAX_INBOUND_TEXT = 100_000;

/**
 * A phone number in any common notation, normalised to E.164 (national numbers need a default region).
 *
 * @example
 * phoneSchema("DE").parse("030 1234567") // "+49301234567"
 */
export function phoneSchema(defaultRegion?: string) {
  return z
    .string()
    .max(64)
    .transform((value, ctx) => {
      const e164 = normalisePhone(value, defaultRegion);
      if (e164) return e164;
      ctx.addIssue({ code: "custom", message: phoneProblem(defaultRegion) });
      return z.NEVER;
    });
}

const messageSchema = (defaultRegion?: string) =>
  z.object({
    externalId: z.string().trim().min(1).max(512),
    contact: z.object({
      externalId: z.string().trim().min(1).max(512),
      name: z.string().trim().max(256).optional(),
      email: z.string().trim().toLowerCase().pipe(z.email()).optional(),
      phone: phoneSchema(defaultRegion).optional(),
      verified: z.boolean().optional(),
      handle: z.string().trim().min(1).max(256).optional(),
    }),
    text: z.string().max(MAX_INBOUND_TEXT),
    html: z
      .string()
      .max(MAX_INBOUND_TEXT * 5)
      .optional(),
    subject: z.string().max(1000).optional(),
    attachments: z
      .array(
        z.object({
          filename: z.string().min(1).max(512),
          contentType: z.string().min(1).max(256),
          size: z.number().int().nonnegative(),
          url: z.string().optional(),
          data: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
        }),
      )
      .max(50)
      .optional(),
    threadKey: z.string().min(1).max(512).optional(),
    replyToExternalId: z.string().min(1).max(512).optional(),
    sentAt: z.number().int().positive().optional(),
    edited: z.boolean().optional(),
    deleted: z.boolean().optional(),
    sentOutside: z.boolean().optional(),
    metadata: freeJson().optional(),
  });

/** The inbound message schema without a default phone region (phones must carry their country code). */
export const inboundMessageSchema = messageSchema();
const byRegion = new Map<string, typeof inboundMessageSchema>();

function schemaFor(defaultRegion: string | undefined): typeof inboundMessageSchema {
  if (!defaultRegion) return inboundMessageSchema;
  let schema = byRegion.get(defaultRegion);
  if (!schema) byRegion.set(defaultRegion, (schema = messageSchema(defaultRegion)));
  return schema;
}

/**
 * Validates and cleans an inbound message. `defaultPhoneRegion` (identity.default_phone_region)
 * lets phones arrive in national notation. A message core refuses comes back as `{ reason }`,
 * saying every problem; nothing is thrown.
 *
 * @example
 * const checked = normaliseInbound({ externalId: "m1", contact: { externalId: "u1", email: " A@B.com ", phone: "+1 415 555 0123" }, text: "hi" });
 * if ("message" in checked) checked.message.contact.email // "a@b.com"
 * normaliseInbound({ externalId: "", contact: { externalId: "u1" }, text: "hi" }) // { reason: "The inbound message was refused: externalId: …" }
 */
export function normaliseInbound(
  input: unknown,
  options: { defaultPhoneRegion?: string } = {},
): { message: InboundMessage } | { reason: string } {
  const parsed = schemaFor(options.defaultPhoneRegion).safeParse(input);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(message)"}: ${issue.message}`).join("; ");
    return { reason: `The inbound message was refused: ${reasons}` };
  }
  const message = parsed.data;
  if (message.text.trim() === "" && !message.attachments?.length && !message.deleted)
    return { reason: "The inbound message was refused: it has neither text nor attachments." };
  return { message };
}
