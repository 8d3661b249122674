/**
 * Shared setup of the WhatsApp Web tests: a fake WhatsApp world (fake-client.ts) registered for the
 * inbox "wa", and a harness whose "wa" inbox runs the real adapter over it, with its session folder
 * in a temporary directory and pacing off unless a test sets it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, type HarnessOptions, waitFor } from "@switchboard/core/testing";
import { type FakeClient, type FakeWhatsApp, registerFakeWhatsApp } from "./fake-client.ts";

export const FAKE_PLUGIN = fileURLToPath(new URL("./fake-plugin.ts", import.meta.url));

export interface WhatsAppInbox {
  world: FakeWhatsApp;
  harness: Harness;
  sessionDir: string;
  /** The client the inbox started with (after `initialize`). */
  client(): Promise<FakeClient>;
  close(): Promise<void>;
}

/** Starts a harness with the WhatsApp Web inbox "wa" over a fake world. */
export async function startWhatsAppInbox(
  options: Record<string, unknown> = {},
  extra: Pick<HarnessOptions, "inboxes" | "plugins"> & { prepare?: (world: FakeWhatsApp) => void } = {},
): Promise<WhatsAppInbox> {
  const world = registerFakeWhatsApp("wa");
  extra.prepare?.(world);
  const sessionDir = mkdtempSync(join(tmpdir(), "switchboard-wa-"));
  const harness = await createTestHarness({
    plugins: { "whatsapp-web": { package: FAKE_PLUGIN }, ...extra.plugins },
    inboxes: {
      wa: {
        plugin: "whatsapp-web",
        display_name: "WhatsApp sales",
        options: {
          session_dir: sessionDir,
          min_interval_per_chat_seconds: 0,
          min_interval_seconds: 0,
          restart_after_seconds: 0,
          ...options,
        },
      },
      ...extra.inboxes,
    },
  });
  return {
    world,
    harness,
    sessionDir,
    async client() {
      await waitFor(() => world.latest?.initialized === true);
      return world.latest!;
    },
    async close() {
      await harness.close();
      rmSync(sessionDir, { recursive: true, force: true });
    },
  };
}

/** Starts the inbox and pairs the phone: resolves with the ready client. */
export async function pairedWhatsAppInbox(options: Record<string, unknown> = {}, extra: Pick<HarnessOptions, "inboxes" | "plugins"> = {}) {
  const inbox = await startWhatsAppInbox(options, extra);
  const client = await inbox.client();
  client.scan();
  await waitFor(async () => (await inbox.harness.switchboard.inboxes.health("wa")).ok);
  return { ...inbox, paired: client };
}
