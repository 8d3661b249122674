/**
 * Inbound media: finds the file in a message (photo, document, voice, sticker, audio, video…) and
 * downloads it through getFile and `<api_root>/file/bot<token>/<file_path>` into a base64
 * attachment. A file over `max_file_bytes`, or one that cannot be fetched, is listed without bytes
 * and the reason is kept, so the message is never lost for its media. Download URLs carry the
 * token, so they are never stored.
 */
import type { InboundAttachment } from "@switchboard/core";
import type { Api } from "grammy";
import type { Message } from "grammy/types";
import { describeTelegramError } from "./errors.ts";

/** One file a message carries, before download. */
export interface MediaRef {
  kind: "photo" | "document" | "voice" | "sticker" | "audio" | "video" | "animation" | "video_note";
  fileId: string;
  uniqueId: string;
  size: number | undefined;
  filename: string;
  contentType: string;
}

/** A file that was listed but not downloaded, and why. */
export interface SkippedFile {
  filename: string;
  /** Telegram's file_id: getFile with it fetches the file later. */
  fileId: string;
  reason: string;
}

/** The media of a message (at most one on Telegram; the largest photo size). */
export function mediaOf(message: Message): MediaRef | undefined {
  const base = (file: { file_id: string; file_unique_id: string; file_size?: number }) => ({
    fileId: file.file_id,
    uniqueId: file.file_unique_id,
    size: file.file_size,
  });
  if (message.photo?.length) {
    const largest = message.photo[message.photo.length - 1]!;
    return { kind: "photo", ...base(largest), filename: `photo-${largest.file_unique_id}.jpg`, contentType: "image/jpeg" };
  }
  if (message.sticker) {
    const s = message.sticker;
    const [ext, type] = s.is_animated ? ["tgs", "application/x-tgsticker"] : s.is_video ? ["webm", "video/webm"] : ["webp", "image/webp"];
    return { kind: "sticker", ...base(s), filename: `sticker-${s.file_unique_id}.${ext}`, contentType: type };
  }
  if (message.voice)
    return {
      kind: "voice",
      ...base(message.voice),
      filename: `voice-${message.voice.file_unique_id}.ogg`,
      contentType: message.voice.mime_type ?? "audio/ogg",
    };
  if (message.video_note)
    return {
      kind: "video_note",
      ...base(message.video_note),
      filename: `video-note-${message.video_note.file_unique_id}.mp4`,
      contentType: "video/mp4",
    };
  const named = message.animation ?? message.audio ?? message.video ?? message.document;
  if (!named) return undefined;
  const kind = message.animation ? "animation" : message.audio ? "audio" : message.video ? "video" : "document";
  const fallback = { animation: "animation.mp4", audio: "audio.mp3", video: "video.mp4", document: "file" }[kind];
  return {
    kind,
    ...base(named),
    filename: named.file_name ?? `${kind}-${named.file_unique_id}-${fallback}`,
    contentType: named.mime_type ?? "application/octet-stream",
  };
}

export interface DownloadDeps {
  api: Api;
  apiRoot: string;
  token: string;
  maxBytes: number;
  timeoutMs?: number;
}

/**
 * Downloads a message's file into an attachment with base64 `data`, or lists it without bytes
 * (with the reason in `skipped`) when it is too large or cannot be fetched.
 *
 * @example
 * const ref = mediaOf(message);
 * const { attachment, skipped } = await downloadMedia({ api: bot.api, apiRoot, token, maxBytes: 20_000_000 }, ref);
 */
export async function downloadMedia(deps: DownloadDeps, ref: MediaRef): Promise<{ attachment: InboundAttachment; skipped?: SkippedFile }> {
  const listed: InboundAttachment = { filename: ref.filename, contentType: ref.contentType, size: ref.size ?? 0 };
  const skip = (reason: string) => ({ attachment: listed, skipped: { filename: ref.filename, fileId: ref.fileId, reason } });
  if (ref.size !== undefined && ref.size > deps.maxBytes) return skip(`larger than max_file_bytes (${ref.size} > ${deps.maxBytes})`);
  try {
    const file = await deps.api.getFile(ref.fileId);
    if (!file.file_path) return skip("Telegram gave no file_path for it");
    if (file.file_size !== undefined && file.file_size > deps.maxBytes)
      return skip(`larger than max_file_bytes (${file.file_size} > ${deps.maxBytes})`);
    const response = await fetch(`${deps.apiRoot}/file/bot${deps.token}/${file.file_path}`, {
      signal: AbortSignal.timeout(deps.timeoutMs ?? 60_000),
    });
    if (!response.ok) return skip(`the download answered HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > deps.maxBytes) return skip(`larger than max_file_bytes (${bytes.length} > ${deps.maxBytes})`);
    return { attachment: { ...listed, size: bytes.length, data: bytes.toString("base64") } };
  } catch (error) {
    return skip(describeTelegramError(error, deps.token));
  }
}
