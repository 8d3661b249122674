/**
 * `waitFor`: polls a check until it yields a value, for tests of things that happen
 * asynchronously (a polled channel stores a message, a fake receives a send).
 */

/**
 * Polls `check` every 10 ms until it returns a value that is neither `undefined` nor `false`, and
 * returns that value. Throws after `timeoutMs` (default 5 s), naming the check that never passed.
 *
 * @example
 * import { waitFor } from "@switchboard/core/testing";
 *
 * const sent = await waitFor(() => fake.sent[0]);
 * expect(sent.text).toBe("Hi Ada!");
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${check.toString().slice(0, 120)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
