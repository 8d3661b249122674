/**
 * The webhook of a WhatsApp Cloud inbox, on the shared Meta webhook (verification handshake and
 * X-Hub-Signature-256 over the raw bytes, @switchboard/meta-graph). Each delivery is checked whole
 * against the Cloud API's shapes first (a 400 names the field, nothing stored); then each change
 * goes to the inbox of its phone number. Template status changes clear the template cache.
 * Messages core refuses answer 422 with the reasons, after the others were stored.
 */
import { ErrorCodes, type Logger } from "@switchboard/core";
import { mountMetaWebhook } from "@switchboard/meta-graph";
import type { Hono } from "hono";
import type { z } from "zod";
import { type WhatsAppValue, whatsappEntry, whatsappValue } from "./payload.ts";
import type { NumberRouter } from "./router.ts";

const TEMPLATE_FIELDS = new Set(["message_template_status_update", "message_template_quality_update", "template_category_update"]);

/**
 * Mounts `GET /` and `POST /` on an inbox's webhook app.
 *
 * @example
 * mountWhatsAppWebhook(app, { verifyToken, appSecret, router, log });
 */
export function mountWhatsAppWebhook(app: Hono, deps: { verifyToken: string; appSecret: string; router: NumberRouter; log: Logger }): void {
  mountMetaWebhook(app, {
    verifyToken: deps.verifyToken,
    appSecret: deps.appSecret,
    objects: ["whatsapp_business_account"],
    async handle(payload, c) {
      const values: WhatsAppValue[] = [];
      const templateAccounts = new Set<string | undefined>();
      for (const [i, raw] of payload.entry.entries()) {
        const entry = whatsappEntry.safeParse(raw);
        if (!entry.success) return c.json({ error: { code: ErrorCodes.VALIDATION, message: problem(`entry[${i}]`, entry.error) } }, 400);
        for (const [j, change] of entry.data.changes.entries()) {
          if (TEMPLATE_FIELDS.has(change.field)) templateAccounts.add(entry.data.id);
          if (change.field !== "messages") continue;
          const value = whatsappValue.safeParse(change.value);
          if (!value.success)
            return c.json(
              { error: { code: ErrorCodes.VALIDATION, message: problem(`entry[${i}].changes[${j}].value`, value.error) } },
              400,
            );
          values.push(value.data);
        }
      }
      for (const account of templateAccounts) for (const inbox of deps.router.ofAccount(account)) await inbox.clearTemplates();
      const refused: string[] = [];
      for (const value of values) {
        const target = deps.router.byNumber(value.metadata.phone_number_id);
        if (!target || target.appSecret !== deps.appSecret) {
          deps.log.warn(
            { phoneNumberId: value.metadata.phone_number_id, display: value.metadata.display_phone_number },
            "a WhatsApp delivery for a number no inbox of this app serves; acknowledged and dropped (add an inbox with this phone_number_id)",
          );
          continue;
        }
        refused.push(...(await target.process(value)));
      }
      if (refused.length) return c.json({ error: { code: ErrorCodes.INBOUND_INVALID, message: refused.join("; ") } }, 422);
      return undefined;
    },
  });
}

function problem(where: string, error: z.ZodError): string {
  return `The delivery does not fit the WhatsApp Cloud API's shape: ${error.issues
    .map(
      (i) =>
        `${[where, ...i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("").replace(/\.\[/g, "[")}: ${i.message}`,
    )
    .join("; ")}.`;
}
