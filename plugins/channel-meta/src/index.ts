/**
 * @switchboard/channel-meta: Facebook Messenger pages and Instagram professional accounts as
 * Switchboard inboxes, one inbox per page or account, sharing Meta's webhook and Graph API code
 * (@switchboard/meta-graph) with the WhatsApp Cloud channel. See README.md for the options and the
 * app setup.
 *
 * Config:
 *   [plugins.meta]
 *   package = "@switchboard/channel-meta"
 *   [inboxes.instagram]
 *   plugin = "meta"
 *   channel = "instagram"
 *   tone = "casual, emojis fine, concise"
 *   [inboxes.instagram.options]
 *   account_id = "17841400000000000"
 *   access_token = "${META_PAGE_TOKEN}"
 *   app_secret = "${META_APP_SECRET}"
 *   verify_token = "${META_VERIFY_TOKEN}"
 */
import { definePlugin } from "@switchboard/core";
import { createMetaAdapter } from "./adapter.ts";
import { metaInboxOptions } from "./options.ts";
import { DAY_MS, type ProfileLookup, profileFacts } from "./profile.ts";
import { EntryRouter } from "./router.ts";

export { type MetaOptions, metaInboxOptions } from "./options.ts";

export default definePlugin({
  name: "channel-meta",
  version: "0.1.0",
  core: "^1.0.0",
  setup(ctx) {
    const shared = { router: new EntryRouter(), profiles: new Map<string, ProfileLookup>() };
    ctx.channel("messenger", {
      family: "social",
      options: metaInboxOptions,
      create: (inbox) => createMetaAdapter("messenger", inbox, shared),
    });
    ctx.channel("instagram", {
      family: "social",
      options: metaInboxOptions,
      create: (inbox) => createMetaAdapter("instagram", inbox, shared),
    });
    // The profile (name, @username, picture URL) as facts on the contact, asked again at most daily.
    ctx.enrich(({ identifiers }) => profileFacts(identifiers, shared.profiles), { timeoutMs: 5_000, ttlMs: DAY_MS });
  },
});
