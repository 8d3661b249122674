/**
 * The WhatsApp Web channel adapter of one inbox: a whatsapp-web.js client (from a factory, so tests
 * and the playground use an object that behaves like it), started in the background so a slow
 * Chromium never holds up Switchboard's start. It maps the client's events: `qr`, `authenticated`
 * and `ready` drive the admin page's panel; `message` becomes inbound messages; `message_ack` our
 * delivery statuses; `disconnected` a `channel.disconnected` event, then a fresh client (a new QR).
 * A failed launch (no network, no Chromium) becomes a health error with its fix, retried later.
 */
import { resolve } from "node:path";
import { type ChannelAdapter, type Emit, type InboxContext, normalisePhone } from "@switchboard/core";
import { Ack, type ClientFactory, type WaMessage, type WhatsAppClient } from "./client.ts";
import { Connection, REPORT_KEY, type Report } from "./connection.ts";
import { describeLaunchError, disconnectReason } from "./errors.ts";
import { healthOf, reportedHealth } from "./health.ts";
import { phoneOf, toInbound } from "./inbound.ts";
import { lockSession } from "./lock.ts";
import { WHATSAPP_TEXT_LIMIT, type WhatsAppWebOptions } from "./options.ts";
import { sendToWhatsApp } from "./outbound.ts";
import { Pacer } from "./pacer.ts";
import { whatsAppPanel } from "./panel.ts";

/** Delivery statuses by whatsapp-web.js ack (pending and "server" change nothing we show). */
const STATUS_BY_ACK = new Map<number, "delivered" | "read" | "failed">([
  [Ack.ERROR, "failed"],
  [Ack.DEVICE, "delivered"],
  [Ack.READ, "read"],
  [Ack.PLAYED, "read"],
]);

/**
 * Creates the adapter (nothing launches until `start`).
 *
 * @example
 * ctx.channel("whatsapp-web", { family: "messaging", options: whatsAppWebInboxOptions, create: (inbox) => createWhatsAppWebAdapter(inbox, realClients) });
 */
