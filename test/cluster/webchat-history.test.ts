/**
 * A web chat visitor's log written by two Switchboard processes at once: each process has its own
 * History (its own cache of the last seq, its own queue) over the same plugin_kv rows, as two
 * processes on one libSQL file do. Every append gets its own seq (claimed with kv.add), none is
 * overwritten, and the numbering has no gap.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createKeyValueStore } from "../../core/src/plugins/kv.ts";
import { createTestHarness, type Harness } from "../../core/src/testing/index.ts";
import { type Entry, History } from "../../plugins/channel-webchat/src/history.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const line = (id: string): Omit<Entry, "seq"> => ({
  id,
  conversation_id: 1,
  author: "visitor",
  kind: "text",
  text: id,
  attachments: [],
  at: 0,
});

describe("one visitor's log, two processes", () => {
  it("numbers every entry once, whichever process appends, also concurrently", async () => {
    harness = await createTestHarness();
    const kvOf = () => createKeyValueStore(harness!.switchboard.store, harness!.clock, "inbox:site");
    const [onA, onB] = [new History(kvOf()), new History(kvOf())];

    // A learns the last seq, B appends, A appends again: A must not reuse the seq B took.
    expect((await onA.append("a_v", line("a1"))).seq).toBe(1);
    expect((await onB.append("a_v", line("b1"))).seq).toBe(2);
    expect((await onA.append("a_v", line("a2"))).seq).toBe(3);

    // Both at once, twenty each.
    const appended = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [onA.append("a_v", line(`a-${i}`)), onB.append("a_v", line(`b-${i}`))]).flat(),
    );
    const seqs = appended.map((entry) => entry.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 4));

    const log = await onB.after("a_v", 0);
    expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: 43 }, (_, i) => i + 1));
    expect(new Set(log.map((entry) => entry.id)).size).toBe(43);
  });
});
