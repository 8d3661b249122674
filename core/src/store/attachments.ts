/**
 * Attachments: rows for a message's files, with the bytes (given by channels as bytes or as base64,
 * by the API as base64) kept as BLOBs, and read back as base64.
 */
import type { Tx } from "./index.ts";
import { attachments } from "./schema.ts";

export type Attachment = typeof attachments.$inferSelect;

/** A file as channels and the API hand it over: its bytes (or them in base64), or a URL, or both. */
export interface AttachmentInput {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  data?: string | Uint8Array;
}

/** The bytes to store: decoded from base64, or the caller's own bytes viewed as a Buffer (no copy). */
function bytesOf(data: string | Uint8Array): Buffer {
  if (typeof data === "string") return Buffer.from(data, "base64");
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Stores the attachments of a message. */
export async function insertAttachments(tx: Tx, messageId: number, files: AttachmentInput[] | undefined, now: number): Promise<void> {
  if (!files?.length) return;
  await tx.insert(attachments).values(
    files.map((file) => {
      const data = file.data ? bytesOf(file.data) : null;
      return {
        messageId,
        filename: file.filename,
        contentType: file.contentType,
        size: data ? data.byteLength : file.size,
        url: file.url ?? null,
        data,
        createdAt: now,
      };
    }),
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
