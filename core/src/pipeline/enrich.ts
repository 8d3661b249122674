/**
 * The enrich stage. For an arriving message it calls the enrichment hooks whose facts about the
 * contact are missing or stale (a TTL cache kept in `attributes.enriched_at`), each under its
 * timeout, at most once at a time per contact and plugin. Ingestion waits for them at most
 * enrichment.wait_ms (0: only answers already at hand); answers that come later are stored in
 * their own transaction when they arrive, and `contact.enriched` is published. A failure or a
 * timeout is logged and never blocks the message.
 */
import type { Clock } from "../clock.ts";
import { type EnrichmentAnswers, enrichedAt, storeEnrichment } from "../contacts/enrichment.ts";
import { describeError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log/index.ts";
import { aliasOf, type RegisteredHook, withTimeout } from "../plugins/hooks.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { EnrichHandler, EnrichInput } from "../plugins/types.ts";
import type { Contact } from "../store/contacts.ts";
import type { Store } from "../store/index.ts";

export interface EnrichSettings {
  /** Default freshness of a plugin's facts (ms). */
  ttlMs: number;
  /** How long ingestion waits for answers (ms). */
  waitMs: number;
  /** Fact keys that identify a customer (identity.match_facts). */
  matchFacts: string[];
}

/** One message's enrichment: the answers in time for it, then the rest once it is stored. */
export interface EnrichmentRun {
  /** Waits up to wait_ms and returns the answers that came in time; they are stored with the message. */
  early(): Promise<EnrichmentAnswers>;
  /** Once the message is stored on `contactId`: stores the answers that come later. */
  finish(contactId: number): void;
}

const pause = (ms: number) => new Promise<void>((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));

export interface EnricherDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  registry: PluginRegistry;
  settings: EnrichSettings;
}

/** Runs the enrichment hooks for arriving messages (see the module comment); one per pipeline. */
export class Enricher {
  readonly #deps: EnricherDeps;
  readonly #inFlight = new Set<string>();
  readonly #pending = new Set<Promise<void>>();

  constructor(deps: EnricherDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the hooks due for this contact (undefined: a new contact, so all of them), building
   * their input only then. Returns undefined when none is due.
   *
   * @example
   * const run = await enricher.begin(contact, () => enrichInput(...));
   * const early = run ? await run.early() : new Map();
   * // … store the message with `early` …
   * run?.finish(contactId);
   */
  async begin(contact: Contact | undefined, makeInput: () => Promise<EnrichInput>): Promise<EnrichmentRun | undefined> {
    const now = this.#deps.clock.now();
    // Facts are stored under the alias the plugin was loaded under: enrichment.<alias>.<fact>.
    const key = (hook: RegisteredHook<EnrichHandler>) => (contact ? `${contact.id}:${aliasOf(hook)}` : undefined);
    const due = this.#deps.registry.enrich.filter((hook) => {
      if (!contact) return true;
      const at = enrichedAt(contact.attributes, aliasOf(hook));
      const fresh = at !== undefined && now - at < (hook.ttlMs ?? this.#deps.settings.ttlMs);
      return !fresh && !this.#inFlight.has(key(hook)!);
    });
    if (due.length === 0) return undefined;
    const keys = due.map(key).filter((k): k is string => k !== undefined);
    keys.forEach((k) => this.#inFlight.add(k));
    let input: EnrichInput;
    try {
      input = await makeInput();
    } catch (error) {
      keys.forEach((k) => this.#inFlight.delete(k));
      throw error;
    }
    const answers: EnrichmentAnswers = new Map();
    const all = Promise.all(
      due.map(async (hook) => {
        const facts = await this.#call(hook, input);
        const alias = aliasOf(hook);
        if (facts !== undefined) answers.set(alias, facts || answers.get(alias) ? { ...answers.get(alias), ...facts } : null);
      }),
    ).finally(() => keys.forEach((k) => this.#inFlight.delete(k)));
    const taken = new Set<string>();
    return {
      early: async () => {
        await Promise.race([all, pause(this.#deps.settings.waitMs)]);
        for (const plugin of answers.keys()) taken.add(plugin);
        return new Map(answers);
      },
      finish: (contactId) =>
        this.#track(all.then(() => this.#storeLate(contactId, new Map([...answers].filter(([plugin]) => !taken.has(plugin)))))),
    };
  }

  /** Resolves once every late answer started so far is stored (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Calls one hook under its timeout: facts, null (knew nothing), or undefined (failed; logged). */
  async #call(hook: RegisteredHook<EnrichHandler>, input: EnrichInput): Promise<Record<string, unknown> | null | undefined> {
    const controller = new AbortController();
    try {
      const result = await withTimeout(
        Promise.resolve().then(() => hook.handler(input, controller.signal)),
        hook.timeoutMs ?? 2000,
        `Enrichment by "${hook.plugin}"`,
        { controller },
      );
      return result && typeof result === "object" && !Array.isArray(result) ? result : null;
    } catch (error) {
      this.#deps.log.warn({ plugin: hook.plugin, error: describeError(error) }, "enrichment failed; the message is stored without it");
      return undefined;
    }
  }

  async #storeLate(contactId: number, late: EnrichmentAnswers): Promise<void> {
    if (late.size === 0) return;
    const { store, clock, bus, settings, log } = this.#deps;
    const event = await store.write(async (tx) =>
      (await storeEnrichment(tx, contactId, late, settings, clock.now()))
        ? await bus.record(tx, "contact.enriched", { contactId, plugins: [...late.keys()] })
        : undefined,
    );
    if (event) bus.announce(event);
    else log.info({ contactId, plugins: [...late.keys()] }, "enrichment answered after its contact was merged or erased; dropped");
  }

  #track(task: Promise<void>): void {
    const tracked = task
      .catch((error: unknown) => this.#deps.log.error({ error: describeError(error) }, "storing late enrichment failed"))
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
}
