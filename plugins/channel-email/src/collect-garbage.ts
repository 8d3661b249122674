/**
 * Garbage collection while a large email goes through. Parsing a 25 MB message allocates several
 * times its size in short-lived pieces (mailparser's lines, decoded base64, attachment chunks), and
 * Bun's collector lets them pile up: parsing one from memory peaked at +100 MB, with a collection
 * every 8 MiB of input at +40 MB. So parsing and keeping the original of a large message collect
 * every COLLECT_EVERY bytes, and a message from LARGE_EMAIL on is also collected between the steps of
 * its ingest. The price, measured in bench:email's server: about 10 full collections for a 25 MB
 * email, 300-550 ms of pauses in all (40-90 ms each). Messages under 4 MiB never trigger one.
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
