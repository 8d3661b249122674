/**
 * The live connections of one inbox, by visitor. A visitor may have several (one per open tab),
 * and with several Switchboard processes they may be held by different ones: a push goes out as a
 * cluster broadcast (`ctx.cluster`), which reaches this process at once and the others through
 * Redis, and each process writes it to the connections it holds. A message push carries its entry
 * when it is small, else only its seq (the entry is in the visitor's log, and the stream reads it
 * from there); a connection that misses a push reads the log on the next one or on reconnect.
 */
import type { PluginCluster } from "@switchboard/core";
import type { Entry } from "./history.ts";

/**
 * What goes to a live connection: an entry of the visitor's log, or only the seq of one to read
 * from the log ("stored"), the agent typing, or the end of the catch-up ("ready", sent by the stream).
 */
export type LiveEvent =
  | { event: "message"; entry: Entry }
  | { event: "stored"; seq: number }
  | { event: "typing"; who: "agent" }
  | { event: "ready"; last_seq: number };

/** One open live connection. */
export interface Connection {
  visitorId: string;
  push(event: LiveEvent): void;
  close(): void;
}

/** A push as it crosses processes. */
interface Wire {
  visitor: string;
  event: LiveEvent;
}

/** An entry longer than this (as JSON, in characters) is pushed as its seq alone; receivers read it from the log. */
export const MAX_PUSHED_ENTRY_CHARS = 4096;

/**
 * The registry of open connections, and the pushes to them from every process.
 *
 * @example
 * const hub = new Hub(ctx.cluster, "push:site");
 * const remove = hub.add(connection);
 * hub.push("a_x", { event: "message", entry }); // to the visitor's connections in every process
 * remove();
 */
export class Hub {
  readonly #byVisitor = new Map<string, Set<Connection>>();
  readonly #cluster: Pick<PluginCluster, "broadcast">;
  readonly #topic: string;
  #size = 0;

  /** Listens to `topic` on the cluster for as long as the plugin runs. */
  constructor(cluster: Pick<PluginCluster, "broadcast" | "listen">, topic: string) {
    this.#cluster = cluster;
    this.#topic = topic;
    cluster.listen(topic, (payload) => {
      const wire = JSON.parse(payload) as Wire;
      this.pushHere(wire.visitor, wire.event);
    });
  }

  add(connection: Connection): () => void {
    const set = this.#byVisitor.get(connection.visitorId) ?? new Set();
    set.add(connection);
    this.#byVisitor.set(connection.visitorId, set);
    this.#size++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#size--;
      set.delete(connection);
      if (set.size === 0 && this.#byVisitor.get(connection.visitorId) === set) this.#byVisitor.delete(connection.visitorId);
    };
  }

  /** Pushes to every connection of the visitor, in every process (best effort). */
  push(visitorId: string, event: LiveEvent): void {
    const small = event.event !== "message" || JSON.stringify(event.entry).length <= MAX_PUSHED_ENTRY_CHARS;
    const sent: LiveEvent = small || event.event !== "message" ? event : { event: "stored", seq: event.entry.seq };
    this.#cluster.broadcast(this.#topic, JSON.stringify({ visitor: visitorId, event: sent } satisfies Wire));
  }

  /**
   * Pushes to the visitor's connections held by this process only: for what every process hears by
   * itself (the agent typing, an event each process receives). Returns how many it reached.
   */
  pushHere(visitorId: string, event: LiveEvent): number {
    const set = this.#byVisitor.get(visitorId);
    if (!set) return 0;
    for (const connection of set) connection.push(event);
    return set.size;
  }

  /** Closes every connection of one visitor held by this process. */
  closeVisitor(visitorId: string): void {
    for (const connection of [...(this.#byVisitor.get(visitorId) ?? [])]) connection.close();
  }

  connected(visitorId: string): boolean {
    return this.#byVisitor.has(visitorId);
  }

  /** How many connections this process holds. */
  get size(): number {
    return this.#size;
  }

  /** Closes every connection (on shutdown). */
  closeAll(): void {
    for (const set of [...this.#byVisitor.values()]) for (const connection of [...set]) connection.close();
  }
}
