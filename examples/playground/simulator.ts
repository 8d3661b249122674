/**
 * The customer simulator: people arrive now and then, write a question on one of their channels,
 * wait for an agent's answer, follow up when they get one, nudge when they don't, and sometimes
 * give up on a channel and try another. It talks to Switchboard only through channel drivers
 * (channels.ts: the API channel over HTTP, the fake Telegram and Discord servers, the webchat API),
 * exactly as real customers' messages would arrive, so the playground, tests and benchmarks can all
 * reuse it.
 *
 * @example
 * const simulator = new Simulator({ drivers: [apiDriver, telegramDriver], arrivalMs: 10_000 });
 * simulator.start();
 * // ... answer in the inbox; the customers reply
 * await simulator.stop();
 */
import { cast, continueLine, fill, NUDGES, type Person, STORIES, type Story, switchLine } from "./stories.ts";

/** One channel, as a customer uses it. */
export interface ChannelDriver {
  /** Short name ("api", "telegram", ...). */
  readonly name: string;
  /** What a person would call it ("Telegram"). */
  readonly label: string;
  /** `person` writes `text` on this channel. Resolves once the channel has accepted it. */
  say(person: Person, text: string): Promise<void>;
  /** Starts watching for agent replies; calls `deliver` with the person's key for each one. */
  start(deliver: (personKey: string, text: string) => void): void;
  stop(): Promise<void>;
}

