/**
 * Downloads one attachment URL sent by an integration, server-side, under limits: http(s) only, a
 * few redirects (each hop checked again), one deadline for the whole download, a byte limit (by
 * Content-Length and while reading) and an allow-list of media types. Unless private addresses are
 * allowed, the host's name is resolved, every address it resolves to is checked (address.ts), and
 * the connection goes to the checked address (node:http's `lookup` hook), so a name that resolves
 * to a private address, or that changes its answer between check and connect, cannot get through.
 * It never throws for what the URL or the server does: it says why it did not download.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { forbiddenAddress, isIpLiteral } from "./address.ts";

export interface FetchLimits {
  /** The most bytes one file may have. */
  maxBytes: number;
  /** How long the whole download (redirects included) may take, in milliseconds. */
  timeoutMs: number;
  /** The media types allowed: exact ("application/pdf") or a family ("image/*"). */
  contentTypes: readonly string[];
  /** True lets the download reach loopback, link-local and private addresses (tests, an intranet). */
  allowPrivate: boolean;
  /** How many redirects to follow (default 3). */
  maxRedirects?: number;
}

export type FetchedFile = { ok: true; bytes: Buffer; contentType: string } | { ok: false; reason: string };

type Hop = { kind: "redirect"; location: string } | FetchedFile;

const PRIVATE_OFF = "and private addresses are not fetched (allow_private_attachment_urls is off)";

/** A name that resolves to an address downloads may not reach. */
class ForbiddenHost extends Error {}

/** A resolver that refuses names with any non-public address and answers only with checked ones. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.map((a) => forbiddenAddress(a.address)).find((why) => why !== null);
    if (refused || addresses.length === 0)
      return callback(new ForbiddenHost(`${hostname}: ${refused ?? "it resolves to no address"}`), "", 0);
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** True when `mediaType` matches one of the allowed patterns. */
export function allowedType(mediaType: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => (pattern.endsWith("/*") ? mediaType.startsWith(pattern.slice(0, -1)) : mediaType === pattern));
}

/**
 * Downloads `url` under `limits`.
 *
 * @example
 * const file = await fetchAttachment("https://cdn.shop.example/receipt.pdf", { maxBytes: 10e6, timeoutMs: 10_000, contentTypes: ["application/pdf"], allowPrivate: false });
 * if (!file.ok) console.log(file.reason); // e.g. "127.0.0.1 is a loopback address"
 */
export async function fetchAttachment(url: string, limits: FetchLimits): Promise<FetchedFile> {
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:")
      return { ok: false, reason: `it leads to a ${current.protocol} URL; only http and https are fetched` };
    const literal = !limits.allowPrivate && isIpLiteral(current.hostname) ? forbiddenAddress(current.hostname) : null;
    if (literal) return { ok: false, reason: `${literal}, ${PRIVATE_OFF}` };
    const hop = await requestOnce(current, limits, deadline);
    if (!("kind" in hop)) return hop;
    if (redirects >= (limits.maxRedirects ?? 3)) return { ok: false, reason: `it redirects more than ${limits.maxRedirects ?? 3} times` };
    current = new URL(hop.location, current);
  }
}

/** One GET: a redirect to follow, the file, or why not. */
function requestOnce(url: URL, limits: FetchLimits, deadline: AbortSignal): Promise<Hop> {
  return new Promise((resolve) => {
    const late = `it took longer than attachment_timeout_ms (${limits.timeoutMs} ms)`;
    let timedOut = false;
    const onAbort = () => {
      timedOut = true;
      request.destroy(new Error(late));
    };
    const done = (hop: Hop) => {
      deadline.removeEventListener("abort", onAbort);
      resolve(timedOut && !("kind" in hop) && !hop.ok ? { ok: false, reason: late } : hop);
    };
    const client = url.protocol === "https:" ? https : http;
    const request = client.get(
      url,
      {
        lookup: limits.allowPrivate ? undefined : checkedLookup,
        headers: { "User-Agent": "Switchboard attachment fetcher", Accept: "*/*" },
      },
      (response) => {
        readResponse(response, limits).then(done, (error: Error) => done({ ok: false, reason: error.message }));
      },
    );
    request.on("error", (error) =>
      done({ ok: false, reason: error instanceof ForbiddenHost ? `${error.message}, ${PRIVATE_OFF}` : error.message }),
    );
    if (deadline.aborted) onAbort();
    else deadline.addEventListener("abort", onAbort, { once: true });
  });
}

async function readResponse(response: IncomingMessage, limits: FetchLimits): Promise<Hop> {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume();
    return { kind: "redirect", location: response.headers.location };
  }
  if (status < 200 || status >= 300) {
    response.resume();
    return { ok: false, reason: `the server answered HTTP ${status}` };
  }
  const contentType = (response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (!contentType || !allowedType(contentType, limits.contentTypes)) {
    response.destroy();
    return { ok: false, reason: `its type ${contentType || "(none given)"} is not in attachment_content_types` };
  }
  const declared = Number(response.headers["content-length"]);
  if (declared > limits.maxBytes) {
    response.destroy();
    return { ok: false, reason: `it is larger than attachment_max_bytes (${declared} > ${limits.maxBytes})` };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limits.maxBytes) {
      response.destroy();
      return { ok: false, reason: `it is larger than attachment_max_bytes (more than ${limits.maxBytes} bytes)` };
    }
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks), contentType };
}
