/**
 * A small typed client for the Graph API over `fetch`: `GET`/`POST`/`DELETE` of `/<version>/<path>`
 * on a base URL (Meta's by default; a loopback fake in tests), with the bearer token. A non-2xx
 * answer throws a GraphApiError carrying Meta's code, subcode and message; a network failure or a
 * timeout throws the platform's error. The token never appears in an error or a log.
 */
import { GraphApiError, type GraphErrorBody, retryAfterOf } from "./graph-error.ts";

export interface GraphClientOptions {
  /** A page, system-user or Instagram access token; sent as `Authorization: Bearer`. */
  accessToken: string;
  /** "https://graph.facebook.com" (default), "https://graph.instagram.com", or a fake's URL. No trailing slash needed. */
  baseUrl?: string;
  /** The Graph API version in every path (default "v23.0"). */
  version?: string;
  /** Per-call timeout (default 20 s). */
  timeoutMs?: number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

/** Query parameters; arrays become comma lists (`fields=a,b`). */
export type GraphQuery = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface GraphClient {
  readonly baseUrl: string;
  readonly version: string;
  /** GET /<version><path>. */
  get<T>(path: string, query?: GraphQuery, init?: { signal?: AbortSignal }): Promise<T>;
  /** POST /<version><path> with a JSON body (or a FormData for uploads). */
  post<T>(path: string, body: unknown, init?: { signal?: AbortSignal; query?: GraphQuery }): Promise<T>;
  /** DELETE /<version><path>. */
  delete<T>(path: string, query?: GraphQuery): Promise<T>;
  /** Fetches an absolute URL (a media URL the API handed out) with the bearer token; the caller reads the body. */
  fetchAuthorized(url: string, init?: { signal?: AbortSignal }): Promise<Response>;
}

export const DEFAULT_GRAPH_URL = "https://graph.facebook.com";
export const DEFAULT_GRAPH_VERSION = "v23.0";

/**
 * Creates a Graph API client.
 *
 * @example
 * const graph = createGraphClient({ accessToken: options.page_access_token, baseUrl: options.graph_url });
 * const profile = await graph.get<{ first_name: string }>(`/${psid}`, { fields: ["first_name", "last_name", "profile_pic"] });
 * const sent = await graph.post<{ message_id: string }>("/me/messages", { recipient: { id: psid }, message: { text: "Hi" } });
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, "");
  const version = options.version ?? DEFAULT_GRAPH_VERSION;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const auth = { Authorization: `Bearer ${options.accessToken}` };

  const signalOf = (signal?: AbortSignal) =>
    signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);

  function urlOf(path: string, query?: GraphQuery): string {
    const url = new URL(`${baseUrl}/${version}/${path.replace(/^\/+/, "")}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
    return url.toString();
  }

  async function call<T>(method: string, url: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const isForm = body instanceof FormData;
    const response = await doFetch(url, {
      method,
      headers: body === undefined || isForm ? auth : { ...auth, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: isForm ? body : JSON.stringify(body) }),
      signal: signalOf(signal),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = (json as { error?: GraphErrorBody } | undefined)?.error ?? {
        message: `HTTP ${response.status} ${text.slice(0, 200)}`.trim(),
      };
      throw new GraphApiError(response.status, error, retryAfterOf(response.headers));
    }
    if (json === undefined) throw new GraphApiError(response.status, { message: `The Graph API answered non-JSON: ${text.slice(0, 200)}` });
    return json as T;
  }

  return {
    baseUrl,
    version,
    get: (path, query, init) => call("GET", urlOf(path, query), undefined, init?.signal),
    post: (path, body, init) => call("POST", urlOf(path, init?.query), body, init?.signal),
    delete: (path, query) => call("DELETE", urlOf(path, query), undefined),
    fetchAuthorized: (url, init) => doFetch(url, { headers: auth, signal: signalOf(init?.signal) }),
  };
}
