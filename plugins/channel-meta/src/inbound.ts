/**
 * One Messenger or Instagram messaging event → what Switchboard does with it: a customer message
 * (text, media, shares, reels, story replies and mentions, quick replies, postbacks, reactions), an
 * edit, a deletion (unsend), a message the page sent from elsewhere (an echo, marked "sent outside
 * Switchboard"), delivery or read receipts, or nothing (echoes of Switchboard's own sends).
 * Messenger PSIDs and Instagram-scoped ids are page-scoped: they are this inbox's contact ids.
 */
import type { InboundAttachment, InboundMessage } from "@switchboard/core";
import type { DownloadedMedia } from "@switchboard/meta-graph";
import type { MetaAttachment, MetaMessage, MetaMessagingEvent } from "./events.ts";
import type { MetaKind } from "./options.ts";
import type { MetaProfile } from "./profile.ts";
import { OWN_METADATA_PREFIX } from "./sent.ts";

export type Mapped =
  | { message: InboundMessage }
  | { receipt: { userId: string; status: "delivered" | "read"; mids?: string[]; watermark?: number; mid?: string } }
  | { ignored: string };

export interface InboundDeps {
  kind: MetaKind;
  /** This inbox's page or Instagram account id. */
  accountId: string;
  appId: string | undefined;
  isOwnMid(mid: string): Promise<boolean>;
  /** True when Switchboard is sending this text to this person right now (its echo can beat the send's answer). */
  isSending(userId: string, text: string): Promise<boolean>;
  profile(userId: string): Promise<MetaProfile | undefined>;
  download(url: string, filename: string, contentType: string | undefined): Promise<DownloadedMedia>;
}

/**
 * Maps one event of `entry.messaging[]`.
 *
 * @example
 * const mapped = await toInbound(event, deps);
 * if ("message" in mapped) await emit(mapped.message);
 */
export async function toInbound(event: MetaMessagingEvent, deps: InboundDeps): Promise<Mapped> {
  const fromPage = event.sender.id === deps.accountId;
  const userId = fromPage ? event.recipient.id : event.sender.id;
  if (event.delivery)
    return { receipt: { userId, status: "delivered", mids: event.delivery.mids ?? [], watermark: event.delivery.watermark } };
  if (event.read) return { receipt: { userId, status: "read", ...event.read } };
  if (fromPage && !event.message?.is_echo) return { ignored: "an action of the page itself (not a message)" };
  const contact = await contactOf(userId, deps);
  const base = { contact, threadKey: userId, sentAt: event.timestamp };
  if (event.message_edit) {
    const edit = event.message_edit;
    return {
      message: { ...base, externalId: edit.mid, text: edit.text ?? "", edited: true, metadata: meta(deps, { numEdit: edit.num_edit }) },
    };
  }
  if (event.reaction) return { message: { ...base, ...reactionOf(event, event.reaction, deps) } };
  if (event.postback) {
    const { title, payload, mid } = event.postback;
    return {
      message: {
        ...base,
        externalId: mid ?? `postback:${userId}:${event.timestamp}`,
        text: title ?? payload ?? "(a button)",
        metadata: meta(deps, { postback: { title, payload } }),
      },
    };
  }
  const message = event.message;
  if (!message) return { ignored: `an event without message, reaction, read or delivery (${Object.keys(event).join(", ")})` };
  if (message.is_deleted) return { message: { ...base, externalId: message.mid, text: "", deleted: true } };
  if (message.is_echo) {
    if (await isOwnEcho(message, userId, deps)) return { ignored: "the echo of a message Switchboard sent" };
    return { message: { ...(await customerMessage(message, base, deps)), sentOutside: true } };
  }
  return { message: await customerMessage(message, base, deps) };
}

async function contactOf(userId: string, deps: InboundDeps): Promise<InboundMessage["contact"]> {
  const profile = await deps.profile(userId);
  return {
    externalId: userId,
    ...(profile?.name ? { name: profile.name } : profile?.username ? { name: profile.username } : {}),
    ...(profile?.username ? { handle: `@${profile.username}` } : {}),
  };
}

async function isOwnEcho(message: MetaMessage, userId: string, deps: InboundDeps): Promise<boolean> {
  if (message.metadata?.startsWith(OWN_METADATA_PREFIX)) return true;
  if (deps.appId && message.app_id !== undefined && String(message.app_id) === deps.appId) return true;
  return (await deps.isOwnMid(message.mid)) || deps.isSending(userId, message.text ?? "");
}

