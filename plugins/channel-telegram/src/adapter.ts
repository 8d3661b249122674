/**
 * The Telegram channel adapter of one inbox: a grammY bot pointed at `api_root`, receiving by long
 * polling or by webhook, mapping updates to inbound messages, sending replies, and checking its
 * health (getMe, the polling state, and in webhook mode Telegram's own view of the webhook).
 */
import { type ChannelAdapter, type ChannelHealth, type Emit, ErrorCodes, type InboxContext, SwitchboardError } from "@switchboard/core";
import { Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { describeTelegramError } from "./errors.ts";
import { ALLOWED_UPDATES, toInbound } from "./inbound.ts";
import { downloadMedia, type MediaRef } from "./media.ts";
import { MAX_SPLIT_PARTS, TELEGRAM_TEXT_LIMIT, type TelegramOptions } from "./options.ts";
import { sendToTelegram } from "./outbound.ts";
import { pollUpdates } from "./polling.ts";
import { grammySignal } from "./signal.ts";
import { unreadable } from "./update-shape.ts";
import { mountWebhook } from "./webhook.ts";

/**
 * Creates the adapter (nothing connects until `start`).
 *
 * @example
 * ctx.channel("telegram", { family: "messaging", options: telegramInboxOptions, create: createTelegramAdapter });
 */
export function createTelegramAdapter(inbox: InboxContext<TelegramOptions>): ChannelAdapter {
  const { options, log, kv } = inbox;
  const token = options.token;
  const bot = new Bot(token, { client: { apiRoot: options.api_root } });
  const webhookUrl = `${inbox.publicUrl.replace(/\/+$/, "")}/webhooks/${encodeURIComponent(inbox.name)}`;
  let stopping = new AbortController();
  let polling: Promise<void> | undefined;
  let pollingProblem: string | undefined;

  const download = (ref: MediaRef) =>
    downloadMedia({ api: bot.api, apiRoot: options.api_root, token, maxBytes: options.max_file_bytes }, ref);

  /**
   * Maps and stores one update. Throws only when storing failed for a reason worth retrying. An
   * update that cannot be read never becomes readable: it is logged and acknowledged, so neither
   * Telegram's webhook retries nor the polling loop fetch it again forever.
   */
  async function handle(update: Update, emit: Emit): Promise<void> {
    const problem = unreadable(update);
    if (problem) {
      log.warn({ updateId: update.update_id, problem }, "telegram update cannot be read; acknowledged and skipped");
      return;
    }
    const mapped = await toInbound(update, { me: bot.botInfo, groups: options.groups, download });
    if ("ignored" in mapped) {
      log.debug({ updateId: update.update_id, reason: mapped.ignored }, "telegram update ignored");
      return;
    }
    const skipped = (mapped.message.metadata?.telegram as { skippedFiles?: unknown } | undefined)?.skippedFiles;
    if (skipped)
      log.warn({ updateId: update.update_id, skipped }, "telegram media was not downloaded; the message is stored without its bytes");
    const result = await emit(mapped.message);
    if (result.status === "invalid")
      log.error({ updateId: update.update_id, reason: result.reason }, "telegram update refused by core; acknowledged and skipped");
    else log.debug({ updateId: update.update_id, status: result.status }, "telegram update stored");
  }

  async function connect(signal: AbortSignal): Promise<void> {
    try {
      bot.botInfo = await bot.api.getMe(grammySignal(signal));
    } catch (error) {
      throw unavailable("could not identify the bot with getMe", error);
    }
    log.info({ bot: bot.botInfo.username, mode: options.mode }, "telegram bot connected");
  }

  function unavailable(what: string, error: unknown): SwitchboardError {
    const refused = error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);
    const fix = refused
      ? " Check options.token of this inbox: copy it again from @BotFather."
      : ` Check that ${new URL(options.api_root).origin} is reachable.`;
    return new SwitchboardError(
      ErrorCodes.CHANNEL_UNAVAILABLE,
      `Telegram inbox "${inbox.name}": ${what}: ${describeTelegramError(error, token)}.${fix}`,
    );
  }

  return {
    // A Telegram user id is the same person in every bot's inbox.
    identityScope: "channel",
    // One getUpdates loop per bot (Telegram answers 409 to a second), and one process registers the
    // webhook; every process can send.
    exclusive: "receive",
    limits: { maxTextLength: options.long_text === "split" ? TELEGRAM_TEXT_LIMIT * MAX_SPLIT_PARTS : TELEGRAM_TEXT_LIMIT },
    ...(options.mode === "webhook"
      ? { webhook: (app, emit) => mountWebhook(app, bot, options.webhook_secret!, (update) => handle(update, emit)) }
      : {}),

    async start(emit, signal) {
      await connect(signal);
      if (options.mode === "webhook") {
        if (!options.register_webhook) return;
        try {
          await bot.api.setWebhook(
            webhookUrl,
            { secret_token: options.webhook_secret, allowed_updates: [...ALLOWED_UPDATES] },
            grammySignal(signal),
          );
        } catch (error) {
          throw unavailable(
            `could not register the webhook ${webhookUrl} (Telegram needs server.public_url to be a public https URL)`,
            error,
          );
        }
        log.info({ url: webhookUrl }, "telegram webhook registered");
        return;
      }
      try {
        await bot.api.deleteWebhook({ drop_pending_updates: false }, grammySignal(signal));
      } catch (error) {
        throw unavailable("could not remove a webhook before polling", error);
      }
      stopping = new AbortController();
      const until = AbortSignal.any([signal, stopping.signal]);
      const onStatus = (problem: string | undefined) => {
        pollingProblem = problem;
      };
      polling = pollUpdates(
        { api: bot.api, kv, log, token, timeoutSeconds: options.poll_timeout_seconds, handle: (update) => handle(update, emit), onStatus },
        until,
      );
    },

    send: (target, message) => sendToTelegram({ api: bot.api, kv, token, options }, target, message),

    async health(): Promise<ChannelHealth> {
      try {
        await bot.api.getMe(grammySignal(AbortSignal.timeout(8000)));
      } catch (error) {
        return { ok: false, message: unavailable("getMe failed", error).message };
      }
      if (pollingProblem) return { ok: false, message: `Telegram polling is failing: ${pollingProblem}` };
      if (options.mode !== "webhook") return { ok: true };
      const info = await bot.api.getWebhookInfo(grammySignal(AbortSignal.timeout(8000)));
      if (info.last_error_message)
        return { ok: false, message: `Telegram's last webhook delivery to ${info.url} failed: ${info.last_error_message}` };
      if (info.url !== webhookUrl)
        return {
          ok: true,
          attention: true,
          message: `Telegram's webhook is "${info.url || "(none)"}", not ${webhookUrl}; it is registered when the inbox starts (register_webhook = true).`,
        };
      return { ok: true };
    },

    async stop() {
      stopping.abort();
      await polling;
    },
  };
}
