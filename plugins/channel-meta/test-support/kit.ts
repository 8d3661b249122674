/**
 * Shared setup of the Meta tests: a fake Messenger Platform, and a harness with Messenger and
 * Instagram inboxes pointed at it (`graph_url`), served on a real loopback listener so the fake
 * POSTs signed webhooks to it as Meta would.
 */
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, serveLoopback } from "@switchboard/core/testing";
import { type FakeMeta, startFakeMeta } from "./fake-meta.ts";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));
export const PAGE_A = "104000000000001";
export const PAGE_B = "104000000000002";
export const IG = "17841400000000001";
export const VERIFY = "verify-token-for-tests";

export interface MetaInboxes {
  meta: FakeMeta;
  harness: Harness;
  url: string;
  /** The webhook URL of an inbox. */
  hook(inbox: string): string;
  close(): Promise<void>;
}

type InboxSpec = { kind: "messenger" | "instagram"; account: string; options?: Record<string, unknown>; tone?: string };

/** Inboxes "fb-a" (page A), "fb-b" (page B) and "ig" (Instagram) unless others are given. */
export async function startMetaInboxes(
  inboxes: Record<string, InboxSpec> = {
    "fb-a": { kind: "messenger", account: PAGE_A },
    "fb-b": { kind: "messenger", account: PAGE_B },
    ig: { kind: "instagram", account: IG },
  },
  extra: { config?: Record<string, unknown> } = {},
): Promise<MetaInboxes> {
  const meta = await startFakeMeta();
  let app: ((request: Request) => Response | Promise<Response>) | undefined;
  const listener = serveLoopback((request) => (app ? app(request) : new Response("starting", { status: 503 })));
  let harness: Harness;
  try {
    harness = await createTestHarness({
      plugins: { meta: { package: PLUGIN } },
      inboxes: Object.fromEntries(
        Object.entries(inboxes).map(([name, spec]) => [
          name,
          {
            plugin: "meta",
            channel: spec.kind,
            ...(spec.tone ? { tone: spec.tone } : {}),
            options: {
              account_id: spec.account,
              access_token: meta.graph.accessToken,
              app_secret: meta.graph.appSecret,
              verify_token: VERIFY,
              graph_url: meta.graph.url,
              ...spec.options,
            },
          },
        ]),
      ),
      config: { server: { public_url: listener.url }, ...extra.config },
    });
  } catch (error) {
    await listener.stop();
    await meta.stop();
    throw error;
  }
  app = harness.switchboard.app.fetch;
  return {
    meta,
    harness,
    url: listener.url,
    hook: (inbox) => `${listener.url}/webhooks/${inbox}`,
    async close() {
      await harness.close();
      await listener.stop();
      await meta.stop();
    },
  };
}
