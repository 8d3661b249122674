/**
 * Shared setup of the Telegram tests: a fake Bot API on loopback, a harness with one Telegram
 * inbox ("tg") pointed at it through `api_root`, and small waits on the store. Webhook inboxes get
 * a real HTTP listener for Switchboard, so the fake POSTs updates to it as Telegram would.
 */
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { createTestHarness, tables, type Harness } from "@switchboard/core/testing";
import { startFakeTelegram, type FakeTelegram } from "../../../test/fakes/telegram/index.ts";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));

export const ada = { id: 1001, is_bot: false, first_name: "Ada", last_name: "Lovelace", username: "ada" };
export const bob = { id: 1002, is_bot: false, first_name: "Bob" };

export interface TelegramInbox {
  telegram: FakeTelegram;
  harness: Harness;
  /** Switchboard's own URL (webhook mode only). */
  publicUrl: string | undefined;
  close(): Promise<void>;
}

/** Starts a fake Telegram and a harness whose inbox "tg" uses it. */
export async function startTelegramInbox(options: Record<string, unknown> = {}, extra: { plugins?: Record<string, { package: string }> } = {}): Promise<TelegramInbox> {
  const telegram = await startFakeTelegram();
  let app: ((request: Request) => Response | Promise<Response>) | undefined;
  const listener = options.mode === "webhook" ? Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => (app ? app(request) : new Response("starting", { status: 503 })) }) : undefined;
  const publicUrl = listener ? `http://127.0.0.1:${listener.port}` : undefined;
  let harness: Harness;
  try {
    harness = await createTestHarness({
      plugins: { telegram: { package: PLUGIN }, ...extra.plugins },
      inboxes: { tg: { plugin: "telegram", options: { token: telegram.token, api_root: telegram.apiRoot, poll_timeout_seconds: 5, ...options } } },
      ...(publicUrl ? { config: { server: { public_url: publicUrl } } } : {}),
    });
  } catch (error) {
    await listener?.stop(true);
    await telegram.stop();
    throw error;
  }
  app = harness.switchboard.app.fetch;
  return {
    telegram,
    harness,
    publicUrl,
    async close() {
      await harness.close();
      await listener?.stop(true);
      await telegram.stop();
    },
  };
}

/** Polls `check` every 10 ms until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${check.toString().slice(0, 120)}`);
    await Bun.sleep(10);
  }
}

/** The stored messages of the "tg" inbox, oldest first. */
export function storedMessages(harness: Harness) {
  return harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.inbox, "tg")).orderBy(tables.messages.id);
}

/** Waits until the "tg" inbox holds `count` messages, and returns them. */
export async function waitForMessages(harness: Harness, count: number, timeoutMs = 5000) {
  return waitFor(async () => {
    const rows = await storedMessages(harness);
    return rows.length >= count ? rows : undefined;
  }, timeoutMs);
}
