// A channel's status panel (ChannelAdapter.statusPanel) on /admin/inboxes: rendered into the page for
// admins, redrawn live on /admin/inboxes/<name>/panel/events when the channel says it changed, refused
// to agents; and inbox.disconnected(), which publishes channel.disconnected for webhooks and plugins.

import { afterEach, describe, expect, it } from "vitest";
import type { SwitchboardEvent } from "../events/types.ts";
import { type Harness, serveLoopback, waitFor, writeFixturePlugin } from "../testing/index.ts";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "../webhooks/signature.ts";
import { inboxHarness, signIn } from "./fixtures.ts";

/** A channel whose panel shows a state the test sets through globalThis, and that can say it disconnected. */
const PANELLED = writeFixturePlugin(
  `ctx.channel("panelled", {
    create(inbox) {
      const listeners = new Set();
      let state = "waiting for a scan";
      globalThis.__panelled = {
        set(next) { state = next; for (const redraw of listeners) redraw(); },
        listeners: () => listeners.size,
        disconnected: (reason) => inbox.disconnected(reason),
      };
      return {
        statusPanel: {
          render: () => "<p data-panel>state: <strong>" + state + "</strong></p>",
          subscribe(redraw) { listeners.add(redraw); return () => listeners.delete(redraw); },
        },
        async send() {},
      };
    },
  });`,
  { name: "panelled" },
);

interface PanelControl {
  set(state: string): void;
  listeners(): number;
  disconnected(reason: string): Promise<void>;
}
const control = () => (globalThis as unknown as { __panelled: PanelControl }).__panelled;

const SECRET = "panel-webhook-secret-0123456789";
let harness: Harness;
afterEach(async () => harness?.close());

async function setUp() {
  const made = await inboxHarness({
    plugins: { panelled: { package: PANELLED } },
    inboxes: { phone: { plugin: "panelled", display_name: "Sales phone" } },
  });
  harness = made.harness;
  return {
    ada: await signIn(harness, "ada@example.com", made.password),
    bob: await signIn(harness, "bob@example.com", made.password),
  };
}

/** Reads an SSE body as it comes. */
function collect(response: Response) {
  let text = "";
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  const stop = async () => {
    await reader.cancel();
    await done;
  };
  return { text: () => text, stop };
}

describe("a channel's status panel on /admin/inboxes", () => {
  it("is rendered into the page for admins, with its live stream", async () => {
    const { ada } = await setUp();
    const html = await (await ada.get("/admin/inboxes")).text();
    expect(html).toContain('sse-connect="/admin/inboxes/phone/panel/events"');
    expect(html).toContain("<p data-panel>state: <strong>waiting for a scan</strong></p>");
    expect(html).toContain("Sales phone");
  });

  it("streams the panel again each time the channel says it changed, and stops listening when the page goes", async () => {
    const { ada } = await setUp();
    const response = await ada.get("/admin/inboxes/phone/panel/events");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    const stream = collect(response);
    await waitFor(() => stream.text().includes("event: panel\ndata: <p data-panel>state: <strong>waiting for a scan</strong></p>"));
    control().set("paired as +44 7700 900123");
    await waitFor(() => stream.text().includes("<strong>paired as +44 7700 900123</strong>"));
    expect(control().listeners()).toBe(1);
    await stream.stop();
    await waitFor(() => control().listeners() === 0);
  });

  it("refuses agents (403), and answers 404 for an inbox without a panel or no inbox", async () => {
    const { ada, bob } = await setUp();
    expect((await bob.get("/admin/inboxes/phone/panel/events")).status).toBe(403);
    expect((await harness.request("/admin/inboxes/phone/panel/events")).status).toBe(303);
    const none = await ada.get("/admin/inboxes/test/panel/events");
    expect(none.status).toBe(404);
    expect(await none.text()).toContain("with a status panel");
    expect((await ada.get("/admin/inboxes/nowhere/panel/events")).status).toBe(404);
  });
});

describe("inbox.disconnected", () => {
  it("reaches an outgoing webhook that subscribed to channel.disconnected, signed", async () => {
    const received: { event: string | null; verified: boolean; body: unknown }[] = [];
    const receiver = serveLoopback(async (request) => {
      const body = await request.text();
      const check = await verifyWebhookSignature(SECRET, request.headers.get(SIGNATURE_HEADER), body);
      received.push({ event: request.headers.get("X-Switchboard-Event"), verified: check.ok, body: JSON.parse(body) });
      return new Response("ok");
    });
    try {
      const made = await inboxHarness({
        plugins: { panelled: { package: PANELLED } },
        inboxes: { phone: { plugin: "panelled" } },
        config: { webhooks: [{ url: `${receiver.url}/hook`, secret: SECRET, events: ["channel.disconnected"] }] },
      });
      harness = made.harness;
      await control().disconnected("The session ended (UNPAIRED): scan the new code on /admin/inboxes.");
      await harness.drain();
      await waitFor(() => received.length === 1);
      expect(received[0]).toEqual({
        event: "channel.disconnected",
        verified: true,
        body: expect.objectContaining({
          event: "channel.disconnected",
          data: { inbox: "phone", channel: "panelled", reason: "The session ended (UNPAIRED): scan the new code on /admin/inboxes." },
        }),
      });
    } finally {
      await receiver.stop();
    }
  });

  it("publishes channel.disconnected with the inbox, its channel and the reason", async () => {
    await setUp();
    const seen: SwitchboardEvent<"channel.disconnected">[] = [];
    harness.switchboard.bus.on("channel.disconnected", (event) => void seen.push(event), "test");
    await control().disconnected("The phone logged this session out: scan the new code on /admin/inboxes.");
    await harness.drain();
    expect(seen.map((e) => e.data)).toEqual([
      { inbox: "phone", channel: "panelled", reason: "The phone logged this session out: scan the new code on /admin/inboxes." },
    ]);
  });
});
