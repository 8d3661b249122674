/**
 * Sending on WhatsApp: `POST /{phone-number-id}/messages` with text, media (uploaded first with
 * `POST /{phone-number-id}/media`, or by link) or an approved template with its variables. The
 * recipient is the contact's number (`to`), or their business-scoped user id (`recipient`) when
 * that is all WhatsApp gave. Meta has no idempotency key for sends: ours rides along in
 * `biz_opaque_callback_data` (echoed in statuses), so sends are not marked idempotent.
 */
import { DeliveryError, type OutboundMessage, type OutboundTarget, type SendResult } from "@switchboard/core";
import type { GraphClient } from "@switchboard/meta-graph";
import { whatsappDeliveryError } from "./errors.ts";

type Attachment = OutboundMessage["attachments"][number];
type MediaKind = "image" | "audio" | "video" | "document";

interface SendAnswer {
  messaging_product: string;
  contacts?: { input: string; wa_id?: string }[];
  messages: { id: string; message_status?: string }[];
}

/** Who a message goes to: `{ to }` for a phone number, `{ recipient }` for a business-scoped user id. */
export function recipientOf(target: OutboundTarget): { to: string } | { recipient: string } {
  const id = target.contact.externalId ?? target.contact.phone?.replace(/^\+/, "");
  if (!id)
    throw new DeliveryError("The contact has no WhatsApp number. Add their phone number to the contact, or reply on another channel.", {
      retryable: false,
    });
  return /^\+?\d{6,20}$/.test(id) ? { to: id.replace(/^\+/, "") } : { recipient: id };
}

/**
 * Sends one outbound message; resolves to the WhatsApp id (wamid) of the message carrying the text.
 *
 * @example
 * const { externalId } = await sendWhatsApp({ graph, phoneNumberId: "1065" }, target, message);
 */
export async function sendWhatsApp(
  deps: { graph: GraphClient; phoneNumberId: string },
  target: OutboundTarget,
  message: OutboundMessage,
): Promise<SendResult> {
  const base = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    ...recipientOf(target),
    biz_opaque_callback_data: message.idempotencyKey,
  };
  const post = async (body: Record<string, unknown>) => {
    try {
      const answer = await deps.graph.post<SendAnswer>(`/${deps.phoneNumberId}/messages`, { ...base, ...body });
      const id = answer.messages?.[0]?.id;
      if (!id) throw new DeliveryError("WhatsApp accepted the message but gave no message id.", { retryable: false });
      return id;
    } catch (error) {
      throw whatsappDeliveryError(error);
    }
  };

  if (message.template) {
    const { name, language, variables } = message.template;
    const named = variables.some((v) => !/^\d+$/.test(v.key));
    const parameters = variables.map((v) => ({ type: "text", ...(named ? { parameter_name: v.key } : {}), text: v.value }));
    return {
      externalId: await post({
        type: "template",
        template: { name, language: { code: language }, ...(parameters.length ? { components: [{ type: "body", parameters }] } : {}) },
      }),
    };
  }

  const text = message.text.trim();
  let textId: string | undefined;
  const files = message.attachments;
  if (text && (files.length === 0 || !captionable(kindOf(files[0]!)))) textId = await post(textBody(text));
  for (const [index, file] of files.entries()) {
    const kind = kindOf(file);
    const caption = index === 0 && textId === undefined && text && captionable(kind) ? text : undefined;
    const media = {
      ...(await mediaRef(deps, file)),
      ...(caption ? { caption } : {}),
      ...(kind === "document" ? { filename: file.filename } : {}),
    };
    const id = await post({ type: kind, [kind]: media });
    textId ??= id; // the text's message, else the first file's
  }
  if (!textId) throw new DeliveryError("The message has neither text nor files.", { retryable: false });
  return { externalId: textId };
}

function textBody(text: string): Record<string, unknown> {
  return { type: "text", text: { body: text, preview_url: /https?:\/\//.test(text) } };
}

function kindOf(file: Attachment): MediaKind {
  const type = file.contentType.toLowerCase();
  if (type === "image/jpeg" || type === "image/png") return "image";
  if (type.startsWith("audio/")) return "audio";
  if (type === "video/mp4" || type === "video/3gpp") return "video";
  return "document";
}

const captionable = (kind: MediaKind) => kind !== "audio";

/** `{ id }` of the file uploaded to WhatsApp, or `{ link }` when only its URL is known. */
async function mediaRef(deps: { graph: GraphClient; phoneNumberId: string }, file: Attachment) {
  if (file.data === null) {
    if (!file.url) throw new DeliveryError(`The file "${file.filename}" has neither bytes nor a URL.`, { retryable: false });
    return { link: file.url };
  }
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", file.contentType);
  form.set("file", new Blob([Buffer.from(file.data, "base64")], { type: file.contentType }), file.filename);
  try {
    const { id } = await deps.graph.post<{ id: string }>(`/${deps.phoneNumberId}/media`, form);
    return { id };
  } catch (error) {
    throw whatsappDeliveryError(error);
  }
}
