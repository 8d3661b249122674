/**
 * Shared setup of the Telegram tests: a fake Bot API on loopback, a harness with one Telegram
 * inbox ("tg") pointed at it through `api_root`. Webhook inboxes get a real HTTP listener for
 * Switchboard, so the fake POSTs updates to it as Telegram would. The waits on the store are
 * `waitFor`/`waitForMessages` of `@switchboard/core/testing`.
 */
import { fileURLToPath } from "node:url";
import type { Logger } from "@switchboard/core";
import { createTestHarness, type Harness, serveLoopback } from "@switchboard/core/testing";
import { type FakeTelegram, startFakeTelegram } from "./fake/index.ts";

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
export async function startTelegramInbox(
  options: Record<string, unknown> = {},
  extra: { plugins?: Record<string, { package: string }>; log?: Logger } = {},
): Promise<TelegramInbox> {
  const telegram = await startFakeTelegram();
  let app: ((request: Request) => Response | Promise<Response>) | undefined;
  const listener =
    options.mode === "webhook" ? serveLoopback((request) => (app ? app(request) : new Response("starting", { status: 503 }))) : undefined;
  const publicUrl = listener?.url;
  let harness: Harness;
  try {
    harness = await createTestHarness({
      plugins: { telegram: { package: PLUGIN }, ...extra.plugins },
      ...(extra.log ? { log: extra.log } : {}),
      inboxes: {
        tg: { plugin: "telegram", options: { token: telegram.token, api_root: telegram.apiRoot, poll_timeout_seconds: 5, ...options } },
      },
      ...(publicUrl ? { config: { server: { public_url: publicUrl } } } : {}),
    });
  } catch (error) {
    await listener?.stop();
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
      await listener?.stop();
      await telegram.stop();
    },
  };
}
