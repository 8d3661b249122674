/**
 * The playground's assembly, usable from the command (start.ts), tests and benchmarks: starts the
 * fake Telegram and Discord servers (and WhatsApp Web's Client-like fake, whatsapp-web-driver.ts),
 * writes a config with its inboxes (the API channel, Telegram and Discord pointed at the fakes
 * through `api_root`, the other channels at theirs, and the website chat), starts Switchboard
 * on it, creates an admin, serves a demo shop page with the chat widget, and starts the customer
 * simulator. Everything listens on loopback; nothing leaves the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "smol-toml";
import { createAgent } from "../../core/src/auth/agents.ts";
import { loadConfig } from "../../core/src/config/load.ts";
import { createLogger } from "../../core/src/log/index.ts";
import { createSwitchboard, type Switchboard } from "../../core/src/switchboard.ts";
import { type FakeDiscord, startFakeDiscord } from "../../plugins/channel-discord/test-support/fake/index.ts";
import { freePort } from "../../plugins/channel-email/test-support/net.ts";
import { type CaptureSmtp, startCaptureSmtp } from "../../plugins/channel-email/test-support/smtp-capture.ts";
import { type FakeMeta, startFakeMeta } from "../../plugins/channel-meta/test-support/fake-meta.ts";
import { type FakeTelegram, startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";
import {
  type FakeWhatsApp as FakeWhatsAppCloud,
  PHONE_NUMBER_ID,
  startFakeWhatsApp,
} from "../../plugins/channel-whatsapp-cloud/test-support/fake.ts";
import { startAutoAgent } from "./auto-agent.ts";
import { apiDriver, discordDriver, telegramDriver, webchatDriver } from "./channels.ts";
import { emailDriver } from "./email-driver.ts";
import { metaDriver } from "./meta-driver.ts";
import { type ChannelDriver, Simulator, type SimulatorOptions } from "./simulator.ts";
import { STORIES } from "./stories.ts";
import { whatsAppCloudDriver } from "./whatsapp-cloud-driver.ts";
import { WHATSAPP_WEB_FAKE_PLUGIN, whatsAppWebDriver } from "./whatsapp-web-driver.ts";

const plugin = (path: string) => fileURLToPath(new URL(`../../plugins/${path}`, import.meta.url));
const API_SECRET = "playground-shop-secret-0123456789";
const WEBCHAT_SECRET = "playground-webchat-secret-0123456789";
const FB_PAGE = "104000000000777";
const IG_ACCOUNT = "17841400000000777";
const SUPPORT_ADDRESS = "support@acme.test";

export interface PlaygroundOptions {
  /** Switchboard's port (default 3000; 0 picks a free one). */
  port?: number;
  /** Keep the database and config here (default: a temp folder, deleted on stop). */
  dataDir?: string;
  /** Include the website chat (default true; it is left out, with the reason, if its plugin does not start). */
  webchat?: boolean;
  /** Options of the customer simulator, or false for none. */
  simulator?: Partial<Omit<SimulatorOptions, "drivers">> | false;
  /** Answer customers automatically after `delayMs` (off by default: you are the agent). */
  autoAgent?: { delayMs: number } | false;
  /** Switchboard's log level (default "warn", so the console shows the simulator). */
  logLevel?: string;
}

export interface Playground {
  /** The inbox: open it and sign in with `admin`. */
  url: string;
  admin: { email: string; password: string };
  /** A demo shop page with the chat widget (when the webchat runs). */
  shopUrl: string | undefined;
  /** Why the webchat is not there, when it is not. */
  webchatMissing: string | undefined;
  channels: string[];
  /** How customers reach each inbox (the simulator's drivers; build your own Simulator on them with `simulator: false`). */
  drivers: ChannelDriver[];
  switchboard: Switchboard;
  simulator: Simulator | undefined;
  telegram: FakeTelegram;
  discord: FakeDiscord;
  /** The fake Messenger Platform behind the Messenger and Instagram inboxes. */
  meta: FakeMeta;
  /** The fake WhatsApp Cloud API behind the "whatsapp" inbox. */
  whatsappCloud: FakeWhatsAppCloud;
  /** The SMTP relay the email inbox sends replies through. */
  relay: CaptureSmtp;
  dataDir: string;
  configFile: string;
  stop(): Promise<void>;
}

