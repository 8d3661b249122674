/**
 * The inboxes of the config, alive: for each `[inboxes.<name>]`, the channel its plugin registered,
 * its options checked by that channel's schema, its adapter created, its webhook routes mounted at
 * `/webhooks/<name>`, and its receiving side started. An adapter that fails is reported on the
 * inbox and the others go on. The adapter's `identityScope` is copied onto the inbox ("inbox" when
 * it declares none), where the pipeline reads it. An exclusive adapter (`exclusive`) runs, when
 * processes share the work, only in the process holding its lease "inbox:<name>"; the others keep
 * it on "standby" and take over when the holder goes.
 */
import { Hono } from "hono";
import type { Cluster, LeaseHolder } from "../cluster/index.ts";
import { configErrorFromZod, throwCollected } from "../config/errors.ts";
import type { LoadedConfig } from "../config/schema.ts";
import { ConfigError, describeError, ErrorCodes } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { withTimeout } from "../plugins/hooks.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { ChannelAdapter, ChannelHealth, Emit, InboxContext, InboxInfo, KeyValueStore } from "../plugins/types.ts";

export interface InboxHandle extends InboxInfo {
  /** The plugin name that provides the channel. */
  plugin: string;
  displayName: string;
  adapter: ChannelAdapter | undefined;
  /** "standby": an exclusive inbox another process runs (it takes over when that one goes). */
  state: "ready" | "running" | "standby" | "failed" | "unavailable";
  error?: string;
}

