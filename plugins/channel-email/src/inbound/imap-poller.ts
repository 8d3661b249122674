/**
 * The IMAP poller (imapflow): keeps one connection to the mailbox, fetches every message above the
 * stored UID, stores it, then advances the cursor. Between syncs the mailbox lock is released so
 * imapflow IDLEs and the server's EXISTS wakes the next sync at once; a timer syncs anyway every
 * `poll_interval_ms` (and is all there is on servers without IDLE). A lost connection (server down,
 * wrong mailbox, wrong password) is retried with exponential backoff and jitter, reset by the next
 * successful sync, and shown in the inbox health in the server's words; it never skips a message.
 * A message that fails to store five times in a row is stored raw and flagged instead; only when
 * even that fails (the store is down) does the poller keep retrying it.
 */
import type { ChannelHealth, KeyValueStore, Logger } from "@switchboard/core";
import { ImapFlow } from "imapflow";
import { describeError } from "../describe-error.ts";
import type { ImapOptions } from "../options.ts";
import { type RawEmail, spoolToFile } from "../parse/raw-email.ts";
import { Backoff } from "./backoff.ts";
import { decideCursor, readCursor, writeCursor } from "./imap-cursor.ts";
import { describeImapProblem } from "./imap-problem.ts";
import type { Ingest } from "./ingest.ts";
import type { ReceivedVia } from "./to-inbound.ts";

/** The port of each `security` when options.imap.port is not set. */
export const DEFAULT_PORTS = { tls: 993, starttls: 143, none: 143 } as const;
const MAX_FAILURES_PER_MESSAGE = 5;
/** A message over this size is downloaded into a temporary file rather than fetched into memory. */
const SPOOL_AFTER = 1024 * 1024;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 300_000;

/** Waits `ms`, or less when `signal` aborts; nothing else cuts it short. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export interface ImapPollerDeps {
  options: ImapOptions;
  kv: KeyValueStore;
  log: Logger;
  maxBytes: number;
  ingest: Ingest;
  /** How the poller waits between reconnections (tests pass a controllable one). Default: a timer that stop() cuts short. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The jitter's random source, in [0, 1). */
  random?: () => number;
}

/**
 * One inbox's IMAP poller.
 *
 * @example
 * const poller = new ImapPoller({ options: inbox.options.imap, kv: inbox.kv, log: inbox.log, maxBytes, ingest });
 * poller.start(signal);
 * await poller.stop();
 */
export class ImapPoller {
  readonly #deps: ImapPollerDeps;
  readonly #controller = new AbortController();
  readonly #failures = new Map<number, number>();
  #loop: Promise<void> | undefined;
  #client: ImapFlow | undefined;
  #wake: (() => void) | undefined;
  #dirty = false;
  #status: { connected: boolean; error?: string } = { connected: false };
  readonly #backoff: Backoff;

  constructor(deps: ImapPollerDeps) {
    this.#deps = deps;
    this.#backoff = new Backoff({ initialMs: FIRST_BACKOFF_MS, maxMs: MAX_BACKOFF_MS, ...(deps.random ? { random: deps.random } : {}) });
  }

