/**
 * `bun bench/webchat.ts`: how many widget connections one Switchboard process holds, with the memory
 * each costs, and the latency from an agent's reply to the visitor's live connection at p99 with
 * 1,000 visitors connected, all on loopback. Writes the "webchat" section of docs/benchmarks.md.
 *
 * The server (bench/webchat-server.ts) runs in its own process; this process plays the visitors.
 * Visitors hold the widget's real stream (GET …/stream, Server-Sent Events) over raw TCP sockets,
 * so thousands fit in one client. Replies go through the real agent route of the inbox
 * (POST /inbox/conversations/:id/messages with a signed-in session and CSRF token), then the
 * outbox, the delivery worker and the webchat adapter, to the visitor's socket.
 *
 * Bounded: WEBCHAT_BENCH_MAX connections at most (default 15,000, under the fd limit); 600 timed
 * replies (WEBCHAT_BENCH_REPLIES) at 10 per second (WEBCHAT_BENCH_RATE), each waited for at most 10 s.
 */
import { readFileSync } from "node:fs";
import { signInAgent } from "../core/src/testing/sign-in.ts";
import { inboxKeys, newAnonymousId, signVisitorToken } from "../plugins/channel-webchat/src/tokens.ts";
import { machineLine, writeSection } from "./sections.ts";
import { BENCH_AGENT, BENCH_ORIGIN, BENCH_SECRET } from "./webchat-server.ts";

const VISITORS = 1000;
const MAX = Number(process.env.WEBCHAT_BENCH_MAX ?? 15_000);
const REPLIES = Number(process.env.WEBCHAT_BENCH_REPLIES ?? 600);
/** Replies per second, sent on a fixed schedule (open loop: a slow reply does not slow the next). */
const RATE = Number(process.env.WEBCHAT_BENCH_RATE ?? 10);
const STEPS = [1000, 2500, 5000, 10_000, 15_000, 20_000].filter((n) => n <= MAX);

interface Server {
  port: number;
  control: number;
  process: ReturnType<typeof Bun.spawn>;
}

async function startServer(): Promise<Server> {
  const child = Bun.spawn([process.execPath, new URL("./webchat-server.ts", import.meta.url).pathname], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The bench server exited before it was ready.");
    text += value;
  }
  reader.releaseLock();
  return { ...(JSON.parse(text.split("\n")[0]!) as { port: number; control: number }), process: child };
}

/** The server's resident memory (from /proc) and its JS heap after a full GC. */
async function memory(server: Server): Promise<{ rssMiB: number; heapMiB: number }> {
  const heap = (await (await fetch(`http://127.0.0.1:${server.control}/`)).json()) as { heapUsed: number };
  const status = readFileSync(`/proc/${server.process.pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMiB: rssKb / 1024, heapMiB: heap.heapUsed / 2 ** 20 };
}

/** One visitor's live connection over a raw socket: watches for `event: ready` and for markers. */
class Visitor {
  ready!: Promise<void>;
  /** Set when the server closed the connection. */
  dropped = false;
  #tail = "";
  #waiting: { marker: string; resolve: () => void } | undefined;
  #socket: Awaited<ReturnType<typeof Bun.connect>> | undefined;

  constructor(readonly token: string) {}

  connect(port: number): Promise<void> {
    let onReady = () => {};
    this.ready = new Promise<void>((resolve) => (onReady = resolve));
    const request = `GET /plugins/webchat/inboxes/site/stream?after=0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${BENCH_ORIGIN}\r\nAuthorization: Bearer ${this.token}\r\nAccept: text/event-stream\r\n\r\n`;
    let readySeen = false;
    return Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (socket) => {
          this.#socket = socket;
          socket.write(request);
        },
        data: (_socket, data) => {
          const text = this.#tail + data.toString("utf8");
          if (!readySeen && text.includes("event: ready")) {
            readySeen = true;
            onReady();
          }
          if (this.#waiting && text.includes(this.#waiting.marker)) {
            const done = this.#waiting.resolve;
            this.#waiting = undefined;
            done();
          }
          this.#tail = text.slice(-256);
        },
        close: () => {
          this.dropped = true;
        },
        error: (_socket, error) => console.error("visitor socket error:", error.message),
      },
    }).then(() => undefined);
  }

  /** Resolves when `marker` arrives on the stream. */
  waitFor(marker: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${marker}" within ${timeoutMs} ms`)), timeoutMs);
      this.#waiting = {
        marker,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  close(): void {
    this.#socket?.end();
  }
}

