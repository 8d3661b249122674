// GET /api/v1/events: the SSE stream delivers bus events as they happen, and needs a token.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snakeKeys } from "../../events/wire.ts";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

/** Reads the stream until what was read matches `until`, failing after `ms`. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: RegExp, ms = 3000): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  while (!until.test(text)) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${until}; got ${JSON.stringify(text)}`)),
          Math.max(0, deadline - Date.now()),
        )),
    );
    const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
    if (chunk.done) throw new Error(`the stream ended before ${until}; got ${JSON.stringify(text)}`);
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe("GET /events", () => {
  it("streams each bus event with its name, id and snake_case data", async () => {
    const a = await t.say("support", { externalId: "a" }, "hi");
    const res = await t.api("/api/v1/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    await readUntil(reader, /^: connected\n\n/);

    await t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "pending" } });
    const text = await readUntil(reader, /event: conversation\.status_changed\n[\s\S]*?\n\n/);
    const block = /event: conversation\.status_changed\n([\s\S]*?)\n\n/.exec(text)![1]!;
    const data = JSON.parse(
      block
        .split("\n")
        .find((line) => line.startsWith("data: "))!
        .slice("data: ".length),
    );
    expect(data).toEqual({ conversation_id: a.conversationId, from: "open", to: "pending", actor: `agent:${t.agent.id}` });
    expect(block).toMatch(/^id: \S+$/m);
    await reader.cancel();
  });

  it("a client that reconnects with Last-Event-ID first gets the logged events it missed, in order, then the live ones", async () => {
    const a = await t.say("support", { externalId: "a" }, "hi");
    const reader = (await t.api("/api/v1/events")).body!.getReader();
    await readUntil(reader, /: connected/);
    await t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "pending" } });
    const seen = await readUntil(reader, /event: conversation\.status_changed\ndata: [^\n]*\nid: (\d+)\n/);
    const lastId = /event: conversation\.status_changed\ndata: [^\n]*\nid: (\d+)\n/.exec(seen)![1]!;
    await reader.cancel();

    // While the client is away: the conversation is resolved, and the customer writes again (a new conversation).
    await t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "resolved" } });
    await t.say("support", { externalId: "a" }, "one more thing");
    await t.switchboard.bus.idle();

    const again = (await t.api("/api/v1/events", { headers: { "Last-Event-ID": lastId } })).body!.getReader();
    const missed = await readUntil(again, /event: message\.created\ndata: [^\n]*\nid: \d+\n/);
    const names = [...missed.matchAll(/event: (\S+)\ndata: [^\n]*\nid: (\d+)\n/g)];
    expect(names.map((m) => m[1])).toEqual(["conversation.status_changed", "conversation.created", "message.created"]);
    const ids = names.map((m) => Number(m[2]));
    expect(ids[0]).toBeGreaterThan(Number(lastId));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(missed).not.toContain(`id: ${lastId}\n`);

    await t.api(`/api/v1/conversations/${a.conversationId}`, { method: "PATCH", body: { status: "pending" } });
    const live = await readUntil(again, /"to":"pending"/);
    expect(live.match(/"to":"pending"/g)).toHaveLength(1);
    await again.cancel();
  });

  it("ends open streams when Switchboard stops", async () => {
    const reader = (await t.api("/api/v1/events")).body!.getReader();
    await readUntil(reader, /: connected/);
    await t.switchboard.stop();
    const end = await Promise.race([reader.read(), new Promise((resolve) => setTimeout(resolve, 2000, "still open"))]);
    expect(end).toEqual({ done: true, value: undefined });
  });

  it("needs a token", async () => {
    expect((await t.api("/api/v1/events", { token: null })).status).toBe(401);
  });
});

describe("snakeKeys", () => {
  it("converts keys deeply and leaves values alone", () => {
    expect(snakeKeys({ messageId: 1, deliveryError: null, nested: [{ authorAgentId: 2, text: "camelCase" }] })).toEqual({
      message_id: 1,
      delivery_error: null,
      nested: [{ author_agent_id: 2, text: "camelCase" }],
    });
  });
});
