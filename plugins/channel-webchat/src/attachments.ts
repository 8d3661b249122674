/**
 * Checks the files a visitor sends: the inbox allows attachments, the count, each size, the declared
 * MIME type against the allowed list, and, for images, PDFs and text, the bytes themselves (so a
 * script renamed to .png is refused). Returns them as core's InboundAttachment with base64 `data`.
 */
import { isUtf8 } from "node:buffer";
import { ErrorCodes, type InboundAttachment } from "@switchboard/core";
import { webchatError } from "./errors.ts";
import type { WebchatOptions } from "./options.ts";

/** At most this many files per message. */
export const MAX_FILES = 5;

/** A file as the widget uploads it. */
export interface UploadedFile {
  filename: string;
  content_type: string;
  /** The bytes, base64. */
  data: string;
}

const startsWith = (bytes: Uint8Array, ...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const ascii = (bytes: Uint8Array, at: number, text: string) => [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));

/** What the first bytes must look like, for the types we can recognise. */
const SIGNATURES: Record<string, (bytes: Uint8Array) => boolean> = {
  "image/png": (b) => startsWith(b, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  "image/jpeg": (b) => startsWith(b, 0xff, 0xd8, 0xff),
  "image/gif": (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a"),
  "image/webp": (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP"),
  "application/pdf": (b) => ascii(b, 0, "%PDF-"),
  "text/plain": (b) => !b.includes(0) && isUtf8(b),
};

function allowed(type: string, patterns: string[]): boolean {
  return patterns.some((pattern) => pattern === type || (pattern.endsWith("/*") && type.startsWith(pattern.slice(0, -1))));
}

/** A file name safe to store and show: no folders, no control characters, at most 200 characters. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters from a visitor's file name is the point.
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 200);
  return clean || "file";
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MB`;
}

/**
 * Checks uploaded files against the inbox's options and returns them for `emit`. Throws a 413, 415
 * or 422 webchat error with the reason.
 *
 * @example
 * const attachments = checkAttachments([{ filename: "a.png", content_type: "image/png", data }], options.attachments);
 */
export function checkAttachments(files: UploadedFile[], options: WebchatOptions["attachments"]): (InboundAttachment & { data: string })[] {
  if (files.length === 0) return [];
  if (!options.enabled) throw webchatError(ErrorCodes.VALIDATION, 422, "attachments_disabled", "This chat does not take files.");
  if (files.length > MAX_FILES)
    throw webchatError(ErrorCodes.VALIDATION, 422, "too_many_attachments", `Send at most ${MAX_FILES} files per message.`);
  return files.map((file) => {
    const filename = safeFilename(file.filename);
    const type = file.content_type.toLowerCase();
    if (!allowed(type, options.types)) {
      throw webchatError(
        ErrorCodes.VALIDATION,
        415,
        "attachment_type",
        `"${filename}" is ${type || "of an unknown type"}; this chat takes ${options.types.join(", ")}.`,
      );
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.data))
      throw webchatError(ErrorCodes.VALIDATION, 422, "invalid_body", `The data of "${filename}" is not base64.`);
    const bytes = new Uint8Array(Buffer.from(file.data, "base64"));
    if (bytes.byteLength > options.max_bytes) {
      throw webchatError(
        ErrorCodes.VALIDATION,
        413,
        "attachment_too_large",
        `"${filename}" is ${megabytes(bytes.byteLength)}; this chat takes files up to ${megabytes(options.max_bytes)}.`,
      );
    }
    const signature = SIGNATURES[type];
    if (signature && !signature(bytes)) {
      throw webchatError(
        ErrorCodes.VALIDATION,
        415,
        "attachment_content_mismatch",
        `"${filename}" says it is ${type}, but its content is not.`,
      );
    }
    return { filename, contentType: type, size: bytes.byteLength, data: file.data };
  });
}
