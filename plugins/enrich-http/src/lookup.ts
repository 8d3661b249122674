/**
 * One lookup against the configured endpoint: POST a JSON body with the contact's identifiers (or
 * GET with them as query parameters), then read the answer. 404 means "unknown customer"; any other
 * failure throws an EnrichHttpError with a stable code, so the log says what went wrong.
 */
import type { EnrichInput } from "@switchboard/core";

export type EnrichHttpErrorCode = "SWB_ENRICH_HTTP_STATUS" | "SWB_ENRICH_HTTP_BAD_JSON" | "SWB_ENRICH_HTTP_NETWORK";

/** A failed lookup, with a stable code. */
export class EnrichHttpError extends Error {
  readonly code: EnrichHttpErrorCode;
  constructor(code: EnrichHttpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EnrichHttpError";
    this.code = code;
  }
}

export interface LookupOptions {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** Identifier kinds sent (and required: no lookup without one of them). */
  lookupBy: string[];
}

/** The identifiers to send, verified ones first; empty when the contact has none of the kinds. */
export function identifiersFor(input: EnrichInput, kinds: string[]): { kind: string; value: string; verified: boolean }[] {
  return input.identifiers.filter((i) => kinds.includes(i.kind)).sort((a, b) => Number(b.verified) - Number(a.verified));
}

function request(
  options: LookupOptions,
  input: EnrichInput,
  identifiers: ReturnType<typeof identifiersFor>,
): { url: string; init: RequestInit } {
  const first = (kind: string) => identifiers.find((i) => i.kind === kind)?.value ?? null;
  const headers = { Accept: "application/json", "User-Agent": "Switchboard-Enrich-HTTP/1", ...options.headers };
  if (options.method === "GET") {
    const url = new URL(options.url);
    for (const kind of options.lookupBy) {
      const value = first(kind);
      if (value) url.searchParams.set(kind, value);
    }
    return { url: url.toString(), init: { method: "GET", headers } };
  }
  const body = {
    contact_id: input.contact.id,
    name: input.contact.name ?? input.message.contact.name ?? null,
    ...Object.fromEntries(options.lookupBy.map((k) => [k, first(k)])),
    identifiers,
  };
  return {
    url: options.url,
    init: { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) },
  };
}

/**
 * Looks the contact up. Resolves to the parsed JSON, or null for 404 (unknown customer).
 *
 * @example
 * const json = await lookup(options, input, identifiersFor(input, ["email"]), signal);
 */
export async function lookup(
  options: LookupOptions,
  input: EnrichInput,
  identifiers: ReturnType<typeof identifiersFor>,
  signal: AbortSignal,
): Promise<unknown> {
  const { url, init } = request(options, input, identifiers);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new EnrichHttpError(
      "SWB_ENRICH_HTTP_NETWORK",
      `Cannot reach ${new URL(options.url).origin}: ${(error as Error).message}. Check options.url and that the service is up.`,
      { cause: error },
    );
  }
  const text = await response.text();
  if (response.status === 404) return null;
  if (!response.ok)
    throw new EnrichHttpError(
      "SWB_ENRICH_HTTP_STATUS",
      `${options.method} ${options.url} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
    );
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EnrichHttpError(
      "SWB_ENRICH_HTTP_BAD_JSON",
      `${options.method} ${options.url} answered with invalid JSON (${(error as Error).message}); it starts with ${JSON.stringify(text.slice(0, 80))}.`,
      { cause: error },
    );
  }
}
