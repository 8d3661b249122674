/**
 * A background loop that calls `tick` every `intervalMs`, or at once when `kick()` is called, or
 * again on the next turn of the event loop when a tick resolves to `true` (it took a full batch:
 * there is more to do now). Used by the job queue, the outbox worker and the webhook sender. A
 * failing tick is logged and the loop goes on.
 */
import { describeError } from "../errors/index.ts";
import type { Logger } from "../log/index.ts";

export class Poller {
  readonly #tick: () => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #log: Logger;
  readonly #name: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(name: string, tick: () => Promise<unknown>, options: { intervalMs: number; log: Logger }) {
    this.#name = name;
    this.#tick = tick;
    this.#intervalMs = options.intervalMs;
    this.#log = options.log;
  }

  start(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Runs a tick as soon as possible (after the current one, if one is running). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#run();
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      try {
        if ((await this.#tick()) === true) {
          this.#again = true;
          // Timers and sockets get a turn between full batches.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        this.#log.error({ poller: this.#name, error: describeError(error) }, "background tick failed; retrying on the next interval");
      }
    } while (this.#again && !this.#stopped);
    this.#running = undefined;
    if (!this.#stopped) this.#timer = setTimeout(() => this.kick(), this.#intervalMs);
  }

  /** Stops the loop and waits for a running tick to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
