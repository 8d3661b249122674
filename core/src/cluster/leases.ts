/**
 * Leases in Redis: `SET key owner NX PX` to take one, a Lua check-and-extend every third of the
 * lease to keep it, a check-and-delete to give it up. A process that cannot renew (Redis is down,
 * or its connection is) lets go of its work before its key can expire, so two processes never both
 * believe they hold one lease for longer than a renewal; a standby process tries every third of
 * the lease, and at once when a holder says it released one.
 */
import type { Redis } from "ioredis";
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";
import { RELEASE_LEASE, RENEW_LEASE } from "./scripts.ts";
import type { LeaseChange, LeaseHolder } from "./types.ts";

interface Lease {
  name: string;
  holder: LeaseHolder;
  held: boolean;
  /** When the last renewal (or the taking) that succeeded was sent, on this process's clock. */
  confirmedAt: number;
  /** A take or a renewal of this lease is waiting for Redis. */
  asking: Promise<void> | undefined;
  /** The holder's acquired/lost calls, one after the other. */
  turns: Promise<void>;
  released: boolean;
}

export class LeaseKeeper {
  readonly #leases = new Map<string, Lease>();
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly #owner: string;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #onChange: (change: LeaseChange) => void;
  readonly #onReleased: (name: string) => void;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: {
    redis: Redis;
    log: Logger;
    /** The value this process writes into its leases (unique per process). */
    owner: string;
    prefix: string;
    leaseMs: number;
    onChange: (change: LeaseChange) => void;
    /** Told when this process released a lease, so it can wake the standby processes. */
    onReleased: (name: string) => void;
  }) {
    this.#redis = deps.redis;
    this.#log = deps.log;
    this.#owner = deps.owner;
    this.#prefix = deps.prefix;
    this.#leaseMs = deps.leaseMs;
    this.#onChange = deps.onChange;
    this.#onReleased = deps.onReleased;
  }

  hold(name: string, holder: LeaseHolder): () => Promise<void> {
    if (this.#leases.has(name)) throw new Error(`The lease "${name}" is asked for twice in this process.`);
    const lease: Lease = { name, holder, held: false, confirmedAt: 0, asking: undefined, turns: Promise.resolve(), released: false };
    this.#leases.set(name, lease);
    this.#timer ??= setInterval(() => this.tick(), Math.max(100, Math.floor(this.#leaseMs / 3)));
    this.tick();
    return () => this.#release(lease);
  }

  holds(name: string): boolean {
    return this.#leases.get(name)?.held ?? false;
  }

  /** The leases held here, and those wanted but held elsewhere. */
  names(): { holds: string[]; standby: string[] } {
    const all = [...this.#leases.values()];
    return {
      holds: all
        .filter((l) => l.held)
        .map((l) => l.name)
        .sort(),
      standby: all
        .filter((l) => !l.held)
        .map((l) => l.name)
        .sort(),
    };
  }

  /**
   * Lets go of a held lease not confirmed for two thirds of its length (whatever Redis is doing:
   * a command that hangs on a dead connection must not delay this), then renews the held leases
   * and tries to take the others, each unless its last request is still waiting.
   */
  tick(): void {
    const now = Date.now();
    for (const lease of this.#leases.values()) {
      if (lease.held && now - lease.confirmedAt >= (this.#leaseMs * 2) / 3) {
        this.#lose(lease, "it could not be renewed in time (Redis does not answer)");
        continue;
      }
      if (lease.asking) continue;
      const asking = (lease.held ? this.#renew(lease) : this.#take(lease)).finally(() => {
        if (lease.asking === asking) lease.asking = undefined;
      });
      lease.asking = asking;
    }
  }

  /** Tries at once to take `name` (another process just released it). */
  wake(name: string): void {
    if (this.#leases.has(name) && !this.#leases.get(name)!.held) this.tick();
  }

  /** Gives up every lease, waiting for each holder's `lost`. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#leases.values()].map((lease) => lease.asking));
    await Promise.all([...this.#leases.values()].map((lease) => this.#release(lease)));
  }

  async #take(lease: Lease): Promise<void> {
    let taken: string | null;
    const sentAt = Date.now();
    try {
      taken = await this.#redis.set(this.#key(lease.name), this.#owner, "PX", this.#leaseMs, "NX");
    } catch (error) {
      this.#log.debug({ lease: lease.name, error: describeError(error) }, "cannot try for a lease; Redis does not answer");
      return;
    }
    if (taken !== "OK" || lease.released) return;
    lease.held = true;
    lease.confirmedAt = sentAt;
    this.#log.info({ lease: lease.name, owner: this.#owner }, "lease acquired: this process now holds it");
    this.#onChange({ lease: lease.name, change: "acquired" });
    this.#turn(lease, () => lease.holder.acquired(), "acquired");
  }

  /** Extends a held lease; the key then lasts until at least the time the request was sent plus the lease. */
  async #renew(lease: Lease): Promise<void> {
    const sentAt = Date.now();
    try {
      const kept = await this.#redis.eval(RENEW_LEASE, 1, this.#key(lease.name), this.#owner, this.#leaseMs);
      if (!lease.held) return;
      if (kept === 1) lease.confirmedAt = sentAt;
      else this.#lose(lease, "another process holds it now");
    } catch (error) {
      // tick() lets go once two thirds of the lease have passed unconfirmed.
      if (lease.held) this.#log.warn({ lease: lease.name, error: describeError(error) }, "cannot renew a lease; retrying");
    }
  }

  #lose(lease: Lease, reason: string): void {
    lease.held = false;
    this.#log.warn({ lease: lease.name, owner: this.#owner, reason }, "lease lost: this process stops its work");
    this.#onChange({ lease: lease.name, change: "lost", reason });
    this.#turn(lease, () => lease.holder.lost(reason), "lost");
  }

  async #release(lease: Lease): Promise<void> {
    if (lease.released) return lease.turns;
    lease.released = true;
    this.#leases.delete(lease.name);
    if (lease.held) {
      lease.held = false;
      this.#turn(lease, () => lease.holder.lost("released"), "lost");
      await lease.turns;
      try {
        await this.#redis.eval(RELEASE_LEASE, 1, this.#key(lease.name), this.#owner);
        this.#onReleased(lease.name);
      } catch (error) {
        this.#log.warn({ lease: lease.name, error: describeError(error) }, "cannot release a lease; it expires on its own");
      }
      this.#onChange({ lease: lease.name, change: "released" });
    }
    await lease.turns;
  }

  /** Runs a holder's call after the ones before it; a throw is logged (the holder reports its own state). */
  #turn(lease: Lease, call: () => Promise<void> | void, what: "acquired" | "lost"): void {
    lease.turns = lease.turns.then(async () => {
      try {
        await call();
      } catch (error) {
        this.#log.error({ lease: lease.name, call: what, error: describeError(error) }, "a lease holder failed");
      }
    });
  }

  #key(name: string): string {
    return `${this.#prefix}lease:${name}`;
  }
}
