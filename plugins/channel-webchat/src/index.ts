/**
 * @switchboard/channel-webchat: a live-chat widget for any website. One script tag embeds it:
 *
 *   <script src="https://support.example.com/plugins/webchat/widget.js" data-inbox="site" async></script>
 *
 * The plugin is named "webchat" so its files and API live under /plugins/webchat/. It registers the
 * channel kind "webchat"; each [inboxes.<name>] with plugin = "<alias>" is one site's chat.
 *
 * Config:
 *   [plugins.webchat]
 *   package = "@switchboard/channel-webchat"
 *   [inboxes.site]
 *   plugin = "webchat"
 *   [inboxes.site.options]
 *   secret = "${WEBCHAT_SECRET}"
 *   allowed_origins = ["https://shop.example.com"]
 */
import { definePlugin } from "@switchboard/core";
import { createAdapter } from "./adapter.ts";
import { agentsOnlineCheck } from "./agents-online.ts";
import { contactMerged, forgetContact } from "./contacts.ts";
import { apiErrorHandler } from "./errors.ts";
import { widgetApi } from "./http/api.ts";
import { registerAssets } from "./http/assets.ts";
import { WebchatInbox } from "./inbox.ts";
import { webchatInboxOptions } from "./options.ts";
import { agentTyping, conversationResolved } from "./outbound.ts";

export { type WebchatOptions, webchatInboxOptions } from "./options.ts";
export { identifierHash } from "./tokens.ts";

export default definePlugin({
  name: "webchat",
  version: "0.1.0",
  core: "^1.1.0", // ctx.conversations.verify (verify_prechat_email) came in 1.1
  setup(ctx) {
    const inboxes = new Map<string, WebchatInbox>();
    const agentsOnline = agentsOnlineCheck(ctx.agents);
    const each = (task: (inbox: WebchatInbox) => Promise<unknown>) => Promise.all([...inboxes.values()].map(task));
    registerAssets(ctx.http);
    const api = widgetApi(inboxes);
    api.onError(apiErrorHandler(ctx.log));
    ctx.http.route("/", api);

    ctx.channel("webchat", {
      family: "live-chat",
      options: webchatInboxOptions,
      async create(context) {
        const inbox = await WebchatInbox.create(context, agentsOnline, ctx.conversations, ctx.cluster);
        inboxes.set(context.name, inbox);
        return createAdapter(inbox);
      },
    });

    // Every process hears a typing event and tells the widgets it holds.
    ctx.on("typing", async (event) => {
      if (event.data.who === "agent") await each((inbox) => agentTyping(inbox, event.data.conversationId));
    });
    // The "resolved" line is written once (by the process running durable subscribers) and pushed to every process.
    ctx.consume("resolved-lines", {
      "conversation.status_changed": async (event) => {
        if (event.data.to === "resolved") await each((inbox) => conversationResolved(inbox, event.data.conversationId, event.id));
      },
    });
    ctx.on("agent.availability_changed", () => agentsOnline.invalidate());
    ctx.on("contact.erased", async (event) => {
      await each((inbox) => forgetContact(inbox, event.data.contactId));
    });
    ctx.on("contact.merged", async (event) => {
      await each((inbox) => contactMerged(inbox, event.data.survivorId, event.data.mergedId));
    });
    ctx.onStop(() => inboxes.forEach((inbox) => inbox.detach()));
  },
});
