/**
 * One WhatsApp Cloud inbox: a business phone number. Registers itself with the plugin's router (so
 * any inbox's webhook can hand it its changes), stores messages and statuses, sends through the
 * Graph API, and declares WhatsApp's 24-hour customer-service window: after it, approved templates
 * only. The customer's id is their phone number, the same person in every inbox ("channel" scope),
 * and a verified phone that joins contacts by phone.
 */
import type { ChannelAdapter, Emit, InboxContext, JobScheduler } from "@switchboard/core";
import { createGraphClient } from "@switchboard/meta-graph";
import { toInbound } from "./inbound.ts";
import { WHATSAPP_TEXT_LIMIT, type WhatsAppCloudOptions } from "./options.ts";
import { sendWhatsApp } from "./outbound.ts";
import type { WhatsAppValue } from "./payload.ts";
import type { NumberRouter } from "./router.ts";
import { toDeliveryReport } from "./statuses.ts";
import { createTemplateSource } from "./templates.ts";
import { mountWhatsAppWebhook } from "./webhook.ts";

/** WhatsApp's customer-service window: 24 hours after the customer's last message. */
export const WINDOW_MS = 24 * 3_600_000;
export const STATUS_RETRY_JOB = "status-retry";

/** A status that found no message yet, tried again later (see statuses.ts). */
export interface StatusRetry {
  inbox: string;
  report: ReturnType<typeof toDeliveryReport> & {};
  attempt: number;
}

/**
 * Creates the adapter of one inbox.
 *
 * @example
 * ctx.channel("whatsapp", { options: whatsappCloudOptions, create: (inbox) => createWhatsAppCloudAdapter(inbox, { router, jobs: ctx.jobs }) });
 */
export function createWhatsAppCloudAdapter(
  inbox: InboxContext<WhatsAppCloudOptions>,
  shared: { router: NumberRouter; jobs: JobScheduler },
): ChannelAdapter {
  const options = inbox.options;
  const graph = createGraphClient({ accessToken: options.access_token, baseUrl: options.graph_url, version: options.graph_version });
  const templates = createTemplateSource({
    graph,
    businessAccountId: options.business_account_id,
    kv: inbox.kv,
    ttlMs: options.templates_cache_minutes * 60_000,
    fills: options.template_fills,
    log: inbox.log,
  });
  let emit: Emit | undefined;

  async function process(value: WhatsAppValue): Promise<string[]> {
    if (!emit) throw new Error(`The inbox "${inbox.name}" is not receiving yet.`);
    const refused: string[] = [];
    for (const message of value.messages ?? []) {
      const inbound = await toInbound(message, value, { graph, maxMediaBytes: options.max_file_bytes });
      if (!inbound) {
        inbox.log.info({ type: message.type, id: message.id }, "WhatsApp system message skipped");
        continue;
      }
      const result = await emit(inbound);
      if (result.status === "invalid") refused.push(`${message.id}: ${result.reason}`);
    }
    for (const status of value.statuses ?? []) {
      const report = toDeliveryReport(status);
      if (!report || (await inbox.reportDelivery(report))) continue;
      const retry: StatusRetry = { inbox: inbox.name, report, attempt: 1 };
      await shared.jobs.schedule(STATUS_RETRY_JOB, retry, { delayMs: 5_000, key: `status:${inbox.name}:${status.id}:${status.status}` });
    }
    return refused;
  }

  shared.router.add({
    inbox: inbox.name,
    phoneNumberId: options.phone_number_id,
    businessAccountId: options.business_account_id,
    appSecret: options.app_secret,
    process,
    reportDelivery: (report) => inbox.reportDelivery(report),
    clearTemplates: () => templates.clear(),
  });

  return {
    identityScope: "channel",
    reachesBy: ["phone"],
    limits: { maxTextLength: WHATSAPP_TEXT_LIMIT },
    replyWindow: {
      openForMs: WINDOW_MS,
      after: [{ allow: "templates" }],
      templates: () => templates.list(),
      automationTemplates: options.automation_templates,
      ...(options.remind_before_minutes ? { remindBeforeMs: options.remind_before_minutes * 60_000 } : {}),
    },
    webhook(app, inboxEmit) {
      emit = inboxEmit;
      mountWhatsAppWebhook(app, {
        verifyToken: options.verify_token,
        appSecret: options.app_secret,
        router: shared.router,
        log: inbox.log,
      });
    },
    send: (target, message) => sendWhatsApp({ graph, phoneNumberId: options.phone_number_id }, target, message),
    async health() {
      try {
        const number = await graph.get<{ display_phone_number?: string; verified_name?: string; quality_rating?: string }>(
          `/${options.phone_number_id}`,
          { fields: ["display_phone_number", "verified_name", "quality_rating"] },
        );
        return {
          ok: true,
          message: `WhatsApp ${number.display_phone_number ?? options.phone_number_id} (${number.verified_name ?? "unnamed"}), quality ${number.quality_rating ?? "unknown"}`,
        };
      } catch (error) {
        return {
          ok: false,
          message: `The Graph API refused the phone number ${options.phone_number_id}: ${(error as Error).message}. Check phone_number_id and access_token.`,
        };
      }
    },
  };
}
