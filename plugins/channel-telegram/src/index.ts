/**
 * @switchboard/channel-telegram: Telegram bots as Switchboard inboxes (grammY). Long polling or a
 * webhook; private chats and group mentions; text, photos, documents, voice notes and stickers;
 * edits; shared phone numbers as verified phone identities; replies with reply_parameters.
 * See README.md for the options and how to create a bot with @BotFather.
 *
 * Config:
 *   [plugins.telegram]
 *   package = "@switchboard/channel-telegram"
 *   [inboxes.telegram]
 *   plugin = "telegram"
 *   [inboxes.telegram.options]
 *   token = "${TELEGRAM_BOT_TOKEN}"
 */
import { definePlugin } from "@switchboard/core";
import { createTelegramAdapter } from "./adapter.ts";
import { telegramInboxOptions } from "./options.ts";

export { type TelegramOptions, telegramInboxOptions } from "./options.ts";

export default definePlugin({
  name: "channel-telegram",
  version: "0.1.0",
  core: "^1.1.0",
  setup(ctx) {
    ctx.channel("telegram", { family: "messaging", options: telegramInboxOptions, create: createTelegramAdapter });
  },
});
