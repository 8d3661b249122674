/**
 * What a Discord message shows, as Switchboard text and attachments: its content, each embed
 * summarised (title, link, description, fields, footer), stickers by name, and attachments with
 * their URL and, when `download_attachments` is on and the file fits `max_file_bytes`, a copy of
 * the bytes (Discord's CDN links expire).
 */
import type { InboundAttachment } from "@switchboard/core";
import type { Attachment, Embed, Message } from "discord.js";

/** One line per embed part, the whole embed under an "[embed]" header. */
export function summariseEmbed(embed: Embed): string {
  const lines = [`[embed] ${[embed.title, embed.url].filter(Boolean).join(" — ") || embed.author?.name || "(untitled)"}`];
  if (embed.description) lines.push(embed.description);
  for (const field of embed.fields) lines.push(`${field.name}: ${field.value}`);
  if (embed.footer?.text) lines.push(embed.footer.text);
  return lines.join("\n");
}

/** The message's text: content, then embed summaries and sticker names, separated by blank lines. */
export function textOf(message: Message): string {
  const parts = [message.content, ...message.embeds.map(summariseEmbed), ...message.stickers.map((s) => `[sticker] ${s.name}`)];
  return parts.filter((part) => part && part.trim() !== "").join("\n\n");
}

/** The embeds as plain data for the message's metadata. */
export function embedsOf(message: Message): Record<string, unknown>[] {
  return message.embeds.map((e) => ({
    title: e.title,
    url: e.url,
    description: e.description,
    fields: e.fields.map((f) => ({ name: f.name, value: f.value })),
  }));
}

export interface AttachmentDeps {
  download: boolean;
  maxBytes: number;
  timeoutMs?: number;
  /** Told about a file kept as a URL only, and why. */
  onSkipped(filename: string, reason: string): void;
}

/**
 * An attachment with its URL, and its bytes (base64) when they are kept.
 *
 * @example
 * const files = await Promise.all(message.attachments.map((a) => attachmentOf(a, { download: true, maxBytes: 25e6, onSkipped })));
 */
export async function attachmentOf(attachment: Attachment, deps: AttachmentDeps): Promise<InboundAttachment> {
  const listed: InboundAttachment = {
    filename: attachment.name,
    contentType: attachment.contentType ?? "application/octet-stream",
    size: attachment.size,
    url: attachment.url,
  };
  if (!deps.download) return listed;
  if (attachment.size > deps.maxBytes) {
    deps.onSkipped(attachment.name, `larger than max_file_bytes (${attachment.size} > ${deps.maxBytes})`);
    return listed;
  }
  try {
    const response = await fetch(attachment.url, { signal: AbortSignal.timeout(deps.timeoutMs ?? 60_000) });
    if (!response.ok) {
      deps.onSkipped(attachment.name, `the download answered HTTP ${response.status}`);
      return listed;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    return { ...listed, size: bytes.length, data: bytes.toString("base64") };
  } catch (error) {
    deps.onSkipped(attachment.name, error instanceof Error ? error.message : String(error));
    return listed;
  }
}
