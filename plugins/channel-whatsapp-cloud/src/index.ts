/**
 * @switchboard/channel-whatsapp-cloud: WhatsApp business numbers as Switchboard inboxes, through
 * Meta's official Cloud API. One inbox per phone number; one webhook URL for the whole app (any
 * inbox's `/webhooks/<inbox>`): each change goes to the inbox of its phone_number_id. Every inbound
 * type, media through the Graph API, statuses, templates, and the 24-hour window (core's reply
 * window). See README.md for the options and Meta's setup.
 *
 * Config:
 *   [plugins.whatsapp]
 *   package = "@switchboard/channel-whatsapp-cloud"
 *   [inboxes.whatsapp]
 *   plugin = "whatsapp"
 *   [inboxes.whatsapp.options]
 *   phone_number_id = "106540352242922"
 *   access_token = "${WHATSAPP_TOKEN}"
 *   app_secret = "${META_APP_SECRET}"
 *   verify_token = "${WHATSAPP_VERIFY_TOKEN}"
 */
import { definePlugin } from "@switchboard/core";
import { createWhatsAppCloudAdapter, STATUS_RETRY_JOB, type StatusRetry } from "./adapter.ts";
import { whatsappCloudOptions } from "./options.ts";
import { NumberRouter } from "./router.ts";
import { STATUS_RETRY_DELAYS_MS } from "./statuses.ts";

export { type WhatsAppCloudOptions, whatsappCloudOptions } from "./options.ts";

export default definePlugin({
  name: "channel-whatsapp-cloud",
  version: "0.1.0",
  core: "^1.1.0", // the reply window (ChannelAdapter.replyWindow) came in 1.1
  setup(ctx) {
    const router = new NumberRouter();
    ctx.jobs.define<StatusRetry>(STATUS_RETRY_JOB, async (retry) => {
      const inbox = router.byName(retry.inbox);
      if (!inbox || (await inbox.reportDelivery(retry.report))) return;
      const delay = STATUS_RETRY_DELAYS_MS[retry.attempt];
      if (delay === undefined) {
        ctx.log.debug({ inbox: retry.inbox, message: retry.report.externalId }, "a WhatsApp status matched no message sent from here");
        return;
      }
      await ctx.jobs.schedule(STATUS_RETRY_JOB, { ...retry, attempt: retry.attempt + 1 }, { delayMs: delay });
    });
    ctx.channel("whatsapp", {
      family: "messaging",
      options: whatsappCloudOptions,
      create: (inbox) => createWhatsAppCloudAdapter(inbox, { router, jobs: ctx.jobs }),
    });
  },
});
