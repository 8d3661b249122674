// Send pacing: the waits the pacer asks for, on a clock the test moves (no real sleeping), for the
// per-chat interval, the overall interval, and sends queued at once.

import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer.ts";

/** A clock that jumps forward by each requested wait, recording them. */
function manualTiming(start = 1_000_000) {
  let now = start;
  const waits: number[] = [];
  return {
    waits,
    advance: (ms: number) => (now += ms),
    timing: {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    },
  };
}

describe("Pacer", () => {
  it("keeps sends to one chat min_interval_per_chat apart, and any two sends min_interval apart", async () => {
    const clock = manualTiming();
    const pacer = new Pacer({ perChatMs: 3000, overallMs: 1000 }, clock.timing);
    await pacer.turn("a@c.us"); // the first goes at once
    await pacer.turn("b@c.us"); // another chat: only the overall interval
    await pacer.turn("a@c.us"); // back to a: 3 s after its last send, which was 1 s ago
    expect(clock.waits).toEqual([1000, 2000]);
  });

  it("does not wait when the intervals have passed, and serves queued sends in order", async () => {
    const clock = manualTiming();
    const pacer = new Pacer({ perChatMs: 3000, overallMs: 1000 }, clock.timing);
    await pacer.turn("a@c.us");
    clock.advance(5000);
    await pacer.turn("a@c.us");
    expect(clock.waits).toEqual([]);
    const order: string[] = [];
    await Promise.all(["x", "y", "z"].map((chat) => pacer.turn(`${chat}@c.us`).then(() => order.push(chat))));
    expect(order).toEqual(["x", "y", "z"]);
    expect(clock.waits).toEqual([1000, 1000, 1000]);
  });

  it("with both intervals 0, never waits", async () => {
    const clock = manualTiming();
    const pacer = new Pacer({ perChatMs: 0, overallMs: 0 }, clock.timing);
    for (let i = 0; i < 5; i++) await pacer.turn("a@c.us");
    expect(clock.waits).toEqual([]);
  });
});
