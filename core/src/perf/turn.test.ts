// Turns of the event loop on real timers: turn() lets what is ready run first, a Slicer yields only
// once its slice is spent (never with Infinity), and its busy time leaves out the turns it waited
// for, which is what a reports refresh's budget counts.
import { describe, expect, it, vi } from "vitest";
import { Slicer, turn } from "./turn.ts";

/** Holds the thread for `ms` (other work, as a request would). */
const hold = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("turns of the event loop", () => {
  it("turn() resolves after a callback that was already waiting for the next turn, even with fake timers installed", async () => {
    const order: string[] = [];
    setImmediate(() => order.push("waiting"));
    const [realTimeout, realClear] = [globalThis.setTimeout, globalThis.clearTimeout];
    vi.useFakeTimers();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // A turn() that waited for a faked timer would never come: fail after a second instead.
      const stuck = new Promise((_, reject) => {
        timer = realTimeout(() => reject(new Error("turn() waited for a faked timer")), 1000);
      });
      await Promise.race([turn(), stuck]);
      order.push("after the turn");
    } finally {
      realClear(timer);
      vi.useRealTimers();
    }
    expect(order).toEqual(["waiting", "after the turn"]);
  });

  it("a Slicer of Infinity never yields, one of 0 yields at every pause", async () => {
    let ran = 0;
    const tick = () => ran++;
    setImmediate(tick);
    const never = new Slicer(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) await never.pause();
    expect(ran).toBe(0);
    const always = new Slicer(0);
    for (let i = 0; i < 3; i++) {
      setImmediate(tick);
      await always.pause();
    }
    expect(ran).toBe(4);
  });

  it("counts as busy its own work, not the turns it waited for while others held the thread", async () => {
    const slicer = new Slicer(0);
    hold(20);
    setImmediate(() => hold(60));
    await slicer.pause();
    const busy = slicer.busyMs();
    expect(busy).toBeGreaterThanOrEqual(20);
    expect(busy).toBeLessThan(60);
  });
});
