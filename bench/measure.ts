/**
 * Timing and weighing inbox pages in-process: each request goes through `app.request` (the whole
 * Hono app: session lookup, CSRF-free GET, queries, JSX, gzip) and is timed until its body is read.
 */
import type { Hono } from "hono";

export interface Stats {
  name: string;
  path: string;
  n: number;
  /** Wall-clock milliseconds per request (the server time the targets are about). */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** CPU milliseconds this process spent per request (user + system); less sensitive to other load. */
  cpuP50: number;
  cpuP95: number;
  /** Which of the repeated runs this is (the one with the lowest wall p95), and how many ran. */
  run: number;
  runs: number;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Requests each path in turn (cycling through `paths`) `n` times after `warmup` untimed rounds, as
 * `runs` separate series, and keeps the series with the lowest wall p95 (on a shared machine the
 * others are mostly measuring someone else's work). A non-200 answer throws.
 */
export async function timeRequests(
  app: Hono,
  name: string,
  paths: string[],
  headers: Record<string, string>,
  options: { n: number; warmup: number; runs: number },
): Promise<Stats> {
  const once = async (path: string) => {
    const cpu = cpuMs();
    const started = performance.now();
    const response = await app.request(path, { headers });
    await response.arrayBuffer();
    const wall = performance.now() - started;
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return { wall, cpu: cpuMs() - cpu };
  };
  for (let i = 0; i < options.warmup; i++) await once(paths[i % paths.length]!);
  let best: Stats | undefined;
  for (let run = 1; run <= options.runs; run++) {
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < options.n; i++) {
      const sample = await once(paths[i % paths.length]!);
      walls.push(sample.wall);
      cpus.push(sample.cpu);
    }
    walls.sort((a, b) => a - b);
    cpus.sort((a, b) => a - b);
    const stats: Stats = {
      name,
      path: paths.length === 1 ? paths[0]! : `${paths[0]} (${paths.length} different)`,
      n: walls.length,
      p50: quantile(walls, 0.5),
      p95: quantile(walls, 0.95),
      p99: quantile(walls, 0.99),
      mean: walls.reduce((sum, ms) => sum + ms, 0) / walls.length,
      max: walls.at(-1)!,
      cpuP50: quantile(cpus, 0.5),
      cpuP95: quantile(cpus, 0.95),
      run,
      runs: options.runs,
    };
    if (!best || stats.p95 < best.p95) best = stats;
  }
  return best!;
}

export interface PageWeight {
  path: string;
  /** Gzipped bytes on the wire, per part. */
  parts: { url: string; bytes: number; raw: number }[];
  total: number;
}

async function fetchGzip(app: Hono, url: string, headers: Record<string, string>): Promise<{ bytes: number; raw: number; text: string }> {
  const zipped = await app.request(url, { headers: { ...headers, "Accept-Encoding": "gzip" } });
  if (zipped.status !== 200) throw new Error(`${url} answered ${zipped.status}`);
  if (zipped.headers.get("Content-Encoding") !== "gzip") throw new Error(`${url} was not served gzipped`);
  const body = new Uint8Array(await zipped.arrayBuffer());
  const raw = Bun.gunzipSync(body);
  return { bytes: body.length, raw: raw.length, text: new TextDecoder().decode(raw) };
}

/**
 * What a first visit to a page downloads: its HTML and every stylesheet and script it loads, as
 * gzipped bytes (the browser sends Accept-Encoding: gzip; the assets are stored pre-gzipped).
 */
export async function pageWeight(app: Hono, path: string, headers: Record<string, string>): Promise<PageWeight> {
  const page = await fetchGzip(app, path, headers);
  const parts = [{ url: path, bytes: page.bytes, raw: page.raw }];
  const assets = [...page.text.matchAll(/<(?:link rel="stylesheet" href|script src)="([^"]+)"/g)].map((m) => m[1]!);
  for (const url of assets) {
    const asset = await fetchGzip(app, url, headers);
    parts.push({ url, bytes: asset.bytes, raw: asset.raw });
  }
  return { path, parts, total: parts.reduce((sum, p) => sum + p.bytes, 0) };
}
