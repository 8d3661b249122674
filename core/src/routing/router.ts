/**
 * Per-inbox routing chains. Each inbox names its routing plugins in order
 * (`[inboxes.<name>] routing = ["vip", "sticky", "least-busy"]`, default: every routing plugin);
 * the first strategy with an acceptable answer wins. Core re-checks every answer: an assignee who
 * cannot see the inbox, is not online or is at capacity is refused, and the next strategy is asked.
 * The router takes the place of the registry's route hooks, so the inbound pipeline's route stage
 * and re-queues both go through it. At install it also checks the enrichment fact paths each
 * strategy declares: `enrichment.<alias>.<fact>` must name an enrichment plugin's alias.
 */
import type { LoadedConfig } from "../config/schema.ts";
import { ConfigError, describeError, ErrorCodes } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { aliasOf, hookError, type RegisteredHook } from "../plugins/hooks.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { AgentDirectory, RouteDecision, RouteHandler, RouteInput } from "../plugins/types.ts";

/**
 * Per-inbox routing chains over the route hooks of the routing plugins.
 *
 * @example
 * const router = new Router({ registry, directory, log });
 * router.install(loaded);
 * await router.decide({ contact, conversation, message });
 */
export class Router {
  readonly #registry: PluginRegistry;
  readonly #directory: AgentDirectory;
  readonly #log: Logger;
  #all: RegisteredHook<RouteHandler>[] = [];
  readonly #byInbox = new Map<string, RegisteredHook<RouteHandler>[]>();
  #arrivalsDeferred = false;

  constructor(deps: { registry: PluginRegistry; directory: AgentDirectory; log: Logger }) {
    this.#registry = deps.registry;
    this.#directory = deps.directory;
    this.#log = deps.log.child({ component: "routing" });
  }

  /**
   * Reads each inbox's chain and puts the router in place of the route hooks. Call once, after the
   * plugins have started. Throws a ConfigError for an alias that is not a routing plugin.
   */
  install(loaded: LoadedConfig): void {
    this.#all = this.#registry.route;
    for (const hook of this.#all) this.#checkFacts(loaded, hook);
    for (const [inbox, entry] of Object.entries(loaded.config.inboxes)) {
      if (entry.routing)
        this.#byInbox.set(
          inbox,
          entry.routing.flatMap((alias, i) => this.#hooksOf(loaded, inbox, alias, i)),
        );
    }
    if (this.#all.length === 0) return;
    this.#registry.route = [
      {
        plugin: "core:routing",
        order: "normal",
        handler: (input: RouteInput) => (this.#arrivalsDeferred ? Promise.resolve(null) : this.decide(input)),
      },
    ];
  }

  #hooksOf(loaded: LoadedConfig, inbox: string, alias: string, index: number): RegisteredHook<RouteHandler>[] {
    const key = `inboxes.${inbox}.routing[${index}]`;
    const entry = loaded.config.plugins[alias];
    const status = this.#registry.plugins.find((p) => p.alias === alias);
    if (!entry || !entry.enabled || !status) {
      const known = this.#registry.plugins.filter((p) => this.#all.some((h) => aliasOf(h) === p.alias)).map((p) => p.alias);
      throw new ConfigError(
        ErrorCodes.CONFIG_INVALID,
        {
          file: loaded.file,
          key,
          fix: `Use the alias of an enabled routing plugin under [plugins]${known.length ? `: ${known.join(", ")}` : ""}.`,
        },
        `"${alias}" is not an enabled plugin`,
      );
    }
    if (status.state !== "started") {
      this.#log.warn({ inbox, plugin: alias }, "a routing plugin of this inbox did not start; the inbox routes without it");
      return [];
    }
    const hooks = this.#all.filter((h) => aliasOf(h) === alias);
    if (hooks.length === 0) {
      throw new ConfigError(
        ErrorCodes.CONFIG_INVALID,
        { file: loaded.file, key, plugin: status.name, fix: "Name routing plugins only (routing-round-robin, routing-least-busy, ...)." },
        `the plugin "${alias}" registers no routing strategy`,
      );
    }
    return hooks;
  }

  /**
   * Throws a ConfigError for a declared fact path `enrichment.<alias>.<fact>` that can never match:
   * no enabled plugin under that alias adds enrichment facts. A configured enrichment plugin that
   * failed to start is only logged (its facts come back once it starts).
   */
  #checkFacts(loaded: LoadedConfig, hook: RegisteredHook<RouteHandler>): void {
    const enrichers = new Set(this.#registry.enrich.map(aliasOf));
    for (const [option, path] of Object.entries(hook.facts ?? {})) {
      const [root, source, ...fact] = path.split(".");
      if (root !== "enrichment") continue;
      if (source && enrichers.has(source) && fact.length > 0) continue;
      const failed = source ? this.#registry.plugins.find((p) => p.alias === source && p.state !== "started") : undefined;
      if (failed && fact.length > 0) {
        this.#log.warn(
          { plugin: aliasOf(hook), path, enrichment: source },
          "a routing fact comes from an enrichment plugin that did not start; it matches nothing until that plugin starts",
        );
        continue;
      }
      const known = [...enrichers];
      const key = `plugins.${aliasOf(hook)}.options.${option}`;
      const fix =
        known.length > 0
          ? `Write enrichment.<alias>.<fact> with the alias of an enrichment plugin under [plugins]: ${known.map((a) => `enrichment.${a}.…`).join(", ")}.`
          : "Add an enrichment plugin under [plugins] (e.g. enrich-http) and write enrichment.<its alias>.<fact>, or use a contact attribute's name.";
      throw new ConfigError(
        ErrorCodes.CONFIG_INVALID,
        { file: loaded.file, key, plugin: hook.plugin, fix },
        fact.length > 0
          ? `"${path}" can never match: no enrichment plugin is loaded as "${source}"`
          : `"${path}" names no fact: write enrichment.<alias>.<fact>`,
      );
    }
  }