export class InboxRuntime {
  readonly #inboxes = new Map<string, InboxHandle>();
  readonly #controller = new AbortController();
  readonly #log: Logger;
  /** The leases of exclusive inboxes, by inbox: each gives its lease up (stopping the inbox). */
  readonly #releases = new Map<string, () => Promise<void>>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /**
   * Checks every inbox's options (a ConfigError stops start-up) and creates the adapters
   * (a failure is isolated to that inbox). Mounts webhook routes through `mount`.
   */
  async init(
    loaded: LoadedConfig,
    registry: PluginRegistry,
    deps: {
      publicUrl: string;
      emitFor: (inbox: InboxInfo) => Emit;
      reportFor: (inbox: string) => InboxContext<unknown>["reportDelivery"];
      kvFor: (inbox: string) => KeyValueStore;
      typingFor: (inbox: InboxInfo) => InboxContext<unknown>["typing"];
      disconnectedFor: (inbox: InboxInfo) => InboxContext<unknown>["disconnected"];
      mount: (path: string, app: Hono) => void;
    },
  ): Promise<void> {
    const invalid: ConfigError[] = [];
    for (const [name, entry] of Object.entries(loaded.config.inboxes)) {
      const pluginEntry = loaded.config.plugins[entry.plugin]!;
      const status = registry.plugins.find((p) => p.alias === entry.plugin);
      if (!status || status.state !== "started") {
        this.#inboxes.set(name, {
          name,
          channel: entry.channel ?? "unknown",
          plugin: status?.name ?? pluginEntry.package,
          displayName: entry.display_name ?? name,
          adapter: undefined,
          state: "unavailable",
          error: `The plugin "${entry.plugin}" did not start: ${status?.error?.message ?? "it is disabled"}`,
        });
        continue;
      }
      const offered = registry.channelsOf(status.name);
      const channel = entry.channel ? registry.channels.get(entry.channel) : offered.length === 1 ? offered[0] : undefined;
      if (!channel || channel.plugin !== status.name) {
        throw new ConfigError(
          ErrorCodes.CHANNEL_UNKNOWN,
          {
            file: loaded.file,
            key: `inboxes.${name}.channel`,
            plugin: status.name,
            fix: offered.length
              ? `Set channel to one of: ${offered.map((c) => c.kind).join(", ")}.`
              : "This plugin provides no channel; use a channel plugin.",
          },
          entry.channel
            ? `the plugin offers no channel "${entry.channel}"`
            : "the plugin offers several channels, so the inbox must name one",
        );
      }
      let options: unknown = entry.options;
      if (channel.definition.options) {
        const parsed = channel.definition.options.safeParse(entry.options);
        if (!parsed.success) {
          invalid.push(
            configErrorFromZod(loaded.file, parsed.error, {
              keyPrefix: `inboxes.${name}.options`,
              plugin: status.name,
              schema: channel.definition.options,
              input: entry.options,
            }),
          );
          continue;
        }
        options = parsed.data;
      }
      const handle: InboxHandle = {
        name,
        channel: channel.kind,
        plugin: status.name,
        displayName: entry.display_name ?? name,
        adapter: undefined,
        state: "ready",
      };
      this.#inboxes.set(name, handle);
      try {
        handle.adapter = await withTimeout(
          Promise.resolve(
            channel.definition.create({
              name,
              options,
              log: this.#log.child({ inbox: name, plugin: status.name }),
              publicUrl: deps.publicUrl,
              kv: deps.kvFor(name),
              typing: deps.typingFor(handle),
              reportDelivery: deps.reportFor(name),
              disconnected: deps.disconnectedFor(handle),
            }),
          ),
          10_000,
          `Creating the inbox "${name}"`,
        );
      } catch (error) {
        this.#fail(handle, error);
        continue;
      }
      handle.identityScope = handle.adapter.identityScope ?? "inbox";
      if (handle.adapter.webhook) {
        const app = new Hono();
        handle.adapter.webhook(app, deps.emitFor(handle));
        deps.mount(`/webhooks/${name}`, app);
      }
    }
    throwCollected(loaded.file, invalid);
  }

  /**
   * Starts each ready adapter's receiving side. With a shared `cluster`, an exclusive adapter
   * starts only once this process holds its lease, and stops when it loses it.
   */
  async start(emitFor: (inbox: InboxInfo) => Emit, cluster?: Cluster): Promise<void> {
    for (const handle of this.#inboxes.values()) {
      if (handle.state !== "ready" || !handle.adapter) continue;
      if (handle.adapter.exclusive && cluster?.shared) {
        handle.state = "standby";
        this.#releases.set(handle.name, cluster.hold(`inbox:${handle.name}`, this.#leaseHolder(handle, emitFor(handle))));
        continue;
      }
      await this.#startOne(handle, emitFor(handle), this.#controller.signal);
    }
  }

  /** Whether this process may send on the inbox now: false for an exclusive-"all" inbox another process runs. */
  sendsHere(name: string): boolean {
    const handle = this.#inboxes.get(name);
    return !(handle?.adapter?.exclusive === "all" && handle.state === "standby");
  }

  /** The inboxes whose replies another process must send (exclusive "all", held elsewhere). */
  sentElsewhere(): string[] {
    return this.list()
      .filter((handle) => !this.sendsHere(handle.name))
      .map((handle) => handle.name);
  }

  async #startOne(handle: InboxHandle, emit: Emit, signal: AbortSignal): Promise<void> {
    try {
      await withTimeout(Promise.resolve(handle.adapter!.start?.(emit, signal)), 15_000, `Starting the inbox "${handle.name}"`);
      handle.state = "running";
      handle.error = undefined;
      this.#log.info({ inbox: handle.name, channel: handle.channel }, "inbox running");
    } catch (error) {
      this.#fail(handle, error);
    }
  }

  /** Starts the inbox when its lease comes to this process, and stops it (back to standby) when the lease goes. */
  #leaseHolder(handle: InboxHandle, emit: Emit): LeaseHolder {
    let running: AbortController | undefined;
    return {
      acquired: async () => {
        running = new AbortController();
        await this.#startOne(handle, emit, AbortSignal.any([this.#controller.signal, running.signal]));
      },
      lost: async (reason) => {
        running?.abort();
        running = undefined;
        const wasRunning = handle.state === "running";
        handle.state = "standby";
        if (!wasRunning) return;
        this.#log.info({ inbox: handle.name, reason }, "inbox on standby: another process may run it");
        try {
          await handle.adapter?.stop?.();
        } catch (error) {
          this.#log.error({ inbox: handle.name, error: describeError(error) }, "inbox failed to stop cleanly");
        }
      },
    };
  }

  #fail(handle: InboxHandle, error: unknown): void {
    const described = describeError(error);
    handle.state = "failed";
    handle.error = described.message;
    this.#log.error({ inbox: handle.name, error: described }, "inbox failed to start; the others go on");
  }

  get(name: string): InboxHandle | undefined {
    return this.#inboxes.get(name);
  }

  names(): string[] {
    return [...this.#inboxes.keys()];
  }

  list(): InboxHandle[] {
    return [...this.#inboxes.values()];
  }

  /** Asks an adapter about its connectivity; an adapter without a health check is as healthy as its state. */
  async health(name: string): Promise<ChannelHealth> {
    const handle = this.#inboxes.get(name);
    if (!handle) return { ok: false, message: `There is no inbox "${name}".` };
    if (!handle.adapter || handle.state === "failed" || handle.state === "unavailable")
      return { ok: false, message: handle.error ?? `The inbox is ${handle.state}.` };
    if (handle.state === "standby")
      return { ok: true, message: "Another Switchboard process runs this inbox; this one takes over if it goes." };
    if (!handle.adapter.health) return { ok: true };
    try {
      return await withTimeout(handle.adapter.health(), 10_000, `Health check of "${name}"`);
    } catch (error) {
      return { ok: false, message: describeError(error).message };
    }
  }

  /** Stops every adapter (receiving first, then each adapter's own stop). */
  async stop(): Promise<void> {
    this.#controller.abort();
    // Exclusive inboxes first: each gives its lease up once stopped, so another process takes over at once.
    await Promise.all([...this.#releases.values()].map((release) => release()));
    for (const handle of this.#inboxes.values()) {
      if (this.#releases.has(handle.name)) continue;
      try {
        await handle.adapter?.stop?.();
      } catch (error) {
        this.#log.error({ inbox: handle.name, error: describeError(error) }, "inbox failed to stop cleanly");
      }
    }
  }
}
