/**
 * Garbage collection while a large email streams through. Receiving and parsing a 25 MB message
 * allocate several times its size in short-lived pieces (socket chunks, smtp-server's dot-unstuffed
 * copies, mailparser's lines and decoded base64), and Bun's collector lets them pile up: measured,
 * 70 MB or more of dead pieces at once. A full collection every few MiB of a large message keeps
 * that pile to a few MiB, for a pause of a few milliseconds each. Small messages never trigger it.
 * Where the runtime offers no collector (Node without --expose-gc), this does nothing.
 */

/** Bytes of a large message between two collections while it streams. */
export const COLLECT_EVERY = 8 * 1024 * 1024;

/** A message from this size on also has garbage collected between the steps of its ingest. */
export const LARGE_EMAIL = 4 * 1024 * 1024;

const runtime = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };

/** Runs a full garbage collection now, when the runtime offers one. */
export function collectGarbage(): void {
  if (runtime.Bun) runtime.Bun.gc(true);
  else runtime.gc?.();
}

/**
 * Counts bytes as they flow and collects garbage every COLLECT_EVERY of them.
 *
 * @example
 * const collector = collectEvery();
 * stream.on("data", (chunk) => collector(chunk.length));
 */
export function collectEvery(every = COLLECT_EVERY): (bytes: number) => void {
  let since = 0;
  return function countAndCollect(bytes) {
    since += bytes;
    if (since < every) return;
    since = 0;
    collectGarbage();
  };
}
