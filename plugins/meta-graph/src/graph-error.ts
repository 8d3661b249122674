/**
 * A refusal by the Graph API, as Meta describes it: `{ error: { message, type, code,
 * error_subcode, error_user_title, error_user_msg, is_transient, fbtrace_id } }`, plus the HTTP
 * status and how long to wait when it is a rate limit (Retry-After, or the usage headers'
 * `estimated_time_to_regain_access`).
 */

/** The `error` object of a Graph API error answer. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  fbtrace_id?: string;
  error_data?: { details?: string } | Record<string, unknown>;
}

/**
 * Graph API error codes that mean "too many calls": 4 (app), 17 (user), 32 (page), 613 (calls
 * within a time), 80000–80014 (business use case limits), 130429 (WhatsApp throughput), 131048
 * (WhatsApp spam rate limit), 131056 (WhatsApp pair rate limit).
 */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([
  4,
  17,
  32,
  613,
  130429,
  131048,
  131056,
  ...Array.from({ length: 15 }, (_, i) => 80000 + i),
]);

/** Graph API error codes that say "try again": 1 (unknown), 2 (service temporarily unavailable), 131000 and 131016 (WhatsApp). */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016]);

/**
 * Thrown by the Graph client for a non-2xx answer.
 *
 * @example
 * try { await graph.post("/me/messages", body); }
 * catch (error) { if (error instanceof GraphApiError && error.code === 10 && error.subcode === 2018278) … }
 */
export class GraphApiError extends Error {
  readonly status: number;
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly type: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly isTransient: boolean;
  /** Meta's own text for people (`error_user_msg`), when it gave one. */
  readonly userMessage: string | undefined;
  /** How long Meta asks to wait, when it said (rate limits). */
  readonly retryAfterMs: number | undefined;
  readonly body: GraphErrorBody;

  constructor(status: number, body: GraphErrorBody, retryAfterMs?: number) {
    super(body.message ?? `The Graph API answered HTTP ${status}`);
    this.name = "GraphApiError";
    this.status = status;
    this.body = body;
    this.code = body.code;
    this.subcode = body.error_subcode;
    this.type = body.type;
    this.fbtraceId = body.fbtrace_id;
    this.isTransient = body.is_transient === true;
    this.userMessage = body.error_user_msg;
    this.retryAfterMs = retryAfterMs;
  }

  /** True for Meta's rate-limit codes (and HTTP 429). */
  get isRateLimit(): boolean {
    return this.status === 429 || (this.code !== undefined && RATE_LIMIT_CODES.has(this.code));
  }

  /** "code 10, subcode 2018278": how the agent and the logs name this error. */
  get label(): string {
    const code = this.code !== undefined ? `code ${this.code}` : `HTTP ${this.status}`;
    return this.subcode !== undefined ? `${code}, subcode ${this.subcode}` : code;
  }
}

/**
 * How long a rate-limited answer asks to wait: `Retry-After` (seconds), else the largest
 * `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage / X-App-Usage /
 * X-Ad-Account-Usage; undefined when none says.
 */
export function retryAfterOf(headers: Headers): number | undefined {
  const retryAfter = Number(headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  let minutes = 0;
  for (const name of ["x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"]) {
    const value = headers.get(name);
    if (!value) continue;
    for (const match of value.matchAll(/"estimated_time_to_regain_access"\s*:\s*(\d+)/g)) minutes = Math.max(minutes, Number(match[1]));
  }
  return minutes > 0 ? minutes * 60_000 : undefined;
}
