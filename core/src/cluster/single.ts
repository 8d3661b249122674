/**
 * One process, no Redis: the default. Every lease is held from the moment it is asked for,
 * broadcasts reach this process's listeners only, and rate limits count in memory.
 */
import type { Logger } from "../log/index.ts";
import { LocalEventWindow } from "./event-window.ts";
import { RateLimiter } from "./token-bucket.ts";
import { TopicListeners } from "./topics.ts";
import type { Cluster, ClusterStatus, EventWindow, LeaseChange, LeaseHolder, RateLimit } from "./types.ts";

export class SingleProcess implements Cluster {
  readonly node: string;
  readonly shared = false;
  readonly #held = new Map<string, LeaseHolder>();
  readonly #topics: TopicListeners;
  readonly #changes: ((change: LeaseChange) => void)[] = [];

  constructor(node: string, log: Logger) {
    this.node = node;
    this.#topics = new TopicListeners(log);
  }

  hold(name: string, holder: LeaseHolder): () => Promise<void> {
    if (this.#held.has(name)) throw new Error(`The lease "${name}" is held already in this process.`);
    this.#held.set(name, holder);
    const started = Promise.resolve().then(() => holder.acquired());
    this.#announce({ lease: name, change: "acquired" });
    return async () => {
      if (this.#held.get(name) !== holder) return;
      this.#held.delete(name);
      await started.catch(() => undefined);
      await holder.lost("released");
      this.#announce({ lease: name, change: "released" });
    };
  }

  holds(name: string): boolean {
    return this.#held.has(name);
  }

  broadcast(topic: string, payload: string, options: { here?: boolean } = {}): void {
    if (options.here !== false) this.#topics.deliver(topic, payload);
  }

  listen(topic: string, listener: (payload: string) => void): () => void {
    return this.#topics.add(topic, listener);
  }

  rateLimit(_name: string, perMinute: number, burst?: number): RateLimit {
    const limiter = new RateLimiter(perMinute, burst);
    return { take: async (key) => limiter.take(key) };
  }

  eventWindow(_name: string, windowMs: number): EventWindow {
    return new LocalEventWindow(windowMs);
  }

  onLeaseChange(listener: (change: LeaseChange) => void): void {
    this.#changes.push(listener);
  }

  status(): ClusterStatus {
    return { mode: "single", node: this.node, redis: "none", holds: [...this.#held.keys()].sort(), standby: [] };
  }

  async probe(): Promise<string | undefined> {
    return undefined;
  }

  async stop(): Promise<void> {
    this.#held.clear();
  }

  #announce(change: LeaseChange): void {
    for (const listener of this.#changes) listener(change);
  }
}
