// Canned responses through the inbox routes: the picker's options are in the page on a full load and
// in the htmx fragment, with variables filled from the conversation; a "/shortcut" that reaches the
// server is sent expanded, never literally.
import { afterEach, describe, expect, it } from "vitest";
import { cannedResponses } from "../../store/schema.ts";
import type { Harness } from "../../testing/index.ts";
import { inboxHarness, signIn } from "../fixtures.ts";
import { expandShortcuts, fillCanned } from "./expand.ts";

let harness: Harness;
afterEach(async () => harness?.close());

async function setUp() {
  ({ harness } = await inboxHarness());
  await harness.switchboard.store.write((tx) =>
    tx.insert(cannedResponses).values([
      { shortcut: "hi", text: "Hi {{contact.first_name}}, {{agent.name}} here. <b>&</b>" },
      { shortcut: "refund-policy", text: "Refunds take 5 days." },
    ]),
  );
  const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace Hopper" }, text: "Hello?" });
  if (stored.status !== "stored") throw new Error("not stored");
  const browser = await signIn(harness, "bob@example.com", "correct-horse-battery");
  return { stored, browser };
}

describe("canned responses", () => {
  it("fills variables, and leaves unknown ones and paths alone", () => {
    expect(fillCanned("Hi {{ contact.first_name }} / {{agent.name}} / {{x.y}}", { contactName: null, agentName: "Bob" })).toBe(
      "Hi there / Bob / {{x.y}}",
    );
    const options = [{ shortcut: "hi", text: "Hello!" }];
    expect(expandShortcuts("/hi", options)).toBe("Hello!");
    expect(expandShortcuts("see example.com/hi and /hi.", options)).toBe("see example.com/hi and /hi.");
    expect(expandShortcuts("ok /hi\n/nope", options)).toBe("ok Hello!\n/nope");
  });

  it("are in the page and in the htmx fragment, filled in for the conversation", async () => {
    const { stored, browser } = await setUp();
    const path = `/inbox/conversations/${stored.conversationId}`;
    const full = await (await browser.get(path)).text();
    const fragment = await (await browser.get(path, { "HX-Request": "true", "HX-Target": "main" })).text();
    for (const html of [full, fragment]) {
      expect(html).toContain('id="canned-picker"');
      expect(html).toContain('data-shortcut="hi" data-text="Hi Grace, Bob Agent here. &lt;b&gt;&amp;&lt;/b&gt;"');
      expect(html).toContain('data-shortcut="refund-policy"');
      expect(html).not.toContain("&quot;hi&quot;");
    }
  });

  it("never sends a literal /shortcut: the server expands it", async () => {
    const { stored, browser } = await setUp();
    for (const text of ["/hi", "/unknown"]) {
      const reply = await browser.post(`/inbox/conversations/${stored.conversationId}/messages`, { text }, { htmx: true });
      expect(reply.status).toBe(204);
    }
    await harness.drain();
    expect(harness.sent.map((s) => s.message.text)).toEqual(["Hi Grace, Bob Agent here. <b>&</b>", "/unknown"]);
  });
});
