// bench/ingest-stalls.ts reads the server's "event loop stalled" lines back from its log, which
// bench/ingest.ts shares with JavaScriptCore's GC log: a stall line that starts with a piece of a
// collection's log line is still read, and other lines are skipped.
import { describe, expect, it } from "vitest";
import { stallsIn } from "../bench/ingest-stalls.ts";

describe("the stalls in a server's log", () => {
  it("reads each stall line, longest first, behind a piece of the GC log too", () => {
    const log = [
      '{"level":20,"time":1000,"msg":"event loop stalled","stallMs":24,"work":{"group commit":3}}',
      "[GC<0x1>: START M 96657kb => EdenCollection, a=0kb hf=0.000",
      '[GC<0x1>: M a=0kb => 51007kb, p=1.4ms]{"level":20,"time":2000,"msg":"event loop stalled","stallMs":31}',
      '{"level":30,"time":3000,"msg":"listening"}',
      "",
    ].join("\n");
    expect(stallsIn(log)).toEqual([
      { stallMs: 31, work: {}, time: 2000 },
      { stallMs: 24, work: { "group commit": 3 }, time: 1000 },
    ]);
  });
});
