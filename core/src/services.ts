/**
 * The services domain code may use, as one type. Only switchboard.ts assembles them; everything
 * else declares the few it needs as `Pick<Services, "store" | "clock">`, so a module never depends
 * on the assembler, and a test builds only what the code under test uses (testing/kernel.ts).
 * Types only: this file has no run-time code.
 */
import type { Clock } from "./clock.ts";
import type { Cluster } from "./cluster/index.ts";
import type { LoadedConfig } from "./config/schema.ts";
import type { EventBus } from "./events/bus.ts";
import type { JobQueue } from "./jobs/queue.ts";
import type { Logger } from "./log/index.ts";
import type { DeliveryWorker } from "./pipeline/delivery.ts";
import type { InboundPipeline } from "./pipeline/inbound.ts";
import type { InboxRuntime } from "./pipeline/inboxes.ts";
import type { OutboundPipeline } from "./pipeline/outbound.ts";
import type { Assistants } from "./plugins/assistants.ts";
import type { PluginRegistry } from "./plugins/registry.ts";
import type { Store } from "./store/index.ts";

/**
 * Everything a running Switchboard offers its domain code.
 *
 * @example
 * export async function closeStale(services: Pick<Services, "store" | "clock">): Promise<number> { ... }
 */
export interface Services {
  /** The loaded config (`config/switchboard.toml`, validated). */
  loaded: LoadedConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  /** This process among the others sharing the work (`[cluster]`), or alone. */
  cluster: Cluster;
  jobs: JobQueue;
  registry: PluginRegistry;
  inboxes: InboxRuntime;
  inbound: InboundPipeline;
  outbound: OutboundPipeline;
  delivery: DeliveryWorker;
  /** The assistant hooks of all plugins (suggest, summarize, translate, rewrite). */
  assistants: Assistants;
  /** Registers a core stop hook (closing streams); runs first, in reverse order, on stop. */
  onStop(fn: () => Promise<void> | void): void;
}