/** A tiny shop page that embeds the chat widget, as a customer's site would. */
function shopPage(switchboardUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Shop (playground)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>Acme Shop</h1><p>This is a pretend shop. Open the chat in the corner and write: your message appears in the Switchboard inbox, and the agent's answer comes back here.</p>
<script src="${switchboardUrl}/plugins/webchat/widget.js" data-inbox="site" async></script></body></html>`;
}

async function listen(switchboard: Switchboard, port: number): Promise<ReturnType<typeof Bun.serve>> {
  try {
    return Bun.serve({ hostname: "127.0.0.1", port, fetch: switchboard.app.fetch, idleTimeout: 0, development: false });
  } catch (error) {
    if (port === 0) throw error;
    // The port is taken (another Switchboard?): take any free one rather than fail.
    return Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: switchboard.app.fetch, idleTimeout: 0, development: false });
  }
}

/**
 * Starts the playground. Always `await playground.stop()` when done.
 *
 * @example
 * const playground = await startPlayground({ port: 0 });
 * console.log(playground.url, playground.admin);
 * await playground.stop();
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "switchboard-playground-"));
  const telegram = await startFakeTelegram();
  const discord = await startFakeDiscord();
  const guild = discord.world.guild("Acme community");
  const meta = await startFakeMeta();
  const whatsappCloud = await startFakeWhatsApp();
  const relay = await startCaptureSmtp();
  const smtpPort = await freePort();
  const metaOptions = (account: string) => ({
    account_id: account,
    access_token: meta.graph.accessToken,
    app_secret: meta.graph.appSecret,
    verify_token: "playground-verify-token",
    graph_url: meta.graph.url,
  });
  const api = apiDriver({ secret: API_SECRET, inbox: "shop" });
  const whatsappWeb = whatsAppWebDriver("whatsapp-web");
  const shop = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(shopPage(switchboardUrl), { headers: { "Content-Type": "text/html; charset=utf-8" } }),
  });
  const shopOrigin = `http://127.0.0.1:${shop.port}`;
  let switchboardUrl = "";

  const config = (webchat: boolean) => ({
    store: { url: "file:switchboard.db" },
    plugins: {
      api: { package: plugin("channel-api/src/index.ts") },
      telegram: { package: plugin("channel-telegram/src/index.ts") },
      discord: { package: plugin("channel-discord/src/index.ts") },
      meta: { package: plugin("channel-meta/src/index.ts") },
      "whatsapp-cloud": { package: plugin("channel-whatsapp-cloud/src/index.ts") },
      email: { package: plugin("channel-email/src/index.ts") },
      "whatsapp-web": { package: WHATSAPP_WEB_FAKE_PLUGIN },
      ...(webchat ? { webchat: { package: plugin("channel-webchat/src/index.ts") } } : {}),
    },
    inboxes: {
      shop: { plugin: "api", display_name: "Shop (API)", options: { secret: API_SECRET, webhook_url: api.webhookUrl } },
      telegram: {
        plugin: "telegram",
        display_name: "Telegram",
        options: { token: telegram.token, api_root: telegram.apiRoot, poll_timeout_seconds: 10 },
      },
      discord: {
        plugin: "discord",
        display_name: "Discord",
        options: { token: discord.token, api_root: discord.restApi, support_channels: [guild.text.id, guild.forum.id] },
      },
      facebook: { plugin: "meta", channel: "messenger", display_name: "Messenger", options: metaOptions(FB_PAGE) },
      instagram: {
        plugin: "meta",
        channel: "instagram",
        display_name: "Instagram",
        tone: "casual, emojis fine, concise",
        options: metaOptions(IG_ACCOUNT),
      },
      email: {
        plugin: "email",
        display_name: "Email",
        options: {
          address: SUPPORT_ADDRESS,
          name: "Acme Support",
          inbound_smtp: { host: "127.0.0.1", port: smtpPort, accept: [SUPPORT_ADDRESS] },
          smtp: { host: "127.0.0.1", port: relay.port, security: "none" },
        },
      },
      whatsapp: {
        plugin: "whatsapp-cloud",
        display_name: "WhatsApp (Cloud API)",
        options: {
          phone_number_id: PHONE_NUMBER_ID,
          access_token: whatsappCloud.graph.accessToken,
          app_secret: whatsappCloud.graph.appSecret,
          verify_token: "playground-verify-token",
          graph_url: whatsappCloud.graph.url,
        },
      },
      "whatsapp-web": {
        plugin: "whatsapp-web",
        display_name: "WhatsApp (Web)",
        options: { session_dir: join(dataDir, "whatsapp-web"), min_interval_per_chat_seconds: 0.2, min_interval_seconds: 0.05 },
      },
      ...(webchat
        ? {
            site: {
              plugin: "webchat",
              display_name: "Website chat",
              options: { secret: WEBCHAT_SECRET, allowed_origins: [shopOrigin], title: "Acme support" },
            },
          }
        : {}),
    },
  });
  const configFile = join(dataDir, "switchboard.toml");
  const log = createLogger({ level: options.logLevel ?? "warn" });
  const build = async (webchat: boolean) => {
    writeFileSync(
      configFile,
      `# Written by the playground (examples/playground); see config/switchboard.sample.toml for every key.\n${stringify(config(webchat))}`,
    );
    return createSwitchboard(await loadConfig(configFile, {}), { log });
  };

  let webchatMissing: string | undefined;
  let switchboard: Switchboard;
  const wantWebchat = options.webchat ?? true;
  try {
    switchboard = await build(wantWebchat);
  } catch (error) {
    if (!wantWebchat) throw error;
    webchatMissing = `the webchat plugin could not be loaded: ${(error as Error).message}`;
    switchboard = await build(false);
  }
  const webchatState = switchboard.registry.plugins.find((p) => p.alias === "webchat");
  if (wantWebchat && !webchatMissing && webchatState?.state !== "started")
    webchatMissing = `the webchat plugin did not start: ${webchatState?.error?.message ?? webchatState?.state ?? "not loaded"}`;
  if (!wantWebchat) webchatMissing = "left out (webchat: false)";

  const server = await listen(switchboard, options.port ?? 3000);
  switchboardUrl = `http://127.0.0.1:${server.port}`;
  api.connect(switchboardUrl);
  const { agent, password } = await createAgent(switchboard.store, {
    email: "admin@playground.local",
    name: "Playground Admin",
    role: "admin",
  });
  await switchboard.start();
  const stopAutoAgent = options.autoAgent ? await startAutoAgent(switchboard, options.autoAgent) : undefined;

  const drivers: ChannelDriver[] = [
    api,
    telegramDriver(telegram),
    discordDriver(discord),
    metaDriver(meta, { kind: "messenger", account: FB_PAGE, webhookUrl: () => `${switchboardUrl}/webhooks/facebook` }),
    metaDriver(meta, { kind: "instagram", account: IG_ACCOUNT, webhookUrl: () => `${switchboardUrl}/webhooks/instagram` }),
    emailDriver({ relay, smtpPort, address: SUPPORT_ADDRESS }),
    whatsAppCloudDriver(whatsappCloud, () => `${switchboardUrl}/webhooks/whatsapp`),
    whatsappWeb,
  ];
  if (!webchatMissing) drivers.push(webchatDriver({ baseUrl: switchboardUrl, inbox: "site", origin: shopOrigin }));
  const simulator = options.simulator === false ? undefined : new Simulator({ drivers, ...options.simulator });
  simulator?.start();
  // One customer who starts on Instagram and continues by email (the seed's own example).
  const instagramThenEmail = ["instagram", "email"].map((name) => drivers.find((d) => d.name === name)!);
  void simulator?.customer(simulator.people.at(-1), STORIES[1], instagramThenEmail);

  let stopping: Promise<void> | undefined;
  return {
    url: `http://localhost:${server.port}`,
    admin: { email: agent.email, password },
    shopUrl: webchatMissing ? undefined : `http://localhost:${shop.port}`,
    webchatMissing,
    channels: drivers.map((d) => d.label),
    drivers,
    switchboard,
    simulator,
    telegram,
    discord,
    meta,
    whatsappCloud,
    relay,
    dataDir,
    configFile,
    stop() {
      stopping ??= (async () => {
        await simulator?.stop();
        if (!simulator) await Promise.allSettled(drivers.map((d) => d.stop()));
        stopAutoAgent?.();
        await server.stop(true);
        await switchboard.stop();
        await shop.stop(true);
        await telegram.stop();
        await discord.stop();
        await meta.stop();
        await whatsappCloud.stop();
        await relay.close();
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
