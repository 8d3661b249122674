/**
 * Everything the started plugins contributed: channels, pipeline hooks, assistants, views, stop hooks,
 * and each plugin's status for the admin page and `doctor`.
 */
import type { RegisteredHook } from "./hooks.ts";
import { sortHooks } from "./hooks.ts";
import type {
  AssistantHooks,
  ChannelDefinition,
  ChannelFamily,
  EnrichHandler,
  IdentifyHook,
  InboundHook,
  RouteHandler,
  ThreadHook,
} from "./types.ts";

export interface PluginStatus {
  alias: string;
  name: string;
  version: string;
  package: string;
  state: "started" | "failed" | "disabled";
  /** Why it failed or was disabled. */
  error?: { code: string; message: string };
}

export interface RegisteredChannel {
  plugin: string;
  kind: string;
  definition: ChannelDefinition;
}

/** The family of a channel kind that declares none (see `PluginRegistry.familyOf`). */
export const DEFAULT_CHANNEL_FAMILY: ChannelFamily = "messaging";

export class PluginRegistry {
  readonly plugins: PluginStatus[] = [];
  readonly channels = new Map<string, RegisteredChannel>();
  inbound: RegisteredHook<InboundHook>[] = [];
  identify: RegisteredHook<IdentifyHook>[] = [];
  thread: RegisteredHook<ThreadHook>[] = [];
  enrich: RegisteredHook<EnrichHandler>[] = [];
  route: RegisteredHook<RouteHandler>[] = [];
  readonly assistants: { plugin: string; hooks: AssistantHooks }[] = [];
  readonly views = new Map<string, { plugin: string; component: (props: Record<string, unknown>) => unknown }[]>();
  readonly stopHooks: { plugin: string; fn: () => Promise<void> | void }[] = [];

  /** Re-sorts the pipeline hooks by their order; called once all plugins have started. */
  seal(): void {
    this.inbound = sortHooks(this.inbound);
    this.identify = sortHooks(this.identify);
    this.thread = sortHooks(this.thread);
    this.enrich = sortHooks(this.enrich);
    this.route = sortHooks(this.route);
  }

  /**
   * The family a channel kind declared (`ChannelDefinition.family`). A kind that declares none, or
   * that no started plugin registers, is "messaging": the middle of the SLA defaults, neither a
   * live chat's 2 minutes (which an asynchronous channel would breach all day) nor email's 4 hours
   * (which would hide slow answers on a chat app), and what core assumed before families existed.
   */
  familyOf(kind: string): ChannelFamily {
    return this.channels.get(kind)?.definition.family ?? DEFAULT_CHANNEL_FAMILY;
  }

  /** The channel kinds a plugin registered. */
  channelsOf(plugin: string): RegisteredChannel[] {
    return [...this.channels.values()].filter((channel) => channel.plugin === plugin);
  }
}
