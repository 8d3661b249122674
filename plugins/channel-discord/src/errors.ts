/**
 * Discord failures → what the outbox should do, and the texts health and doctor show. A rate
 * limit (discord.js is told to reject rather than wait) retries after its `retryAfter`; 400, 401,
 * 403 and 404 are permanent and say what to do; 5xx and network errors retry with backoff.
 */
import { DeliveryError } from "@switchboard/core";
import { DiscordAPIError, RateLimitError } from "discord.js";

/** Shown by health(), `switchboard doctor` and the admin page when the Message Content intent is off. */
export const MESSAGE_CONTENT_FIX =
  'Fix: Discord Developer Portal → Applications → your application → Bot → Privileged Gateway Intents → turn on "Message Content Intent", save, then restart Switchboard.';

/** Discord JSON error codes that need a person to act, with what to tell them. */
const HINTS: Record<number, string> = {
  10003: "The channel or thread no longer exists.",
  50001: "The bot cannot see this channel: give it View Channel there.",
  50007: "The person does not accept direct messages from the bot (privacy settings, or no shared server any more).",
  50013: "The bot lacks a permission here: give it Send Messages, Send Messages in Threads and Attach Files.",
  50083: "The thread is archived: reopen it in Discord to reply there.",
};

/**
 * Maps a failed REST call to a DeliveryError that tells the outbox whether and when to retry.
 *
 * @example
 * try { await rest.post(Routes.channelMessages(id), { body }); } catch (error) { throw toDeliveryError(error); }
 */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) {
    return new DeliveryError(
      `Discord is rate limiting this bot (${error.global ? "global" : `route ${error.route}`}); retrying in ${Math.ceil(error.retryAfter)} ms.`,
      { retryAfterMs: Math.max(0, Math.ceil(error.retryAfter)), cause: error },
    );
  }
  if (error instanceof DiscordAPIError) {
    const message = `Discord refused the message (${error.status}, code ${error.code}: ${error.message}).`;
    const hint = typeof error.code === "number" ? HINTS[error.code] : undefined;
    if (error.status === 401)
      return new DeliveryError(`${message} The bot token was refused: check options.token of this inbox.`, {
        retryable: false,
        cause: error,
      });
    if ([400, 403, 404].includes(error.status))
      return new DeliveryError(hint ? `${message} ${hint}` : message, { retryable: false, cause: error });
    return new DeliveryError(message, { cause: error });
  }
  return new DeliveryError(`Could not reach the Discord API: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
