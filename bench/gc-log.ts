/**
 * Reads JavaScriptCore's GC log (what Bun prints on stderr with `BUN_JSC_logGC=1`): each collection
 * logs the heap's size when it started and when it ended, so the sum of what the collections freed
 * is the garbage made meanwhile (less what was still alive at the end, at most one young generation).
 * bench/ingest-garbage.ts uses it for the garbage per ingested message (issue 22: the peak resident
 * memory follows it, not the live heap).
 */

export interface GcTally {
  /** Collections that started and ended between the markers. */
  collections: number;
  /** Bytes the heap shrank by over those collections. */
  freedBytes: number;
}

// "[GC<0x…>: START M 56540kb => EdenCollection, …" and, on the same line or a later one, "… => 25893kb, p=3.85ms …".
const START = /START [A-Z]+ (\d+)kb/;
const END = /=> (\d+)kb, p=/;

/**
 * Sums the collections logged between the lines `from` and `to` of a GC log.
 *
 * @example
 * const { collections, freedBytes } = tallyCollections(stderr, "=== MEASURE START", "=== MEASURE END");
 */
export function tallyCollections(log: string, from: string, to: string): GcTally {
  const start = log.indexOf(from);
  const end = log.indexOf(to, start);
  if (start < 0 || end < 0) throw new Error(`The GC log has no lines "${from}" and "${to}" around the measured work.`);
  let collections = 0;
  let freedKb = 0;
  let startedKb: number | undefined;
  for (const line of log.slice(start, end).split("\n")) {
    const started = START.exec(line);
    if (started) startedKb = Number(started[1]);
    const ended = END.exec(line);
    if (ended && startedKb !== undefined) {
      collections++;
      freedKb += startedKb - Number(ended[1]);
      startedKb = undefined;
    }
  }
  return { collections, freedBytes: freedKb * 1024 };
}
