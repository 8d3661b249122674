/**
 * Reads JavaScriptCore's GC log (what Bun prints on stderr with `BUN_JSC_logGC=1`) for the bytes
 * allocated, and so the garbage made, between two marker lines: bench/ingest-garbage.ts uses it for
 * the garbage per ingested message (issue 22: the peak resident memory follows it, not the live heap).
 *
 * Each collection logs the heap's capacity when it started and the bytes it found alive when it
 * ended; their difference over-counts what was allocated by the free space inside partly used
 * blocks (12-15% in bench/ingest-garbage.ts's runs, more on a fragmented heap). A collection that
 * allocation triggered also logs the exact bytes allocated since the one before ("Requesting GC
 * because bytes allocated this cycle: N"); those calibrate the rest (`allocatedBytes`).
 */

export interface GcTally {
  /** Collections that started and ended between the markers. */
  collections: number;
  /** The sum over them of the capacity at the start less the bytes alive at the end. */
  freedBytes: number;
  /** Collections among them that logged the bytes allocated since the one before. */
  counted: number;
  /** Those collections' logged allocations. */
  countedAllocatedBytes: number;
  /** Those collections' share of `freedBytes`. */
  countedFreedBytes: number;
}

// "Requesting GC because bytes allocated this cycle: 27791481 exceed …", then "[GC<0x…>: START M 56540kb => EdenCollection, …"
// and, on the same line or a later one, "… => 25893kb, p=3.85ms …".
const REQUESTED = /bytes allocated this cycle: (\d+)/;
const START = /START [A-Z]+ (\d+)kb/;
const END = /=> (\d+)kb, p=/;

/**
 * Sums the collections logged between the lines `from` and `to` of a GC log.
 *
 * @example
 * const tally = tallyCollections(stderr, "=== MEASURE START", "=== MEASURE END");
 * console.log(allocatedBytes(tally) / messages, "bytes a message");
 */
export function tallyCollections(log: string, from: string, to: string): GcTally {
  const start = log.indexOf(from);
  const end = log.indexOf(to, start);
  if (start < 0 || end < 0) throw new Error(`The GC log has no lines "${from}" and "${to}" around the measured work.`);
  const tally: GcTally = { collections: 0, freedBytes: 0, counted: 0, countedAllocatedBytes: 0, countedFreedBytes: 0 };
  let requested: number | undefined;
  let startedKb: number | undefined;
  for (const line of log.slice(start, end).split("\n")) {
    const asked = REQUESTED.exec(line);
    if (asked) requested = Number(asked[1]);
    const started = START.exec(line);
    if (started) startedKb = Number(started[1]);
    const ended = END.exec(line);
    if (ended && startedKb !== undefined) {
      const freed = (startedKb - Number(ended[1])) * 1024;
      tally.collections++;
      tally.freedBytes += freed;
      if (requested !== undefined) {
        tally.counted++;
        tally.countedAllocatedBytes += requested;
        tally.countedFreedBytes += freed;
      }
      startedKb = undefined;
      requested = undefined;
    }
  }
  return tally;
}

/**
 * The bytes allocated over the tallied collections: what they freed, scaled by the ratio of logged
 * allocations to freed bytes on the collections that logged both (unscaled when none did).
 *
 * @example
 * allocatedBytes(tallyCollections(stderr, from, to)); // 1.2e9
 */
export function allocatedBytes(tally: GcTally): number {
  if (tally.counted === 0 || tally.countedFreedBytes <= 0) return tally.freedBytes;
  return tally.freedBytes * (tally.countedAllocatedBytes / tally.countedFreedBytes);
}
