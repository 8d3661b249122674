/**
 * `json()`: a response's status and parsed JSON body in one await, for REST tests.
 */

/** A response read as JSON, with its status. */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely unless they name a type; unknown would force a cast on every field.
export interface JsonAnswer<T = any> {
  status: number;
  body: T;
}

/**
 * Awaits a response (or its promise) and returns `{ status, body }` with the body parsed as JSON.
 * Throws, with the status and the start of the text, when the body is not JSON.
 *
 * @example
 * import { createTestHarness, json } from "@switchboard/core/testing";
 *
 * const { status, body } = await json(harness.request("/plugins/mine/ping"));
 * expect(status).toBe(200);
 * expect(body).toEqual({ pong: true });
 */
// biome-ignore lint/suspicious/noExplicitAny: as JsonAnswer: a test names the type it expects, or reads loosely.
export async function json<T = any>(response: Response | Promise<Response>): Promise<JsonAnswer<T>> {
  const res = await response;
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    throw new Error(`Expected a JSON body, got status ${res.status} with: ${text.slice(0, 200)}`);
  }
}
