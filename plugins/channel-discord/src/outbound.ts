/**
 * Sends an agent's reply to Discord over REST: to the conversation's thread or DM channel (or a DM
 * opened with the contact when replying from another inbox), split at 2000 characters when
 * `long_text = "split"`, then the attachments (up to 10 files per message; files known only by
 * URL are sent as links). Mentions in agent text never ping anyone (allowed_mentions is empty).
 * A reply that takes several messages records its progress in the inbox's kv, so a retry after a
 * rate limit halfway sends only the rest.
 */
import {
  DeliveryError,
  type KeyValueStore,
  type OutboundMessage,
  type OutboundTarget,
  type SendResult,
  splitText,
} from "@switchboard/core";
import { type REST, Routes } from "discord.js";
import { toDeliveryError } from "./errors.ts";
import { DISCORD_TEXT_LIMIT, type DiscordOptions } from "./options.ts";

export interface SendDeps {
  rest: REST;
  kv: KeyValueStore;
  options: Pick<DiscordOptions, "long_text">;
}

type Upload = { name: string; data: Buffer; contentType: string };
type Part = { content: string; files: Upload[] };

const FILES_PER_MESSAGE = 10;
const PROGRESS_TTL_MS = 7 * 24 * 3600_000;

/**
 * Delivers one outbound message. Throws a DeliveryError the outbox understands.
 *
 * @example
 * const { externalId } = await sendToDiscord({ rest: client.rest, kv, options }, target, message);
 */
export async function sendToDiscord(deps: SendDeps, target: OutboundTarget, message: OutboundMessage): Promise<SendResult> {
  const parts = partsOf(message, deps.options.long_text);
  const progressKey = `outbound:${message.idempotencyKey}`;
  const done = parts.length > 1 ? ((await deps.kv.get<string[]>(progressKey)) ?? []) : [];
  try {
    const channelId = target.threadKey ?? (await openDm(deps.rest, target));
    for (let i = done.length; i < parts.length; i++) {
      const part = parts[i]!;
      const body = {
        content: part.content,
        allowed_mentions: { parse: [] },
        ...(part.files.length ? { attachments: part.files.map((f, id) => ({ id, filename: f.name })) } : {}),
      };
      const sent = (await deps.rest.post(Routes.channelMessages(channelId), { body, files: part.files })) as { id: string };
      done.push(sent.id);
      if (parts.length > 1) await deps.kv.set(progressKey, done, { ttlMs: PROGRESS_TTL_MS });
    }
  } catch (error) {
    throw toDeliveryError(error);
  }
  if (parts.length > 1) await deps.kv.delete(progressKey);
  return { externalId: done[0] };
}

async function openDm(rest: REST, target: OutboundTarget): Promise<string> {
  const userId = target.contact.externalId;
  if (!userId)
    throw new DeliveryError(`This contact has no Discord account known to the inbox "${target.inbox}", so there is no one to message.`, {
      retryable: false,
    });
  const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
  return channel.id;
}

function partsOf(message: OutboundMessage, longText: DiscordOptions["long_text"]): Part[] {
  const links = message.attachments.filter((a) => !a.data && a.url).map((a) => `${a.filename}: ${a.url}`);
  const text = [message.text.trim(), ...links].filter(Boolean).join("\n");
  if (text.length > DISCORD_TEXT_LIMIT && longText === "refuse") {
    throw new DeliveryError(
      `The reply is ${text.length} characters and Discord takes at most ${DISCORD_TEXT_LIMIT}. Shorten it, or set long_text = "split" for this inbox.`,
      { retryable: false },
    );
  }
  const texts = text ? splitText(text, DISCORD_TEXT_LIMIT) : [];
  const uploads = message.attachments
    .filter((a) => a.data)
    .map((a) => ({ name: a.filename, data: Buffer.from(a.data!, "base64"), contentType: a.contentType }));
  const batches: Upload[][] = [];
  for (let i = 0; i < uploads.length; i += FILES_PER_MESSAGE) batches.push(uploads.slice(i, i + FILES_PER_MESSAGE));
  // Text that fits one message carries the files with it.
  if (texts.length <= 1 && batches.length <= 1) return [{ content: texts[0] ?? "", files: batches[0] ?? [] }];
  return [...texts.map((content) => ({ content, files: [] })), ...batches.map((files) => ({ content: "", files }))];
}
