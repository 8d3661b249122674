/**
 * The Discord channel adapter of one inbox: a discord.js client on the gateway for inbound
 * messages (in order, one at a time, after catching up on what was written while it was away),
 * a REST client for replies and health, and the gateway's state for health: a 4014 close
 * ("Disallowed intent(s)") becomes a health error that says how to turn on the Message Content
 * intent.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type ChannelAdapter, type ChannelHealth, type Emit, ErrorCodes, type InboxContext, SwitchboardError } from "@switchboard/core";
import {
  ApplicationFlags,
  Client,
  DiscordAPIError,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  type Message,
  Partials,
  REST,
  Routes,
  type ThreadChannel,
} from "discord.js";
import { fetchMissed, rememberStored } from "./catchup.ts";
import { MESSAGE_CONTENT_FIX } from "./errors.ts";
import { toInbound } from "./inbound.ts";
import { DISCORD_TEXT_LIMIT, type DiscordOptions, MAX_SPLIT_PARTS } from "./options.ts";
import { sendToDiscord } from "./outbound.ts";

/** The gateway intents this channel needs; MessageContent is privileged and must be enabled in the Developer Portal. */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.MessageContent,
];

const MISSING_INTENT = `Discord refused the Message Content intent (gateway close 4014 "Disallowed intent(s)"), so the bot cannot read messages. ${MESSAGE_CONTENT_FIX}`;
const CONTENT_FLAGS = ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;
const READY_TIMEOUT_MS = 12_000;
const EMIT_ATTEMPTS = 5;

/**
 * Creates the adapter (nothing connects until `start`).
 *
 * @example
 * ctx.channel("discord", { family: "messaging", options: discordInboxOptions, create: createDiscordAdapter });
 */
