/**
 * `@switchboard/core/testing`: a harness for plugin authors and for core's own tests. It builds a
 * real Switchboard on a temporary libSQL file (never a mock), with a "test" inbox whose sends are
 * captured, a manual clock, `inject()` for inbound messages, `app.request()` for HTTP, and
 * `drain()` to run the delivery and job workers until nothing is due.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "smol-toml";
import { ManualClock } from "../clock.ts";
import { parseConfigText } from "../config/load.ts";
import { createLogger, type Logger } from "../log/index.ts";
import type { InboundMessage, IngestResult } from "../plugins/types.ts";
import { catchUpMessageSearch } from "../store/search-index.ts";
import { createSwitchboard, type Switchboard } from "../switchboard.ts";
import { type CapturedSend, type TestChannelState, testChannelStates } from "./test-channel.ts";

/** The store's tables, for assertions on what was stored. */
export * as tables from "../store/schema.ts";
export { createTestAgent, createTestTeam, setTestAvailability, type TestAgent } from "./agents.ts";
export { writeFixturePlugin } from "./fixtures.ts";
export { type JsonAnswer, json } from "./json.ts";
export { createTestKernel, type TestKernel } from "./kernel.ts";
export { cookieFrom, openSignInForm, type RequestFn, type SignedIn, type SignInForm, signInAgent } from "./sign-in.ts";
export { type HasStore, storedMessages, waitForMessages } from "./stored.ts";
export { type CollectedStream, collectStream } from "./stream.ts";
export type { CapturedSend } from "./test-channel.ts";
export { waitFor } from "./wait.ts";
export { FailureQueue, type FormFile, Listeners, type Loopback, readForm, serveLoopback } from "./wire.ts";

const TEST_CHANNEL = fileURLToPath(new URL("./test-channel.ts", import.meta.url));

export interface HarnessOptions {
  /** Extra `[plugins.<alias>]` entries, as in the TOML. */
  plugins?: Record<string, { package: string; options?: Record<string, unknown>; setup_timeout_ms?: number; enabled?: boolean }>;
  /** Extra `[inboxes.<name>]` entries. */
  inboxes?: Record<
    string,
    {
      plugin: string;
      channel?: string;
      display_name?: string;
      options?: Record<string, unknown>;
      routing?: string[];
      business_hours?: Record<string, unknown>;
      sla?: Record<string, number>;
    }
  >;
  /** Anything else of the config (webhooks, business_hours, ...). */
  config?: Record<string, unknown>;
  /** The clock's start (default: now). */
  now?: number;
  /** Environment for `${VAR}` interpolation. */
  env?: Record<string, string>;
  log?: Logger;
  /** Keep the database file after close (default false). */
  keepFiles?: boolean;
}

export interface Harness {
  switchboard: Switchboard;
  clock: ManualClock;
  /** The temporary folder holding the database. */
  dir: string;
  /** Every message the "test" inbox sent. */
  sent: CapturedSend[];
  /** Makes the next sends of the "test" inbox throw these errors, in order. */
  failNextSends(...errors: unknown[]): void;
  /** Whether the "test" channel declares idempotent sends (default false). */
  setIdempotentSends(value: boolean): void;
  /** Runs an inbound message into an inbox ("test" by default). */
  inject(message: InboundMessage, inbox?: string): Promise<IngestResult>;
  /** `app.request` of the Switchboard's HTTP app. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Runs due deliveries and jobs (at the clock's time) until none are due, and waits for late enrichment answers and event handlers. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

let harnessCount = 0;

/**
 * Creates a harness. Always `await harness.close()` when done.
 *
 * @example
 * import { createTestHarness } from "@switchboard/core/testing";
 *
 * const harness = await createTestHarness({ plugins: { mine: { package: "/path/to/my-plugin.ts" } } });
 * const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "Hello" });
 * await harness.switchboard.outbound.reply({ conversationId: stored.conversationId, text: "Hi!", agentId: null });
 * await harness.drain();
 * expect(harness.sent[0].message.text).toBe("Hi!");
 * await harness.close();
 */
export async function createTestHarness(options: HarnessOptions = {}): Promise<Harness> {
  const id = `h${process.pid}-${++harnessCount}`;
  const state: TestChannelState = { sent: [], failures: [], idempotentSends: false };
  testChannelStates.set(id, state);
  const dir = mkdtempSync(join(tmpdir(), "switchboard-test-"));
  const config = {
    ...options.config,
    store: { url: `file:${join(dir, "switchboard.db")}` },
    plugins: { "test-channel": { package: TEST_CHANNEL, options: { harness: id } }, ...options.plugins },
    inboxes: { test: { plugin: "test-channel" }, ...options.inboxes },
  };
  const file = join(dir, "switchboard.toml");
  const loaded = parseConfigText(stringify(config), file, options.env ?? {});
  const clock = new ManualClock(options.now ?? Date.now());
  const switchboard = await createSwitchboard(loaded, {
    clock,
    log: options.log ?? createLogger({ level: "silent" }),
    backgroundWorkers: false,
  });
  await switchboard.start();
  return {
    switchboard,
    clock,
    dir,
    sent: state.sent,
    failNextSends: (...errors) => state.failures.push(...errors),
    setIdempotentSends: (value) => {
      state.idempotentSends = value;
    },
    inject: (message, inbox = "test") => switchboard.ingest(inbox, message),
    request: async (path, init) => switchboard.app.request(path, init),
    async drain() {
      for (let round = 0; round < 100; round++) {
        await switchboard.inbound.idle();
        await switchboard.bus.idle();
        const ran = (await switchboard.delivery.runDue()) + (await switchboard.jobs.runDue());
        if (ran === 0) break;
      }
      await switchboard.bus.idle();
      await catchUpMessageSearch(switchboard.store);
    },
    async close() {
      await switchboard.stop();
      testChannelStates.delete(id);
      if (!options.keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
}
