/**
 * The connection of one WhatsApp Web inbox as a small state machine (starting → qr → authenticated
 * → ready, or disconnected / failed), told to the admin page's panel as it changes and written to
 * the inbox's kv, so `switchboard doctor` (another process, which never opens the session) can say
 * what the running server last saw.
 */
import type { KeyValueStore, Logger } from "@switchboard/core";

export type ConnectionState =
  | { state: "stopped" }
  | { state: "starting" }
  | { state: "qr"; qr: string }
  | { state: "authenticated" }
  | { state: "ready"; phone: string; name?: string }
  | { state: "disconnected"; reason: string }
  | { state: "failed"; error: string };

/** What the session holder writes to kv (no QR code: it is only for the page). */
export type ReportedState = Exclude<ConnectionState, { state: "qr" }> | { state: "qr" };
export interface Report {
  connection: ReportedState;
  at: number;
  pid: number;
}

export const REPORT_KEY = "connection";

/**
 * Holds the current state and tells listeners.
 *
 * @example
 * const connection = new Connection(inbox.kv, inbox.log);
 * connection.subscribe(() => redraw());
 * connection.set({ state: "ready", phone: "+447700900123" });
 */
export class Connection {
  #current: ConnectionState = { state: "stopped" };
  #since = Date.now();
  readonly #listeners = new Set<() => void>();
  #writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly log: Logger,
  ) {}

  get current(): ConnectionState {
    return this.#current;
  }

  /** When the current state began (ms since epoch). */
  get since(): number {
    return this.#since;
  }

  set(next: ConnectionState): void {
    this.#current = next;
    this.#since = Date.now();
    const connection: ReportedState = next.state === "qr" ? { state: "qr" } : next;
    const report: Report = { connection, at: this.#since, pid: process.pid };
    this.#writing = this.#writing
      .then(() => this.kv.set(REPORT_KEY, report))
      .catch((error: unknown) => this.log.warn({ error: String(error) }, "could not record the WhatsApp connection state for doctor"));
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` on every change; returns what stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Waits for the kv writes so far (tests, stop). */
  flushed(): Promise<unknown> {
    return this.#writing;
  }
}
