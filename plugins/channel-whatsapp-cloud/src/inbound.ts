/**
 * One WhatsApp message (a webhook's `value.messages[]`) as the message core stores: text, media
 * (downloaded through the Graph API, within the size limit), locations, shared contacts, reactions,
 * button and list replies, and the message it answers (`context`). The sender is their phone
 * number (`from`, a wa_id), a verified E.164 phone; a newer payload with only a business-scoped
 * user id (`from_user_id`) gives that id, without a phone.
 */
import type { InboundAttachment, InboundMessage } from "@switchboard/core";
import { normalisePhone } from "@switchboard/core";
import { downloadGraphMedia, type GraphClient } from "@switchboard/meta-graph";
import type { WhatsAppMedia, WhatsAppMessage, WhatsAppSharedContact, WhatsAppValue } from "./payload.ts";

export interface InboundDeps {
  graph: GraphClient;
  maxMediaBytes: number;
}

const MEDIA_TYPES = ["image", "audio", "video", "document", "sticker"] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/** Who sent a message: their phone (digits, a wa_id) and/or business-scoped user id, and profile name. */
export function senderOf(message: WhatsAppMessage, value: WhatsAppValue) {
  const phone = message.from && /^\d{6,20}$/.test(message.from) ? message.from : undefined;
  const userId = message.from_user_id ?? (phone ? undefined : message.from);
  const profile = value.contacts?.find((c) => (phone && c.wa_id === phone) || (userId && c.user_id === userId)) ?? value.contacts?.[0];
  return { phone, userId: userId ?? profile?.user_id, name: profile?.profile?.name };
}

/**
 * The inbound message for core, or undefined for what is not a customer message (system notices).
 *
 * @example
 * const inbound = await toInbound(value.messages[0], value, { graph, maxMediaBytes: 25_000_000 });
 */
export async function toInbound(message: WhatsAppMessage, value: WhatsAppValue, deps: InboundDeps): Promise<InboundMessage | undefined> {
  if (message.type === "system") return undefined;
  const sender = senderOf(message, value);
  const e164 = sender.phone ? normalisePhone(`+${sender.phone}`) : undefined;
  const body = await bodyOf(message, deps);
  const replyTo = message.type === "reaction" ? message.reaction?.message_id : message.context?.id;
  const metadata: Record<string, unknown> = { ...body.metadata, whatsappType: message.type };
  if (sender.userId) metadata.whatsappUserId = sender.userId;
  if (message.context?.forwarded || message.context?.frequently_forwarded)
    metadata.forwarded = message.context.frequently_forwarded ? "frequently" : true;
  if (message.referral) metadata.referral = message.referral;
  return {
    externalId: message.id,
    contact: {
      externalId: sender.phone ?? sender.userId!,
      ...(sender.name ? { name: sender.name } : {}),
      ...(e164 ? { phone: e164 } : {}),
      verified: true, // WhatsApp vouches for the sender's number (or user id)
    },
    text: body.text,
    ...(body.attachments.length ? { attachments: body.attachments } : {}),
    ...(replyTo ? { replyToExternalId: replyTo } : {}),
    sentAt: Number(message.timestamp) * 1000,
    metadata,
  };
}

interface Body {
  text: string;
  attachments: InboundAttachment[];
  metadata: Record<string, unknown>;
}

async function bodyOf(message: WhatsAppMessage, deps: InboundDeps): Promise<Body> {
  const type = message.type;
  if (type === "text") return plain(message.text?.body ?? "");
  if ((MEDIA_TYPES as readonly string[]).includes(type)) return media(type as MediaType, message[type as MediaType], deps);
  if (type === "location" && message.location) {
    const { latitude, longitude, name, address } = message.location;
    const label = [name, address].filter(Boolean).join(", ");
    return {
      text: `📍 ${label ? `${label} ` : ""}(${latitude}, ${longitude}) https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}`,
      attachments: [],
      metadata: { location: message.location },
    };
  }
  if (type === "contacts" && message.contacts)
    return { text: message.contacts.map(describeContact).join("\n"), attachments: [], metadata: { sharedContacts: message.contacts } };
  if (type === "reaction" && message.reaction) {
    const emoji = message.reaction.emoji;
    return { text: emoji ? `Reacted ${emoji}` : "Removed a reaction", attachments: [], metadata: { reaction: message.reaction } };
  }
  if (type === "interactive" && message.interactive) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    const description = message.interactive.list_reply?.description;
    return {
      text: reply ? `${reply.title}${description ? ` (${description})` : ""}` : `[${message.interactive.type} reply]`,
      attachments: [],
      metadata: { interactive: { kind: message.interactive.type, id: reply?.id, title: reply?.title } },
    };
  }
  if (type === "button" && message.button)
    return {
      text: message.button.text,
      attachments: [],
      metadata: { button: { payload: message.button.payload, text: message.button.text } },
    };
  const error = message.errors?.[0];
  if (error)
    return plain(`[A message WhatsApp could not pass on: ${error.title ?? error.message ?? "unsupported"} (code ${error.code})]`, {
      whatsappError: error,
    });
  return plain(`[A WhatsApp "${type}" message, which Switchboard does not show]`);
}

const plain = (text: string, metadata: Record<string, unknown> = {}): Body => ({ text, attachments: [], metadata });

async function media(type: MediaType, item: WhatsAppMedia | undefined, deps: InboundDeps): Promise<Body> {
  if (!item) return plain(`[A ${type} without its media]`);
  const voice = type === "audio" && item.voice === true;
  const filename = item.filename ?? `${voice ? "voice-note" : type}-${item.id}${extensionOf(item.mime_type)}`;
  const { attachment, skipped } = await downloadGraphMedia(deps.graph, item.id, {
    maxBytes: deps.maxMediaBytes,
    filename,
    contentType: item.mime_type?.split(";")[0]?.trim(),
  });
  const noun = voice ? "voice note" : type;
  const note = skipped ? `(The ${noun} was not downloaded: ${skipped}.)` : "";
  return {
    text: [item.caption, note].filter(Boolean).join("\n"),
    attachments: [attachment],
    metadata: { media: { id: item.id, kind: noun, ...(item.sha256 ? { sha256: item.sha256 } : {}), ...(skipped ? { skipped } : {}) } },
  };
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/webp": ".webp",
  "audio/ogg": ".ogg",
  "audio/mpeg": ".mp3",
  "audio/mp4": ".m4a",
  "audio/aac": ".aac",
  "audio/amr": ".amr",
  "video/mp4": ".mp4",
  "video/3gpp": ".3gp",
  "application/pdf": ".pdf",
};

function extensionOf(mime: string | undefined): string {
  return (mime && EXTENSIONS[mime.split(";")[0]!.trim()]) ?? "";
}

function describeContact(card: WhatsAppSharedContact): string {
  const name = card.name?.formatted_name ?? [card.name?.first_name, card.name?.last_name].filter(Boolean).join(" ");
  const details = [
    ...(card.phones ?? []).map((p) => p.phone ?? (p.wa_id ? `+${p.wa_id}` : "")),
    ...(card.emails ?? []).map((e) => e.email ?? ""),
    card.org?.company ?? "",
  ].filter(Boolean);
  return `Shared a contact: ${name || "(no name)"}${details.length ? `, ${details.join(", ")}` : ""}`;
}