export interface SimulatorOptions {
  drivers: ChannelDriver[];
  /** A new customer arrives about this often (milliseconds, default 12 s). */
  arrivalMs?: number;
  /** At most this many customers at once (default 4). */
  maxActive?: number;
  /** Stop letting new customers in after this many (default: no limit). */
  maxCustomers?: number;
  /** How long a customer waits for an answer before nudging or switching channel (default 90 s). */
  patienceMs?: number;
  /** How long a customer takes to write back after an answer: [min, max] milliseconds (default 2-6 s). */
  thinkMs?: [number, number];
  /** The chance that a customer who waited in vain tries another channel (default 0.5). */
  switchChance?: number;
  /** Keeps this simulator's people apart from another's (default "sim"). */
  prefix?: string;
  /** Seed of the random choices (default: random). */
  seed?: number;
  /** Where activity lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface SimulatorStats {
  customers: number;
  messages: number;
  replies: number;
  switches: number;
  finished: number;
  gaveUp: number;
  errors: number;
}

/** A small seeded generator (mulberry32), so a seeded run makes the same choices. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Simulator {
  readonly stats: SimulatorStats = { customers: 0, messages: 0, replies: 0, switches: 0, finished: 0, gaveUp: 0, errors: 0 };
  readonly people: Person[];
  readonly #options: Required<Omit<SimulatorOptions, "seed" | "maxCustomers">> & { maxCustomers: number };
  readonly #random: () => number;
  readonly #active = new Set<string>();
  readonly #unread = new Map<string, string[]>();
  readonly #waiters = new Map<string, () => void>();
  readonly #running = new Set<Promise<void>>();
  readonly #sleeps = new Set<() => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  #stopped = false;

  constructor(options: SimulatorOptions) {
    if (options.drivers.length === 0) throw new Error("The simulator needs at least one channel driver.");
    this.#options = {
      arrivalMs: 12_000,
      maxActive: 4,
      patienceMs: 90_000,
      thinkMs: [2_000, 6_000],
      switchChance: 0.5,
      prefix: "sim",
      log: () => {},
      ...options,
      maxCustomers: options.maxCustomers ?? Number.POSITIVE_INFINITY,
    };
    this.#random = seeded(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.people = cast(this.#options.prefix);
  }

  /** Starts the drivers' reply watching and the arrivals (the first customer comes at once). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const driver of this.#options.drivers) driver.start((key, text) => this.#deliver(key, text));
    const arrive = () => {
      if (this.#stopped) return;
      if (this.#active.size < this.#options.maxActive && this.stats.customers < this.#options.maxCustomers) void this.customer();
      this.#timer = setTimeout(arrive, this.#options.arrivalMs * (0.5 + this.#random()));
    };
    arrive();
  }

  /**
   * Runs one customer's story to its end (answered, given up, or the simulator stopped). Without a
   * `person`, someone who is not already writing comes. With `via`, the customer starts on its
   * first channel and, after each answer, goes on on the next one (Instagram, then email).
   */
  customer(person?: Person, story?: Story, via?: ChannelDriver[]): Promise<void> {
    const idle = this.people.filter((p) => !this.#active.has(p.key));
    const who = person ?? idle[Math.floor(this.#random() * idle.length)];
    if (!who || this.#active.has(who.key)) return Promise.resolve();
    this.#active.add(who.key);
    this.stats.customers++;
    const run = this.#story(who, story ?? STORIES[Math.floor(this.#random() * STORIES.length)]!, via)
      .catch((error: unknown) => {
        this.stats.errors++;
        this.#options.log(`! ${who.first} ${who.last}: ${(error as Error).message}`);
      })
      .finally(() => {
        this.#active.delete(who.key);
        this.#running.delete(run);
      });
    this.#running.add(run);
    return run;
  }

  /** Stops arrivals, ends every story where it is, and stops the drivers. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#sleeps.forEach((wake) => wake());
    this.#waiters.forEach((wake) => wake());
    await Promise.allSettled([...this.#running]);
    await Promise.allSettled(this.#options.drivers.map((driver) => driver.stop()));
  }

  async #story(person: Person, story: Story, via?: ChannelDriver[]): Promise<void> {
    const hops = [...(via ?? [])];
    const drivers = via?.length
      ? via
      : this.#shuffle(this.#options.drivers).slice(0, 1 + Math.floor(this.#random() * Math.min(3, this.#options.drivers.length)));
    let channel = hops.shift() ?? drivers[0]!;
    const followUps = [...story.followUps];
    let nudges = 0;
    await this.#say(person, channel, fill(story.opening, this.#random));
    while (!this.#stopped) {
      const reply = await this.#nextReply(person, this.#options.patienceMs);
      if (this.#stopped) return;
      if (reply !== undefined) {
        nudges = 0;
        const [min, max] = this.#options.thinkMs;
        await this.#sleep(min + this.#random() * (max - min));
        if (this.#stopped) return;
        const next = followUps.shift();
        const hop = hops.shift();
        const line = next ? fill(next, this.#random) : story.closing;
        if (hop) {
          const from = channel;
          channel = hop;
          this.stats.switches++;
          await this.#say(person, channel, `${continueLine(from.label)} ${line}`);
        } else await this.#say(person, channel, line);
        if (!next) {
          this.stats.finished++;
          return;
        }
        continue;
      }
      if (nudges >= 2) {
        this.stats.gaveUp++;
        this.#options.log(`  ${person.first} ${person.last} gave up waiting.`);
        return;
      }
      nudges++;
      const other = drivers.find((d) => d !== channel);
      if (other && this.#random() < this.#options.switchChance) {
        const from = channel;
        channel = other;
        this.stats.switches++;
        await this.#say(person, channel, `${switchLine(from.label)} ${fill(story.opening, this.#random)}`);
      } else {
        await this.#say(person, channel, NUDGES[Math.floor(this.#random() * NUDGES.length)]!);
      }
    }
  }

  async #say(person: Person, channel: ChannelDriver, text: string): Promise<void> {
    await channel.say(person, text);
    this.stats.messages++;
    this.#options.log(`${person.first} ${person.last} (${channel.label}): ${text}`);
  }

  #deliver(key: string, text: string): void {
    this.stats.replies++;
    const person = this.people.find((p) => p.key === key);
    this.#options.log(`  agent → ${person ? `${person.first} ${person.last}` : key}: ${text}`);
    if (!this.#active.has(key)) return;
    this.#unread.set(key, [...(this.#unread.get(key) ?? []), text]);
    this.#waiters.get(key)?.();
  }

  /** The next agent reply to `person`, or undefined after `timeoutMs` (or on stop). */
  async #nextReply(person: Person, timeoutMs: number): Promise<string | undefined> {
    const take = () => {
      const queue = this.#unread.get(person.key);
      return queue?.length ? queue.shift() : undefined;
    };
    const ready = take();
    if (ready !== undefined) return ready;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.set(person.key, done);
    });
    this.#waiters.delete(person.key);
    return take();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleeps.add(wake);
    });
  }

  #shuffle<T>(list: T[]): T[] {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.#random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
}
