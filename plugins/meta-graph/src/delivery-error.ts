/**
 * Graph API failures → Switchboard delivery errors the outbox understands. Rate limits wait
 * (Retry-After, the usage headers, or `rateLimitWaitMs`); transient codes, `is_transient`, HTTP 5xx
 * and network failures are retried with backoff; any other refusal is permanent. The agent sees
 * Meta's code, subcode and message, and a hint when the channel knows what it means.
 */
import { DeliveryError } from "@switchboard/core";
import { GraphApiError, TRANSIENT_CODES } from "./graph-error.ts";

export interface DeliveryErrorOptions {
  /** "Messenger", "Instagram", "WhatsApp": named in the agent's text. */
  network: string;
  /** What a specific refusal means for the agent ("The 24-hour window has closed…"), or undefined. */
  hint?(error: GraphApiError): string | undefined;
  /** The wait for a rate limit that did not say how long (default 60 s). */
  rateLimitWaitMs?: number;
}

/** Hints every Meta channel shares: the token and the permissions. */
function commonHint(error: GraphApiError): string | undefined {
  if (error.code === 190) return " The access token was refused (expired or revoked): put a new one in the inbox's options.";
  if (error.code === 10 || error.code === 200 || (error.code !== undefined && error.code > 200 && error.code < 300))
    return " The app lacks a permission for this: check the app's permissions and the token's scopes in Meta's dashboard.";
  return undefined;
}

/**
 * Maps any failure of a send to a DeliveryError.
 *
 * @example
 * try {
 *   return await graph.post("/me/messages", body);
 * } catch (error) {
 *   throw toDeliveryError(error, { network: "Messenger", hint: (e) => (e.subcode === 2018278 ? " Outside the 24-hour window." : undefined) });
 * }
 */
export function toDeliveryError(error: unknown, options: DeliveryErrorOptions): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (!(error instanceof GraphApiError)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new DeliveryError(`Could not reach ${options.network} (the Graph API): ${reason}.`, { cause: error });
  }
  const said = `${options.network} refused the message (${error.label}): ${(error.userMessage ?? error.message).replace(/\.+$/, "")}.`;
  if (error.isRateLimit) {
    const waitMs = error.retryAfterMs ?? options.rateLimitWaitMs ?? 60_000;
    return new DeliveryError(`${said} Rate limited; retrying in ${Math.ceil(waitMs / 1000)} s.`, { retryAfterMs: waitMs, cause: error });
  }
  const hint = options.hint?.(error) ?? commonHint(error) ?? "";
  const retryable = error.isTransient || error.status >= 500 || (error.code !== undefined && TRANSIENT_CODES.has(error.code));
  return new DeliveryError(said + hint, { retryable, cause: error });
}
