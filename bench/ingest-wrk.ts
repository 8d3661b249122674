/**
 * Drives wrk (Debian's `wrk` package; a closed loop of keep-alive connections written in C, so the
 * generator costs little CPU beside the server) with a Lua script that gives every request its own
 * message id, and reads wrk's summary back as JSON (printed by the script's `done` hook).
 *
 * The body is what a shop would POST to the API channel: a unique message id, a contact from a
 * pool new to the run (so most messages join an existing conversation and some start one), name,
 * email and text; the same shape as `apiMessage` in ingest-load.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface WrkOptions {
  /** The full URL to POST to. */
  url: string;
  /** Bearer token (the inbox secret); left out for the floor. */
  secret?: string;
  seconds: number;
  connections: number;
  threads?: number;
  /** Makes message ids unique across runs against the same database. */
  runId: string;
  /** How many different contacts write (new to this run: `<runId>-c<n>`). */
  contactPool: number;
  /** Every contact's name (default: "Customer <n>", a name per contact of the pool). */
  contactName?: string;
}

export interface WrkResult {
  requests: number;
  /** Answers that were not 2xx/3xx, plus connect/read/write errors and timeouts. */
  errors: number;
  seconds: number;
  rps: number;
  /** Acknowledgement latency under saturation (closed loop), milliseconds. */
  p50: number;
  p99: number;
  max: number;
}

/** Says how to get wrk and exits, when it is not installed. */
export function requireWrk(): string {
  const wrk = Bun.which("wrk");
  if (wrk) return wrk;
  console.error(
    [
      "This benchmark needs wrk (an HTTP load generator), which is not installed.",
      "  Debian/Ubuntu: sudo apt-get install -y wrk",
      "  macOS:         brew install wrk",
      "Then run the command again.",
    ].join("\n"),
  );
  process.exit(1);
}

/** A name as a Lua string literal that is also valid inside a JSON string (letters, spaces, dots, apostrophes, hyphens only). */
function luaString(name: string): string {
  if (!/^[\p{L} .'-]+$/u.test(name))
    throw new Error(`A contact name for wrk must be letters, spaces, dots, apostrophes or hyphens: ${JSON.stringify(name)}`);
  return JSON.stringify(name);
}

/** The Lua script: unique bodies per thread and request, and a JSON summary on stdout at the end. */
export function wrkScript(options: Pick<WrkOptions, "secret" | "runId" | "contactPool" | "contactName">): string {
  const headers = [
    `wrk.headers["Content-Type"] = "application/json"`,
    options.secret ? `wrk.headers["Authorization"] = "Bearer ${options.secret}"` : "",
  ].join("\n");
  return `
wrk.method = "POST"
${headers}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local counter = 0
function request()
  counter = counter + 1
  local c = (counter * 7919 + tid * 104729) % ${options.contactPool}
  local name = ${options.contactName ? luaString(options.contactName) : `"Customer " .. c`}
  local body = string.format('{"id":"${options.runId}-%d-%d","contact":{"id":"${options.runId}-c%d","name":"%s","email":"c%d-${options.runId}@mail.example"},"text":"Hi, my order #%d has not arrived yet. Can you check where it is?"}', tid, counter, c, name, c, 10000 + counter)
  return wrk.format(nil, nil, nil, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}

/**
 * Runs wrk once and returns its summary.
 *
 * @example
 * const result = await runWrk({ url: `${server.url}/webhooks/shop/messages`, secret, seconds: 10, connections: 32, runId: "r1", contactPool: 2000 });
 */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const wrk = requireWrk();
  const dir = mkdtempSync(join(tmpdir(), "switchboard-wrk-"));
  try {
    const script = join(dir, "post.lua");
    writeFileSync(script, wrkScript(options));
    const cmd = [
      wrk,
      `-t${options.threads ?? 1}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--timeout",
      "10s",
      "-s",
      script,
      options.url,
    ];
    const child = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    const line = /WRK_JSON (\{.*\})/.exec(out)?.[1];
    if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${out}\n${err}`);
    const raw = JSON.parse(line) as {
      requests: number;
      duration_us: number;
      errors: number;
      p50_us: number;
      p99_us: number;
      max_us: number;
    };
    const seconds = raw.duration_us / 1e6;
    return {
      requests: raw.requests,
      errors: raw.errors,
      seconds,
      rps: raw.requests / seconds,
      p50: raw.p50_us / 1000,
      p99: raw.p99_us / 1000,
      max: raw.max_us / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
