/**
 * The typed in-process event bus. Handlers run in parallel; one that throws is logged and never
 * stops the others. Publishing never waits for handlers, but `idle()` does (for tests and shutdown).
 */
import { type Clock, systemClock } from "../clock.ts";
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import type { EventName, SwitchboardEvent, SwitchboardEvents } from "./types.ts";

type Handler = (event: SwitchboardEvent) => Promise<void> | void;
interface Subscription {
  handler: Handler;
  /** Who subscribed, for logs ("plugin:telegram", "sse", "webhooks"). */
  owner: string;
}

export class EventBus {
  readonly #byName = new Map<string, Subscription[]>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #log: Logger;
  readonly #clock: Clock;
  #sequence = 0;

  /** Events are stamped with `clock`'s time (a test's manual clock controls it). */
  constructor(log: Logger, clock: Clock = systemClock) {
    this.#log = log;
    this.#clock = clock;
  }

  /**
   * Subscribes to one event, or "*" for all. Returns a function that unsubscribes.
   *
   * @example
   * const off = bus.on("message.created", (event) => console.log(event.data.text), "example");
   */
  on<N extends EventName>(name: N | "*", handler: (event: SwitchboardEvent<N>) => Promise<void> | void, owner = "core"): () => void {
    const list = this.#byName.get(name) ?? [];
    const subscription: Subscription = { handler: handler as Handler, owner };
    list.push(subscription);
    this.#byName.set(name, list);
    return () => {
      const current = this.#byName.get(name);
      if (current)
        this.#byName.set(
          name,
          current.filter((s) => s !== subscription),
        );
    };
  }

  /** Publishes an event to every subscriber of its name and of "*". Call it after the data is committed. */
  publish<N extends EventName>(name: N, data: SwitchboardEvents[N]): SwitchboardEvent<N> {
    const at = this.#clock.now();
    const event: SwitchboardEvent<N> = { id: `${at.toString(36)}-${(++this.#sequence).toString(36)}`, name, data, at };
    const subscribers = [...(this.#byName.get(name) ?? []), ...(this.#byName.get("*") ?? [])];
    for (const subscription of subscribers) {
      const run = Promise.resolve()
        .then(() => subscription.handler(event as SwitchboardEvent))
        .catch((error: unknown) =>
          this.#log.error({ event: name, owner: subscription.owner, error: describeError(error) }, "event handler failed"),
        )
        .finally(() => this.#pending.delete(run));
      this.#pending.add(run);
    }
    return event;
  }

  /** Resolves once every handler started so far has settled. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
