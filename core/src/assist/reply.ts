/**
 * A reply that holds assistant text: the composer's hidden fields say which suggestion the text
 * came from (`assist_id`) and, when the agent previewed a translation, the customer-language text
 * to send (`translation`, of `translation_of` in the agent's words). The sent message keeps both
 * (`metadata.translation.original`) and says what the assistant did (`metadata.assistant`); after
 * sending, the agent's suggestions in the conversation are settled (records.ts).
 */
import { z } from "zod";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Services } from "../services.ts";
import { findOffered, same } from "./records.ts";

const optionalId = z.union([z.literal("").transform(() => undefined), z.coerce.number().int().positive()]).optional();

/** The composer's assistant fields (all optional; a plain reply has none). */
export const assistFields = z.object({
  assist_id: optionalId,
  translation: z.string().max(100_000).optional(),
  translation_of: z.string().max(100_000).optional(),
  translation_id: optionalId,
  translation_from: z
    .string()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, { message: "a language tag such as en or pt-BR" })
    .optional(),
  translation_to: z
    .string()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, { message: "a language tag such as en or pt-BR" })
    .optional(),
});

export interface AssistedReply {
  /** What goes to the customer. */
  text: string;
  metadata: Record<string, unknown>;
  /** The assistant texts taken, with what each became (for settleOffered). */
  used: { id: number; text: string }[];
}

/**
 * Reads the composer's assistant fields for a reply of `text`. A translation whose source is no
 * longer the reply is refused (422): the agent changed the text after previewing it.
 *
 * @example
 * const assisted = await assistedReply(sb, { conversationId, agentId }, text, await c.req.parseBody());
 * await sb.outbound.reply({ ..., text: assisted.text, metadata: assisted.metadata });
 */
export async function assistedReply(
  sb: Pick<Services, "store">,
  to: { conversationId: number; agentId: number },
  text: string,
  body: Record<string, unknown>,
): Promise<AssistedReply> {
  const parsed = assistFields.safeParse(body);
  if (!parsed.success)
    throw new SwitchboardError(ErrorCodes.VALIDATION, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const fields = parsed.data;
  const metadata: Record<string, unknown> = {};
  const used: AssistedReply["used"] = [];
  let sent = text;
  if (fields.assist_id !== undefined) {
    const offered = await findOffered(sb, fields.assist_id, to);
    if (!offered)
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        "assist_id: that suggestion was not offered to you in this conversation; clear it and send again.",
      );
    used.push({ id: offered.id, text });
    metadata.assistant = { plugin: offered.plugin, kind: offered.kind, edited: !same(offered.text, text) };
  }
  if (fields.translation?.trim()) {
    if (fields.translation_of === undefined || !same(fields.translation_of, text))
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        "translation: your reply changed after it was translated. Translate it again, or remove the translation to send your own words.",
      );
    const offered = fields.translation_id === undefined ? undefined : await findOffered(sb, fields.translation_id, to);
    if (!offered || offered.kind !== "translate")
      throw new SwitchboardError(
        ErrorCodes.VALIDATION,
        "translation_id: that translation was not offered to you in this conversation; translate again.",
      );
    sent = fields.translation;
    used.push({ id: offered.id, text: sent });
    metadata.translation = {
      original: text,
      from: fields.translation_from ?? null,
      to: fields.translation_to ?? null,
      plugin: offered.plugin,
      edited: !same(offered.text, sent),
    };
  }
  return { text: sent, metadata, used };
}
