// What the agent sees in the composer of a Meta conversation, on the real inbox page: the channel's
// tone hint from config, and the 24-hour window's time left, the HUMAN_AGENT stage and why nothing
// can be sent after it (core's reply window, fed by this channel's declaration).

import { createTestAgent, signInAgent, tables } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { customerMessage } from "../test-support/fake-meta.ts";
import { IG, type MetaInboxes, PAGE_A, startMetaInboxes } from "../test-support/kit.ts";

let env: MetaInboxes | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const HOUR = 3_600_000;

async function composerOf(conversationId: number): Promise<string> {
  await createTestAgent(env!.harness, { name: "Ada", email: "ada@example.com", role: "admin" }).catch(() => undefined);
  const request = (path: string, init?: RequestInit) => fetch(env!.url + path, { ...init, redirect: "manual" });
  const { cookie } = await signInAgent(request, "ada@example.com", "correct-horse-battery");
  const html = await (await request(`/inbox/conversations/${conversationId}`, { headers: { Cookie: cookie } })).text();
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}

describe("the composer of a Meta conversation", () => {
  it("shows the Instagram inbox's tone hint and the time left in the 24-hour window", async () => {
    env = await startMetaInboxes({ ig: { kind: "instagram", account: IG, tone: "casual, emojis fine, concise" } });
    await env.meta.deliver(env.hook("ig"), "instagram", IG, [customerMessage("5001", IG, { text: "hi!" })]);
    const [row] = await env.harness.switchboard.store.db.select().from(tables.messages);
    env.harness.clock.advance(21 * HOUR);
    const page = await composerOf(row!.conversationId);
    expect(page).toContain("Tone: casual, emojis fine, concise");
    expect(page).toContain("Reply window: 3 h 0 min left.");
  });

  it("says when replies need the HUMAN_AGENT tag, and why nothing can be sent after day 7", async () => {
    env = await startMetaInboxes({ "fb-a": { kind: "messenger", account: PAGE_A, options: { human_agent_tag: true } } });
    await env.meta.deliver(env.hook("fb-a"), "page", PAGE_A, [customerMessage("2001", PAGE_A, { text: "hello" })]);
    const [row] = await env.harness.switchboard.store.db.select().from(tables.messages);
    env.harness.clock.advance(25 * HOUR);
    expect(await composerOf(row!.conversationId)).toContain("replies go out with the Human agent tag for 5 d 23 h more");
    env.harness.clock.advance(6 * 24 * HOUR);
    expect(await composerOf(row!.conversationId)).toContain(
      "The reply window closed: nothing can be sent here until the customer writes again.",
    );
  });
});