const meta = (deps: InboundDeps, facts: Record<string, unknown>) => ({
  [deps.kind]: Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)),
});

function reactionOf(event: MetaMessagingEvent, reaction: NonNullable<MetaMessagingEvent["reaction"]>, deps: InboundDeps) {
  const emoji = reaction.emoji ?? reaction.reaction ?? "a reaction";
  const text = reaction.action === "unreact" ? `Removed their reaction ${emoji}` : `Reacted ${emoji}`;
  return {
    externalId: `reaction:${reaction.mid}:${event.sender.id}:${event.timestamp}`,
    text,
    replyToExternalId: reaction.mid,
    metadata: meta(deps, { reaction: { to: reaction.mid, action: reaction.action, emoji: reaction.emoji, name: reaction.reaction } }),
  };
}

async function customerMessage(
  message: MetaMessage,
  base: Pick<InboundMessage, "contact" | "threadKey" | "sentAt">,
  deps: InboundDeps,
): Promise<InboundMessage> {
  const lines: string[] = message.text ? [message.text] : [];
  const files: InboundAttachment[] = [];
  const skipped: { filename: string; reason: string }[] = [];
  const kinds: string[] = [];
  for (const [i, attachment] of (message.attachments ?? []).entries()) {
    kinds.push(attachment.type);
    const shown = describe(attachment);
    if (shown) {
      lines.push(shown);
      continue;
    }
    const url = attachment.payload?.url;
    if (!url) continue;
    const { filename, contentType } = fileOf(attachment, message.mid, i);
    const media = await deps.download(url, filename, contentType);
    files.push(media.attachment);
    if (media.skipped) skipped.push({ filename, reason: media.skipped });
  }
  const story = message.reply_to?.story;
  if (story) lines.push(`↪ Replied to your story: ${story.url}`);
  if (message.is_unsupported && lines.length === 0 && files.length === 0)
    lines.push(
      `(a kind of ${deps.kind === "instagram" ? "Instagram" : "Messenger"} message Switchboard cannot show; open it in Meta's app)`,
    );
  return {
    ...base,
    externalId: message.mid,
    text: lines.join("\n"),
    ...(files.length ? { attachments: files } : {}),
    ...(message.reply_to?.mid ? { replyToExternalId: message.reply_to.mid } : {}),
    metadata: meta(deps, {
      ...(kinds.length ? { attachmentTypes: kinds } : {}),
      ...(message.quick_reply ? { quickReply: message.quick_reply.payload } : {}),
      ...(story ? { storyReply: story } : {}),
      ...(skipped.length ? { skippedFiles: skipped } : {}),
    }),
  };
}

/** The text line for attachments that are links, not files (shares, reels, story mentions, stickers). */
function describe(attachment: MetaAttachment): string | undefined {
  const { url, title } = attachment.payload ?? {};
  const link = url ? `: ${url}` : "";
  switch (attachment.type) {
    case "story_mention":
      return `Mentioned you in their story${link}`;
    case "share":
      return `Shared a post${title ? ` "${title}"` : ""}${link}`;
    case "reel":
    case "ig_reel":
      return `Shared a reel${title ? ` "${title}"` : ""}${link}`;
    case "fallback":
    case "template":
      return `Shared a link${title ? ` "${title}"` : ""}${link}`;
    default:
      return attachment.payload?.sticker_id ? "(a sticker)" : undefined;
  }
}

function fileOf(attachment: MetaAttachment, mid: string, index: number): { filename: string; contentType: string | undefined } {
  const name = URL.parse(attachment.payload!.url!)?.pathname.split("/").pop() ?? "";
  const ext = /\.[A-Za-z0-9]{2,5}$/.test(name) ? name : undefined;
  const fallback = { image: ["jpg", "image/jpeg"], video: ["mp4", "video/mp4"], audio: ["mp4", "audio/mp4"] }[attachment.type];
  const stem = `${attachment.type}-${mid.slice(-8)}-${index + 1}`;
  return { filename: ext ?? `${stem}.${fallback?.[0] ?? "bin"}`, contentType: ext ? undefined : fallback?.[1] };
}
