/**
 * Test support for the API channel: a Switchboard with one API inbox ("shop") served on a real
 * loopback port, and `post()` that sends a message to its webhook with the inbox secret.
 */
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness } from "@switchboard/core/testing";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));
export const SECRET = "shop-secret-0123456789";

export interface ApiInbox {
  harness: Harness;
  /** http://127.0.0.1:PORT of the running Switchboard. */
  base: string;
  /** POSTs a message (an object, or a raw string) to /webhooks/shop/messages. */
  post(body: unknown, secret?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts Switchboard with the "shop" API inbox and these extra inbox options.
 *
 * @example
 * const inbox = await startApiInbox({ allow_private_attachment_urls: true });
 * const answer = await inbox.post({ id: "m1", contact: { id: "c1" }, text: "Hi" });
 */
export async function startApiInbox(options: Record<string, unknown> = {}): Promise<ApiInbox> {
  const harness = await createTestHarness({
    plugins: { api: { package: PLUGIN } },
    inboxes: { shop: { plugin: "api", options: { secret: SECRET, max_text_length: 500, ...options } } },
  });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: harness.switchboard.app.fetch });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    harness,
    base,
    post: (body, secret = SECRET) =>
      fetch(`${base}/webhooks/shop/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async close() {
      server.stop(true);
      await harness.close();
    },
  };
}
