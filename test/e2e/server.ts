/**
 * A Switchboard for the end-to-end tests, served over real HTTP on 127.0.0.1: the test harness's
 * store and config, with the real API channel plugin as the inbox "shop" whose replies go to a fake
 * receiver (also on 127.0.0.1), three agents, and the "test" inbox given to a team Bob is not in.
 *
 * Delivery runs in the background, as in production: the delivery worker is started, so a reply
 * sent from the browser is queued, the worker is kicked and POSTs it to the receiver on its own.
 * The tests then wait for what a user would see (the receiver's request, the page), never call
 * `harness.drain()` between a click and an assertion; the manual clock is fine for that, since a
 * queued reply is due at once.
 */
import { resolve } from "node:path";
import { createAgent } from "../../core/src/auth/agents.ts";
import { createSession } from "../../core/src/auth/sessions.ts";
import { teamInboxes, teamMembers, teams } from "../../core/src/store/schema.ts";
import { createTestHarness, type Harness, type HarnessOptions } from "../../core/src/testing/index.ts";
import { WAIT_MS } from "./browser.ts";

const ROOT = resolve(import.meta.dirname, "../..");
export const API_PLUGIN = resolve(ROOT, "plugins/channel-api/src/index.ts");
export const SHOP_SECRET = "shop-secret-0123456789";
export const PASSWORD = "correct-horse-battery";

export const AGENTS = {
  ada: { email: "ada@example.com", name: "Ada Admin", role: "admin" as const },
  bob: { email: "bob@example.com", name: "Bob Agent", role: "agent" as const },
  cleo: { email: "cleo@example.com", name: "Cleo Escalations", role: "agent" as const },
};
export type AgentKey = keyof typeof AGENTS;

/** One request the fake receiver got: a reply webhook from the API channel. */
export interface ReceivedWebhook {
  headers: Headers;
  body: string;
  json: { event: string; message: { id: number; text: string; conversation_id: number; contact: { id: string | null } } };
}

export interface FakeReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves with the first webhook (already received or arriving) that matches, or fails after `timeoutMs`. */
  waitFor(match: (hook: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook>;
  stop(): Promise<void>;
}

/** The shop's side of the API channel: takes reply webhooks and answers 200 with an id. */
export function startReceiver(): FakeReceiver {
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.text();
      received.push({ headers: request.headers, body, json: JSON.parse(body) });
      for (const wake of waiters) wake();
      return Response.json({ id: `shop-${received.length}` });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/switchboard/replies`,
    received,
    waitFor(match, timeoutMs = WAIT_MS) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const found = received.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolvePromise(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`The receiver got no matching webhook within ${timeoutMs} ms (it got ${received.length}).`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => server.stop(true),
  };
}

/** The JSON a shop POSTs for one customer message (see plugins/channel-api). */
export interface ShopMessage {
  id: string;
  contact: { id: string; name?: string; email?: string };
  text: string;
  thread_id?: string;
}

export interface E2EServer {
  /** The origin, e.g. http://127.0.0.1:41234 */
  url: string;
  harness: Harness;
  receiver: FakeReceiver;
  agentIds: Record<AgentKey, number>;
  /** POSTs a customer message to /webhooks/shop/messages over HTTP, with the bearer secret. */
  customerWrites(message: ShopMessage): Promise<{ message_id: number; conversation_id: number; contact_id: number }>;
  /** A session cookie value for an agent, made directly (skips the argon2 check of the sign-in form). */
  sessionFor(agent: AgentKey): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** More plugins and inboxes beside "shop" and "test" (the screenshots add demo channels). */
  plugins?: HarnessOptions["plugins"];
  inboxes?: Record<string, { plugin: string; channel?: string; options?: Record<string, unknown>; display_name?: string; tone?: string }>;
  /** The manual clock's start. */
  now?: number;
  /** Start the delivery worker (default true); false leaves deliveries to `harness.drain()`. */
  backgroundDelivery?: boolean;
}

/**
 * Starts the receiver, a Switchboard on a temp database, and Bun.serve on 127.0.0.1 (port 0).
 *
 * @example
 * const server = await startServer();
 * const { conversation_id } = await server.customerWrites({ id: "m1", contact: { id: "c1" }, text: "Hi" });
 * await server.close();
 */
export async function startServer(options: StartOptions = {}): Promise<E2EServer> {
  const receiver = startReceiver();
  const shop = {
    plugin: "api",
    display_name: "Web shop",
    options: { secret: SHOP_SECRET, webhook_url: receiver.url, timeout_ms: WAIT_MS },
  };
  const harness = await createTestHarness({
    now: options.now,
    plugins: { api: { package: API_PLUGIN }, ...options.plugins },
    inboxes: { shop, ...options.inboxes },
  });
  const sb = harness.switchboard;
  // Hashing (argon2id) is the slow part; the three run side by side.
  const created = await Promise.all(Object.values(AGENTS).map((agent) => createAgent(sb.store, { ...agent, password: PASSWORD })));
  const agentIds = Object.fromEntries(Object.keys(AGENTS).map((key, i) => [key, created[i]!.agent.id])) as Record<AgentKey, number>;
  // The "test" inbox belongs to the Escalations team (Cleo); Bob may see only "shop".
  await sb.store.write(async (tx) => {
    const [team] = await tx.insert(teams).values({ name: "Escalations" }).returning();
    await tx.insert(teamMembers).values({ teamId: team!.id, agentId: agentIds.cleo });
    await tx.insert(teamInboxes).values({ teamId: team!.id, inbox: "test" });
  });
  if (options.backgroundDelivery !== false) sb.delivery.start();
  // Bun.serve's defaults, as `switchboard start` uses them (live streams switch off the idle timeout themselves).
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: sb.app.fetch });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    harness,
    receiver,
    agentIds,
    async customerWrites(message) {
      const response = await fetch(`${url}/webhooks/shop/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${SHOP_SECRET}`, "Content-Type": "application/json" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(WAIT_MS),
      });
      if (response.status !== 201) throw new Error(`The shop's POST was answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    async sessionFor(agent) {
      const ttlMs = sb.loaded.config.auth.session_ttl_hours * 3_600_000;
      return (await createSession(sb.store, sb.clock, agentIds[agent], ttlMs)).token;
    },
    async close() {
      await server.stop(true);
      await harness.close();
      await receiver.stop();
    },
  };
}
