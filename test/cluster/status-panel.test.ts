/**
 * A status panel across processes on a real Redis: only the process running an exclusive inbox
 * knows what its panel shows (a pairing code); an admin whose page is served by another process
 * sees that panel, and its changes live. Two Switchboards on one Redis stand for two processes.
 */
import { collectStream, type Harness, waitFor, writeFixturePlugin } from "@switchboard/core/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { inboxHarness, signIn } from "../../core/src/inbox/fixtures.ts";
import { startRedis, type TestRedis } from "../fixtures/redis.ts";

/** An exclusive channel whose panel shows a state only a started inbox has, set through globalThis by key. */
const PAIRED = writeFixturePlugin(
  `ctx.channel("paired", {
    options: z.object({ key: z.string() }),
    create(inbox) {
      const listeners = new Set();
      let state = "not started here";
      const control = (globalThis.__paired ??= {});
      control[inbox.options.key] = { set(next) { state = next; for (const redraw of listeners) redraw(); } };
      return {
        exclusive: "all",
        statusPanel: {
          render: () => "<p data-panel>" + state + "</p>",
          subscribe(redraw) { listeners.add(redraw); return () => listeners.delete(redraw); },
        },
        start() { control[inbox.options.key].set("scan the code 2@QR-ONE"); },
        async send() {},
      };
    },
  });`,
  { name: "paired" },
);
const control = (key: string) => (globalThis as unknown as { __paired: Record<string, { set(state: string): void }> }).__paired[key]!;

let redis: TestRedis;
const harnesses: Harness[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  await redis.stop();
});

async function processWith(key: string) {
  const made = await inboxHarness({
    config: { cluster: { redis_url: redis.url, lease_ms: 1500 } },
    plugins: { paired: { package: PAIRED } },
    inboxes: { phone: { plugin: "paired", options: { key } } },
  });
  harnesses.push(made.harness);
  return { ...made, ada: await signIn(made.harness, "ada@example.com", made.password) };
}

test("an admin on the process that does not run the inbox sees its panel, live", { timeout: 30_000 }, async () => {
  const first = await processWith("first");
  await waitFor(() => first.harness.switchboard.inboxes.get("phone")!.state === "running", 10_000);
  const second = await processWith("second");
  expect(second.harness.switchboard.inboxes.get("phone")!.state).toBe("standby");

  // The page on the standby process asks the running one, whose answer the panel stream brings.
  const stream = collectStream(await second.ada.get("/admin/inboxes/phone/panel/events"));
  await waitFor(() => stream.text().includes("<p data-panel>scan the code 2@QR-ONE</p>"), 10_000);
  expect(await (await second.ada.get("/admin/inboxes")).text()).toContain("<p data-panel>scan the code 2@QR-ONE</p>");

  control("first").set("paired as +44 7700 900123");
  await waitFor(() => stream.text().includes("<p data-panel>paired as +44 7700 900123</p>"), 10_000);
  // The standby process's own adapter knows nothing, and is never what it shows.
  expect(stream.text()).not.toContain("not started here");
  await stream.stop();
});
