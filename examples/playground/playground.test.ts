// The playground's wiring: Switchboard with the fakes, and a simulated customer on each channel
// who writes, gets the auto-agent's answers back through that channel, follows up and says thanks.
// Bounded by the stories' length; no timing assertions.

import { openSignInForm, tables, waitFor } from "@switchboard/core/testing";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Playground, startPlayground } from "./playground.ts";
import { Simulator } from "./simulator.ts";
import { STORIES } from "./stories.ts";

let playground: Playground;
beforeAll(async () => {
  playground = await startPlayground({ port: 0, simulator: false, autoAgent: { delayMs: 20 } });
});
afterAll(async () => {
  await playground?.stop();
});

describe("playground", () => {
  it("starts every channel, and customers on each get answers and reply", async () => {
    expect(playground.webchatMissing).toBeUndefined();
    expect(playground.drivers.map((d) => d.name)).toEqual([
      "api",
      "telegram",
      "discord",
      "messenger",
      "instagram",
      "email",
      "whatsapp",
      "whatsapp-web",
      "webchat",
    ]);
    const story = STORIES.find((s) => s.followUps.length === 1)!;
    const runs = playground.drivers.map((driver, i) => {
      const simulator = new Simulator({
        drivers: [driver],
        maxCustomers: 0,
        patienceMs: 20_000,
        thinkMs: [5, 10],
        prefix: `test${i}`,
        seed: i + 1,
      });
      simulator.start();
      return simulator.customer(simulator.people[i], story).then(() => simulator);
    });
    const simulators = await Promise.all(runs);
    for (const simulator of simulators) {
      // opening, follow-up, closing; two answers came back on the same channel
      expect(simulator.stats).toMatchObject({ customers: 1, messages: 3, finished: 1, gaveUp: 0, errors: 0 });
      expect(simulator.stats.replies).toBeGreaterThanOrEqual(2);
      await simulator.stop();
    }
    const { db } = playground.switchboard.store;
    for (const inbox of ["shop", "telegram", "discord", "facebook", "instagram", "email", "whatsapp", "whatsapp-web", "site"]) {
      const [row] = await db.select({ n: count() }).from(tables.messages).where(eq(tables.messages.inbox, inbox));
      expect(row!.n, inbox).toBeGreaterThanOrEqual(5);
    }
    // WhatsApp's statuses come back through the signed webhook: the replies end read.
    await waitFor(async () => {
      const replies = await db.select().from(tables.messages).where(eq(tables.messages.inbox, "whatsapp"));
      const outgoing = replies.filter((m) => m.direction === "outgoing");
      return outgoing.length >= 2 && outgoing.every((m) => m.deliveryStatus === "read");
    });
  });

  it("simulates a customer who starts on Instagram and continues by email", async () => {
    const via = ["instagram", "email"].map((name) => playground.drivers.find((d) => d.name === name)!);
    const simulator = new Simulator({ drivers: via, maxCustomers: 0, patienceMs: 60_000, thinkMs: [5, 10], prefix: "journey", seed: 7 });
    simulator.start();
    const person = simulator.people[5]!;
    const story = STORIES.find((s) => s.followUps.length === 1)!;
    await simulator.customer(person, story, via);
    // opening on Instagram, the follow-up by email, the thanks by email (a nudge only if the machine is slow)
    expect(simulator.stats).toMatchObject({ customers: 1, switches: 1, finished: 1, errors: 0 });
    expect(simulator.stats.messages).toBeGreaterThanOrEqual(3);
    await simulator.stop();
    const { db } = playground.switchboard.store;
    const byInbox = async (inbox: string) =>
      (await db.select().from(tables.messages).where(eq(tables.messages.inbox, inbox))).filter(
        (m) => m.text.includes(story.opening.slice(0, 20)) || m.text.startsWith("Following up"),
      );
    const [onInstagram] = await byInbox("instagram");
    const [byEmail] = (await db.select().from(tables.messages).where(eq(tables.messages.inbox, "email"))).filter((m) =>
      m.text.includes("discussed on Instagram"),
    );
    expect(onInstagram, "the opening on Instagram").toBeDefined();
    expect(byEmail, "the follow-up by email").toBeDefined();
  });

  it("signs the admin in with the printed password", async () => {
    const form = await openSignInForm((path, init) => fetch(playground.url + path, init));
    const body = new URLSearchParams({ email: playground.admin.email, password: playground.admin.password, _csrf: form.token });
    const login = await fetch(`${playground.url}/login`, { method: "POST", body, headers: { Cookie: form.cookie }, redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("set-cookie")).toContain("swb_session=");
  });
});
