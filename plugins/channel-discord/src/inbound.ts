/**
 * A Discord message → an InboundMessage, or the reason it is ignored. A DM is its person's
 * conversation (threadKey = the DM channel id). In a support channel each thread or forum post is
 * one conversation (threadKey = the thread id, subject = its name) where every message's contact
 * is its author, so many participants can share it. Bots, webhooks and system messages are
 * ignored, and so are top-level messages in a support text channel (conversations live in threads).
 */
import type { InboundAttachment, InboundMessage } from "@switchboard/core";
import { ChannelType, type Message } from "discord.js";
import { type AttachmentDeps, attachmentOf, embedsOf, textOf } from "./content.ts";

export interface InboundDeps {
  supportChannels: ReadonlySet<string>;
  dms: boolean;
  attachments: Omit<AttachmentDeps, "onSkipped">;
}

export type Mapped = { message: InboundMessage; skipped: { filename: string; reason: string }[] } | { ignored: string };

type Place = { kind: "dm" } | { kind: "thread"; name: string; parentId: string } | { ignored: string };

/** Where a message was written, as far as Switchboard cares. */
export function placeOf(message: Message, deps: Pick<InboundDeps, "supportChannels" | "dms">): Place {
  const channel = message.channel;
  if (channel.type === ChannelType.DM) return deps.dms ? { kind: "dm" } : { ignored: "direct messages are off (dms = false)" };
  if (channel.isThread() && channel.parentId && deps.supportChannels.has(channel.parentId))
    return { kind: "thread", name: channel.name, parentId: channel.parentId };
  if (deps.supportChannels.has(channel.id))
    return { ignored: "a top-level message in a support channel; conversations live in its threads" };
  return { ignored: "not a DM and not in a support channel" };
}

/**
 * Maps one message (created or, with `edited`, updated).
 *
 * @example
 * const mapped = await toInbound(message, { supportChannels: new Set(["123…"]), dms: true, attachments: { download: true, maxBytes: 25e6 } });
 */
export async function toInbound(message: Message, deps: InboundDeps, edited = false): Promise<Mapped> {
  if (message.author.bot || message.webhookId) return { ignored: "written by a bot or a webhook" };
  if (message.system) return { ignored: "a system message" };
  const place = placeOf(message, deps);
  if ("ignored" in place) return place;

  const skipped: { filename: string; reason: string }[] = [];
  const onSkipped = (filename: string, reason: string) => skipped.push({ filename, reason });
  const attachments: InboundAttachment[] = [];
  for (const attachment of message.attachments.values())
    attachments.push(await attachmentOf(attachment, { ...deps.attachments, onSkipped }));
  const name = message.member?.displayName ?? message.author.globalName ?? message.author.username;
  const embeds = embedsOf(message);
  return {
    skipped,
    message: {
      externalId: message.id,
      contact: { externalId: message.author.id, name },
      text: textOf(message),
      ...(attachments.length ? { attachments } : {}),
      threadKey: message.channelId,
      ...(place.kind === "thread" ? { subject: place.name } : {}),
      ...(message.reference?.messageId ? { replyToExternalId: message.reference.messageId } : {}),
      sentAt: (edited ? message.editedTimestamp : null) ?? message.createdTimestamp,
      ...(edited ? { edited: true } : {}),
      metadata: {
        discord: {
          channelId: message.channelId,
          username: message.author.username,
          ...(message.guildId ? { guildId: message.guildId } : {}),
          ...(place.kind === "thread" ? { parentId: place.parentId, threadName: place.name } : {}),
          ...(embeds.length ? { embeds } : {}),
          ...(skipped.length ? { skippedFiles: skipped } : {}),
        },
      },
    },
  };
}
