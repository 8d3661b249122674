/**
 * Telegram failures → what the outbox should do. A 429 waits `retry_after`; 400, 401, 403 and 404
 * are permanent (retrying cannot help) and say what to do; anything else (5xx, 409, the network)
 * is retried with backoff. Texts never carry the bot token.
 */
import { DeliveryError } from "@switchboard/core";
import { GrammyError, HttpError } from "grammy";

/** Replaces the bot token wherever it appears (URLs in low-level network errors carry it). */
export function redact(text: string, token: string): string {
  return token ? text.split(token).join("<token>") : text;
}

/** A short description of any failure for logs and health, without the token. */
export function describeTelegramError(error: unknown, token: string): string {
  if (error instanceof GrammyError) return `Telegram answered ${error.error_code}: ${error.description}`;
  if (error instanceof HttpError)
    return redact(`${error.message} ${error.error instanceof Error ? error.error.message : ""}`.trim(), token);
  return redact(error instanceof Error ? error.message : String(error), token);
}

/** What a permanent Telegram refusal means for the agent. */
function hintFor(error: GrammyError): string {
  const text = error.description.toLowerCase();
  if (error.error_code === 403 && text.includes("blocked"))
    return " The customer blocked the bot; replies reach them again once they unblock it and write to it.";
  if (error.error_code === 403 && text.includes("kicked")) return " The bot was removed from this group; add it again to reply there.";
  if (text.includes("chat not found"))
    return " The bot cannot see this chat: the customer never started the bot, or the bot left the group.";
  if (error.parameters.migrate_to_chat_id)
    return ` The group became a supergroup (id ${error.parameters.migrate_to_chat_id}); its new messages start a new conversation.`;
  if (error.error_code === 401) return " The bot token was refused: check options.token of this inbox (from @BotFather).";
  return "";
}

/**
 * Maps a failed Bot API call to a DeliveryError that tells the outbox whether and when to retry.
 *
 * @example
 * try { await api.sendMessage(chatId, text); } catch (error) { throw toDeliveryError(error, token); }
 */
export function toDeliveryError(error: unknown, token: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof GrammyError) {
    const message = `Telegram refused the message (${error.error_code}: ${error.description}).`;
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return new DeliveryError(`Telegram is rate limiting this bot; retrying in ${seconds} s.`, {
        retryAfterMs: seconds * 1000,
        cause: error,
      });
    }
    if ([400, 401, 403, 404].includes(error.error_code))
      return new DeliveryError(message + hintFor(error), { retryable: false, cause: error });
    return new DeliveryError(message, { cause: error });
  }
  return new DeliveryError(`Could not reach the Telegram Bot API: ${describeTelegramError(error, token)}`, { cause: error });
}
