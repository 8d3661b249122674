/**
 * The assembly: builds a running Switchboard from a loaded config. Opens and migrates the store,
 * loads and starts the plugins, brings the inboxes up, wires the pipelines, workers, webhooks and
 * HTTP routes, and stops it all in reverse order.
 */
import type { Hono } from "hono";
import { setupAutomations } from "./automations/index.ts";
import { trackCases } from "./cases/tracker.ts";
import { type Clock, systemClock } from "./clock.ts";
import { type Cluster, createCluster } from "./cluster/index.ts";
import type { LoadedConfig } from "./config/schema.ts";
import { rescopeIdentities } from "./contacts/identity-rescope.ts";
import { verificationAnswers } from "./contacts/verify-identity.ts";
import { setupReplyWindowReminders } from "./conversations/reply-window-reminder.ts";
import { setupSendLater } from "./conversations/send-later.ts";
import { defineSnoozeWakeUp } from "./conversations/update.ts";
import { describeError, ErrorCodes, SwitchboardError } from "./errors/index.ts";
import { EventBus } from "./events/bus.ts";
import { scheduleEventPruning } from "./events/prune.ts";
import { createApi } from "./http/api/index.ts";
import { createHttpApp } from "./http/app.ts";
import { createMetrics } from "./http/metrics.ts";
import { createInbox } from "./inbox/index.ts";
import { JobQueue } from "./jobs/queue.ts";
import { createLogger, type Logger } from "./log/index.ts";
import { DeliveryWorker } from "./pipeline/delivery.ts";
import { InboundPipeline } from "./pipeline/inbound.ts";
import { InboxRuntime } from "./pipeline/inboxes.ts";
import { OutboundPipeline } from "./pipeline/outbound.ts";
import { recordDeliveryReport } from "./pipeline/receipts.ts";
import { reportCustomerTyping } from "./pipeline/typing.ts";
import { Assistants } from "./plugins/assistants.ts";
import { createKeyValueStore } from "./plugins/kv.ts";
import { resolvePlugins, startPlugins } from "./plugins/loader.ts";
import { PluginRegistry } from "./plugins/registry.ts";
import type { DeliveryReport, Emit, InboundMessage, InboxInfo, IngestResult } from "./plugins/types.ts";
import { startReports } from "./reports/subscriber.ts";
import { createAgentDirectory, setupRouting } from "./routing/index.ts";
import type { Services } from "./services.ts";
import { setupSla } from "./sla/index.ts";
import { openStore, type Store } from "./store/index.ts";
import { startSearchIndexing } from "./store/search-index.ts";
import { VERSION } from "./version.ts";
import { setupOutgoingWebhooks } from "./webhooks/outgoing.ts";

export { VERSION } from "./version.ts";

export interface SwitchboardOptions {
  /** Use this store instead of opening `store.url` (the test harness passes a temp file). */
  store?: Store;
  clock?: Clock;
  log?: Logger;
  /** Poll intervals of the background workers (tests shorten them). */
  pollMs?: { jobs?: number; delivery?: number };
  /** Run the job and delivery workers in the background on start (default true). The harness drives them by hand. */
  backgroundWorkers?: boolean;
  /** Log event-loop stalls (default true); a one-shot CLI command turns it off, its output is its answer. */
  logStalls?: boolean;
  /** Use this cluster instead of the one `[cluster]` describes. */
  cluster?: Cluster;
}

/** A running Switchboard: its services (services.ts), the HTTP app, and its life cycle. */
export interface Switchboard extends Services {
  app: Hono;
  /** Runs a message into an inbox, as its adapter's `emit` would. */
  ingest(inbox: string, message: InboundMessage): Promise<IngestResult>;
  /** Re-scopes identities stored before their channel declared its scope, then starts the inboxes' receiving side and the background workers. */
  start(): Promise<void>;
  /** Stops everything in reverse order and closes the store. */
  stop(): Promise<void>;
}

/**
 * Builds a Switchboard. Throws a ConfigError for a broken config (before anything starts);
 * a plugin or inbox that fails to start is disabled and reported instead.
 *
 * @example
 * const switchboard = await createSwitchboard(await loadConfig("config/switchboard.toml"));
 * await switchboard.start();
 * Bun.serve({ port: 3000, fetch: switchboard.app.fetch });
 */
