/**
 * Attachments: rows for a message's files, with the bytes (given as base64 by channels and the API)
 * kept as BLOBs, and read back as base64.
 */
import type { Tx } from "./index.ts";
import { attachments } from "./schema.ts";

export type Attachment = typeof attachments.$inferSelect;

/** A file as channels and the API hand it over: bytes in base64, or a URL, or both. */
export interface AttachmentInput {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  data?: string;
}

/** Stores the attachments of a message. */
export async function insertAttachments(tx: Tx, messageId: number, files: AttachmentInput[] | undefined, now: number): Promise<void> {
  if (!files?.length) return;
  await tx.insert(attachments).values(
    files.map((file) => ({
      messageId,
      filename: file.filename,
      contentType: file.contentType,
      size: file.data ? Buffer.byteLength(file.data, "base64") : file.size,
      url: file.url ?? null,
      data: file.data ? Buffer.from(file.data, "base64") : null,
      createdAt: now,
    })),
  );
}

/** An attachment row as plugins see it: the bytes in base64. */
export function attachmentForPlugins(row: Attachment): {
  filename: string;
  contentType: string;
  size: number;
  url: string | null;
  data: string | null;
} {
  return {
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    url: row.url,
    data: row.data ? Buffer.from(row.data).toString("base64") : null,
  };
}