export function createDiscordAdapter(inbox: InboxContext<DiscordOptions>): ChannelAdapter {
  const { options, log, kv } = inbox;
  const rest = new REST({ api: options.api_root, rejectOnRateLimit: () => true }).setToken(options.token);
  const deps = {
    supportChannels: new Set(options.support_channels),
    dms: options.dms,
    attachments: { download: options.download_attachments, maxBytes: options.max_file_bytes },
  };
  let client: Client | undefined;
  let gatewayProblem: string | undefined;
  let inbound: Promise<void> = Promise.resolve();

  /** Maps and stores one message, retrying a failed store a few times (the gateway never sends it again). */
  async function ingest(message: Message, edited: boolean, emit: Emit): Promise<void> {
    const mapped = await toInbound(message, deps, edited);
    if ("ignored" in mapped) {
      log.debug({ messageId: message.id, reason: mapped.ignored }, "discord message ignored");
      return;
    }
    if (mapped.skipped.length) log.warn({ messageId: message.id, skipped: mapped.skipped }, "discord attachments kept as links only");
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await emit(mapped.message);
        if (result.status === "invalid") {
          log.error(
            { messageId: message.id, channelId: message.channelId, reason: result.reason },
            "discord message refused by core; skipping it",
          );
          return;
        }
        log.debug({ messageId: message.id, status: result.status }, "discord message stored");
        if (!edited) await rememberStored(kv, message);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= EMIT_ATTEMPTS) {
          log.error(
            { messageId: message.id, channelId: message.channelId, attempt, error: reason },
            `discord message could not be stored after ${EMIT_ATTEMPTS} attempts; skipping it`,
          );
          return;
        }
        log.warn({ messageId: message.id, attempt, error: reason }, "storing a discord message failed; retrying");
        await sleep(250 * 2 ** attempt);
      }
    }
  }

  /** Runs inbound work in order; a failed step is logged and never stalls the ones after it. */
  const serially = (step: () => Promise<void>, what: string) => {
    inbound = inbound
      .then(step)
      .catch((error: unknown) => log.error({ error: error instanceof Error ? error.message : String(error) }, `discord: ${what} failed`));
  };
  const enqueue = (message: Message, edited: boolean, emit: Emit) =>
    serially(() => ingest(message, edited, emit), `handling message ${message.id}`);

  async function joinSupportThread(thread: ThreadChannel): Promise<void> {
    if (!thread.parentId || !deps.supportChannels.has(thread.parentId)) return;
    try {
      await rest.put(Routes.threadMembers(thread.id, "@me"));
    } catch (error) {
      log.warn(
        { threadId: thread.id, error: error instanceof Error ? error.message : String(error) },
        "could not join a support thread; give the bot Send Messages in Threads there",
      );
    }
  }

  function watch(c: Client, emit: Emit): void {
    c.on(Events.MessageCreate, (message) => enqueue(message, false, emit));
    c.on(Events.MessageUpdate, (before, after) => {
      if (!after.partial && before.content !== after.content) enqueue(after, true, emit);
    });
    c.on(Events.ThreadCreate, (thread) => void joinSupportThread(thread));
    c.on(Events.ShardReady, () => {
      gatewayProblem = undefined;
    });
    c.on(Events.ShardDisconnect, (event) => {
      gatewayProblem =
        event.code === GatewayCloseCodes.DisallowedIntents
          ? MISSING_INTENT
          : `The Discord gateway closed the connection for good (code ${event.code}); restart the inbox after fixing the cause.`;
      log.error({ code: event.code }, "discord gateway disconnected and will not reconnect");
    });
    c.on(Events.ShardError, (error) => log.warn({ error: error.message }, "discord gateway connection error; reconnecting"));
    c.on(Events.Error, (error) => log.error({ error: error.message }, "discord client error"));
  }

  return {
    // A Discord user id is the same person in every bot's inbox.
    identityScope: "channel",
    // One gateway session per process that holds the inbox; replies go through the REST API from any process.
    exclusive: "receive",
    limits: { maxTextLength: options.long_text === "split" ? DISCORD_TEXT_LIMIT * MAX_SPLIT_PARTS : DISCORD_TEXT_LIMIT },

    async start(emit, signal) {
      const c = new Client({ intents: INTENTS, partials: [Partials.Channel], rest: { api: options.api_root } });
      client = c;
      watch(c, emit);
      const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no READY within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        c.once(Events.ClientReady, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      try {
        await c.login(options.token);
        await ready;
      } catch (error) {
        gatewayProblem = /disallowed intents/i.test(String(error))
          ? MISSING_INTENT
          : `Could not connect to the Discord gateway: ${error instanceof Error ? error.message : String(error)}`;
        await c.destroy();
        throw new SwitchboardError(ErrorCodes.CHANNEL_UNAVAILABLE, `Discord inbox "${inbox.name}": ${gatewayProblem}`);
      }
      signal.addEventListener("abort", () => void c.destroy(), { once: true });
      // Live messages arriving meanwhile wait behind the ones written while the bot was away.
      serially(async () => {
        for (const missed of await fetchMissed(c, kv, log)) await ingest(missed, false, emit);
      }, "catching up");
      log.info({ bot: c.user?.username, guilds: c.guilds.cache.size }, "discord bot connected");
    },

    send: (target, message) => sendToDiscord({ rest, kv, options }, target, message),

    async health(): Promise<ChannelHealth> {
      if (gatewayProblem) return { ok: false, message: gatewayProblem };
      let application: { flags?: number };
      try {
        application = (await rest.get(Routes.currentApplication(), { signal: AbortSignal.timeout(8000) })) as { flags?: number };
      } catch (error) {
        const refused = error instanceof DiscordAPIError && error.status === 401;
        return {
          ok: false,
          message: refused
            ? "Discord refused the bot token: check options.token (Developer Portal → Bot → Reset Token)."
            : `Could not reach the Discord API: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      if (((application.flags ?? 0) & CONTENT_FLAGS) === 0)
        return {
          ok: false,
          message: `The Discord application does not have the Message Content intent, so the bot cannot read messages. ${MESSAGE_CONTENT_FIX}`,
        };
      if (client && !client.isReady()) return { ok: false, message: "Not connected to the Discord gateway right now (reconnecting)." };
      return { ok: true };
    },

    async stop() {
      await client?.destroy();
      await inbound;
    },
  };
}
