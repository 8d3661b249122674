/**
 * The live connections of one inbox, by visitor. A visitor may have several (one per open tab);
 * a push reaches all of them. Connections live in this process's memory.
 */
import type { Entry } from "./history.ts";

/** What goes down a live connection. */
export type LiveEvent = { event: "message"; entry: Entry } | { event: "typing"; who: "agent" } | { event: "ready"; last_seq: number };

/** One open live connection. */
export interface Connection {
  visitorId: string;
  push(event: LiveEvent): void;
  close(): void;
}

/**
 * The registry of open connections.
 *
 * @example
 * const hub = new Hub();
 * const remove = hub.add(connection);
 * hub.push("a_x", { event: "typing", who: "agent" }); // 1
 * remove();
 */
export class Hub {
  readonly #byVisitor = new Map<string, Set<Connection>>();
  #size = 0;

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

  /** Pushes to every connection of the visitor; returns how many it reached. */
  push(visitorId: string, event: LiveEvent): number {
    const set = this.#byVisitor.get(visitorId);
    if (!set) return 0;
    for (const connection of set) connection.push(event);
    return set.size;
  }

  /** Closes every connection of one visitor. */
  closeVisitor(visitorId: string): void {
    for (const connection of [...(this.#byVisitor.get(visitorId) ?? [])]) connection.close();
  }

  connected(visitorId: string): boolean {
    return this.#byVisitor.has(visitorId);
  }

  /** How many connections are open. */
  get size(): number {
    return this.#size;
  }

  /** Closes every connection (on shutdown). */
  closeAll(): void {
    for (const set of [...this.#byVisitor.values()]) for (const connection of [...set]) connection.close();
  }
}