  get #port(): number {
    return this.#deps.options.port ?? DEFAULT_PORTS[this.#deps.options.security];
  }

  /** Starts the connection loop; returns at once (a server that is down is retried, not fatal). */
  start(signal: AbortSignal): void {
    signal.addEventListener("abort", () => this.#controller.abort(), { once: true });
    this.#controller.signal.addEventListener("abort", () => {
      this.#client?.close();
      this.#wake?.();
    });
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await this.#loop;
  }

  /** The connection as the admin page and `doctor` show it: the server's own words and the fix when it is down. */
  health(): ChannelHealth {
    const { host, mailbox } = this.#deps.options;
    if (this.#status.connected)
      return {
        ok: true,
        message: `IMAP ${host} ${mailbox}: connected${this.#client?.capabilities.has("IDLE") ? ", IDLE" : ", polling (no IDLE)"}`,
      };
    if (this.#status.error)
      return {
        ok: false,
        message: `${this.#status.error} Retrying with backoff (${this.#backoff.failures} failed attempts in a row); no message is skipped meanwhile.`,
      };
    return { ok: false, message: `IMAP ${host}:${this.#port}, mailbox "${mailbox}": connecting.` };
  }

  /** Asks for a sync as soon as the current one (if any) ends. */
  #kick(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  #connect(): ImapFlow {
    const { options } = this.#deps;
    const client = new ImapFlow({
      host: options.host,
      port: this.#port,
      secure: options.security === "tls",
      doSTARTTLS: options.security === "starttls" ? true : options.security === "none" ? false : undefined,
      auth: { user: options.user, pass: options.password },
      logger: false,
      autoIdleDelay: options.idle_delay_ms,
      connectionTimeout: 30_000,
    });
    client.on("error", (error: unknown) => this.#deps.log.warn({ error: describeError(error) }, "IMAP connection error"));
    client.on("exists", () => this.#kick());
    return client;
  }

  async #run(): Promise<void> {
    const { log } = this.#deps;
    const signal = this.#controller.signal;
    const wait = this.#deps.wait ?? pause;
    while (!signal.aborted) {
      const client = this.#connect();
      this.#client = client;
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      try {
        await client.connect();
        log.info(
          { host: this.#deps.options.host, mailbox: this.#deps.options.mailbox, idle: client.capabilities.has("IDLE") },
          "IMAP connected",
        );
        await this.#serve(client, closed);
      } catch (error) {
        if (signal.aborted) break;
        const problem = describeImapProblem(error, this.#deps.options, this.#port);
        this.#status = { connected: false, error: problem };
        const retryInMs = this.#backoff.next();
        log.warn(
          { error: describeError(error), problem, retryInMs, failures: this.#backoff.failures },
          "IMAP connection problem; reconnecting after the backoff",
        );
        client.close();
        await wait(retryInMs, signal);
        continue;
      } finally {
        this.#status.connected = false;
      }
      client.close();
    }
  }

  /** Syncs, then waits for EXISTS, the poll timer, a closed connection or stop; over and over. */
  async #serve(client: ImapFlow, closed: Promise<void>): Promise<void> {
    const signal = this.#controller.signal;
    let open = true;
    void closed.then(() => {
      open = false;
      this.#wake?.();
    });
    while (open && !signal.aborted) {
      this.#dirty = false;
      await this.#sync(client);
      // A whole sync worked: the connection is healthy again and the backoff starts over.
      this.#status = { connected: true };
      this.#backoff.reset();
      if (this.#dirty) continue;
      await this.#sleep(this.#deps.options.poll_interval_ms);
    }
    if (!open && !signal.aborted) throw new Error(`the server closed the connection${client.byeReason ? `: ${client.byeReason}` : ""}`);
  }

  /** Sleeps until `ms` pass or something wakes the loop (EXISTS, close, stop). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
      if (this.#controller.signal.aborted || this.#dirty) done();
    });
  }

  async #sync(client: ImapFlow): Promise<void> {
    const { options, kv, log } = this.#deps;
    const lock = await client.getMailboxLock(options.mailbox).catch((error: unknown) => {
      // The server answered (it did not just drop the connection): the mailbox is what it refused.
      const answered = typeof (error as { responseText?: unknown }).responseText === "string";
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), answered ? { mailboxMissing: true } : {});
    });
    try {
      const box = client.mailbox;
      if (!box) throw new Error(`the mailbox "${options.mailbox}" could not be opened`);
      const decision = decideCursor(
        await readCursor(kv),
        { mailbox: options.mailbox, uidValidity: box.uidValidity.toString(), uidNext: box.uidNext },
        options.first_sync,
      );
      const cursor = decision.cursor;
      if (decision.reason === "uidvalidity-changed")
        log.warn(
          { mailbox: options.mailbox, uidValidity: cursor.uidValidity },
          "UIDVALIDITY changed: re-reading the mailbox; messages already stored are recognised by Message-ID",
        );
      if (decision.reason !== "resume") {
        log.info({ mailbox: options.mailbox, reason: decision.reason, lastUid: cursor.lastUid }, "IMAP cursor set");
        await writeCursor(kv, cursor);
      }
      const found = await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true });
      const uids = (found || []).filter((uid) => uid > cursor.lastUid).sort((a, b) => a - b);
      if (uids.length === 0) return;
      const fromUid = uids[0];
      let fetched = 0;
      for (const uid of uids) {
        if (this.#controller.signal.aborted) break;
        if (await this.#take(client, uid, cursor.uidValidity)) fetched++;
        cursor.lastUid = uid;
        await writeCursor(kv, cursor);
      }
      log.info({ mailbox: options.mailbox, fetched, fromUid, toUid: cursor.lastUid }, "IMAP sync");
    } finally {
      lock.release();
    }
  }

  /** Fetches and stores one message. Returns whether it was fetched; throws when storing failed (to retry). */
  async #take(client: ImapFlow, uid: number, uidValidity: string): Promise<boolean> {
    const { options, log, maxBytes } = this.#deps;
    const head = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
    if (!head) return false;
    if ((head.size ?? 0) > maxBytes) {
      log.warn({ uid, bytes: head.size, limit: maxBytes }, "skipped an email over max_message_bytes; it stays in the mailbox");
      return false;
    }
    const fetched = await this.#fetch(client, uid, head.size ?? 0);
    if (!fetched) return false;
    const { raw, discard } = fetched;
    log.debug({ uid, bytes: raw.length }, "IMAP fetched");
    const received = { via: "imap" as const, mailbox: options.mailbox, uid, uidValidity };
    try {
      await this.#store(raw, uid, received);
    } finally {
      discard();
    }
    if (options.mark_seen) await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
    return true;
  }

  /**
   * The raw message: one Buffer up to SPOOL_AFTER bytes; a larger one is downloaded in 1 MiB pieces
   * into a temporary file (`discard` deletes it), so it is never held whole in memory.
   */
  async #fetch(client: ImapFlow, uid: number, size: number): Promise<{ raw: RawEmail; discard(): void } | undefined> {
    if (size > SPOOL_AFTER) {
      const download = await client.download(String(uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
      if (!download.content) return undefined;
      const { email, discard } = await spoolToFile(download.content, "switchboard-imap-");
      return { raw: email, discard };
    }
    const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    return message && message.source ? { raw: message.source, discard: () => undefined } : undefined;
  }

  /** Stores one fetched message; after MAX_FAILURES_PER_MESSAGE failures in a row, stores it raw and flagged. */
  async #store(raw: RawEmail, uid: number, received: ReceivedVia): Promise<void> {
    const { log } = this.#deps;
    try {
      await this.#deps.ingest(raw, received);
    } catch (error) {
      const failures = (this.#failures.get(uid) ?? 0) + 1;
      this.#failures.set(uid, failures);
      if (failures < MAX_FAILURES_PER_MESSAGE) throw error;
      // Never skipped: stored raw and flagged; if even that fails the store is down, and the poller retries with backoff.
      log.error({ uid, failures, error: describeError(error) }, "an email failed to store again and again; storing it raw and flagged");
      await this.#deps.ingest.keepFlagged(raw, received, `it failed to store ${failures} times (${describeError(error).message})`);
    }
    this.#failures.delete(uid);
  }
}
