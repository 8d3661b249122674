// The webhook delivery log against a real loopback receiver that answers 500 to delivery 1's first
// request and 200 to every other: the failed delivery shows in REST and on the admin page, counts in /metrics, is
// replayed and arrives; admins only (others get 403), and a pending one cannot be replayed.
import { afterEach, describe, expect, it } from "vitest";
import { createApiToken } from "../auth/tokens.ts";
import { inboxHarness, signIn } from "../inbox/fixtures.ts";
import type { Harness } from "../testing/index.ts";

let harness: Harness | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await harness?.close();
  server?.stop(true);
  harness = undefined;
  server = undefined;
});

interface Received {
  delivery: string | null;
  body: string;
}

function receiver(): { url: string; received: Received[] } {
  const received: Received[] = [];
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const delivery = request.headers.get("X-Switchboard-Delivery");
      const firstOfOne = delivery === "1" && !received.some((r) => r.delivery === "1");
      received.push({ delivery, body: await request.text() });
      return new Response(firstOfOne ? "broken" : "ok", { status: firstOfOne ? 500 : 200 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, received };
}

const metric = (text: string, name: string, status: string) =>
  Number(text.match(new RegExp(`^${name}\\{status="${status}"\\} (\\d+)$`, "m"))?.[1] ?? 0);

describe("webhook deliveries", () => {
  it("show a failed delivery in REST, on the admin page and in /metrics; replay it until it arrives", async () => {
    const hook = receiver();
    const world = await inboxHarness({
      config: { webhooks: [{ url: hook.url, secret: "0123456789abcdef0123", events: ["message.created"], max_attempts: 1 }] },
    });
    harness = world.harness;
    const h = world.harness;
    const admin = (await createApiToken(h.switchboard.store, world.admin.id, "t")).token;
    const agent = (await createApiToken(h.switchboard.store, world.agent.id, "t")).token;
    const api = (path: string, token: string, method = "GET") =>
      h.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}` } });

    await h.inject({ externalId: "m1", contact: { externalId: "u1", name: "Una" }, text: "first message" });
    await h.inject({ externalId: "m2", contact: { externalId: "u1" }, text: "second message" });
    await h.drain();
    // Deliveries are jobs that run side by side, so the first two may arrive in either order.
    const arrived = () => hook.received.map((r) => r.delivery);
    expect(arrived().toSorted()).toEqual(["1", "2"]);
    const firstBodyOfOne = hook.received.find((r) => r.delivery === "1")!.body;

    // REST: newest first, paged, filtered by status; one delivery with its payload.
    const first = await (await api("/webhook-deliveries?limit=1", admin)).json();
    expect(first.data.map((d: { id: number }) => d.id)).toEqual([2]);
    const second = await (await api(`/webhook-deliveries?limit=1&cursor=${first.next_cursor}`, admin)).json();
    expect(second).toEqual({ data: [expect.objectContaining({ id: 1 })], next_cursor: null });
    const failed = await (await api("/webhook-deliveries?status=failed", admin)).json();
    expect(failed.data).toEqual([
      {
        id: 1,
        url: hook.url,
        event: "message.created",
        status: "failed",
        attempts: 1,
        response_status: 500,
        last_error: "the receiver answered HTTP 500",
        created_at: expect.any(Number),
        delivered_at: null,
      },
    ]);
    const one = await api("/webhook-deliveries/1", admin);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({
      id: 1,
      status: "failed",
      payload: { event: "message.created", data: { text: "first message" } },
    });
    expect((await api("/webhook-deliveries?status=lost", admin)).status).toBe(422);
    expect((await api("/webhook-deliveries/99", admin)).status).toBe(404);

    // Admins only (403, as every admin-only setting answers: core/src/access), and a refused replay changes nothing.
    for (const [path, method] of [
      ["/webhook-deliveries", "GET"],
      ["/webhook-deliveries/1", "GET"],
      ["/webhook-deliveries/1/replay", "POST"],
    ] as const) {
      const refused = await api(path, agent, method);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toContain("Only admins may see and replay webhook deliveries");
    }
    expect((await (await api("/webhook-deliveries/1", admin)).json()).status).toBe("failed");

    // /metrics counts the failure.
    let metrics = await (await h.request("/metrics")).text();
    expect(metric(metrics, "switchboard_webhook_deliveries_total", "failed")).toBe(1);
    expect(metric(metrics, "switchboard_webhook_attempts_total", "failed")).toBe(1);
    expect(metric(metrics, "switchboard_webhook_deliveries_total", "delivered")).toBe(1);

    // The admin page lists both, with the last answer and error, and a Replay button for each.
    const browser = await signIn(h, world.admin.email, world.password);
    const page = await (await browser.get("/admin/webhooks?status=failed")).text();
    expect(page).toContain('href="/admin/webhooks" aria-current');
    expect(page).toMatch(
      /#1<\/th>.*message.created.*failed.*HTTP 500.*the receiver answered HTTP 500.*action="\/admin\/webhooks\/1\/replay"/s,
    );
    expect(page).not.toContain("#2</th>");
    const bob = await signIn(h, world.agent.email, world.password);
    expect((await bob.get("/admin/webhooks")).status).toBe(403);

    // Replay from the page (htmx): the row comes back pending; a second replay, now over REST, is refused.
    const row = await browser.post("/admin/webhooks/1/replay", {}, { htmx: true });
    expect(row.status).toBe(200);
    expect(await row.text()).toMatch(/^<tr id="delivery-1">.*pending.*Sending.*Replayed/s);
    const refused = await api("/webhook-deliveries/1/replay", admin, "POST");
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatchObject({ code: "SWB_ERR_CONFLICT", message: expect.stringContaining("pending already") });
    const refusedOnPage = await browser.post("/admin/webhooks/1/replay", {});
    expect(refusedOnPage.status).toBe(422);
    expect(await refusedOnPage.text()).toContain("is pending already");

    // The job sends it again, and this time it arrives.
    await h.drain();
    expect(arrived().slice(2)).toEqual(["1"]);
    expect(hook.received[2]!.body).toBe(firstBodyOfOne);
    expect(await (await api("/webhook-deliveries/1", admin)).json()).toMatchObject({
      status: "delivered",
      attempts: 2,
      response_status: 200,
      last_error: null,
      delivered_at: expect.any(Number),
    });
    metrics = await (await h.request("/metrics")).text();
    expect(metric(metrics, "switchboard_webhook_deliveries_total", "delivered")).toBe(2);
    expect(metric(metrics, "switchboard_webhook_attempts_total", "delivered")).toBe(2);

    // A delivered one can be replayed too (202), with a plain form POST that redirects back.
    const again = await api("/webhook-deliveries/2/replay", admin, "POST");
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ id: 2, status: "pending" });
    await h.drain();
    const plain = await browser.post("/admin/webhooks/2/replay", {});
    expect(plain.status).toBe(303);
    expect(plain.headers.get("Location")).toBe("/admin/webhooks?done=delivery-replayed");
    await h.drain();
    expect(arrived().slice(2)).toEqual(["1", "2", "2"]);
  });
});
