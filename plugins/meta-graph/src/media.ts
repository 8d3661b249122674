/**
 * Media from the Graph API into attachments: `GET /{media-id}` gives a short-lived URL that must
 * be fetched with the bearer token (WhatsApp), and attachment URLs in webhooks (Messenger,
 * Instagram) are fetched directly. Bytes over `maxBytes` (by Content-Length or while reading) are
 * not kept: the file is listed without them, with the reason, so a message is never lost for its
 * media.
 */
import type { InboundAttachment } from "@switchboard/core";
import type { GraphClient } from "./graph-client.ts";

/** What `GET /{media-id}` answers. */
export interface GraphMediaInfo {
  url: string;
  mime_type?: string;
  file_size?: number;
  sha256?: string;
  id?: string;
}

export interface DownloadOptions {
  /** Files larger than this (bytes) are listed without their bytes. */
  maxBytes: number;
  /** The name to store the file under. */
  filename: string;
  /** The type when the source does not say. */
  contentType?: string;
  signal?: AbortSignal;
}

/** An attachment, with base64 `data` when downloaded; `skipped` says why it was not. */
export interface DownloadedMedia {
  attachment: InboundAttachment;
  skipped?: string;
}

/**
 * Downloads a media id (`GET /{id}`, then its URL with the bearer token).
 *
 * @example
 * const { attachment, skipped } = await downloadGraphMedia(graph, message.image.id, { maxBytes: 25_000_000, filename: "photo.jpg" });
 */
export async function downloadGraphMedia(graph: GraphClient, mediaId: string, options: DownloadOptions): Promise<DownloadedMedia> {
  let info: GraphMediaInfo;
  try {
    info = await graph.get<GraphMediaInfo>(`/${encodeURIComponent(mediaId)}`, {}, { signal: options.signal });
  } catch (error) {
    return listed(options, 0, `GET /${mediaId} failed: ${(error as Error).message}`);
  }
  const contentType = info.mime_type ?? options.contentType;
  if (info.file_size !== undefined && info.file_size > options.maxBytes)
    return listed({ ...options, contentType }, info.file_size, tooLarge(info.file_size, options.maxBytes));
  return downloadUrl(info.url, { ...options, contentType }, (url, signal) => graph.fetchAuthorized(url, { signal }));
}

/**
 * Downloads a URL (a webhook's attachment URL) without a token, or with `fetchFn` (e.g. the Graph client's `fetchAuthorized`).
 *
 * @example
 * const { attachment } = await downloadUrl(att.payload.url, { maxBytes: 25_000_000, filename: "image.jpg", contentType: "image/jpeg" });
 */
export async function downloadUrl(
  url: string,
  options: DownloadOptions,
  fetchFn: (url: string, signal: AbortSignal) => Promise<Response> = (u, signal) => fetch(u, { signal }),
): Promise<DownloadedMedia> {
  const signal = options.signal ?? AbortSignal.timeout(60_000);
  let response: Response;
  try {
    response = await fetchFn(url, signal);
  } catch (error) {
    return listed(options, 0, `the download failed: ${(error as Error).message}`);
  }
  const contentType = options.contentType ?? response.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream";
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (!response.ok) {
    await response.body?.cancel();
    return listed({ ...options, contentType }, 0, `the download answered HTTP ${response.status}`);
  }
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    return listed({ ...options, contentType }, declared, tooLarge(declared, options.maxBytes));
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > options.maxBytes) {
      await reader.cancel();
      return listed({ ...options, contentType }, size, tooLarge(size, options.maxBytes));
    }
    chunks.push(value);
  }
  const data = Buffer.concat(chunks).toString("base64");
  return { attachment: { filename: options.filename, contentType, size, data } };
}

const tooLarge = (size: number, max: number) => `larger than the size limit (${size} > ${max} bytes)`;

function listed(options: DownloadOptions, size: number, reason: string): DownloadedMedia {
  return {
    attachment: { filename: options.filename, contentType: options.contentType ?? "application/octet-stream", size },
    skipped: reason,
  };
}
