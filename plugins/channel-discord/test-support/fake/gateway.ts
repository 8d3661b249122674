/**
 * The fake Discord gateway (v10, JSON, uncompressed) for one WebSocket session: HELLO on open,
 * heartbeat ACKs, IDENTIFY checked (token → 4004, a privileged intent the application lacks → 4014
 * "Disallowed intent(s)"), then READY with every guild unavailable and a GUILD_CREATE for each, as
 * Discord does. Dispatches go out only for the intents the session asked for. RESUME is answered
 * with INVALID_SESSION, so a client identifies again.
 */
import { ApplicationFlags, GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from "discord-api-types/v10";
import type { DiscordWorld, Dispatch } from "./world.ts";

export interface GatewaySocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** What a test can see of a session: what it identified with, how many heartbeats were answered. */
export interface GatewaySession {
  identify: { token: string; intents: number; properties: Record<string, string> } | undefined;
  heartbeats: number;
  closedWith: number | undefined;
}

const INTENT_OF: Record<string, number> = {
  GUILD_CREATE: GatewayIntentBits.Guilds,
  THREAD_CREATE: GatewayIntentBits.Guilds,
  CHANNEL_CREATE: GatewayIntentBits.Guilds,
};

function intentFor(dispatch: Dispatch): number {
  if (dispatch.t.startsWith("MESSAGE_"))
    return (dispatch.d as { guild_id?: string }).guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
  return INTENT_OF[dispatch.t] ?? 0;
}

const PRIVILEGED = [
  { bit: GatewayIntentBits.MessageContent, flags: ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited },
  { bit: GatewayIntentBits.GuildMembers, flags: ApplicationFlags.GatewayGuildMembers | ApplicationFlags.GatewayGuildMembersLimited },
  { bit: GatewayIntentBits.GuildPresences, flags: ApplicationFlags.GatewayPresence | ApplicationFlags.GatewayPresenceLimited },
];

export class GatewayConnection {
  readonly session: GatewaySession = { identify: undefined, heartbeats: 0, closedWith: undefined };
  readonly #world: DiscordWorld;
  readonly #socket: GatewaySocket;
  readonly #url: string;
  #seq = 0;
  #ready = false;
  #unsubscribe: (() => void) | undefined;

  constructor(world: DiscordWorld, socket: GatewaySocket, options: { url: string; heartbeatIntervalMs: number }) {
    this.#world = world;
    this.#socket = socket;
    this.#url = options.url;
    this.#send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: options.heartbeatIntervalMs }, s: null, t: null });
  }

  receive(raw: string): void {
    const payload = JSON.parse(raw) as { op: number; d: unknown };
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.session.heartbeats++;
        this.#send({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.#identify(payload.d as NonNullable<GatewaySession["identify"]>);
        return;
      case GatewayOpcodes.Resume:
        this.#send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
        return;
      default:
        return;
    }
  }

  closed(): void {
    this.#unsubscribe?.();
  }

  #identify(identify: NonNullable<GatewaySession["identify"]>): void {
    this.session.identify = identify;
    if (identify.token !== this.#world.token) {
      this.#close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
      return;
    }
    const disallowed = PRIVILEGED.some((p) => (identify.intents & p.bit) !== 0 && (this.#world.applicationFlags & p.flags) === 0);
    if (disallowed) {
      this.#close(GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    const guilds = [...this.#world.guilds.values()];
    this.#dispatch(
      {
        t: "READY",
        d: {
          v: 10,
          user: this.#world.bot,
          guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
          session_id: `session-${this.#world.snowflake()}`,
          resume_gateway_url: this.#url,
          shard: [0, 1],
          application: { id: this.#world.applicationId, flags: this.#world.applicationFlags },
          private_channels: [],
          relationships: [],
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          user_settings: {},
        },
      },
      true,
    );
    this.#ready = true;
    for (const guild of guilds) this.#dispatch({ t: "GUILD_CREATE", d: this.#world.guildPayload(guild) });
    this.#unsubscribe = this.#world.onDispatch((dispatch) => this.#dispatch(dispatch));
  }

  #dispatch(dispatch: Dispatch, always = false): void {
    if (!always && !this.#ready) return;
    const needed = intentFor(dispatch);
    if (needed !== 0 && (this.session.identify!.intents & needed) === 0) return;
    this.#send({ op: GatewayOpcodes.Dispatch, t: dispatch.t, s: ++this.#seq, d: dispatch.d });
  }

  #close(code: number, reason: string): void {
    this.session.closedWith = code;
    this.#socket.close(code, reason);
  }

  #send(payload: unknown): void {
    this.#socket.send(JSON.stringify(payload));
  }
}
