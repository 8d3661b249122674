/**
 * whatsapp-web.js messages → inbound messages. The sender's phone becomes a verified E.164 phone
 * identity (WhatsApp proves the number), so the contact joins the one other channels (WhatsApp
 * Cloud, SMS) know by that phone. Numbers hidden behind a "@lid" id are resolved through the client;
 * when WhatsApp will not say the number, the lid id is the contact's id, without a phone. Groups are
 * ignored unless enabled; then the group is the conversation (its id the thread key) and the author
 * the contact. Media is downloaded up to a size limit; larger files are listed, not fetched.
 */
import { type InboundAttachment, type InboundMessage, normalisePhone } from "@switchboard/core";
import type { WaMessage, WhatsAppClient } from "./client.ts";

export interface InboundDeps {
  client: Pick<WhatsAppClient, "getContactLidAndPhone">;
  groups: boolean;
  maxFileBytes: number;
}

export type Mapped = { message: InboundMessage } | { ignored: string };

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "video/mp4": "mp4",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "application/pdf": "pdf",
};

/** "447700900123@c.us" → "+447700900123"; undefined for anything that is not a phone id. */
export function phoneOf(waId: string | undefined): string | undefined {
  const match = waId ? /^(\d{6,15})@(c\.us|s\.whatsapp\.net)$/.exec(waId) : null;
  return match ? normalisePhone(`+${match[1]}`) : undefined;
}

/** The sender's phone, asking the client when WhatsApp hides it behind a lid. */
async function senderPhone(sender: string, client: InboundDeps["client"]): Promise<string | undefined> {
  const direct = phoneOf(sender);
  if (direct || !sender.endsWith("@lid")) return direct;
  const [pair] = await client.getContactLidAndPhone([sender]);
  return phoneOf(pair?.pn);
}

async function attachmentsOf(message: WaMessage, maxFileBytes: number): Promise<{ files: InboundAttachment[]; skipped?: unknown }> {
  if (!message.hasMedia) return { files: [] };
  const announced = message._data?.size;
  const name = (mimetype: string) => message._data?.filename ?? `${message.type}.${EXTENSIONS[mimetype.split(";")[0]!] ?? "bin"}`;
  if (announced !== undefined && announced > maxFileBytes)
    return { files: [], skipped: { filename: name(message._data?.mimetype ?? ""), size: announced, reason: "larger than max_file_bytes" } };
  const media = await message.downloadMedia();
  if (!media) return { files: [], skipped: { type: message.type, reason: "WhatsApp no longer has the file (expired or deleted)" } };
  const size = media.filesize ?? Math.floor((media.data.length * 3) / 4);
  const filename = media.filename ?? name(media.mimetype);
  if (size > maxFileBytes) return { files: [], skipped: { filename, size, reason: "larger than max_file_bytes" } };
  return { files: [{ filename, contentType: media.mimetype, size, data: media.data }] };
}

/** The text agents see for messages without a body of their own. */
function textOf(message: WaMessage): string {
  if (message.type === "location" && message.location) {
    const { latitude, longitude, description, name } = message.location;
    return [`📍 Location: ${latitude}, ${longitude}`, name ?? description].filter(Boolean).join("\n");
  }
  if ((message.type === "vcard" || message.type === "multi_vcard") && message.vCards?.length) {
    const names = message.vCards.map((card) => /^FN:(.*)$/m.exec(card)?.[1]?.trim()).filter(Boolean);
    return `👤 Shared contact${names.length > 1 ? "s" : ""}: ${names.join(", ") || "(no name)"}`;
  }
  return message.body;
}

/**
 * Maps one received message, or says why it is ignored.
 *
 * @example
 * client.on("message", async (m) => { const mapped = await toInbound(m, deps); if ("message" in mapped) await emit(mapped.message); });
 */
export async function toInbound(message: WaMessage, deps: InboundDeps): Promise<Mapped> {
  if (message.fromMe) return { ignored: "sent by this account" };
  if (message.isStatus || message.from === "status@broadcast") return { ignored: "a status update" };
  if (message.broadcast || message.from.endsWith("@broadcast")) return { ignored: "a broadcast list" };
  if (message.from.endsWith("@newsletter")) return { ignored: "a channel (newsletter)" };
  const group = message.from.endsWith("@g.us");
  if (group && !deps.groups) return { ignored: "a group chat (options.groups is off)" };
  if (message.type === "revoked" || message.type === "e2e_notification" || message.type === "notification_template")
    return { ignored: `a ${message.type} notice` };
  const sender = group ? message.author : message.from;
  if (!sender) return { ignored: "a group message without an author" };

  const phone = await senderPhone(sender, deps.client);
  const name = message._data?.notifyName?.trim() || undefined;
  const { files, skipped } = await attachmentsOf(message, deps.maxFileBytes);
  const body = textOf(message);
  if (!body && files.length === 0 && !skipped) return { ignored: `an empty ${message.type} message` };
  // A file that was not fetched still tells the agent something arrived.
  const text =
    body || (skipped && files.length === 0 ? `(a ${message.type} that was not downloaded: ${(skipped as { reason: string }).reason})` : "");
  const whatsapp: Record<string, unknown> = { type: message.type, chat: message.from };
  if (message.location) whatsapp.location = message.location;
  if (message.vCards?.length) whatsapp.vcards = message.vCards;
  if (message.hasQuotedMsg && message._data?.quotedStanzaID) whatsapp.quoted = message._data.quotedStanzaID;
  if (skipped) whatsapp.skippedFiles = [skipped];
  return {
    message: {
      externalId: message.id._serialized,
      contact: phone
        ? { externalId: phone, phone, verified: true, ...(name ? { name } : {}) }
        : { externalId: sender, ...(name ? { name } : {}) },
      text,
      ...(files.length ? { attachments: files } : {}),
      ...(group ? { threadKey: message.from } : {}),
      sentAt: message.timestamp * 1000,
      metadata: { whatsapp },
    },
  };
}
