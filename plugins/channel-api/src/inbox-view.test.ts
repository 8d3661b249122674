// What an agent sees of API-channel content in the inbox, over real HTTP with a signed-in admin:
// a file kept as a link is a marked outside link with its reason (never a redirect through the
// inbox), and the message frame route serves html sanitised.

import { createTestAgent, signInAgent, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type FileServer, startFileServer } from "../test-support/file-server.ts";
import { type ApiInbox, startApiInbox } from "../test-support/inbox.ts";

let inbox: ApiInbox | undefined;
let files: FileServer | undefined;
afterEach(async () => {
  await inbox?.close();
  files?.stop();
  inbox = undefined;
  files = undefined;
});

/** Starts the inbox (private addresses not allowed) with a signed-in admin's cookie. */
async function asAdmin() {
  inbox = await startApiInbox();
  await createTestAgent(inbox.harness, { name: "Ada", email: "ada@example.com", role: "admin" });
  const base = inbox.base;
  const { cookie } = await signInAgent(
    (path, init) => fetch(base + path, { ...init, redirect: "manual" }),
    "ada@example.com",
    "correct-horse-battery",
  );
  const get = (path: string) => fetch(base + path, { headers: { Cookie: cookie }, redirect: "manual" });
  return { inbox, get };
}

async function post(body: Record<string, unknown>) {
  const answer = await inbox!.post({ id: "m1", contact: { id: "cust-1" }, text: "See attached", ...body });
  expect(answer.status).toBe(201);
  return (await answer.json()) as { message_id: number; conversation_id: number };
}

describe("API-channel content in the inbox", () => {
  it("shows a file kept as a link as a marked outside link with its reason, and never redirects to it through the inbox", async () => {
    files = startFileServer();
    const { inbox, get } = await asAdmin();
    const url = `http://127.0.0.1:${files.port}/logo.png`;
    const sent = await post({ attachments: [{ filename: "logo.png", content_type: "image/png", size: 10, url }] });
    const [row] = await inbox.harness.switchboard.store.db
      .select()
      .from(tables.attachments)
      .where(eq(tables.attachments.messageId, sent.message_id));

    const page = await (await get(`/inbox/conversations/${sent.conversation_id}`)).text();
    const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(page).toMatch(
      new RegExp(
        `<a href="${escaped(url)}" target="_blank" rel="noopener noreferrer nofollow" referrerpolicy="no-referrer"[^>]*>logo\\.png ↗</a> <span class="muted">${escaped("(outside link, not stored: 127.0.0.1 is a loopback address")}`,
      ),
    );
    expect(page).not.toContain(`/inbox/attachments/${row!.id}`);
    const direct = await get(`/inbox/attachments/${row!.id}`);
    expect(direct.status).toBe(404);
    expect(direct.headers.get("Location")).toBeNull();
    expect(files.hits.size).toBe(0);
  });

  it("serves html with a script, onerror= and javascript: links sanitised in the message frame", async () => {
    const { get } = await asAdmin();
    const sent = await post({
      html: '<p>Order <b>42</b></p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">track</a>',
    });
    const frame = await get(`/inbox/messages/${sent.message_id}/html`);
    expect(frame.status).toBe(200);
    const served = await frame.text();
    expect(served).toContain("<p>Order <b>42</b></p>");
    expect(served).not.toMatch(/<script>alert|onerror|javascript|alert\(/i);
  });
});