export async function createSwitchboard(loaded: LoadedConfig, options: SwitchboardOptions = {}): Promise<Switchboard> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock;
  const plugins = await resolvePlugins(loaded);
  const store =
    options.store ??
    (await openStore({ url: loaded.config.store.url, authToken: loaded.config.store.auth_token, baseDir: loaded.baseDir }));
  await store.migrate();

  const bus = new EventBus(log, clock, store);
  const cluster = options.cluster ?? (await createCluster(loaded.config.cluster, log));
  bus.attach(cluster);
  const jobs = new JobQueue(store, clock, log, { pollMs: options.pollMs?.jobs });
  const registry = new PluginRegistry();
  const metrics = createMetrics({ bus, store, cluster, clock, log: options.logStalls === false ? undefined : log });
  const app = createHttpApp({ log, store, metrics, cluster, version: VERSION });
  const mount = (path: string, sub: Hono) => app.route(path, sub);
  const publicUrl = loaded.config.server.public_url ?? `http://localhost:${loaded.config.server.port}`;

  let outboundReady: OutboundPipeline | undefined;
  const actions = () => {
    if (!outboundReady)
      throw new SwitchboardError(
        ErrorCodes.PLUGIN_SETUP_FAILED,
        "ctx.conversations is usable once Switchboard has started, not during setup.",
      );
    return { store, clock, bus, jobs, outbound: outboundReady, inboxes, loaded, log };
  };
  const agents = createAgentDirectory({ store, clock, routing: loaded.config.routing });
  await startPlugins({ store, clock, log, bus, jobs, registry, actions, agents, cluster }, plugins, mount);
  // Every name a customer may use for a channel here, listed once per config (read for every message).
  let channelNames: { config: LoadedConfig["config"]; names: string[] } | undefined;
  const channelNamesOf = (config: LoadedConfig["config"]) => {
    if (channelNames?.config !== config)
      channelNames = {
        config,
        names: [
          ...Object.entries(config.inboxes).flatMap(([name, entry]) => [name, entry.display_name ?? ""]),
          ...registry.channels.keys(),
        ],
      };
    return channelNames.names;
  };
  const inbound = new InboundPipeline({
    store,
    clock,
    log,
    bus,
    registry,
    identity: loaded.config.identity,
    enrichment: loaded.config.enrichment,
    inboxNames: (name) => loaded.config.inboxes[name]?.display_name,
    channelNames: () => channelNamesOf(loaded.config),
  });
  const inboxes = new InboxRuntime(log);
  const emitFor =
    (inbox: InboxInfo): Emit =>
    (message) =>
      inbound.ingest(inbox, message);
  const reportFor = (inbox: string) => (report: DeliveryReport) => recordDeliveryReport({ store, clock, bus }, inbox, report);
  const kvFor = (inbox: string) => createKeyValueStore(store, clock, `inbox:${inbox}`);
  const typingFor = (inbox: InboxInfo) => (who: { contactExternalId: string; threadKey?: string }) =>
    reportCustomerTyping({ store, bus }, inbox, who);
  const disconnectedFor = (inbox: InboxInfo) => async (reason: string) => {
    await bus.publish("channel.disconnected", { inbox: inbox.name, channel: inbox.channel, reason });
  };
  await inboxes.init(loaded, registry, { publicUrl, emitFor, reportFor, kvFor, typingFor, disconnectedFor, mount });
  const delivery = new DeliveryWorker({ store, clock, log, bus, inboxes, pollMs: options.pollMs?.delivery });
  // A queued reply wakes this process's delivery worker, and the others' (its inbox may be held elsewhere).
  const DELIVERY_TOPIC = "delivery";
  cluster.listen(DELIVERY_TOPIC, () => delivery.kick());
  const outbound = new OutboundPipeline({
    store,
    clock,
    bus,
    inboxes,
    onQueued: () => {
      delivery.kick();
      cluster.broadcast(DELIVERY_TOPIC, "", { here: false });
    },
  });
  outboundReady = outbound;
  setupOutgoingWebhooks({ webhooks: loaded.config.webhooks, bus, jobs, store, clock, log, observe: metrics.webhookAttempt });

  const assistants = new Assistants(registry, log);
  assistants.onUsage(metrics.assistantUsage);

  const stopHooks: (() => Promise<void> | void)[] = [];
  let stopping: Promise<void> | undefined;
  let stopSearchIndexing: (() => Promise<void>) | undefined;
  const stopAll = async () => {
    for (const fn of [...stopHooks].reverse()) await fn();
    await stopSearchIndexing?.();
    await inboxes.stop();
    for (const hook of [...registry.stopHooks].reverse()) {
      try {
        await hook.fn();
      } catch (error) {
        log.error({ plugin: hook.plugin, error: describeError(error) }, "plugin stop hook failed");
      }
    }
    await delivery.stop();
    await jobs.stop();
    bus.stop();
    metrics.stop();
    await inbound.idle();
    await bus.idle();
    await cluster.stop();
    store.close();
  };

  const switchboard: Switchboard = {
    loaded,
    store,
    clock,
    log,
    bus,
    cluster,
    jobs,
    registry,
    inboxes,
    inbound,
    outbound,
    delivery,
    assistants,
    app,
    async ingest(name, message) {
      const inbox = inboxes.get(name);
      if (!inbox)
        throw new SwitchboardError(
          ErrorCodes.NOT_FOUND,
          `There is no inbox "${name}". Inboxes: ${inboxes.names().join(", ") || "(none)"}.`,
        );
      return inbound.ingest(inbox, message);
    },
    async start() {
      await rescopeIdentities({ store, log }, inboxes.list());
      await scheduleEventPruning(switchboard);
      // With other processes, the durable subscribers run where the "events" lease is.
      // (cluster.stop() gives the lease up, after the bus is idle.)
      if (cluster.shared) cluster.hold("events", { acquired: () => bus.setDurable(true), lost: () => bus.setDurable(false) });
      // Durable subscribers first catch up with what was logged before a crash or stop.
      if (options.backgroundWorkers === false) bus.catchUp();
      else bus.start();
      await inboxes.start(emitFor, cluster);
      if (options.backgroundWorkers === false) return;
      jobs.start();
      delivery.start();
      stopSearchIndexing = startSearchIndexing({ store, bus, log });
    },
    onStop(fn) {
      stopHooks.push(fn);
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
  defineSnoozeWakeUp(switchboard);
  setupSendLater(switchboard);
  setupReplyWindowReminders(switchboard);
  const routing = setupRouting(switchboard, agents);
  const sla = setupSla(switchboard);
  trackCases(switchboard);
  switchboard.inbound.take(verificationAnswers(switchboard));
  setupAutomations(switchboard, { routing, sla });
  startReports(switchboard);
  app.route("/api", createApi(switchboard));
  app.route("/", await createInbox(switchboard));
  return switchboard;
}
