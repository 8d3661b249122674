// Item 9 of issue 15: every inbound email's raw source is kept keep_original_days (default 30),
// downloadable by admins only through core's GET /inbox/messages/:id/original (an agent of the
// inbox gets 403), never kept with keep_original_days = 0, and deleted from the store by the
// sweep once the days have passed (driven by a manual clock).

import { ManualClock } from "@switchboard/core";
import { createTestAgent, signInAgent } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { eml, payload } from "../../test-support/corpus.ts";
import { captureLogs, type EmailHarness, startEmailHarness } from "../../test-support/harness.ts";
import { memoryKv } from "../../test-support/memory-kv.ts";
import { Originals } from "./originals.ts";

let email: EmailHarness | undefined;
afterEach(async () => {
  await email?.close();
  email = undefined;
});

const raw = eml(
  [
    "From: Bob <bob@example.com>",
    "To: support@acme.com",
    "Subject: Keep me",
    "Message-ID: <keep@mail.example.com>",
    "X-Odd-Header: \u00e9t\u00e9",
  ],
  "The body.\r\n",
);

/** Signs `who` in through the real sign-in form and downloads the message's original with that session. */
async function download(h: EmailHarness, messageId: number, who: { email: string }) {
  const { cookie } = await signInAgent((path, init) => h.harness.request(path, init), who.email, "correct-horse-battery");
  return h.harness.request(`/inbox/messages/${messageId}/original`, { headers: { Cookie: cookie } });
}

describe("originals (issue 15.9)", () => {
  it("keeps the raw source of each email for admins: the exact bytes for an admin, 403 for an agent", async () => {
    email = await startEmailHarness();
    expect((await email.deliver(raw)).response).toMatch(/^250 /);
    const [message] = await email.messages();
    const admin = await createTestAgent(email.harness, { name: "Ada Admin", role: "admin" });
    const agent = await createTestAgent(email.harness, { name: "Alan Agent", role: "agent" });
    const asAdmin = await download(email, message!.id, admin);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(asAdmin.headers.get("Content-Disposition")).toContain("original.eml");
    expect(Buffer.from(await asAdmin.arrayBuffer()).equals(raw)).toBe(true);
    const asAgent = await download(email, message!.id, agent);
    expect(asAgent.status).toBe(403);
    expect(await asAgent.text()).not.toContain("The body.");
    // The original is not one of the message's attachments, so agents never list or fetch it.
    expect(await email.attachments(message!.id)).toEqual([]);
  }, 15_000);

  it("keeps nothing with keep_original_days = 0 (404 with the reason)", async () => {
    email = await startEmailHarness({ keep_original_days: 0 });
    await email.deliver(raw);
    const [message] = await email.messages();
    const admin = await createTestAgent(email.harness, { name: "Ada Admin", role: "admin" });
    const answer = await download(email, message!.id, admin);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain("No original is kept");
  }, 15_000);

  it("keeps a large source in parts and gives it back whole", async () => {
    const originals = new Originals(memoryKv(), 30, captureLogs().log);
    const big = payload(2 * 1024 * 1024 + 5);
    await originals.keep("big@x", big);
    expect((await originals.get("big@x"))?.equals(big)).toBe(true);
  });

  it("the sweep deletes sources older than keep_original_days and keeps younger ones", async () => {
    const clock = new ManualClock(Date.parse("2026-03-01T10:00:00Z"));
    const kv = memoryKv(() => clock.now());
    const originals = new Originals(kv, 30, captureLogs().log, () => clock.now());
    await originals.keep("old@x", Buffer.from("old"));
    clock.advance(20 * 86_400_000);
    await originals.keep("young@x", Buffer.from("young"));
    clock.advance(11 * 86_400_000);
    expect(await originals.sweep()).toBe(1);
    expect(await originals.get("old@x")).toBeUndefined();
    expect((await originals.get("young@x"))?.toString()).toBe("young");
    expect((await kv.list("original")).map((e) => e.key).length).toBe(3); // the young source, its one part and its bucket
  });
});
