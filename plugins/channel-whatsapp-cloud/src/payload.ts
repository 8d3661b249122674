/**
 * The WhatsApp Cloud API webhook's `entry[].changes[].value`, as zod schemas: messages of every
 * type, the senders' profiles, statuses and errors. Loose (Meta adds fields), strict where we read:
 * a delivery that does not fit is refused with a 400 that names the field, before anything is stored.
 */
import { z } from "zod";

const metaError = z
  .object({
    code: z.number(),
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
  })
  .loose();
export type WhatsAppError = z.infer<typeof metaError>;

const media = z
  .object({
    id: z.string().min(1),
    mime_type: z.string().optional(),
    sha256: z.string().optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
    voice: z.boolean().optional(),
    animated: z.boolean().optional(),
  })
  .loose();
export type WhatsAppMedia = z.infer<typeof media>;

const sharedContact = z
  .object({
    name: z
      .object({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() })
      .loose()
      .optional(),
    phones: z
      .array(z.object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }).loose())
      .optional(),
    emails: z.array(z.object({ email: z.string().optional(), type: z.string().optional() }).loose()).optional(),
    org: z.object({ company: z.string().optional() }).loose().optional(),
  })
  .loose();
export type WhatsAppSharedContact = z.infer<typeof sharedContact>;

const digits = z.string().regex(/^\d{1,20}$/, { message: "expected the seconds since the epoch, as a string of digits" });

export const whatsappMessage = z
  .object({
    /** The sender's phone number (wa_id); newer payloads may carry only `from_user_id`. */
    from: z.string().min(1).optional(),
    /** The business-scoped user id (BSUID), e.g. "US.13491208655302741918". */
    from_user_id: z.string().min(1).optional(),
    id: z.string().min(1),
    timestamp: digits,
    type: z.string().min(1),
    context: z
      .object({
        from: z.string().optional(),
        id: z.string().optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
      })
      .loose()
      .optional(),
    text: z.object({ body: z.string() }).loose().optional(),
    image: media.optional(),
    audio: media.optional(),
    video: media.optional(),
    document: media.optional(),
    sticker: media.optional(),
    location: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
        url: z.string().optional(),
      })
      .loose()
      .optional(),
    contacts: z.array(sharedContact).optional(),
    reaction: z
      .object({ message_id: z.string().min(1), emoji: z.string().optional() })
      .loose()
      .optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string(), title: z.string() }).loose().optional(),
        list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).loose().optional(),
      })
      .loose()
      .optional(),
    button: z.object({ payload: z.string().optional(), text: z.string() }).loose().optional(),
    referral: z.record(z.string(), z.unknown()).optional(),
    system: z.object({ body: z.string().optional(), type: z.string().optional() }).loose().optional(),
    errors: z.array(metaError).optional(),
  })
  .loose()
  .refine((m) => m.from !== undefined || m.from_user_id !== undefined, { message: "a message needs `from` or `from_user_id`" });
export type WhatsAppMessage = z.infer<typeof whatsappMessage>;

export const whatsappStatus = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    timestamp: digits,
    recipient_id: z.string().optional(),
    recipient_user_id: z.string().optional(),
    errors: z.array(metaError).optional(),
    biz_opaque_callback_data: z.string().optional(),
  })
  .loose();
export type WhatsAppStatus = z.infer<typeof whatsappStatus>;

export const whatsappValue = z
  .object({
    messaging_product: z.string().optional(),
    metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }).loose(),
    contacts: z
      .array(
        z
          .object({
            profile: z.object({ name: z.string().optional() }).loose().optional(),
            wa_id: z.string().optional(),
            user_id: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
    messages: z.array(whatsappMessage).optional(),
    statuses: z.array(whatsappStatus).optional(),
  })
  .loose();
export type WhatsAppValue = z.infer<typeof whatsappValue>;

/** One `entry` of a `whatsapp_business_account` delivery. */
export const whatsappEntry = z
  .object({
    id: z.string().optional(),
    changes: z.array(z.object({ field: z.string(), value: z.unknown() }).loose()),
  })
  .loose();
export type WhatsAppEntry = z.infer<typeof whatsappEntry>;
