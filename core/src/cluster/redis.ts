/**
 * Several processes on one Redis (`[cluster] redis_url`): leases (leases.ts), broadcasts over
 * Redis pub/sub on a connection of their own, and rate limits counted in Redis. Redis is never the
 * source of truth: work lives in the store, and a Redis outage only delays what Redis wakes up
 * (live pushes fall back to each process's reading of the event log, rate limits to this process's
 * own count, and held connections are let go until Redis answers again).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { redisEventWindow } from "./event-window.ts";
import { LeaseKeeper } from "./leases.ts";
import { TAKE_TOKEN } from "./scripts.ts";
import { RateLimiter } from "./token-bucket.ts";
import { TopicListeners } from "./topics.ts";
import type { Cluster, ClusterStatus, EventWindow, LeaseChange, LeaseHolder, RateLimit } from "./types.ts";

/** The topic on which a process says it released a lease (the payload is the lease's name). */
const RELEASED_TOPIC = "lease-released";

export interface RedisClusterOptions {
  url: string;
  node: string;
  prefix: string;
  leaseMs: number;
  log: Logger;
}

export class RedisCluster implements Cluster {
  readonly node: string;
  readonly shared = true;
  /**
   * This Switchboard's mark in Redis (lease values, broadcast origins): the node name and a random
   * suffix, so two processes given the same node_name never take each other for themselves.
   */
  readonly #instance: string;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #log: Logger;
  readonly #topics: TopicListeners;
  readonly #leases: LeaseKeeper;
  readonly #changes: ((change: LeaseChange) => void)[] = [];
  #down = false;

  constructor(options: RedisClusterOptions) {
    this.node = options.node;
    this.#instance = `${options.node}#${randomBytes(4).toString("hex")}`;
    this.#prefix = options.prefix;
    this.#log = options.log.child({ cluster: "redis" });
    this.#topics = new TopicListeners(this.#log);
    const connection = {
      // Commands fail at once while Redis is away (the callers fall back), and the client
      // reconnects in the background, every 0.2 s at first and then every 2 s.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
    };
    // A command that gets no answer fails within a third of a lease, so a lease round never waits longer.
    const commandTimeout = Math.max(500, Math.floor(options.leaseMs / 3));
    this.#commands = new Redis(options.url, { ...connection, commandTimeout, connectionName: `switchboard:${this.node}` });
    // A subscribing connection queues its SUBSCRIBEs until connected, and subscribes again after a reconnect.
    this.#subscriber = new Redis(options.url, {
      ...connection,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResubscribe: true,
      connectionName: `switchboard:${this.node}:sub`,
    });
    for (const [role, client] of [
      ["commands", this.#commands],
      ["subscriber", this.#subscriber],
    ] as const) {
      client.on("error", (error: Error) => {
        if (!this.#down) this.#log.warn({ role, error: describeError(error) }, "Redis does not answer; retrying in the background");
        this.#down = true;
      });
      client.on("ready", () => {
        if (this.#down) this.#log.info({ role }, "Redis answers again");
        this.#down = false;
      });
    }
    this.#subscriber.on("message", (channel: string, message: string) => this.#received(channel, message));
    this.#leases = new LeaseKeeper({
      redis: this.#commands,
      log: this.#log,
      owner: this.#instance,
      prefix: this.#prefix,
      leaseMs: options.leaseMs,
      onChange: (change) => {
        for (const listener of this.#changes) listener(change);
      },
      onReleased: (name) => this.broadcast(RELEASED_TOPIC, name),
    });
    this.listen(RELEASED_TOPIC, (name) => this.#leases.wake(name));
  }

  hold(name: string, holder: LeaseHolder): () => Promise<void> {
    return this.#leases.hold(name, holder);
  }

  holds(name: string): boolean {
    return this.#leases.holds(name);
  }

  broadcast(topic: string, payload: string, options: { here?: boolean } = {}): void {
    if (options.here !== false) this.#topics.deliver(topic, payload);
    if (this.#commands.status !== "ready") return;
    this.#commands.publish(this.#channel(topic), `${this.#instance}\n${payload}`).catch((error: unknown) => {
      this.#log.debug({ topic, error: describeError(error) }, "a broadcast did not reach Redis; other processes catch up by polling");
    });
  }

  listen(topic: string, listener: (payload: string) => void): () => void {
    const first = !this.#topics.has(topic);
    const remove = this.#topics.add(topic, listener);
    if (first) this.#subscriber.subscribe(this.#channel(topic)).catch((error: unknown) => this.#subscribeFailed(topic, error));
    return () => {
      remove();
      if (!this.#topics.has(topic))
        this.#subscriber.unsubscribe(this.#channel(topic)).catch((error: unknown) => this.#subscribeFailed(topic, error));
    };
  }

  rateLimit(name: string, perMinute: number, burst = perMinute): RateLimit {
    const local = new RateLimiter(perMinute, burst);
    const perMs = perMinute / 60_000;
    return {
      take: async (key) => {
        if (this.#commands.status !== "ready") return local.take(key);
        try {
          const wait = Number(await this.#commands.eval(TAKE_TOKEN, 1, `${this.#prefix}limit:${name}:${key}`, burst, perMs));
          return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
        } catch (error) {
          this.#log.debug({ limit: name, error: describeError(error) }, "rate limit counted in this process: Redis does not answer");
          return local.take(key);
        }
      },
    };
  }

  eventWindow(name: string, windowMs: number): EventWindow {
    return redisEventWindow(this.#commands, `${this.#prefix}window:${name}:`, windowMs, this.#log);
  }

  onLeaseChange(listener: (change: LeaseChange) => void): void {
    this.#changes.push(listener);
  }

  status(): ClusterStatus {
    return {
      mode: "redis",
      node: this.node,
      redis: this.#commands.status === "ready" ? "connected" : "down",
      ...this.#leases.names(),
    };
  }

  async probe(): Promise<string | undefined> {
    if (this.#commands.status !== "ready") return `Redis does not answer (the connection is ${this.#commands.status}).`;
    try {
      const answer = await Promise.race([
        this.#commands.ping(),
        new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 2_000).unref?.()),
      ]);
      return answer === "PONG" ? undefined : "Redis did not answer PING within 2 s.";
    } catch (error) {
      return `Redis refused PING: ${describeError(error).message}`;
    }
  }

  async stop(): Promise<void> {
    await this.#leases.stop();
    this.#subscriber.disconnect();
    await this.#commands.quit().catch(() => this.#commands.disconnect());
  }

  #received(channel: string, message: string): void {
    if (!channel.startsWith(`${this.#prefix}topic:`)) return;
    const newline = message.indexOf("\n");
    if (newline < 0 || message.slice(0, newline) === this.#instance) return;
    this.#topics.deliver(channel.slice(`${this.#prefix}topic:`.length), message.slice(newline + 1));
  }

  #subscribeFailed(topic: string, error: unknown): void {
    this.#log.warn({ topic, error: describeError(error) }, "cannot (un)subscribe to a Redis channel; it is retried after a reconnect");
  }

  #channel(topic: string): string {
    return `${this.#prefix}topic:${topic}`;
  }
}