export function createWhatsAppWebAdapter(inbox: InboxContext<WhatsAppWebOptions>, clients: ClientFactory): ChannelAdapter {
  const { options, log, kv } = inbox;
  const sessionDir = resolve(options.session_dir);
  const retrySeconds = options.restart_after_seconds;
  const connection = new Connection(kv, log);
  const pacer = new Pacer({ perChatMs: options.min_interval_per_chat_seconds * 1000, overallMs: options.min_interval_seconds * 1000 });
  let client: WhatsAppClient | undefined;
  let emit: Emit | undefined;
  let started = false;
  let stopped = false;
  let restart: ReturnType<typeof setTimeout> | undefined;
  let release: (() => void) | undefined;
  let receiving: Promise<void> = Promise.resolve();

  async function receive(message: WaMessage): Promise<void> {
    const mapped = await toInbound(message, { client: client!, groups: options.groups, maxFileBytes: options.max_file_bytes });
    if ("ignored" in mapped) {
      log.debug({ id: message.id._serialized, reason: mapped.ignored }, "whatsapp message ignored");
      return;
    }
    const result = await emit!(mapped.message);
    if (result.status === "invalid") log.error({ id: message.id._serialized, reason: result.reason }, "whatsapp message refused by core");
  }

  async function acked(message: WaMessage, ack: number): Promise<void> {
    const status = STATUS_BY_ACK.get(ack);
    if (!message.fromMe || !status) return;
    await inbox.reportDelivery({
      externalId: message.id._serialized,
      status,
      ...(status === "failed" ? { error: "WhatsApp could not deliver the message (ack error); check the number and send again." } : {}),
    });
  }

  /** Detaches and closes a client that is done (Chromium exits); failures are logged. */
  async function retire(old: WhatsAppClient): Promise<void> {
    if (client === old) client = undefined;
    old.removeAllListeners();
    await old.destroy().catch((error: unknown) => log.warn({ error: String(error) }, "whatsapp client did not close cleanly"));
  }

  function scheduleRestart(): void {
    if (stopped) return;
    clearTimeout(restart);
    restart = setTimeout(launch, retrySeconds * 1000);
  }

  function launch(): void {
    if (stopped) return;
    const current = clients.create({
      inbox: inbox.name,
      sessionDir,
      executablePath: options.executable_path,
      chromiumArgs: options.chromium_args,
      authTimeoutMs: options.auth_timeout_seconds * 1000,
    });
    client = current;
    const mine =
      <A extends unknown[]>(fn: (...args: A) => unknown) =>
      (...args: A) => {
        if (client === current && !stopped)
          void Promise.resolve(fn(...args)).catch((error: unknown) =>
            log.error({ error: String(error) }, "whatsapp event handling failed"),
          );
      };
    connection.set({ state: "starting" });
    current.on(
      "qr",
      mine((qr: string) => connection.set({ state: "qr", qr })),
    );
    current.on(
      "authenticated",
      mine(() => connection.set({ state: "authenticated" })),
    );
    current.on(
      "auth_failure",
      mine(async (message: string) => {
        // whatsapp-web.js closes the client after this: start a fresh one, which shows a QR code.
        connection.set({
          state: "failed",
          error: `WhatsApp refused the saved session (${message}); scan the new QR code on /admin/inboxes.`,
        });
        await retire(current);
        scheduleRestart();
      }),
    );
    current.on(
      "ready",
      mine(() => {
        const wid = current.info?.wid;
        const phone = phoneOf(wid?._serialized) ?? normalisePhone(`+${wid?.user ?? ""}`) ?? wid?._serialized ?? "an unknown number";
        connection.set({ state: "ready", phone, ...(current.info?.pushname ? { name: current.info.pushname } : {}) });
        log.info({ phone }, "whatsapp web ready");
      }),
    );
    current.on(
      "message",
      mine((message: WaMessage) => {
        // One at a time, in WhatsApp's order; a failure is logged and the next goes on.
        receiving = receiving
          .then(() => receive(message))
          .catch((error: unknown) =>
            log.error({ id: message.id._serialized, error: String(error) }, "whatsapp message could not be stored"),
          );
        return receiving;
      }),
    );
    current.on(
      "message_ack",
      mine((message: WaMessage, ack: number) => acked(message, ack)),
    );
    current.on(
      "disconnected",
      mine(async (why: string) => {
        const reason = disconnectReason(String(why));
        log.warn({ reason: why }, "whatsapp web disconnected");
        connection.set({ state: "disconnected", reason });
        await retire(current);
        scheduleRestart();
        await inbox.disconnected(reason);
      }),
    );
    current.initialize().catch(async (error: unknown) => {
      if (client !== current || stopped) return;
      const described = describeLaunchError(error, {
        authTimeoutSeconds: options.auth_timeout_seconds,
        retrySeconds,
        executablePath: options.executable_path,
      });
      log.error({ error: described }, "whatsapp web failed to start");
      connection.set({ state: "failed", error: described });
      await retire(current);
      scheduleRestart();
    });
  }

  return {
    // A phone number is the same person in every inbox; verified phones join other channels' contacts.
    identityScope: "channel",
    limits: { maxTextLength: WHATSAPP_TEXT_LIMIT },
    statusPanel: whatsAppPanel(connection),
    // The paired browser session receives and sends: one process holds it.
    exclusive: "all",

    start(emitTo) {
      emit = emitTo;
      stopped = false;
      release = lockSession(sessionDir, inbox.name);
      started = true;
      launch(); // in the background: Chromium and WhatsApp Web take seconds to a minute
    },

    send: (target, message) =>
      sendToWhatsApp(
        {
          ready: () =>
            connection.current.state === "ready" && client
              ? { client }
              : { problem: `WhatsApp Web is not connected: ${healthOf(connection.current).message ?? connection.current.state}` },
          media: clients.media,
          pacer,
        },
        target,
        message,
      ),

    async health() {
      if (started) return healthOf(connection.current);
      return reportedHealth(await kv.get<Report>(REPORT_KEY));
    },

    async stop() {
      stopped = true;
      clearTimeout(restart);
      if (client) await retire(client);
      await receiving;
      if (started) {
        connection.set({ state: "stopped" });
        await connection.flushed();
      }
      release?.();
      release = undefined;
    },
  };
}
