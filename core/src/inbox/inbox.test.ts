// The inbox through its routes: sign-in and throttling, sessions and CSRF, the list, a conversation
// with its timeline across channels, replies and notes, actions, access by team, and escaping.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { agents, conversations, labels, messages, outbox, teamInboxes, teamMembers, teams } from "../store/schema.ts";
import { type Harness, openSignInForm } from "../testing/index.ts";
import { inboxHarness, signIn } from "./fixtures.ts";

let harness: Harness;
afterEach(async () => harness?.close());

async function customerWrites(text: string, user = "u1", externalId = `m-${Math.random()}`) {
  const stored = await harness.inject({ externalId, contact: { externalId: user, name: "Grace" }, text });
  if (stored.status !== "stored") throw new Error("not stored");
  return stored;
}

describe("inbox sign-in", () => {
  it("sends a signed-out visitor to the sign-in page, and back after signing in", async () => {
    ({ harness } = await inboxHarness());
    const page = await harness.request("/inbox/conversations/1?x=1");
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe("/login?next=%2Finbox%2Fconversations%2F1%3Fx%3D1");
    const htmx = await harness.request("/inbox/list", { headers: { "HX-Request": "true" } });
    expect(htmx.status).toBe(401);
    expect(htmx.headers.get("HX-Redirect")).toContain("/login");
    const form = await openSignInForm(harness.request);
    const login = await harness.request("/login", {
      method: "POST",
      headers: { Cookie: form.cookie },
      body: new URLSearchParams({
        email: "ADA@example.com",
        password: "correct-horse-battery",
        next: "/inbox?view=all",
        _csrf: form.token,
      }),
    });
    expect(login.status).toBe(303);
    expect(login.headers.get("Location")).toBe("/inbox?view=all");
    const cookie = login.headers.getSetCookie().find((line) => line.startsWith("swb_session="))!;
    expect(cookie).toMatch(/swb_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("refuses a wrong password, never redirects off-site, and throttles guessing", async () => {
    ({ harness } = await inboxHarness({ config: { auth: { login_attempts: 3 } } }));
    const form = await openSignInForm(harness.request);
    const attempt = (password: string, next = "/inbox") =>
      harness.request("/login", {
        method: "POST",
        headers: { Cookie: form.cookie },
        body: new URLSearchParams({ email: "ada@example.com", password, next, _csrf: form.token }),
      });
    const wrong = await attempt("nope");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong email or password.");
    await attempt("nope");
    await attempt("nope");
    const blocked = await attempt("correct-horse-battery");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("Retry-After")).toBeTruthy();
    harness.clock.advance(15 * 60_000 + 1);
    const offsite = await attempt("correct-horse-battery", "//evil.example/phish");
    expect(offsite.status).toBe(303);
    expect(offsite.headers.get("Location")).toBe("/inbox");
  });

  it("ends the session on log out", async () => {
    ({ harness } = await inboxHarness());
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    expect((await browser.post("/logout", {})).status).toBe(303);
    expect((await browser.get("/inbox")).status).toBe(303);
  });
});

describe("inbox pages", () => {
  it("opens on a view with work in it: Unassigned while Mine is empty, Mine once something is assigned", async () => {
    ({ harness } = await inboxHarness());
    const waiting = await customerWrites("Where is my order?");
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const first = await (await browser.get("/inbox")).text();
    expect(first).toMatch(/<a href="\/inbox\?view=unassigned[^"]*" aria-current="page">Unassigned(<span class="count">.*?<\/span>)?<\/a>/); // with its count
    expect(first).toContain(`href="/inbox/conversations/${waiting.conversationId}"`);
    expect(first).not.toContain("No conversations here");
    // An explicit view is kept, even when it is empty.
    expect(await (await browser.get("/inbox?view=mine")).text()).toContain("No conversations here");
    const [ada] = await harness.switchboard.store.db.select().from(agents).where(eq(agents.email, "ada@example.com"));
    await harness.switchboard.store.db
      .update(conversations)
      .set({ assigneeId: ada!.id })
      .where(eq(conversations.id, waiting.conversationId));
    expect(await (await browser.get("/inbox")).text()).toMatch(
      /<a href="\/inbox\?view=mine[^"]*" aria-current="page">Mine(<span class="count">.*?<\/span>)?<\/a>/,
    );
  });

  it("lists conversations and opens one with the customer's text escaped", async () => {
    ({ harness } = await inboxHarness());
    const stored = await customerWrites(`<script>alert("x")</script><img src=x onerror="alert(1)"> help`);
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const list = await (await browser.get("/inbox?view=all")).text();
    expect(list).toContain(`href="/inbox/conversations/${stored.conversationId}"`);
    expect(list).toContain("Grace");
    expect(list).toContain('class="badge unread"');
    const page = await browser.get(`/inbox/conversations/${stored.conversationId}`);
    expect(page.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; help");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    const again = await (await browser.get("/inbox?view=all")).text();
    expect(again).not.toContain('class="badge unread"');
  });

  it("shows one timeline across channels, marking the switch of channel", async () => {
    ({ harness } = await inboxHarness());
    const first = await customerWrites("On the test channel", "u1");
    await harness.switchboard.outbound.reply({ conversationId: first.conversationId, text: "Answer on test", agentId: null });
    const other = await harness.switchboard.store.write(async (tx) => {
      const [c] = await tx.insert(conversations).values({ contactId: first.contactId, inbox: "test", channel: "email" }).returning();
      await tx.insert(messages).values({
        conversationId: c!.id,
        contactId: first.contactId,
        inbox: "test",
        channel: "email",
        direction: "incoming",
        text: "Now by email",
        createdAt: harness.clock.now() + 1000,
      });
      return c!;
    });
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const html = await (await browser.get(`/inbox/conversations/${other.id}`)).text();
    const order = ["On the test channel", "Answer on test", "Continued on email after test", "Now by email"].map((text) =>
      html.indexOf(text),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("finds messages by full-text search, highlighting the match safely", async () => {
    ({ harness } = await inboxHarness());
    await customerWrites("My <b>invoice</b> number is wrong");
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const html = await (await browser.get("/inbox?q=invoice")).text();
    expect(html).toContain("&#60;b&#62;<mark>invoice</mark>&#60;/b&#62;");
  });
});

describe("inbox actions", () => {
  it("refuses a POST without the CSRF token", async () => {
    ({ harness } = await inboxHarness());
    const stored = await customerWrites("Hi");
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const refused = await browser.post(`/inbox/conversations/${stored.conversationId}/messages`, { text: "sneaky" }, { csrf: false });
    expect(refused.status).toBe(403);
    expect(await harness.switchboard.store.db.select().from(outbox)).toHaveLength(0);
  });

  it("sends a reply through the outbox, and keeps a note private", async () => {
    ({ harness } = await inboxHarness());
    const stored = await customerWrites("Hi");
    const browser = await signIn(harness, "bob@example.com", "correct-horse-battery");
    const reply = await browser.post(
      `/inbox/conversations/${stored.conversationId}/messages`,
      { text: "Hello Grace", kind: "reply" },
      { htmx: true },
    );
    expect(reply.status).toBe(204);
    expect(reply.headers.get("HX-Trigger")).toBe("timeline-refresh");
    await browser.post(
      `/inbox/conversations/${stored.conversationId}/messages`,
      { text: "@Ada can you check?", kind: "note" },
      { htmx: true },
    );
    await harness.drain();
    expect(harness.sent.map((s) => s.message.text)).toEqual(["Hello Grace"]);
    const timeline = await (await browser.get(`/inbox/conversations/${stored.conversationId}/timeline?after=${stored.messageId}`)).text();
    expect(timeline).toContain("Hello Grace");
    expect(timeline).toContain("Sent");
    expect(timeline).toContain('<span class="mention">@Ada</span>');
    const tooLong = await browser.post(
      `/inbox/conversations/${stored.conversationId}/messages`,
      { text: "x".repeat(5001) },
      { htmx: true },
    );
    expect(tooLong.status).toBe(422);
    expect(tooLong.headers.get("HX-Retarget")).toBe("#flash");
    expect(await tooLong.text()).toContain("at most 5000");
  });

  it("assigns, resolves, labels and merges, each with an activity entry", async () => {
    ({ harness } = await inboxHarness());
    const bob = (await harness.switchboard.store.db.select().from(agents).where(eq(agents.email, "bob@example.com")))[0]!;
    await harness.switchboard.store.write((tx) => tx.insert(labels).values({ name: "billing" }));
    const a = await customerWrites("first");
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const id = a.conversationId;
    expect(
      (await browser.post(`/inbox/conversations/${id}/actions/assign`, { assignee: String(bob.id), team: "" }, { htmx: true })).status,
    ).toBe(200);
    expect((await browser.post(`/inbox/conversations/${id}/actions/labels`, { label: ["billing"] }, { htmx: true })).status).toBe(200);
    expect((await browser.post(`/inbox/conversations/${id}/actions/priority`, { priority: "high" }, { htmx: true })).status).toBe(200);
    const resolved = await browser.post(`/inbox/conversations/${id}/actions/status`, { status: "resolved" }, { htmx: true });
    expect(await resolved.text()).toContain("Reopen");
    const b = await customerWrites("second, same customer");
    expect(b.conversationId).not.toBe(id);
    expect(
      (await browser.post(`/inbox/conversations/${b.conversationId}/actions/merge`, { into: String(id) }, { htmx: true })).status,
    ).toBe(200);
    const [merged] = await harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, b.conversationId));
    expect(merged!.status).toBe("resolved");
    const activity = (await harness.switchboard.store.db.select().from(messages).where(eq(messages.conversationId, id)))
      .filter((m) => m.direction === "activity")
      .map((m) => m.text);
    expect(activity).toEqual([
      "Assigned to Bob Agent by Ada Admin",
      "Label billing added by Ada Admin",
      "Priority changed from none to high by Ada Admin",
      "Status changed from open to resolved by Ada Admin",
      `Conversation #${b.conversationId} merged into this one by Ada Admin`,
    ]);
    const snooze = await browser.post(`/inbox/conversations/${id}/actions/status`, { status: "snoozed", until: "" }, { htmx: true });
    expect(snooze.status).toBe(422);
    await browser.post(
      `/inbox/conversations/${id}/actions/status`,
      { status: "snoozed", until: "2030-01-01T10:00", tz_offset: "-60" },
      { htmx: true },
    );
    const [snoozed] = await harness.switchboard.store.db.select().from(conversations).where(eq(conversations.id, id));
    expect(snoozed!.snoozedUntil).toBe(Date.parse("2030-01-01T09:00:00Z"));
  });

  it("answers 404 for a conversation in an inbox the agent's teams are not given", async () => {
    ({ harness } = await inboxHarness());
    const stored = await customerWrites("secret");
    await harness.switchboard.store.write(async (tx) => {
      const [team] = await tx.insert(teams).values({ name: "VIP desk" }).returning();
      await tx.insert(teamInboxes).values({ teamId: team!.id, inbox: "test" });
    });
    const bob = await signIn(harness, "bob@example.com", "correct-horse-battery");
    expect((await bob.get(`/inbox/conversations/${stored.conversationId}`)).status).toBe(404);
    expect((await bob.post(`/inbox/conversations/${stored.conversationId}/messages`, { text: "hi" })).status).toBe(404);
    expect(await (await bob.get("/inbox?view=all")).text()).not.toContain(`/inbox/conversations/${stored.conversationId}"`);
    const [team] = await harness.switchboard.store.db.select().from(teams);
    const bobId = (await harness.switchboard.store.db.select({ id: agents.id }).from(agents).where(eq(agents.email, "bob@example.com")))[0]!
      .id;
    await harness.switchboard.store.write((tx) => tx.insert(teamMembers).values({ teamId: team!.id, agentId: bobId }));
    expect((await bob.get(`/inbox/conversations/${stored.conversationId}`)).status).toBe(200);
  });

  it("serves images inline and other attachments as downloads, to agents who may see them", async () => {
    ({ harness } = await inboxHarness());
    await harness.inject({
      externalId: "with-files",
      contact: { externalId: "u1" },
      text: "",
      attachments: [
        { filename: "shot.png", contentType: "image/png", size: 3, data: Buffer.from("png").toString("base64") },
        { filename: "page.html", contentType: "text/html", size: 5, data: Buffer.from("<h1>x").toString("base64") },
      ],
    });
    const browser = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const png = await browser.get("/inbox/attachments/1");
    expect(png.headers.get("Content-Type")).toBe("image/png");
    const html = await browser.get("/inbox/attachments/2");
    expect(html.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(html.headers.get("Content-Disposition")).toContain("attachment");
    expect((await harness.request("/inbox/attachments/1")).status).toBe(303);
  });
});
