/**
 * Leases on a real Redis (Debian's redis-server on loopback), between two clusters standing for two
 * processes: one holder at a time; a released lease is taken over at once; a holder whose lease
 * another took stops; a holder that cannot reach Redis lets go before its key can expire; and
 * after Redis comes back empty, exactly one holds the lease again. Broadcasts reach the other
 * process and this one, and rate limits count across both.
 */
import { expect, test } from "vitest";
import type { LeaseHolder } from "../../core/src/cluster/types.ts";
import { useRedisClusters } from "../fixtures/redis.ts";
import { poll } from "../fixtures/server-process.ts";

const LEASE_MS = 1_500;
const clusters = useRedisClusters({ prefix: "test:", leaseMs: LEASE_MS });
const cluster = clusters.cluster;
const redis = () => clusters.server();

/** A holder that records its turns. */
function recorder(): LeaseHolder & { turns: string[]; holding: () => boolean } {
  const turns: string[] = [];
  return {
    turns,
    holding: () => turns.at(-1) === "acquired",
    acquired: () => void turns.push("acquired"),
    lost: (reason) => void turns.push(`lost: ${reason}`),
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("one holder at a time; a release hands the lease over at once; a stolen lease is given up", { timeout: 30_000 }, async () => {
  const [a, b] = [cluster("a"), cluster("b")];
  const [onA, onB] = [recorder(), recorder()];
  const releaseA = a.hold("inbox:x", onA);
  b.hold("inbox:x", onB);
  await poll(async () => onA.holding() || onB.holding(), Boolean, 5_000);
  await settle(LEASE_MS); // a few renewal rounds: nobody else gets it meanwhile
  expect([onA.holding(), onB.holding()].filter(Boolean)).toHaveLength(1);
  const [holder, holderRecord, other] = onA.holding() ? [a, onA, onB] : [b, onB, onA];
  expect(holder.status().holds).toEqual(["inbox:x"]);

  // The holder gives it up: the other takes it at once (woken by the release), not after a renewal round.
  const releasedAt = Date.now();
  if (holder === a) await releaseA();
  else await b.stop();
  await poll(async () => other.holding(), Boolean, 5_000);
  expect(Date.now() - releasedAt).toBeLessThan(LEASE_MS / 3);
  expect(holderRecord.turns).toEqual(["acquired", "lost: released"]);

  // Someone else takes the key (as a process that got it while this one was frozen would): the holder stops.
  const { Redis } = await import("ioredis");
  const thief = new Redis(redis().url);
  await thief.set("test:lease:inbox:x", "thief", "PX", 60_000);
  await poll(
    async () => other.holding(),
    (held) => !held,
    5_000,
  );
  expect(other.turns.at(-1)).toBe("lost: another process holds it now");
  await thief.del("test:lease:inbox:x");
  thief.disconnect();
});

test("without Redis a holder lets go before its key could expire; after Redis returns empty, one holds again", {
  timeout: 30_000,
}, async () => {
  const [c, d] = [cluster("c"), cluster("d")];
  const [onC, onD] = [recorder(), recorder()];
  c.hold("events", onC);
  d.hold("events", onD);
  await poll(async () => onC.holding() || onD.holding(), Boolean, 5_000);
  const holder = onC.holding() ? onC : onD;
  const stoppedAt = Date.now();
  await redis().stop();
  await poll(
    async () => holder.holding(),
    (held) => !held,
    5_000,
  );
  const letGoMs = Date.now() - stoppedAt;
  const whileDown = { turn: holder.turns.at(-1), redis: c.status().redis, probe: await c.probe() };
  await redis().start(); // before the checks, so a failing one leaves the next tests a running Redis
  // Let go within the lease (the key, had Redis kept it, would expire at the last renewal + LEASE_MS).
  expect(letGoMs).toBeLessThan(LEASE_MS);
  expect(whileDown).toMatchObject({ turn: expect.stringMatching(/^lost: it could not be renewed in time/), redis: "down" });
  expect(whileDown.probe).toMatch(/Redis does not answer/);

  await poll(async () => onC.holding() || onD.holding(), Boolean, 10_000);
  await settle(LEASE_MS);
  expect([onC.holding(), onD.holding()].filter(Boolean)).toHaveLength(1);
  expect(await c.probe()).toBeUndefined();
});

test("broadcasts reach every process once; rate limits count across processes", { timeout: 20_000 }, async () => {
  const [e, f] = [cluster("e"), cluster("f")];
  const got: string[] = [];
  e.listen("news", (payload) => got.push(`e:${payload}`));
  f.listen("news", (payload) => got.push(`f:${payload}`));
  await settle(200); // the subscriptions reach Redis
  e.broadcast("news", "hello");
  await poll(
    async () => got.length,
    (n) => n >= 2,
    5_000,
  );
  await settle(200);
  expect(got.sort()).toEqual(["e:hello", "f:hello"]);
  e.broadcast("news", "quiet", { here: false });
  await poll(
    async () => got.length,
    (n) => n >= 3,
    5_000,
  );
  expect(got.at(-1)).toBe("f:quiet");

  // 3 a minute, no refill to speak of within the test: the fourth take, on either process, waits.
  const [onE, onF] = [e.rateLimit("signin", 3), f.rateLimit("signin", 3)];
  const takes = [await onE.take("ip-1"), await onF.take("ip-1"), await onE.take("ip-1"), await onF.take("ip-1")];
  expect(takes.map((t) => t.ok)).toEqual([true, true, true, false]);
  expect(takes[3]).toMatchObject({ ok: false, retryAfterMs: expect.any(Number) });
  expect((await onF.take("ip-2")).ok).toBe(true);
});

test("two processes given the same node name still hold a lease one at a time, and hear each other", { timeout: 20_000 }, async () => {
  const [g, h] = [cluster("same-name"), cluster("same-name")];
  const [onG, onH] = [recorder(), recorder()];
  g.hold("inbox:y", onG);
  h.hold("inbox:y", onH);
  await poll(async () => onG.holding() || onH.holding(), Boolean, 5_000);
  await settle(LEASE_MS);
  expect([onG.holding(), onH.holding()].filter(Boolean)).toHaveLength(1);
  const heard: string[] = [];
  h.listen("hello", (payload) => heard.push(payload));
  await settle(200);
  g.broadcast("hello", "from g", { here: false });
  await poll(
    async () => heard.length,
    (n) => n > 0,
    5_000,
  );
  expect(heard).toEqual(["from g"]);
});
