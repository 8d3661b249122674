/**
 * @switchboard/channel-discord: Discord bots as Switchboard inboxes (discord.js v14). DMs to the
 * bot, and support threads and forum posts in configured channels, where every participant is
 * shown as themselves; attachments and embeds; replies over REST with rate limits handled by the
 * outbox. See README.md for the intents, the invite URL and the options.
 *
 * Config:
 *   [plugins.discord]
 *   package = "@switchboard/channel-discord"
 *   [inboxes.discord]
 *   plugin = "discord"
 *   [inboxes.discord.options]
 *   token = "${DISCORD_BOT_TOKEN}"
 *   support_channels = ["1234567890123456789"]
 */
import { definePlugin } from "@switchboard/core";
import { createDiscordAdapter } from "./adapter.ts";
import { discordInboxOptions } from "./options.ts";

export { INTENTS } from "./adapter.ts";
export { type DiscordOptions, discordInboxOptions } from "./options.ts";

export default definePlugin({
  name: "channel-discord",
  version: "0.1.0",
  core: "^1.1.0",
  setup(ctx) {
    ctx.channel("discord", { family: "messaging", options: discordInboxOptions, create: createDiscordAdapter });
  },
});