async function newVisitors(n: number): Promise<Visitor[]> {
  const keys = await inboxKeys(BENCH_SECRET);
  const expiresAt = Date.now() + 86_400_000;
  return Promise.all(
    Array.from(
      { length: n },
      async () => new Visitor(await signVisitorToken(keys.token, { inbox: "site", visitorId: newAnonymousId(), expiresAt })),
    ),
  );
}

/** Runs `task` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!, i);
      }
    }),
  );
  return results;
}

async function connectAll(visitors: Visitor[], port: number): Promise<void> {
  await pool(visitors, 200, async (visitor) => {
    await visitor.connect(port);
    await visitor.ready;
  });
}

/** Signs the agent in through the /login form and reads the CSRF token of the inbox page. */
function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  return signInAgent((path, init) => fetch(base + path, { ...init, redirect: "manual" }), BENCH_AGENT.email, BENCH_AGENT.password);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

async function main(): Promise<void> {
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const idle = await memory(server);

    // 1,000 visitors with a conversation each, connected.
    const visitors = await newVisitors(VISITORS);
    const conversations = await pool(visitors, 16, async (visitor, i) => {
      const response = await fetch(`${base}/plugins/webchat/inboxes/site/messages`, {
        method: "POST",
        headers: { Origin: BENCH_ORIGIN, Authorization: `Bearer ${visitor.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: `bench-${String(i).padStart(8, "0")}`, text: `Hello from visitor ${i}` }),
      });
      if (response.status !== 201) throw new Error(`message answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { message: { conversation_id: number } }).message.conversation_id;
    });
    let started = performance.now();
    await connectAll(visitors, server.port);
    const connect1000Ms = performance.now() - started;

    // Reply → visitor's stream, through the agent's real inbox route.
    const agent = await signIn(base);
    const latencies: number[] = [];
    let failures = 0;
    started = performance.now();
    const reply = async (i: number) => {
      const visitor = visitors[i % VISITORS]!;
      const marker = `bench-reply-${i}-${Math.random().toString(36).slice(2, 8)}`;
      const arrived = visitor.waitFor(marker, 10_000);
      const t0 = performance.now();
      const response = await fetch(`${base}/inbox/conversations/${conversations[i % VISITORS]}/messages`, {
        method: "POST",
        headers: { Cookie: agent.cookie, "HX-Request": "true", "X-CSRF-Token": agent.csrf },
        body: new URLSearchParams({ text: marker, kind: "reply" }),
      });
      if (response.status !== 204) throw new Error(`reply answered ${response.status}: ${await response.text()}`);
      try {
        await arrived;
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures++;
        console.error((error as Error).message);
      }
    };
    const sending: Promise<void>[] = [];
    for (let i = 0; i < REPLIES; i++) {
      await Bun.sleep(Math.max(0, started + (i * 1000) / RATE - performance.now()));
      sending.push(reply(i));
    }
    await Promise.all(sending);
    const replySeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const with1000 = await memory(server);

    // Then more idle visitors (the widget open, no conversation yet), step by step.
    const steps: { connections: number; rssMiB: number; heapMiB: number; connectSeconds: number }[] = [
      { connections: VISITORS, ...with1000, connectSeconds: connect1000Ms / 1000 },
    ];
    const extra: Visitor[] = [];
    for (const target of STEPS.filter((n) => n > VISITORS)) {
      const batch = await newVisitors(target - VISITORS - extra.length);
      const t = performance.now();
      await connectAll(batch, server.port);
      extra.push(...batch);
      steps.push({ connections: target, ...(await memory(server)), connectSeconds: (performance.now() - t) / 1000 });
      console.log(`${target} connections: RSS ${steps.at(-1)!.rssMiB.toFixed(0)} MiB`);
    }
    const all = [...visitors, ...extra];
    const dropped = all.filter((v) => v.dropped).length;
    all.forEach((v) => v.close());

    const first = steps[0]!;
    const last = steps.at(-1)!;
    const perConnectionKiB =
      last.connections > first.connections ? ((last.rssMiB - first.rssMiB) * 1024) / (last.connections - first.connections) : NaN;
    const heapPerConnectionKiB =
      last.connections > first.connections ? ((last.heapMiB - first.heapMiB) * 1024) / (last.connections - first.connections) : NaN;
    const result = {
      dropped,
      idle,
      steps,
      perConnectionKiB,
      heapPerConnectionKiB,
      replies: {
        n: latencies.length,
        failures,
        seconds: replySeconds,
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        p99: quantile(latencies, 0.99),
        max: latencies.at(-1)!,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    writeSection("webchat", report(result));
  } finally {
    server.process.kill("SIGTERM");
    await server.process.exited;
  }
}

function report(r: {
  dropped: number;
  idle: { rssMiB: number; heapMiB: number };
  steps: { connections: number; rssMiB: number; heapMiB: number; connectSeconds: number }[];
  perConnectionKiB: number;
  heapPerConnectionKiB: number;
  replies: { n: number; failures: number; seconds: number; p50: number; p95: number; p99: number; max: number };
}): string {
  const rows = r.steps.map(
    (s) =>
      `| ${s.connections.toLocaleString("en")} | ${s.rssMiB.toFixed(0)} MiB | ${s.heapMiB.toFixed(1)} MiB | ${s.connectSeconds.toFixed(1)} s |`,
  );
  return `## Webchat widget connections (issue 4)

\`bun bench/webchat.ts\` (bench/webchat.ts, server in bench/webchat-server.ts): one Switchboard process (production-like: background delivery worker, libSQL file) serving the webchat inbox on 127.0.0.1; a second process plays the visitors, each holding the widget's real live stream (Server-Sent Events) over its own TCP connection.

**Connections held by one process** (every connection got its catch-up and \`event: ready\`; the first 1,000 visitors have a conversation each, the rest have the widget open with no conversation yet). Server memory after a full GC; idle server before any visitor: RSS ${r.idle.rssMiB.toFixed(0)} MiB, heap ${r.idle.heapMiB.toFixed(1)} MiB.

| Connections | Server RSS | JS heap | Time to connect this step |
|---:|---:|---:|---:|
${rows.join("\n")}

- Memory per connection (slope from ${r.steps[0]!.connections.toLocaleString("en")} to ${r.steps.at(-1)!.connections.toLocaleString("en")}): **${r.perConnectionKiB.toFixed(1)} KiB RSS**, ${r.heapPerConnectionKiB.toFixed(1)} KiB of JS heap. The bench stops at ${r.steps.at(-1)!.connections.toLocaleString("en")} (the 20,000 file descriptors per process of this machine, client and server each); ${r.dropped === 0 ? "every connection was still open at the end." : `${r.dropped} connections were dropped by the server.`}

**Reply to the visitor's stream with 1,000 visitors connected**: ${r.replies.n} agent replies at ${RATE} per second on a fixed schedule (spread over the 1,000 visitors), each timed from the agent's POST to the inbox reply route until the message arrived on that visitor's stream (outbox → delivery worker → webchat adapter → SSE). The widget draws it in the same task, so this is reply-to-screen minus painting.

| p50 | p95 | p99 | max | failed |
|---:|---:|---:|---:|---:|
| ${r.replies.p50.toFixed(1)} ms | ${r.replies.p95.toFixed(1)} ms | **${r.replies.p99.toFixed(1)} ms** | ${r.replies.max.toFixed(1)} ms | ${r.replies.failures} |

Visitors and server share the machine's 2 CPUs, so these are upper bounds.

Machine: ${machineLine()}`;
}

if (import.meta.main) await main();
