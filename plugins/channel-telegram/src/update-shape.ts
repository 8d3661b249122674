/**
 * What an update must look like before it is mapped: a JSON object with an integer `update_id`
 * (else the body is no Telegram update at all), and a message whose fields the mapping reads have
 * the types the Bot API documents (else it can never be read, however often it is delivered).
 * Checked with zod on the fields inbound.ts and media.ts read; other fields pass through.
 */
import type { Update } from "grammy/types";
import { z } from "zod";

const int = z.number().int();
const file = z.looseObject({ file_id: z.string(), file_unique_id: z.string(), file_size: int.optional() });
const entity = z.looseObject({ type: z.string(), offset: int, length: int, user: z.looseObject({ id: int }).optional() });

const messageShape = z.looseObject({
  message_id: int,
  date: int,
  edit_date: int.optional(),
  chat: z.looseObject({ id: int, type: z.string(), title: z.string().optional() }),
  from: z
    .looseObject({ id: int, first_name: z.string().optional(), last_name: z.string().optional(), username: z.string().optional() })
    .optional(),
  sender_chat: z.looseObject({ id: int }).optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(entity).optional(),
  caption_entities: z.array(entity).optional(),
  reply_to_message: z.looseObject({ message_id: int }).optional(),
  message_thread_id: int.optional(),
  contact: z.looseObject({ phone_number: z.string(), user_id: int.optional() }).optional(),
  photo: z.array(file).optional(),
  sticker: file.optional(),
  voice: file.optional(),
  video_note: file.optional(),
  animation: file.optional(),
  audio: file.optional(),
  video: file.optional(),
  document: file.optional(),
});

const envelope = z.looseObject({ update_id: int.nonnegative() });
const readable = z.looseObject({ message: messageShape.optional(), edited_message: messageShape.optional() });

const reasons = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; ");

/**
 * The update in a webhook body, or the reason the body is no Telegram update.
 *
 * @example
 * const parsed = parseUpdate(await c.req.json());
 * if ("problem" in parsed) return c.json({ error: parsed.problem }, 400);
 */
export function parseUpdate(json: unknown): { update: Update } | { problem: string } {
  const parsed = envelope.safeParse(json);
  return parsed.success ? { update: parsed.data as unknown as Update } : { problem: reasons(parsed.error) };
}

/**
 * Why an update's message cannot be read (a field the mapping needs is missing or has the wrong
 * type), or undefined when it can.
 *
 * @example
 * const problem = unreadable(update); // "message.chat: Invalid input: expected object, received undefined"
 */
export function unreadable(update: Update): string | undefined {
  const parsed = readable.safeParse(update);
  return parsed.success ? undefined : reasons(parsed.error);
}
