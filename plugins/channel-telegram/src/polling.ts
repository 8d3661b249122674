/**
 * Long polling: a getUpdates loop that hands each update to `handle` in order and moves the offset
 * past it only after `handle` resolved (the message is durably stored). The offset is kept in the
 * inbox's kv, so a restart resumes where it stopped, and an update whose handling failed is fetched
 * again after a backoff. A 401 stops the loop (the token is wrong); a 409 means another process
 * polls this bot or a webhook is set. The loop ends when `signal` aborts.
 */
import type { KeyValueStore, Logger } from "@switchboard/core";
import { type Api, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { describeTelegramError } from "./errors.ts";
import { ALLOWED_UPDATES } from "./inbound.ts";
import { grammySignal } from "./signal.ts";

export interface PollingDeps {
  api: Api;
  kv: KeyValueStore;
  log: Logger;
  token: string;
  timeoutSeconds: number;
  /** Stores one update; resolves once it is durable. A throw makes the loop fetch it again later. */
  handle(update: Update): Promise<void>;
  /** Told about each failure (undefined once polling works again), for health checks. */
  onStatus(problem: string | undefined): void;
}

export const OFFSET_KEY = "telegram.offset";

/** Backoff after `failures` failures in a row: 0.5 s doubling up to 30 s. */
export const backoffMs = (failures: number) => Math.min(30_000, 500 * 2 ** Math.max(0, failures - 1));

/**
 * Runs until `signal` aborts (or the token is refused). Never throws.
 *
 * @example
 * const done = pollUpdates({ api: bot.api, kv, log, token, timeoutSeconds: 30, handle, onStatus }, signal);
 */
export async function pollUpdates(deps: PollingDeps, signal: AbortSignal): Promise<void> {
  let offset = await deps.kv.get<number>(OFFSET_KEY);
  let failures = 0;
  while (!signal.aborted) {
    try {
      const updates = await deps.api.getUpdates(
        { ...(offset !== undefined ? { offset } : {}), timeout: deps.timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
        grammySignal(signal),
      );
      for (const update of updates) {
        await deps.handle(update);
        offset = update.update_id + 1;
        await deps.kv.set(OFFSET_KEY, offset);
      }
      if (failures > 0) deps.onStatus(undefined);
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      const problem = problemOf(error, deps.token);
      deps.onStatus(problem);
      if (error instanceof GrammyError && error.error_code === 401) {
        deps.log.error({ error: problem }, "telegram polling stopped: the bot token was refused");
        return;
      }
      const delay =
        error instanceof GrammyError && error.parameters.retry_after ? error.parameters.retry_after * 1000 : backoffMs(failures);
      deps.log.warn({ error: problem, failures, retryInMs: delay }, "telegram polling failed; retrying");
      await sleep(delay, signal);
    }
  }
}

function problemOf(error: unknown, token: string): string {
  const described = describeTelegramError(error, token);
  if (!(error instanceof GrammyError)) return described;
  if (error.error_code === 401) return `${described}. The bot token was refused: check options.token (from @BotFather).`;
  if (error.error_code === 409)
    return `${described}. Another process polls this bot, or a webhook is set: run one Switchboard per bot, or use mode = "webhook".`;
  return described;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
