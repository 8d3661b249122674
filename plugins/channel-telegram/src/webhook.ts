/**
 * Webhook mode: Telegram POSTs each update to `/webhooks/<inbox>`. grammY's hono adapter checks
 * X-Telegram-Bot-Api-Secret-Token (401 on a mismatch) and answers only after `handle` resolved, so
 * an update is acknowledged once stored; a failure answers 500 and Telegram delivers it again.
 */
import type { Hono } from "hono";
import { type Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";

/**
 * Mounts the webhook route on the inbox's sub-app.
 *
 * @example
 * mountWebhook(app, bot, options.webhook_secret, (update) => store(update));
 */
export function mountWebhook(app: Hono, bot: Bot, secret: string, handle: (update: Update) => Promise<void>): void {
  bot.use(async function storeUpdate(ctx) {
    await handle(ctx.update);
  });
  app.post("/", webhookCallback(bot, "hono", { secretToken: secret, onTimeout: "throw", timeoutMilliseconds: 50_000 }));
}
