/**
 * Sends an agent's reply to Telegram: to the conversation's chat (and forum topic), as plain text
 * (no parse_mode, so `*`, `_` or `<` never break a message), split at 4096 characters when
 * `long_text = "split"`, then each attachment (sendPhoto for JPEG/PNG/WebP up to 10 MB, else
 * sendDocument). The first message quotes the customer's with `reply_parameters`. A reply that
 * takes several messages records its progress in the inbox's kv, so a retry after a 429 halfway
 * sends only the rest.
 */
import {
  DeliveryError,
  type KeyValueStore,
  type OutboundMessage,
  type OutboundTarget,
  type SendResult,
  splitText,
} from "@switchboard/core";
import { type Api, InputFile } from "grammy";
import type { Message, ReplyParameters } from "grammy/types";
import { toDeliveryError } from "./errors.ts";
import { messageKey } from "./inbound.ts";
import { TELEGRAM_TEXT_LIMIT, type TelegramOptions } from "./options.ts";

export interface SendDeps {
  api: Api;
  kv: KeyValueStore;
  token: string;
  options: Pick<TelegramOptions, "long_text" | "reply_threading">;
}

type Extra = { message_thread_id?: number; reply_parameters?: ReplyParameters };
type Step = (chatId: number, extra: Extra) => Promise<Message>;

const PHOTO_LIMIT = 10 * 1024 * 1024;
const PROGRESS_TTL_MS = 7 * 24 * 3600_000;

/**
 * Delivers one outbound message. Throws a DeliveryError the outbox understands (429 → retry after
 * `retry_after`, 400/403 → failed with the reason).
 *
 * @example
 * const { externalId } = await sendToTelegram({ api: bot.api, kv, token, options }, target, message);
 */
export async function sendToTelegram(deps: SendDeps, target: OutboundTarget, message: OutboundMessage): Promise<SendResult> {
  const destination = destinationOf(target);
  const steps = planSteps(deps, message);
  const quote = replyParametersFor(target, destination.chatId, deps.options.reply_threading);
  const progressKey = `outbound:${message.idempotencyKey}`;
  const done = steps.length > 1 ? ((await deps.kv.get<string[]>(progressKey)) ?? []) : [];
  for (let i = done.length; i < steps.length; i++) {
    const extra: Extra = {
      ...(destination.topicId ? { message_thread_id: destination.topicId } : {}),
      ...(i === 0 && quote ? { reply_parameters: quote } : {}),
    };
    let sent: Message;
    try {
      sent = await steps[i]!(destination.chatId, extra);
    } catch (error) {
      throw toDeliveryError(error, deps.token);
    }
    done.push(messageKey(destination.chatId, sent.message_id));
    if (steps.length > 1) await deps.kv.set(progressKey, done, { ttlMs: PROGRESS_TTL_MS });
  }
  if (steps.length > 1) await deps.kv.delete(progressKey);
  return { externalId: done[0] };
}

/** The chat (and forum topic) of the conversation, or the contact's private chat. */
export function destinationOf(target: OutboundTarget): { chatId: number; topicId?: number } {
  const key = target.threadKey ?? target.contact.externalId;
  const match = key?.match(/^(-?\d+)(?:\/(\d+))?$/);
  if (!match) {
    throw new DeliveryError(
      `This contact has no Telegram chat on the inbox "${target.inbox}": they have never written to the bot. Ask them to message it first.`,
      { retryable: false },
    );
  }
  return { chatId: Number(match[1]), ...(match[2] ? { topicId: Number(match[2]) } : {}) };
}

function replyParametersFor(target: OutboundTarget, chatId: number, mode: TelegramOptions["reply_threading"]): ReplyParameters | undefined {
  if (mode === "off" || (mode === "groups" && chatId > 0) || !target.replyToExternalId) return undefined;
  const [chat, id] = target.replyToExternalId.split(":");
  if (Number(chat) !== chatId || !id) return undefined;
  return { message_id: Number(id), allow_sending_without_reply: true };
}

function planSteps(deps: SendDeps, message: OutboundMessage): Step[] {
  const text = message.text.trim();
  if (text.length > TELEGRAM_TEXT_LIMIT && deps.options.long_text === "refuse") {
    throw new DeliveryError(
      `The reply is ${text.length} characters and Telegram takes at most ${TELEGRAM_TEXT_LIMIT}. Shorten it, or set long_text = "split" for this inbox.`,
      { retryable: false },
    );
  }
  const texts: Step[] = (text ? splitText(text, TELEGRAM_TEXT_LIMIT) : []).map(
    (part) => (chatId, extra) => deps.api.sendMessage(chatId, part, extra),
  );
  const files: Step[] = message.attachments.map((file) => {
    const input = file.data ? new InputFile(Buffer.from(file.data, "base64"), file.filename) : file.url;
    if (!input || (typeof input === "string" && !/^https?:\/\//.test(input))) {
      throw new DeliveryError(
        `The attachment "${file.filename}" has neither bytes nor a public http(s) URL, so Telegram cannot receive it.`,
        { retryable: false },
      );
    }
    const photo = /^image\/(jpeg|png|webp)$/.test(file.contentType) && file.size <= PHOTO_LIMIT;
    return (chatId, extra) => (photo ? deps.api.sendPhoto(chatId, input, extra) : deps.api.sendDocument(chatId, input, extra));
  });
  return [...texts, ...files];
}
