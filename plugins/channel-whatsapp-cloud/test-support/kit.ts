/**
 * Shared setup of the WhatsApp Cloud tests: the fake Cloud API on loopback, and a harness with one
 * WhatsApp inbox ("wa", phone number PHONE_NUMBER_ID) pointed at it through `graph_url`, served on
 * a real loopback HTTP listener so the fake POSTs signed deliveries to `/webhooks/wa` as Meta would.
 */
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, serveLoopback } from "@switchboard/core/testing";
import { type FakeWhatsApp, PHONE_NUMBER_ID, startFakeWhatsApp, WABA_ID } from "./fake.ts";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));
export const VERIFY_TOKEN = "verify-me-please";

export interface WhatsAppInbox {
  wa: FakeWhatsApp;
  harness: Harness;
  /** Switchboard's own URL. */
  publicUrl: string;
  /** Posts a signed delivery to `/webhooks/<inbox>` (default "wa"). */
  deliver(
    payload: unknown,
    options?: { inbox?: string; body?: string; signature?: string | null },
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** The options of an inbox on the fake: its phone number id, the fake's token and secret, and `extra`. */
export function inboxOptions(wa: FakeWhatsApp, extra: Record<string, unknown> = {}) {
  return {
    phone_number_id: PHONE_NUMBER_ID,
    business_account_id: WABA_ID,
    access_token: wa.graph.accessToken,
    app_secret: wa.graph.appSecret,
    verify_token: VERIFY_TOKEN,
    graph_url: wa.graph.url,
    ...extra,
  };
}

/** Starts the fake and a harness whose inbox "wa" uses it (plus `inboxes`, built from the fake). */
export async function startWhatsAppInbox(
  options: Record<string, unknown> = {},
  extra: { inboxes?: (wa: FakeWhatsApp) => Record<string, Record<string, unknown>>; config?: Record<string, unknown>; now?: number } = {},
): Promise<WhatsAppInbox> {
  const wa = await startFakeWhatsApp();
  let app: ((request: Request) => Response | Promise<Response>) | undefined;
  const listener = serveLoopback((request) => (app ? app(request) : new Response("starting", { status: 503 })));
  let harness: Harness;
  try {
    harness = await createTestHarness({
      plugins: { whatsapp: { package: PLUGIN } },
      inboxes: {
        wa: { plugin: "whatsapp", options: inboxOptions(wa, options) },
        ...Object.fromEntries(Object.entries(extra.inboxes?.(wa) ?? {}).map(([name, o]) => [name, { plugin: "whatsapp", options: o }])),
      },
      config: { server: { public_url: listener.url }, ...extra.config },
      ...(extra.now !== undefined ? { now: extra.now } : {}),
    });
  } catch (error) {
    await listener.stop();
    await wa.stop();
    throw error;
  }
  app = harness.switchboard.app.fetch;
  return {
    wa,
    harness,
    publicUrl: listener.url,
    deliver: (payload, o = {}) => wa.graph.deliver(`${listener.url}/webhooks/${o.inbox ?? "wa"}`, payload, o),
    async close() {
      await harness.close();
      await listener.stop();
      await wa.stop();
    },
  };
}
