/**
 * The two ingest measures, shared by bench/ingest.ts and bench/growth.ts: saturation throughput
 * with wrk (closed loop) and acknowledgement latency at a fixed rate (open loop, ingest-load.ts).
 */
import { createClient } from "@libsql/client";
import { REFRESH_MAX_DELAY_MS } from "../core/src/reports/subscriber.ts";
import { apiMessage, type OpenLoopResult, openLoop } from "./ingest-load.ts";
import { BENCH_INBOX, BENCH_SECRET, type ChildServer } from "./ingest-servers.ts";
import { runWrk, type WrkResult } from "./ingest-wrk.ts";

export interface Target {
  name: string;
  server: ChildServer;
  /** The floor takes no secret. */
  secret?: string;
}

let runs = 0;
/** A run id no earlier run against the same database used. */
export const newRunId = (label: string) => `${label}${Date.now().toString(36)}${(++runs).toString(36)}`;

export const messagesUrl = (server: ChildServer) => `${server.url}/webhooks/${BENCH_INBOX}/messages`;

export function switchboardTarget(server: ChildServer): Target {
  return { name: "Switchboard", server, secret: BENCH_SECRET };
}

/** Saturation: wrk with `connections` keep-alive connections for `seconds`; also the server's CPU milliseconds per message. */
export async function saturate(
  target: Target,
  options: { seconds: number; connections: number; contactPool: number; contactName?: string },
): Promise<WrkResult & { cpuMsPerMessage: number; catchUpMs: number }> {
  const cpu = target.server.cpuSeconds();
  const result = await runWrk({
    url: messagesUrl(target.server),
    secret: target.secret,
    seconds: options.seconds,
    connections: options.connections,
    runId: newRunId("w"),
    contactPool: options.contactPool,
    contactName: options.contactName,
  });
  // Switchboard's durable subscribers may still be working through the round's events: their work
  // belongs to these messages, so the CPU is read once they have caught up.
  const catchUpMs = target.secret ? await subscribersCaughtUp(target.server) : 0;
  return { ...result, catchUpMs, cpuMsPerMessage: ((target.server.cpuSeconds() - cpu) * 1000) / Math.max(1, result.requests) };
}

/**
 * Waits until every durable subscriber of a Switchboard server is at the end of the event log (its
 * /metrics gauge `switchboard_event_subscriber_behind` at 0 for all) and, once the reports
 * refreshes those events scheduled have come due (at most REFRESH_MAX_DELAY_MS after), no due job waits
 * (`switchboard_jobs_due` at 0); at most two minutes. Resolves to how long that took.
 */
export async function subscribersCaughtUp(server: ChildServer): Promise<number> {
  const started = performance.now();
  const settled = async (refreshesDue: boolean) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const behind = [...text.matchAll(/^switchboard_event_subscriber_behind\{[^}]*\} (\d+)/gm)].map((m) => Number(m[1]));
    const due = Number(/^switchboard_jobs_due (\d+)/m.exec(text)?.[1] ?? 0);
    return behind.length > 0 && behind.every((n) => n === 0) && (!refreshesDue || due === 0);
  };
  let caughtUpAt: number | undefined;
  while (performance.now() - started < 120_000) {
    if (caughtUpAt === undefined && (await settled(false))) caughtUpAt = performance.now();
    // The refreshes scheduled by the last events are due at most REFRESH_MAX_DELAY_MS later.
    if (caughtUpAt !== undefined && performance.now() - caughtUpAt > REFRESH_MAX_DELAY_MS + 500 && (await settled(true)))
      return performance.now() - started;
    await Bun.sleep(100);
  }
  throw new Error("Switchboard's durable subscribers and due jobs did not catch up within 2 minutes of the round.");
}

/** Acknowledgement latency at a fixed rate (open loop). */
export async function atRate(
  target: Target,
  options: {
    rate: number;
    seconds: number;
    contactPool: number;
    contactName?: string;
    /** The run id of an earlier run whose contacts write again (default: contacts new to this run). */
    contactsOf?: string;
  },
): Promise<OpenLoopResult & { runId: string }> {
  const runId = newRunId("r");
  const headers: Record<string, string> = target.secret ? { Authorization: `Bearer ${target.secret}` } : {};
  const result = await openLoop({
    url: messagesUrl(target.server),
    headers,
    body: (i) => apiMessage(runId, i, options.contactPool, options.contactName, options.contactsOf),
    rate: options.rate,
    seconds: options.seconds,
  });
  return { ...result, runId };
}

/** Counts the rows of a table in a database file (a second reader beside the running server). */
export async function countRows(file: string, table: string): Promise<number> {
  const client = createClient({ url: `file:${file}` });
  try {
    return Number((await client.execute(`SELECT count(*) FROM ${table}`)).rows[0]![0]);
  } finally {
    client.close();
  }
}

export const fmt = (ms: number) => (Number.isFinite(ms) ? (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)) : "–");
