/**
 * A fake Graph API on 127.0.0.1 that speaks Meta's wire shapes: `/<version>/<path>` with the
 * bearer token (a wrong one answers Meta's OAuthException, code 190), JSON or form bodies, errors
 * as `{ error: { message, type, code, error_subcode, fbtrace_id } }` with their HTTP status and
 * rate-limit headers, media (`GET /{media-id}` → a short-lived URL served only with the token),
 * and signed webhook deliveries to Switchboard. Channel fakes add their own routes with `route()`.
 */
import { FailureQueue, serveLoopback } from "@switchboard/core/testing";
import { metaJson, signMetaBody } from "../src/signature.ts";

/** One call the fake received. `path` is without the version ("/me/messages"). */
export interface GraphCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body (or the form's fields as an object); undefined for none. */
  body: unknown;
  params: Record<string, string>;
}

/** A Graph error answer a test queues (see `graphError`). */
export interface FakeGraphError {
  status: number;
  error: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** What a route answers: a Response, or any value to send as JSON 200. */
export type GraphRouteHandler = (call: GraphCall) => unknown | Promise<unknown>;

export interface FakeGraphOptions {
  accessToken?: string;
  appSecret?: string;
  version?: string;
}

/**
 * A Graph error answer as Meta sends it.
 *
 * @example
 * graph.failNext("POST /me/messages", graphError(10, "This message is sent outside of allowed window.", { subcode: 2018278 }));
 * graph.failNext("POST /me/messages", graphError(613, "Calls to this api have exceeded the rate limit.", { retryAfterSeconds: 30 }));
 */
export function graphError(
  code: number,
  message: string,
  options: {
    subcode?: number;
    type?: string;
    status?: number;
    isTransient?: boolean;
    retryAfterSeconds?: number;
    userMessage?: string;
  } = {},
): FakeGraphError {
  return {
    status: options.status ?? (code === 190 ? 401 : code === 1 || code === 2 ? 500 : 400),
    error: {
      message,
      type: options.type ?? "OAuthException",
      code,
      ...(options.subcode !== undefined ? { error_subcode: options.subcode } : {}),
      ...(options.isTransient !== undefined ? { is_transient: options.isTransient } : {}),
      ...(options.userMessage ? { error_user_msg: options.userMessage } : {}),
      fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}`,
    },
    ...(options.retryAfterSeconds !== undefined ? { headers: { "Retry-After": String(options.retryAfterSeconds) } } : {}),
  };
}

interface Route {
  method: string;
  parts: string[];
  handler: GraphRouteHandler;
}

interface Media {
  bytes: Uint8Array<ArrayBuffer>;
  mimeType: string;
}

/**
 * The fake. Start it with `startFakeGraph()`.
 *
 * @example
 * const graph = await startFakeGraph();
 * graph.route("POST", "/me/messages", (call) => ({ recipient_id: "1", message_id: "m_1" }));
 * const client = createGraphClient({ accessToken: graph.accessToken, baseUrl: graph.url });
 */
export class FakeGraph {
  readonly accessToken: string;
  readonly appSecret: string;
  readonly version: string;
  /** Every Graph call, in order (media downloads not included). */
  readonly calls: GraphCall[] = [];
  /** Media downloads, by media id, with the Authorization header they carried. */
  readonly downloads: { id: string; authorization: string | null }[] = [];
  readonly #failures = new FailureQueue<FakeGraphError>((route, call) => route === call || call.startsWith(`${route}?`));
  readonly #routes: Route[] = [];
  readonly #media = new Map<string, Media>();
  readonly #server;

  constructor(options: FakeGraphOptions = {}) {
    this.accessToken = options.accessToken ?? "EAAfakePageToken0123456789";
    this.appSecret = options.appSecret ?? "fake-app-secret-0123456789abcdef";
    this.version = options.version ?? "v23.0";
    this.#server = serveLoopback((request) => this.#serve(request));
  }

  /** The base URL to give `createGraphClient({ baseUrl })` (no version, no trailing slash). */
  get url(): string {
    return this.#server.url;
  }

  /**
   * Adds a route. `pattern` is a path without the version; `:name` segments are captured into `call.params`.
   * Later routes win over earlier ones, so a test can override a channel fake's default.
   *
   * @example
   * graph.route("GET", "/:id", (call) => ({ id: call.params.id, first_name: "Ada" }));
   */
  route(method: string, pattern: string, handler: GraphRouteHandler): void {
    this.#routes.unshift({ method: method.toUpperCase(), parts: pattern.split("/").filter(Boolean), handler });
  }

  /** Makes the next calls to `"METHOD /path"` answer these errors, in order (`null`: succeed). */
  failNext(route: string, ...errors: (FakeGraphError | null)[]): void {
    this.#failures.failNext(route, ...errors);
  }

  /**
   * Keeps a media file: `GET /{id}` answers its short-lived URL, which serves the bytes only with the token.
   *
   * @example
   * graph.addMedia("1234", new TextEncoder().encode("%PDF"), "application/pdf");
   */
  addMedia(id: string, bytes: Uint8Array, mimeType: string): void {
    this.#media.set(id, { bytes: new Uint8Array(bytes), mimeType });
  }

  /** A public URL serving bytes without a token, like Meta's CDN links in Messenger and Instagram webhooks. */
  cdnUrl(id: string, bytes: Uint8Array, mimeType: string): string {
    this.#media.set(`cdn:${id}`, { bytes: new Uint8Array(bytes), mimeType });
    return `${this.url}/cdn/${encodeURIComponent(id)}`;
  }

  /**
   * POSTs a webhook delivery signed with the app secret, serialised as Meta does (non-ASCII as \uXXXX).
   * `body` replaces the serialised payload (to send other bytes); `signature` replaces the header.
   *
   * @example
   * const { status } = await graph.deliver(`${publicUrl}/webhooks/fb`, { object: "page", entry: [...] });
   */
  async deliver(
    webhookUrl: string,
    payload: unknown,
    options: { body?: string; signature?: string | null; appSecret?: string } = {},
  ): Promise<{ status: number; text: string }> {
    const body = options.body ?? metaJson(payload);
    const signature = options.signature === undefined ? await signMetaBody(options.appSecret ?? this.appSecret, body) : options.signature;
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(signature === null ? {} : { "X-Hub-Signature-256": signature }) },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, text: await response.text() };
  }

  /** The calls to `"METHOD /path"`. */
  callsTo(route: string): GraphCall[] {
    return this.calls.filter((c) => `${c.method} ${c.path}` === route);
  }

  stop(): Promise<void> {
    return this.#server.stop();
  }

  async #serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const authorization = request.headers.get("authorization");
    const cdn = url.pathname.match(/^\/cdn\/(.+)$/);
    if (cdn) return this.#bytes(`cdn:${decodeURIComponent(cdn[1]!)}`);
    const download = url.pathname.match(/^\/media-download\/(.+)$/);
    if (download) {
      const id = decodeURIComponent(download[1]!);
      this.downloads.push({ id, authorization });
      if (authorization !== `Bearer ${this.accessToken}`) return new Response("Unauthorized", { status: 401 });
      return this.#bytes(id);
    }
    const prefix = `/${this.version}/`;
    if (!url.pathname.startsWith(prefix))
      return answer(
        graphError(2500, `Unknown path components: ${url.pathname} (expected /${this.version}/...)`, { type: "OAuthException" }),
      );
    const path = `/${url.pathname.slice(prefix.length)}`;
    const token = authorization?.replace(/^Bearer\s+/i, "") ?? url.searchParams.get("access_token");
    if (token !== this.accessToken) return answer(graphError(190, "Invalid OAuth access token - Cannot parse access token"));
    const call: GraphCall = { method: request.method, path, query: url.searchParams, body: await bodyOf(request), params: {} };
    this.calls.push(call);
    const failure = this.#failures.take(`${call.method} ${path}`);
    if (failure) return answer(failure);
    const media = request.method === "GET" ? this.#media.get(path.slice(1)) : undefined;
    if (media) {
      const id = path.slice(1);
      return Response.json({
        messaging_product: "whatsapp",
        url: `${this.url}/media-download/${encodeURIComponent(id)}`,
        mime_type: media.mimeType,
        sha256: new Bun.CryptoHasher("sha256").update(media.bytes).digest("hex"),
        file_size: media.bytes.byteLength,
        id,
      });
    }
    for (const route of this.#routes) {
      const params = matchRoute(route, call.method, path);
      if (!params) continue;
      call.params = params;
      const result = await route.handler(call);
      return result instanceof Response ? result : Response.json(result);
    }
    return answer(
      graphError(100, `Unsupported ${call.method} request. Object with ID '${path.split("/")[1]}' does not exist`, {
        subcode: 33,
        type: "GraphMethodException",
      }),
    );
  }

  #bytes(key: string): Response {
    const media = this.#media.get(key);
    if (!media) return new Response("Not Found", { status: 404 });
    return new Response(media.bytes, { headers: { "Content-Type": media.mimeType, "Content-Length": String(media.bytes.byteLength) } });
  }
}

/**
 * Starts a fake Graph API on a free loopback port.
 *
 * @example
 * const graph = await startFakeGraph({ accessToken: "EAAtest" });
 * try { … } finally { await graph.stop(); }
 */
export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  return new FakeGraph(options);
}

function answer(failure: FakeGraphError): Response {
  return Response.json({ error: failure.error }, { status: failure.status, headers: failure.headers ?? {} });
}

function matchRoute(route: Route, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const parts = path.split("/").filter(Boolean);
  if (parts.length !== route.parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = route.parts[i]!;
    if (want.startsWith(":")) params[want.slice(1)] = decodeURIComponent(parts[i]!);
    else if (want !== parts[i]) return undefined;
  }
  return params;
}

async function bodyOf(request: Request): Promise<unknown> {
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) return request.json();
  if (type.includes("form")) {
    const form = await request.formData();
    return Object.fromEntries(
      [...form.entries()].map(([k, v]) => {
        const file = v as unknown as string | File;
        return [k, typeof file === "string" ? file : { name: file.name, type: file.type, size: file.size }];
      }),
    );
  }
  const text = await request.text();
  return text || undefined;
}
