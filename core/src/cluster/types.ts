/**
 * What several Switchboard processes share, and what one process alone does the same way: leases
 * (one holder of a stateful connection at a time), broadcasts (a wake-up or a live push to every
 * process) and counters for rate limits across processes. `[cluster] redis_url` selects Redis
 * (redis.ts); without it every lease is held at once and broadcasts stay in the process (single.ts).
 */

/** What a lease's holder is told. Both may be async; the cluster waits for one before the next. */
export interface LeaseHolder {
  /** This process now holds the lease: start the work (a polling loop, a gateway session). */
  acquired(): Promise<void> | void;
  /** This process no longer holds it (another took it, or it could not be renewed in time): stop the work. */
  lost(reason: string): Promise<void> | void;
}

/** A change of a lease in this process, for metrics and logs. */
export interface LeaseChange {
  lease: string;
  change: "acquired" | "lost" | "released";
  reason?: string;
}

/** This process's place in the cluster, for /healthz, `switchboard doctor` and the admin page. */
export interface ClusterStatus {
  /** "single": one process, no Redis. "redis": shared through Redis. */
  mode: "single" | "redis";
  /** This process's name. */
  node: string;
  /** Whether Redis answers (always "connected" in single mode, which has none). */
  redis: "connected" | "down" | "none";
  /** The leases this process holds (its role: "inbox:telegram", "events"). */
  holds: string[];
  /** The leases this process wants but another process holds. */
  standby: string[];
}

/** The answer of a rate limit: allowed, or refused with how long to wait. */
export type Take = { ok: true } | { ok: false; retryAfterMs: number };

/** A token bucket per key, counted across processes when the cluster shares Redis. */
export interface RateLimit {
  /** Takes one token for `key`. */
  take(key: string): Promise<Take>;
}

/**
 * The times of recent events per key over a sliding window (failed sign-ins), counted across every
 * process when the cluster shares Redis. `now` is the caller's clock, in milliseconds.
 */
export interface EventWindow {
  /** Records one event for `key` at `now`. */
  add(key: string, now: number): Promise<void>;
  /** The times of `key`'s events in the window that ends at `now`, oldest first. */
  times(key: string, now: number): Promise<number[]>;
  /** Forgets `key`'s events. */
  clear(key: string): Promise<void>;
}

export interface Cluster {
  /** This process's name (leases, logs, /healthz). */
  readonly node: string;
  /** True when several processes share Redis. */
  readonly shared: boolean;
  /**
   * Keeps trying to hold the lease `name` for as long as this process runs; tells `holder` when it
   * gets it and when it loses it. Returns a function that gives the lease up (and waits for `lost`).
   *
   * @example
   * const release = cluster.hold("inbox:telegram", { acquired: () => adapter.start(), lost: () => adapter.stop() });
   */
  hold(name: string, holder: LeaseHolder): () => Promise<void>;
  /** Whether this process holds the lease `name` now. */
  holds(name: string): boolean;
  /**
   * Sends `payload` to the listeners of `topic` in every process, this one included (at once,
   * even when Redis is down) unless `here` is false. Best effort: a process that is not connected
   * misses it.
   *
   * @example
   * cluster.broadcast("webchat:site", JSON.stringify({ visitorId, event }));
   */
  broadcast(topic: string, payload: string, options?: { here?: boolean }): void;
  /**
   * Listens to a topic's broadcasts from every process. Returns a function that stops listening.
   *
   * @example
   * const off = cluster.listen("webchat:site", (payload) => hub.deliver(JSON.parse(payload)));
   */
  listen(topic: string, listener: (payload: string) => void): () => void;
  /**
   * A token bucket per key: `perMinute` on average, bursts up to `burst`. With Redis, counted
   * across every process (and in this process alone while Redis is down).
   *
   * @example
   * const perIp = cluster.rateLimit("widget-ip", 600);
   * if (!(await perIp.take(ip)).ok) return c.text("Slow down", 429);
   */
  rateLimit(name: string, perMinute: number, burst?: number): RateLimit;
  /**
   * Recent events per key over a sliding window of `windowMs`. With Redis, counted across every
   * process (and in this process alone while Redis is down).
   *
   * @example
   * const failures = cluster.eventWindow("login-failures", 15 * 60_000);
   * await failures.add(ip, clock.now());
   * if ((await failures.times(ip, clock.now())).length >= 10) return c.text("Wait", 429);
   */
  eventWindow(name: string, windowMs: number): EventWindow;
  /** Calls `listener` on each lease change in this process (metrics). */
  onLeaseChange(listener: (change: LeaseChange) => void): void;
  /** Where this process stands. */
  status(): ClusterStatus;
  /** Checks Redis now (a PING), for /healthz and `doctor`; undefined when it answers, else the problem. */
  probe(): Promise<string | undefined>;
  /** Gives up every lease (waiting for each holder's `lost`) and disconnects. */
  stop(): Promise<void>;
}
