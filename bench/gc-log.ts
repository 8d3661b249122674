/**
 * Reads JavaScriptCore's GC log (what Bun prints on stderr with `BUN_JSC_logGC=1`):
 * - for the bytes allocated, and so the garbage made, between two marker lines: bench/ingest-garbage.ts
 *   uses it for the garbage per ingested message (issue 22: the peak resident memory follows it, not
 *   the live heap);
 * - for the heap's cycle between full collections (`heapCycles`): bench/ingest.ts reports what the
 *   server's heap held at its largest against what was alive.
 *
 * Each collection logs the heap's capacity when it started and the bytes it found alive when it
 * ended; their difference over-counts what was allocated by the free space inside partly used
 * blocks (12-15% in bench/ingest-garbage.ts's runs, more on a fragmented heap). A collection that
 * allocation triggered also logs the exact bytes allocated since the one before ("Requesting GC
 * because bytes allocated this cycle: N"); those calibrate the rest (`allocatedBytes`).
 */

/** One collection as the log tells it. */
interface LoggedCollection {
  /** "Eden" (a young collection) or "Full". */
  kind: string;
  /** The heap's capacity when it started, bytes. */
  startedBytes: number;
  /** What it found alive, bytes. */
  endedBytes: number;
  /** The bytes allocated since the collection before, when allocation triggered this one. */
  requestedBytes: number | undefined;
}

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
const START = /START [A-Z]+ (\d+)kb => (\w+?)Collection/;
const END = /=> (\d+)kb, p=/;

/** The collections that started and ended in a stretch of the log, in order. */
function collectionsIn(text: string): LoggedCollection[] {
  const collections: LoggedCollection[] = [];
  let requested: number | undefined;
  let started: { kind: string; bytes: number } | undefined;
  for (const line of text.split("\n")) {
    const asked = REQUESTED.exec(line);
    if (asked) requested = Number(asked[1]);
    const start = START.exec(line);
    if (start) started = { kind: start[2]!, bytes: Number(start[1]) * 1024 };
    const ended = END.exec(line);
    if (ended && started) {
      collections.push({ kind: started.kind, startedBytes: started.bytes, endedBytes: Number(ended[1]) * 1024, requestedBytes: requested });
      started = undefined;
      requested = undefined;
    }
  }
  return collections;
}

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
  for (const collection of collectionsIn(log.slice(start, end))) {
    const freed = collection.startedBytes - collection.endedBytes;
    tally.collections++;
    tally.freedBytes += freed;
    if (collection.requestedBytes !== undefined) {
      tally.counted++;
      tally.countedAllocatedBytes += collection.requestedBytes;
      tally.countedFreedBytes += freed;
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

/** The heap's cycle between full collections over a stretch of the GC log (see heapCycles). */
export interface HeapCycles {
  /** Young ("eden") and full collections that started and ended in it. */
  young: number;
  full: number;
  /** What each full collection found alive (the live heap), smallest and largest, bytes; undefined without one. */
  liveAfterFull: { min: number; max: number } | undefined;
  /** The most a young collection left: the live heap, plus what young collections promoted since the last full one. */
  largestAfterYoung: number;
  /** The heap's largest capacity when a collection started: what the heap held at its fullest. */
  largestCapacity: number;
}

/**
 * Summarises the heap's cycle over a stretch of the GC log: between two full collections, each
 * young one keeps what is still alive, so what they leave grows until the next full collection
 * brings it back to the live heap, and the capacity peaks on top of that.
 *
 * @example
 * const cycles = heapCycles(readFileSync(server.logFile, "utf8").slice(offsetAfterWarmUp));
 * console.log(cycles.liveAfterFull?.max, cycles.largestCapacity); // 23e6, 117e6
 */
export function heapCycles(log: string): HeapCycles {
  const cycles: HeapCycles = { young: 0, full: 0, liveAfterFull: undefined, largestAfterYoung: 0, largestCapacity: 0 };
  for (const collection of collectionsIn(log)) {
    cycles.largestCapacity = Math.max(cycles.largestCapacity, collection.startedBytes);
    if (collection.kind === "Full") {
      cycles.full++;
      const live = collection.endedBytes;
      cycles.liveAfterFull = {
        min: Math.min(cycles.liveAfterFull?.min ?? live, live),
        max: Math.max(cycles.liveAfterFull?.max ?? live, live),
      };
    } else {
      cycles.young++;
      cycles.largestAfterYoung = Math.max(cycles.largestAfterYoung, collection.endedBytes);
    }
  }
  return cycles;
}
