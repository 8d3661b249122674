/**
 * Builds the `ctx` a plugin's setup receives. Registrations are buffered and only committed to the
 * registry once setup succeeds, so a plugin that throws or hangs leaves nothing half-registered.
 */
import { Hono } from "hono";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { createKnowledgeBase } from "../knowledge/plugin-api.ts";
import type { Services } from "../services.ts";
import { type ActionServices, createConversationActions } from "./conversation-actions.ts";
import { registerHook } from "./hooks.ts";
import { createKeyValueStore } from "./kv.ts";
import type { AgentDirectory, PluginContext } from "./types.ts";

/** What plugin contexts are built from: core's services, the agent directory, and (once started) what conversation actions need. */
export interface CoreServices extends Pick<Services, "store" | "clock" | "log" | "bus" | "jobs" | "registry" | "cluster"> {
  /** Agents as routing sees them (ctx.agents). */
  agents: AgentDirectory;
  /** The services conversation actions need; read when an action runs (after start-up). */
  actions: () => ActionServices;
}

export interface PendingContext {
  ctx: PluginContext<unknown>;
  /** Applies the buffered registrations to the registry and the HTTP app. */
  commit(mount: (path: string, app: Hono) => void): void;
}

/** Creates the context of one plugin, loaded under `alias` (`[plugins.<alias>]`; one plugin may be loaded under several). */
export function createPluginContext(services: CoreServices, plugin: string, options: unknown, alias = plugin): PendingContext {
  const { registry } = services;
  const log = services.log.child(alias === plugin ? { plugin } : { plugin, alias });
  const http = new Hono();
  const buffered: (() => void)[] = [];
  const channelKinds: string[] = [];
  let committed = false;
  const later = (apply: () => void) => {
    if (committed) apply();
    else buffered.push(apply);
  };
  const jobKind = (kind: string) => `${plugin}:${kind}`;
  // A plugin's job keys are its own: "snooze:7" from a plugin must not replace core's snooze wake-up.
  const jobKey = (key: string) => `plugin:${plugin}:${key}`;

  const ctx: PluginContext<unknown> = {
    options,
    name: plugin,
    log,
    clock: services.clock,
    kv: createKeyValueStore(services.store, services.clock, plugin),
    agents: services.agents,
    http,
    conversations: createConversationActions(services.actions, plugin),
    knowledge: createKnowledgeBase(services.store),
    cluster: {
      broadcast: (topic, payload) => services.cluster.broadcast(`plugin:${plugin}:${topic}`, payload),
      listen: (topic, listener) => services.cluster.listen(`plugin:${plugin}:${topic}`, listener),
      rateLimit: (name, perMinute, burst) => services.cluster.rateLimit(`plugin:${plugin}:${name}`, perMinute, burst),
    },
    jobs: {
      define: (kind, handler) =>
        later(() =>
          services.jobs.define(jobKind(kind), handler as (payload: unknown, job: { id: number; attempt: number }) => Promise<void>),
        ),
      schedule: (kind, payload, scheduleOptions) =>
        services.jobs.schedule(
          jobKind(kind),
          payload,
          scheduleOptions?.key === undefined ? scheduleOptions : { ...scheduleOptions, key: jobKey(scheduleOptions.key) },
        ),
      cancel: (key) => services.jobs.cancel(jobKey(key)),
    },
    channel: (kind, definition) => {
      if (channelKinds.includes(kind)) {
        throw new SwitchboardError(
          ErrorCodes.PLUGIN_CONFLICT,
          `Plugin "${plugin}" registers the channel kind "${kind}" twice. Register each kind once.`,
        );
      }
      channelKinds.push(kind);
      later(() => registry.channels.set(kind, { plugin, kind, definition: definition as never }));
    },
    inbound: (hook) => later(() => registry.inbound.push(registerHook(plugin, hook, { alias }))),
    identify: (hook) => later(() => registry.identify.push(registerHook(plugin, hook, { alias }))),
    thread: (hook) => later(() => registry.thread.push(registerHook(plugin, hook, { alias }))),
    enrich: (hook, hookOptions) =>
      later(() =>
        registry.enrich.push(registerHook(plugin, hook, { timeoutMs: hookOptions?.timeoutMs ?? 2000, ttlMs: hookOptions?.ttlMs, alias })),
      ),
    route: (hook, routeOptions) =>
      later(() =>
        registry.route.push(registerHook(plugin, hook, { alias, ...(routeOptions?.facts ? { facts: routeOptions.facts } : {}) })),
      ),
    assistant: (hooks) => later(() => registry.assistants.push({ plugin, hooks })),
    on: (event, handler) => later(() => services.bus.on(event, handler as never, `plugin:${plugin}`)),
    consume: (name, handlers) => later(() => services.bus.consume(`plugin:${plugin}:${name}`, handlers)),
    view: (slot, component) =>
      later(() => {
        const list = registry.views.get(slot) ?? [];
        list.push({ plugin, component });
        registry.views.set(slot, list);
      }),
    onStop: (fn) => later(() => registry.stopHooks.push({ plugin, fn })),
  };

  return {
    ctx,
    commit(mount) {
      for (const kind of channelKinds) {
        const existing = registry.channels.get(kind);
        if (existing) {
          throw new SwitchboardError(
            ErrorCodes.PLUGIN_CONFLICT,
            `Plugins "${existing.plugin}" and "${plugin}" both register the channel kind "${kind}". Disable one of them in the config.`,
          );
        }
      }
      for (const apply of buffered) apply();
      buffered.length = 0;
      committed = true;
      if (http.routes.length > 0) mount(`/plugins/${plugin}`, http);
    },
  };
}
