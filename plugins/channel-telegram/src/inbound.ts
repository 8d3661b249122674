/**
 * A Telegram update → an InboundMessage, or the reason it is ignored. Private chats are one
 * conversation per person; in groups only messages that mention the bot or reply to it are taken
 * (unless `groups = "all"`), and their conversation is the group's (threadKey = chat id, subject =
 * the group's title). Edits carry `edited: true`; a person sharing their own phone number gives a
 * verified E.164 phone. In a private chat Telegram vouches for the sender's user id, so it is
 * verified; the @username comes along as the contact's handle.
 */
import type { InboundAttachment, InboundMessage } from "@switchboard/core";
import type { Chat, Message, Update, UserFromGetMe } from "grammy/types";
import { type MediaRef, mediaOf, type SkippedFile } from "./media.ts";
import type { TelegramOptions } from "./options.ts";

export interface InboundDeps {
  me: UserFromGetMe;
  groups: TelegramOptions["groups"];
  download(ref: MediaRef): Promise<{ attachment: InboundAttachment; skipped?: SkippedFile }>;
}

export type Mapped = { message: InboundMessage } | { ignored: string };

/** The updates the adapter asks Telegram for (getUpdates and setWebhook's allowed_updates). */
export const ALLOWED_UPDATES = ["message", "edited_message"] as const;

/** `${chat id}:${message id}`: unique per bot, as Telegram's message ids are only unique per chat. */
export const messageKey = (chatId: number, messageId: number) => `${chatId}:${messageId}`;

/** The conversation key of a chat, with the forum topic when there is one: "<chat id>" or "<chat id>/<topic id>". */
export function threadKeyOf(message: Message): string {
  return message.is_topic_message && message.message_thread_id
    ? `${message.chat.id}/${message.message_thread_id}`
    : String(message.chat.id);
}

/**
 * Maps one update. Media is downloaded through `deps.download`.
 *
 * @example
 * const mapped = await toInbound(update, { me, groups: "mentions", download });
 * if ("message" in mapped) await emit(mapped.message);
 */
export async function toInbound(update: Update, deps: InboundDeps): Promise<Mapped> {
  const message = update.message ?? update.edited_message;
  if (!message) return { ignored: `updates of kind "${Object.keys(update).find((k) => k !== "update_id")}" are not handled` };
  const chat = message.chat;
  const inGroup = chat.type === "group" || chat.type === "supergroup";
  if (inGroup && deps.groups === "off") return { ignored: 'group messages are off (groups = "off")' };
  if (inGroup && deps.groups === "mentions" && !addressesBot(message, deps.me))
    return { ignored: "a group message that neither mentions the bot nor replies to it" };
  const author = authorOf(message);
  if (!author) return { ignored: "a message without a sender" };

  const ref = mediaOf(message);
  const media = ref ? await deps.download(ref) : undefined;
  const shared = sharedPhone(message);
  const title = inGroup ? (chat as Chat.GroupChat | Chat.SupergroupChat).title : undefined;
  return {
    message: {
      externalId: messageKey(chat.id, message.message_id),
      contact: {
        externalId: author.id,
        ...(author.name ? { name: author.name } : {}),
        ...(author.username ? { handle: `@${author.username}` } : {}),
        ...(shared.own ? { phone: shared.own } : {}),
        // Telegram vouches for who writes in a private chat (and for a number shared as one's own).
        ...(chat.type === "private" || shared.own ? { verified: true } : {}),
      },
      text: textOf(message, shared, Boolean(media)),
      ...(media ? { attachments: [media.attachment] } : {}),
      threadKey: threadKeyOf(message),
      ...(title ? { subject: title } : {}),
      ...(message.reply_to_message ? { replyToExternalId: messageKey(chat.id, message.reply_to_message.message_id) } : {}),
      sentAt: (message.edit_date ?? message.date) * 1000,
      ...(update.edited_message ? { edited: true } : {}),
      metadata: {
        telegram: {
          chatId: chat.id,
          chatType: chat.type,
          messageId: message.message_id,
          ...(title ? { chatTitle: title } : {}),
          ...(author.username ? { username: author.username } : {}),
          ...(message.is_topic_message && message.message_thread_id ? { topicId: message.message_thread_id } : {}),
          ...(media?.skipped ? { skippedFiles: [media.skipped] } : {}),
          ...(shared.other ? { sharedContact: shared.other } : {}),
        },
      },
    },
  };
}

/** True when a group message mentions the bot (@name, a text mention, /command@name) or replies to it. */
export function addressesBot(message: Message, me: UserFromGetMe): boolean {
  if (message.reply_to_message?.from?.id === me.id) return true;
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const handle = `@${me.username}`.toLowerCase();
  return entities.some((entity) => {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === "mention") return part === handle;
    if (entity.type === "text_mention") return entity.user.id === me.id;
    return entity.type === "bot_command" && part.endsWith(handle);
  });
}

function authorOf(message: Message): { id: string; name: string | undefined; username: string | undefined } | undefined {
  if (message.from) {
    const name = [message.from.first_name, message.from.last_name].filter(Boolean).join(" ").trim();
    return { id: String(message.from.id), name: name || message.from.username, username: message.from.username };
  }
  const chat = message.sender_chat;
  return chat
    ? { id: String(chat.id), name: "title" in chat ? chat.title : undefined, username: "username" in chat ? chat.username : undefined }
    : undefined;
}

interface SharedPhone {
  /** The sender's own number (shared through a request_contact button), in E.164. */
  own?: string;
  /** Someone else's contact card. */
  other?: { name: string; phone: string | undefined; userId: number | undefined };
}

function sharedPhone(message: Message): SharedPhone {
  const card = message.contact;
  if (!card) return {};
  const phone = toE164(card.phone_number);
  if (phone && message.from && card.user_id === message.from.id) return { own: phone };
  return { other: { name: [card.first_name, card.last_name].filter(Boolean).join(" "), phone, userId: card.user_id } };
}

/** Telegram sends numbers with or without "+" and with spaces; E.164 is "+" and 7 to 15 digits. */
export function toE164(raw: string): string | undefined {
  const digits = raw.replace(/[^\d]/g, "");
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
}

function textOf(message: Message, shared: SharedPhone, hasMedia: boolean): string {
  const text = message.text ?? message.caption;
  if (text) return text;
  if (shared.own) return `Shared their phone number: ${shared.own}`;
  if (shared.other) return `Shared a contact: ${shared.other.name}${shared.other.phone ? `, ${shared.other.phone}` : ""}`;
  if (message.sticker) return message.sticker.emoji ?? "";
  if (message.location) return `Shared a location: ${message.location.latitude}, ${message.location.longitude}`;
  if (message.poll) return `Poll: ${message.poll.question}`;
  if (hasMedia) return "";
  return "(a kind of Telegram message Switchboard does not show; open the chat in Telegram to see it)";
}
