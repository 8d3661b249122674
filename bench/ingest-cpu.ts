/**
 * Server CPU per ingested message and the event loop's longest stalls, measured in-process so that
 * a loaded machine does not move the numbers much (CPU time, not wall time): `bun bench/ingest-cpu.ts`.
 *
 * Switchboard runs in this process (the API channel over `app.request`: auth, validation, dedupe,
 * identity, threading, routing, the write transaction with its events, group commit, and the durable
 * subscribers catching up), on a temp database. Phases: the first message of `--pool` senders new
 * to the database, then `--messages` from the same (known) senders, `--concurrency` in flight. CPU
 * per message is process.cpuUsage() over a phase (the durable subscribers' catch-up included)
 * divided by its messages. With `--rate N` it then sends at a fixed N msg/s (open loop) and prints
 * the longest event-loop stalls with the work that ran during each (core/src/perf/work.ts):
 * group commits and their callers, and each durable subscriber's events.
 *
 *   bun bench/ingest-cpu.ts [--messages 2000] [--pool 200] [--concurrency 16] [--rate 300] [--seconds 5]
 */
import { type Stall, sampleLoopDelay } from "../core/src/perf/loop-delay.ts";
import { workTotals } from "../core/src/perf/work.ts";
import { startInProcess } from "./in-process.ts";
import { apiMessage } from "./ingest-load.ts";
import { machineLine } from "./sections.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MESSAGES = arg("messages", 2000);
const POOL = arg("pool", 200);
const CONCURRENCY = arg("concurrency", 16);
const RATE = arg("rate", 300);
const SECONDS = arg("seconds", 5);

const inProcess = await startInProcess("ingest-cpu");
const { sb } = inProcess;
const post = async (runId: string, i: number) => {
  await inProcess.post(apiMessage(runId, i, POOL));
};

/** Work counted (work.ts) per message over a phase: store writes, group commits, durable subscribers' events. */
const perMessage = (before: Record<string, number>, after: Record<string, number>, messages: number) =>
  Object.entries(after)
    .map(([label, n]) => `${label} ${((n - (before[label] ?? 0)) / messages).toFixed(2)}`)
    .join(", ");

/** Sends messages [from, to) of `runId`, `CONCURRENCY` at a time; returns CPU ms per message (subscribers' catch-up included). */
async function phase(runId: string, from: number, to: number): Promise<number> {
  const work = workTotals();
  const cpu = process.cpuUsage();
  let next = from;
  const worker = async () => {
    while (next < to) await post(runId, next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await sb.bus.idle();
  const used = process.cpuUsage(cpu);
  console.log(`  ${runId} [${from}, ${to}) per message: ${perMessage(work, workTotals(), to - from)}`);
  return (used.user + used.system) / 1000 / (to - from);
}

/** Sends at `rate` msg/s for `seconds`, recording stalls; returns them longest first. */
async function atRate(runId: string, rate: number, seconds: number): Promise<{ stalls: Stall[]; samples: number }> {
  const stalls: Stall[] = [];
  let samples = 0;
  const stop = sampleLoopDelay({ observe: () => samples++, onStall: (stall) => stalls.push(stall) });
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    inFlight.push(post(runId, i));
  }
  await Promise.all(inFlight);
  await sb.bus.idle();
  stop();
  return { stalls: stalls.sort((a, b) => b.delayMs - a.delayMs), samples };
}

try {
  console.log(machineLine());
  const warm = await phase("warm", 0, POOL * 3);
  const newSenders = await phase("run", 0, POOL);
  const known = await phase("run", POOL, POOL + MESSAGES);
  console.log(
    `CPU per message: warm-up ${warm.toFixed(3)} ms; ${POOL} new senders ${newSenders.toFixed(3)} ms; ${MESSAGES} from known senders ${known.toFixed(3)} ms`,
  );
  const { stalls, samples } = await atRate("rate", RATE, SECONDS);
  console.log(
    `At ${RATE} msg/s for ${SECONDS} s (${POOL} new senders first): ${stalls.length} stalls of 20 ms or more in ${samples} samples; the longest:`,
  );
  for (const stall of stalls.slice(0, 10)) console.log(`  ${stall.delayMs.toFixed(1)} ms: ${JSON.stringify(stall.work)}`);
} finally {
  await inProcess.stop();
}
