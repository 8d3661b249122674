/**
 * The attachments of one API message, downloaded before the message is stored (so the webhook's
 * answer still means "durably stored", bounded by the download limits): the bytes of each file
 * that passes the limits are kept, as other channels keep theirs. A file that is refused or
 * cannot be fetched keeps only its URL, and its reason goes to the message's
 * `metadata.attachmentsNotStored`, which the inbox shows beside an outside link.
 */
import type { InboundAttachment, Logger } from "@switchboard/core";
import { type FetchLimits, fetchAttachment } from "./fetch-file.ts";

/** An attachment as the integration lists it. */
export interface ListedFile {
  filename: string;
  content_type: string;
  size: number;
  url: string;
}

/** A file kept as a link only, and why. */
export interface NotStored {
  filename: string;
  url: string;
  reason: string;
}

/**
 * Downloads the listed files in parallel, each under `limits`.
 *
 * @example
 * const { attachments, notStored } = await collectAttachments(body.attachments ?? [], limits, log);
 */
export async function collectAttachments(
  files: ListedFile[],
  limits: FetchLimits,
  log: Logger,
): Promise<{ attachments: InboundAttachment[]; notStored: NotStored[] }> {
  const notStored: NotStored[] = [];
  const attachments = await Promise.all(
    files.map(async (file): Promise<InboundAttachment> => {
      const listed: InboundAttachment = { filename: file.filename, contentType: file.content_type, size: file.size, url: file.url };
      const fetched =
        file.size > limits.maxBytes
          ? { ok: false as const, reason: `it is larger than attachment_max_bytes (${file.size} > ${limits.maxBytes})` }
          : await fetchAttachment(file.url, limits);
      if (!fetched.ok) {
        notStored.push({ filename: file.filename, url: file.url, reason: fetched.reason });
        log.warn(
          { filename: file.filename, origin: new URL(file.url).origin, reason: fetched.reason },
          "api attachment kept as a link only",
        );
        return listed;
      }
      return { ...listed, contentType: fetched.contentType, size: fetched.bytes.length, data: fetched.bytes.toString("base64") };
    }),
  );
  return { attachments, notStored };
}
