/**
 * Test kit: a real Switchboard (core's test harness, a temp libSQL file) with the webchat plugin as
 * the inbox "site", served over HTTP on 127.0.0.1, and helpers that speak the widget API as the
 * widget does (with an allowed Origin header).
 */
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, type HarnessOptions } from "@switchboard/core/testing";
import { openSse, type SseConnection } from "./sse.ts";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));
export const SECRET = "site-secret-0123456789";
export const SITE = "http://shop.test";

export interface Kit {
  harness: Harness;
  /** The Switchboard origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The inbox API base: <url>/plugins/webchat/inboxes/site */
  api: string;
  server: ReturnType<typeof Bun.serve>;
  /** Stops the HTTP server, cutting every open connection (Switchboard itself keeps running). */
  goOffline(): Promise<void>;
  /** Serves again on the same port. */
  goOnline(): void;
  /** A request to the inbox API, from the allowed site unless `origin` says otherwise (null: no Origin). */
  call(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; origin?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** A new anonymous visitor's token. */
  visitor(): Promise<string>;
  /** POSTs a visitor message; `clientId` defaults to a fresh one. */
  say(token: string, text: string, clientId?: string): Promise<Response>;
  stream(token: string, after?: number): Promise<SseConnection>;
  close(): Promise<void>;
}

let clientSeq = 0;
/** A fresh client id, as the widget makes them. */
export const newClientId = () => `client-${process.pid}-${++clientSeq}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Starts the kit. `options` are merged into the inbox's options; `harnessOptions` may add plugins and inboxes.
 *
 * @example
 * const kit = await startKit({ pre_chat: "required" });
 * const token = await kit.visitor();
 * await kit.close();
 */
export async function startKit(
  options: Record<string, unknown> = {},
  harnessOptions: HarnessOptions = {},
  serveOptions: { idleTimeout?: number } = {},
): Promise<Kit> {
  const harness = await createTestHarness({
    ...harnessOptions,
    plugins: { webchat: { package: PLUGIN }, ...harnessOptions.plugins },
    inboxes: { ...harnessOptions.inboxes, site: { plugin: "webchat", options: { secret: SECRET, allowed_origins: [SITE], ...options } } },
  });
  const serve = (port: number) => Bun.serve({ hostname: "127.0.0.1", port, fetch: harness.switchboard.app.fetch, ...serveOptions });
  const server = serve(0);
  const port = server.port!;
  const url = `http://127.0.0.1:${port}`;
  const api = `${url}/plugins/webchat/inboxes/site`;
  const kit: Kit = {
    harness,
    url,
    api,
    server,
    async goOffline() {
      await kit.server.stop(true);
    },
    goOnline() {
      kit.server = serve(port);
    },
    call(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.origin !== null) headers.Origin = init.origin ?? SITE;
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers["Content-Type"] = "application/json";
      const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      return fetch(`${api}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
    },
    async visitor() {
      const response = await kit.call("/session", { body: {} });
      if (response.status !== 200) throw new Error(`POST /session answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    say: (token, text, clientId = newClientId()) => kit.call("/messages", { token, body: { client_id: clientId, text } }),
    stream: (token, after = 0) => openSse(`${api}/stream?after=${after}`, { Authorization: `Bearer ${token}`, Origin: SITE }),
    async close() {
      await kit.server.stop(true);
      await harness.close();
    },
  };
  return kit;
}
