/**
 * What WhatsApp's error codes mean for an agent, added to the shared Graph error mapping
 * (`toDeliveryError` of @switchboard/meta-graph: rate limits such as 130429 and 131056 wait
 * `retry_after`, transient codes retry, the rest are permanent). Also the text of a `failed` status.
 */
import type { DeliveryError } from "@switchboard/core";
import { type GraphApiError, toDeliveryError } from "@switchboard/meta-graph";
import type { WhatsAppError } from "./payload.ts";

const HINTS: Record<number, string> = {
  131047:
    "More than 24 hours have passed since the customer last wrote (re-engagement required): WhatsApp only accepts an approved template now. Pick one in the composer.",
  131026:
    "This number cannot receive the message: it may not be on WhatsApp, may use an old app, or has not accepted WhatsApp's terms. Reach the customer on another channel.",
  131009: "A value of the message is not valid, often the recipient's number: check the contact's WhatsApp number.",
  131030: "The number is not in the test number's allowed list: add it in the app's API setup, or use a production number.",
  131049: "Meta chose not to deliver this marketing message (per-user limits): try later, or send a utility template.",
  131051: "WhatsApp does not support this kind of message.",
  131052: "The customer's media could not be downloaded from WhatsApp.",
  131053: "The media could not be uploaded to WhatsApp: check its type and size.",
  132000: "The template's variables do not match its approved text: fill every variable.",
  132001: "The template does not exist in that language, or is not approved yet.",
  132012: "A template variable has the wrong format.",
  132015: "The template is paused for low quality: edit it in WhatsApp Manager or pick another.",
  132016: "The template is disabled: pick another.",
  133010: "The business number is not registered with the Cloud API: register it in WhatsApp Manager.",
};

/** The agent's hint for a WhatsApp error code, or undefined. */
export function whatsappHint(code: number | undefined): string | undefined {
  return code === undefined ? undefined : HINTS[code];
}

/**
 * Any failure of a send as a DeliveryError: the shared Meta mapping, with WhatsApp's hints.
 *
 * @example
 * try { await graph.post(path, body); } catch (error) { throw whatsappDeliveryError(error); }
 */
export function whatsappDeliveryError(error: unknown): DeliveryError {
  return toDeliveryError(error, {
    network: "WhatsApp",
    hint: (e: GraphApiError) => {
      const hint = whatsappHint(e.code);
      return hint ? ` ${hint}` : undefined;
    },
  });
}

/**
 * The text an agent sees for a `failed` status: each error's code, title, details and hint.
 *
 * @example
 * failedStatusText([{ code: 131047, title: "Re-engagement message" }]); // "WhatsApp could not deliver it (code 131047, Re-engagement message). More than 24 hours…"
 */
export function failedStatusText(errors: WhatsAppError[] | undefined): string {
  if (!errors?.length) return "WhatsApp reported the message as failed, without a reason.";
  return errors
    .map((e) => {
      const title = e.title ?? e.message;
      const details = e.error_data?.details && e.error_data.details !== title ? `: ${e.error_data.details.replace(/\.+$/, "")}` : "";
      const hint = whatsappHint(e.code);
      return `WhatsApp could not deliver it (code ${e.code}${title ? `, ${title}` : ""})${details}.${hint ? ` ${hint}` : ""}`;
    })
    .join(" ");
}
