// Pushes go out through ctx.cluster (one process here): a reply too long to carry in a push travels
// as its seq, and the open stream reads it from the visitor's log, once and in order with what
// follows. (Across real processes: test/cluster/limits-and-pushes.test.ts.)

import { json } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type Kit, startKit } from "../test-support/kit.ts";
import { MAX_PUSHED_ENTRY_CHARS } from "./hub.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe("a push of a long entry", () => {
  it("sends only its seq, and the stream reads the entry from the log, once, in order", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const sent = await json<{ message: { conversation_id: number } }>(kit.say(token, "Tell me everything"));
    const conversationId = sent.body.message.conversation_id;
    const tab = await kit.stream(token);
    await tab.waitFor((e) => e.event === "ready");

    const long = `All of it: ${"x".repeat(MAX_PUSHED_ENTRY_CHARS)}`;
    await kit.harness.switchboard.outbound.reply({ conversationId, text: long, agentId: null });
    await kit.harness.drain();
    await tab.waitFor((e) => e.data.includes("All of it"));
    await kit.harness.switchboard.outbound.reply({ conversationId, text: "short one after", agentId: null });
    await kit.harness.drain();
    await tab.waitFor((e) => e.data.includes("short one after"));

    const messages = tab.events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data) as { seq: number; text: string });
    expect(messages.map((m) => [m.seq, m.text.length])).toEqual([
      [1, "Tell me everything".length],
      [2, long.length],
      [3, "short one after".length],
    ]);
    tab.close();
  });
});
