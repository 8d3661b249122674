// Issue 21.6 and 21.11 through the page's live stream (GET /inbox/events): the "notify" events an
// agent's page gets (assigned by someone else, a customer reply in their conversation, an
// @mention), the typing line with the agent's name, and "is viewing" from POST .../viewing.

import { afterEach, describe, expect, it } from "vitest";
import { collectStream as collect, type Harness } from "../testing/index.ts";
import { type Browser, inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
afterEach(async () => harness?.close());

/** Waits (bounded: 2 s) until the stream shows `needle`. */
async function until(stream: { text: () => string }, needle: string) {
  for (let i = 0; i < 200 && !stream.text().includes(needle); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(stream.text(), stream.text()).toContain(needle);
}

const notifies = (text: string) =>
  [...text.matchAll(/event: notify\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as { title: string; body: string; url: string });

describe("notifications and presence on the page's stream", () => {
  it("notifies an agent of an assignment by someone else, a customer's reply in their conversation and a mention", async () => {
    let bobId: number;
    ({
      harness,
      agent: { id: bobId },
    } = await inboxHarness());
    const ada = await signIn(harness, "ada@example.com", PASSWORD);
    const bob: Browser = await signIn(harness, "bob@example.com", PASSWORD);
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace" }, text: "Hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    const id = stored.conversationId;
    const stream = collect(await bob.get("/inbox/events"));

    await ada.post(`/inbox/conversations/${id}/actions/assign`, { assignee: String(bobId), team: "" });
    await until(stream, '"title":"Assigned to you"');
    await harness.inject({ externalId: "m2", contact: { externalId: "u1", name: "Grace" }, text: "Any news on my parcel?" });
    await until(stream, '"body":"Any news on my parcel?"');
    await ada.post(`/inbox/conversations/${id}/messages`, { text: "@Bob Agent please call her", kind: "note" });
    await until(stream, '"title":"You were mentioned"');
    await harness.drain();
    const seen = notifies(stream.text());
    expect(seen.map((n) => n.title)).toEqual(["Assigned to you", `Customer reply in #${id}`, "You were mentioned"]);
    expect(seen.every((n) => n.url === `/inbox/conversations/${id}`)).toBe(true);

    // Bob's own assignment and Ada's own note are no news to Bob's or Ada's own page.
    const adaStream = collect(await ada.get("/inbox/events"));
    await ada.post(`/inbox/conversations/${id}/actions/assign`, { assignee: "", team: "" });
    await ada.post(`/inbox/conversations/${id}/messages`, { text: "Just a note", kind: "note" });
    await until(adaStream, `event: conv-${id}-meta`);
    await harness.drain();
    expect(notifies(adaStream.text())).toEqual([]);
    await Promise.all([stream.stop(), adaStream.stop()]);
  });

  it("names who is typing and who is viewing a conversation", async () => {
    ({ harness } = await inboxHarness());
    const ada = await signIn(harness, "ada@example.com", PASSWORD);
    const bob = await signIn(harness, "bob@example.com", PASSWORD);
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace" }, text: "Hello" });
    if (stored.status !== "stored") throw new Error("not stored");
    const id = stored.conversationId;
    const page = await (await bob.get(`/inbox/conversations/${id}`)).text();
    expect(page).toContain(`data-viewing-line="/inbox/conversations/${id}/viewing" sse-swap="viewing-${id}"`);
    expect(page).toContain('<div hidden="" sse-swap="notify" data-notify-sink="true"></div>');

    const stream = collect(await bob.get("/inbox/events"));
    expect((await ada.post(`/inbox/conversations/${id}/typing`, {})).status).toBe(204);
    await until(stream, "<span data-typing>Ada Admin is typing…</span>");
    expect((await ada.post(`/inbox/conversations/${id}/viewing`, {})).status).toBe(204);
    await until(stream, `event: viewing-${id}\ndata: <span data-viewing="`);
    expect(stream.text()).toContain("Ada Admin is viewing</span>");
    expect((await ada.post("/inbox/conversations/99999/viewing", {})).status).toBe(404);
    await stream.stop();
  });
});
