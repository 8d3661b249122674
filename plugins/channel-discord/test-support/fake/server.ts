/**
 * The fake Discord on one loopback port: REST under /api/v10, the CDN under /attachments, and the
 * gateway as a WebSocket upgrade on any other path (GET /gateway/bot hands out its URL, so
 * discord.js finds it with `rest.api` alone).
 */
import { GatewayConnection, type GatewaySession } from "./gateway.ts";
import { handleRest } from "./rest.ts";
import { DiscordWorld } from "./world.ts";

export interface FakeDiscordOptions {
  token?: string;
  /** Whether the application has the Message Content intent enabled (default true). */
  messageContent?: boolean;
  /** HELLO's heartbeat_interval (default 45 s; tests shorten it to see heartbeats). */
  heartbeatIntervalMs?: number;
}

export interface FakeDiscord {
  world: DiscordWorld;
  token: string;
  /** What to give discord.js as `rest.api`. */
  restApi: string;
  /** Every gateway session so far, oldest first. */
  sessions: GatewaySession[];
  stop(): Promise<void>;
}

const DEFAULT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.FakeTk.Switchboard-discord-tests_0123456789";

/**
 * Starts a fake Discord REST API and gateway on a free loopback port.
 *
 * @example
 * const discord = await startFakeDiscord();
 * const client = new Client({ intents, rest: { api: discord.restApi } });
 * await client.login(discord.token);
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? DEFAULT_TOKEN;
  const world = new DiscordWorld(token, { messageContent: options.messageContent ?? true });
  const sessions: GatewaySession[] = [];
  let gatewayUrl = "";
  const server = Bun.serve<{ connection?: GatewayConnection }>({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request, srv) {
      const rest = await handleRest(world, request, gatewayUrl);
      if (rest) return rest;
      if (srv.upgrade(request, { data: {} })) return undefined;
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    },
    websocket: {
      open(ws) {
        ws.data.connection = new GatewayConnection(
          world,
          { send: (d) => ws.send(d), close: (code, reason) => ws.close(code, reason) },
          { url: gatewayUrl, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 45_000 },
        );
        sessions.push(ws.data.connection.session);
      },
      message(ws, message) {
        ws.data.connection?.receive(typeof message === "string" ? message : Buffer.from(message).toString());
      },
      close(ws) {
        ws.data.connection?.closed();
      },
    },
  });
  gatewayUrl = `ws://127.0.0.1:${server.port}`;
  world.baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    world,
    token,
    restApi: `http://127.0.0.1:${server.port}/api`,
    sessions,
    async stop() {
      await server.stop(true);
    },
  };
}