  /**
   * Leaves a new conversation unrouted when its first message is stored: whoever calls this routes it
   * later (the automations, after their arrival rules have labelled it). Re-queues are not affected.
   */
  deferArrivals(): void {
    this.#arrivalsDeferred = true;
  }

  /** The strategies of an inbox, in the order they are asked. */
  strategiesFor(inbox: string): RegisteredHook<RouteHandler>[] {
    return this.#byInbox.get(inbox) ?? this.#all;
  }

  /**
   * Asks the inbox's strategies in order and returns the first acceptable decision, or null.
   *
   * @example
   * const decision = await router.decide({ contact, conversation, message });
   */
  async decide(input: RouteInput): Promise<RouteDecision | null> {
    const inbox = input.conversation.inbox;
    for (const hook of this.strategiesFor(inbox)) {
      let decision: RouteDecision | null;
      try {
        decision = await hook.handler(input);
      } catch (error) {
        this.#log.error(
          { inbox, error: describeError(hookError(hook.plugin, "route", error)) },
          "routing strategy failed; asking the next one",
        );
        continue;
      }
      if (!decision || (decision.assigneeId == null && decision.teamId == null)) continue;
      if (decision.assigneeId != null && !(await this.#acceptable(inbox, decision.assigneeId))) {
        this.#log.debug(
          { inbox, plugin: hook.plugin, assigneeId: decision.assigneeId },
          "routing strategy picked an agent who is not available here; asking the next one",
        );
        continue;
      }
      return decision;
    }
    return null;
  }

  /** Whether the agent may see the inbox, is online and has capacity left. */
  async #acceptable(inbox: string, agentId: number): Promise<boolean> {
    const agent = (await this.#directory.forInbox(inbox)).find((a) => a.id === agentId);
    return Boolean(agent?.available);
  }
}
