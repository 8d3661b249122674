// Issue 21.12 (and the Mentions view of 21.6) through the inbox's routes: labels with their colours
// and the priority in the header and on list rows, the assignee on rows, counts beside the views,
// the unread filter, the Mentions view, and drafts kept per agent and conversation.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { conversationDrafts } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";
import { type Browser, inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
afterEach(async () => harness?.close());

async function customerWrites(user: string, name: string, text: string): Promise<number> {
  const stored = await harness.inject({ externalId: `m-${Math.random()}`, contact: { externalId: user, name }, text });
  if (stored.status !== "stored") throw new Error("not stored");
  return stored.conversationId;
}

async function setUp(): Promise<{ ada: Browser; bob: Browser; bobId: number }> {
  let bobId: number;
  ({
    harness,
    agent: { id: bobId },
  } = await inboxHarness());
  return { ada: await signIn(harness, "ada@example.com", PASSWORD), bob: await signIn(harness, "bob@example.com", PASSWORD), bobId };
}

/** The list row of one conversation in a page. */
function rowOf(html: string, id: number): string {
  const start = html.indexOf(`data-conversation="${id}"`);
  if (start < 0) return "";
  return html.slice(start, html.indexOf("</li>", start));
}

describe("the header and the list", () => {
  it("shows labels in their colours and the priority in the header and on rows, and the assignee on rows", async () => {
    const { ada, bobId } = await setUp();
    const grace = await customerWrites("u1", "Grace", "My parcel is late");
    const hal = await customerWrites("u2", "Hal", "Hello");
    expect((await ada.post("/admin/labels", { name: "billing", color: "#cc3300" })).status).toBe(303);
    await ada.post(`/inbox/conversations/${grace}/actions/labels`, { label: ["billing"] }, { htmx: true });
    await ada.post(`/inbox/conversations/${grace}/actions/priority`, { priority: "urgent" }, { htmx: true });
    await ada.post(`/inbox/conversations/${grace}/actions/assign`, { assignee: String(bobId), team: "" }, { htmx: true });

    const head = await (await ada.get(`/inbox/conversations/${grace}/head`)).text();
    const tags = head.slice(head.indexOf("data-head-tags"), head.indexOf("</span></span>", head.indexOf("data-head-tags")));
    expect(tags).toContain("urgent");
    expect(tags).toContain('<span class="badge label-chip" style="--label:#cc3300">billing');

    const list = await (await ada.get("/inbox?view=all")).text();
    const graceRow = rowOf(list, grace);
    expect(graceRow).toContain('style="--label:#cc3300">billing');
    expect(graceRow).toContain("prio-urgent");
    expect(graceRow).toMatch(/<span class="sr-only">Assigned to <\/span>Bob Agent/);
    expect(rowOf(list, hal)).toContain(">Unassigned</span>");
  });

  it("counts the views, filters to unread conversations, and lists where you were mentioned", async () => {
    const { ada, bob, bobId } = await setUp();
    const grace = await customerWrites("u1", "Grace", "Where is my order?");
    const hal = await customerWrites("u2", "Hal", "Hi");
    await ada.post(`/inbox/conversations/${grace}/actions/assign`, { assignee: String(bobId), team: "" });

    const counted = await (await bob.get("/inbox?view=all")).text();
    const countOf = (label: string) =>
      new RegExp(`${label}<span class="count"><span class="sr-only">, </span>(\\d+)</span>`).exec(counted)?.[1];
    expect([countOf("Mine"), countOf("Unassigned"), countOf("All"), countOf("Unread only")]).toEqual(["1", "1", "2", "2"]);
    expect(await (await bob.get("/inbox?view=all&status=resolved")).text()).not.toContain('class="count"'); // not counted there
    // The live refresh of the list brings the nav along (hx-select-oob), with fresh counts.
    await customerWrites("u3", "Ivy", "New here");
    const refreshed = await (await bob.get("/inbox/list?view=all", { "HX-Request": "true" })).text();
    expect(refreshed).toContain('hx-select-oob="#views-nav"');
    expect(refreshed).toMatch(
      /<nav class="views" id="views-nav"[^>]*>.*Unassigned<span class="count"><span class="sr-only">, <\/span>2<\/span>/s,
    );

    await bob.get(`/inbox/conversations/${grace}`); // read
    const unreadCount = async () =>
      /Unread only<span class="count"><span class="sr-only">, <\/span>(\d+)<\/span>/.exec(
        await (await bob.get("/inbox?view=all")).text(),
      )?.[1];
    expect(await unreadCount()).toBe("2"); // Hal's and Ivy's
    const unread = await (await bob.get("/inbox?view=all&unread=1")).text();
    expect(rowOf(unread, hal)).not.toBe("");
    expect(rowOf(unread, grace)).toBe("");
    expect(unread).toContain('href="/inbox?view=all&amp;status=open" aria-current="page">Unread only (on)');
    await customerWrites("u1", "Grace", "Hello again?");
    expect(rowOf(await (await bob.get("/inbox?view=all&unread=1")).text(), grace)).not.toBe("");
    // Counted too, though her new message's id matches no conversation's (the count once compared
    // each message's id with its own conversation id, which the first messages' ids made look right).
    expect(await unreadCount()).toBe("3");

    expect((await ada.post(`/inbox/conversations/${hal}/messages`, { text: "@Bob Agent can you take this?", kind: "note" })).status).toBe(
      303,
    );
    const mentions = await (await bob.get("/inbox?view=mentions")).text();
    expect(mentions).toContain('aria-current="page">Mentions');
    expect(rowOf(mentions, hal)).not.toBe("");
    expect(rowOf(mentions, grace)).toBe("");
    expect(rowOf(await (await ada.get("/inbox?view=mentions")).text(), hal)).toBe(""); // the writer is not mentioned
  });
});

describe("drafts", () => {
  it("keeps what an agent typed per conversation until they send it, and only for them", async () => {
    const { ada, bob } = await setUp();
    const grace = await customerWrites("u1", "Grace", "Hello");
    const hal = await customerWrites("u2", "Hal", "Hi");
    expect((await bob.post(`/inbox/conversations/${grace}/draft`, { text: "Hi Grace, <about> your order" })).status).toBe(204);
    expect((await bob.post(`/inbox/conversations/${hal}/draft`, { text: "Hal: checking" })).status).toBe(204);

    const page = await (await bob.get(`/inbox/conversations/${grace}`)).text();
    expect(page).toMatch(
      /<textarea id="reply-text"[^>]*data-draft-url="\/inbox\/conversations\/\d+\/draft"[^>]*>Hi Grace, &lt;about&gt; your order<\/textarea>/,
    );
    expect(await (await ada.get(`/inbox/conversations/${grace}`)).text()).not.toContain("Hi Grace, &lt;about&gt;"); // Bob's alone

    expect((await bob.post(`/inbox/conversations/${grace}/messages`, { text: "Hi Grace, about your order: it ships today" })).status).toBe(
      303,
    );
    await harness.drain();
    expect(await (await bob.get(`/inbox/conversations/${grace}`)).text()).not.toContain("&lt;about&gt;");
    expect(await (await bob.get(`/inbox/conversations/${hal}`)).text()).toContain(">Hal: checking</textarea>");

    expect((await bob.post(`/inbox/conversations/${hal}/draft`, { text: "   " })).status).toBe(204); // blank removes it
    expect(await harness.switchboard.store.db.select().from(conversationDrafts).where(eq(conversationDrafts.conversationId, hal))).toEqual(
      [],
    );

    const long = await bob.post(`/inbox/conversations/${hal}/draft`, { text: "x".repeat(100_001) }, { htmx: true });
    expect(long.status).toBe(422);
    expect(await long.text()).toContain("keep a draft under 100000 characters");
    expect((await bob.post("/inbox/conversations/99999/draft", { text: "x" })).status).toBe(404);
    expect((await bob.post(`/inbox/conversations/${hal}/draft`, { text: "x" }, { csrf: false })).status).toBe(403);
  });
});
