// @mentions through the inbox: a note naming "@Bob Agent" highlights the whole name, keeps the
// mention on the message, publishes agent.mentioned for Bob (never for the writer), and marks the
// conversation in Bob's list until he opens it.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { SwitchboardEvent } from "../events/types.ts";
import { inboxHarness, signIn } from "../inbox/fixtures.ts";
import { messages } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";

let harness: Harness;
afterEach(async () => harness?.close());

describe("@mentions in notes", () => {
  it("notify the mentioned agent and mark the conversation in their list until read", async () => {
    const setup = await inboxHarness();
    harness = setup.harness;
    const events: SwitchboardEvent<"agent.mentioned">[] = [];
    harness.switchboard.bus.on("agent.mentioned", (e) => void events.push(e), "test");
    const stored = await harness.inject({ externalId: "m1", contact: { externalId: "u1", name: "Grace" }, text: "Refund?" });
    if (stored.status !== "stored") throw new Error("not stored");
    const ada = await signIn(harness, "ada@example.com", "correct-horse-battery");
    const bob = await signIn(harness, "bob@example.com", "correct-horse-battery");
    const marked = async (who: typeof ada) =>
      (await (await who.get("/inbox/list?view=all")).text()).includes(`data-conversation="${stored.conversationId}"`) &&
      (await (await who.get("/inbox/list?view=all")).text()).includes("data-mentioned");
    expect(await marked(bob)).toBe(false);

    const note = { text: "@bob agent can you check? cc @Ada Admin", kind: "note" };
    expect((await ada.post(`/inbox/conversations/${stored.conversationId}/messages`, note, { htmx: true })).status).toBe(204);
    const [saved] = await harness.switchboard.store.db.select().from(messages).where(eq(messages.direction, "note"));
    expect(saved!.metadata).toEqual({ mentions: [setup.agent.id] });
    expect(events.map((e) => e.data)).toEqual([
      { agentId: setup.agent.id, conversationId: stored.conversationId, messageId: saved!.id, byAgentId: setup.admin.id },
    ]);
    expect(await marked(bob)).toBe(true);
    expect(await marked(ada)).toBe(false);

    // Reading the timeline moves Bob's read mark past the note: the marker goes.
    const timeline = await (await bob.get(`/inbox/conversations/${stored.conversationId}/timeline?after=${stored.messageId}`)).text();
    expect(timeline).toContain('<span class="mention">@bob agent</span>');
    expect(timeline).toContain('<span class="mention">@Ada Admin</span>');
    expect(await marked(bob)).toBe(false);
  });
});
