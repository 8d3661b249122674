// After resolution: the follow-up on the channel the customer used last (and cancelled when the
// customer writes first), and the CSAT + CES survey recorded from plain-text answers.

import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { updateConversation } from "../conversations/update.ts";
import { conversations, csatResponses, jobs } from "../store/schema.ts";
import { createTestAgent } from "../testing/index.ts";
import { parseRating } from "./builtins/csat.ts";
import { type AutomationKit, automationKit, HOUR, TUESDAY_10 } from "./fixtures.ts";

let kit: AutomationKit;
afterEach(() => kit?.close());
const quiet = { acknowledgement: { enabled: false }, out_of_hours: { enabled: false } };

/** An agent resolves the conversation; the subscribers take the event at once unless `takenNow` is false. */
async function resolve(id: number, takenNow = true) {
  const agent = await createTestAgent(kit.harness, { name: `Agent ${id}` });
  await updateConversation(kit.harness.switchboard, { id: agent.id, name: agent.name }, id, { status: "resolved" });
  if (takenNow) await kit.harness.drain();
}

/** Nothing goes out until `ms` from now; then the follow-up does. */
async function expectFollowUpIn(ms: number) {
  kit.harness.clock.advance(ms - 1);
  await kit.harness.drain();
  expect(kit.sentTexts()).toEqual([]);
  kit.harness.clock.advance(1);
  await kit.harness.drain();
  expect(kit.sentTexts()).toEqual(["Just checking in, is everything working?"]);
}

describe("after resolution", () => {
  it("follows up after N hours on the channel the customer used last", async () => {
    kit = await automationKit({ ...quiet, csat: { enabled: false }, follow_up: { after_hours: 24 } }, TUESDAY_10, { inboxes: ["chat"] });
    const first = await kit.write("grace", "My printer is broken");
    kit.harness.clock.advance(HOUR);
    const other = await kit.write("grace", "Also, can I change my address?", {}, "chat"); // her last message came through "chat"
    expect(other).not.toBe(first);
    await resolve(first);
    await expectFollowUpIn(24 * HOUR);
    expect(kit.harness.sent[0]!.target).toMatchObject({ inbox: "chat", conversationId: first });
    const [followUp] = (await kit.timeline(first)).filter((m) => m.direction === "outgoing");
    expect(followUp).toMatchObject({ inbox: "chat", metadata: { automation: "follow_up" } });
  });

  it("counts the N hours from the resolution, however late the automations subscriber takes it", async () => {
    kit = await automationKit({ ...quiet, csat: { enabled: false }, follow_up: { after_hours: 24 } }, TUESDAY_10);
    const id = await kit.write("grace", "My printer is broken");
    // Resolved now; the subscriber only gets to the event 10 hours later (a backlog, a restart).
    await resolve(id, false);
    kit.harness.clock.advance(10 * HOUR);
    await kit.harness.drain();
    await expectFollowUpIn(14 * HOUR);
  });

  it("cancels the follow-up when the customer writes first", async () => {
    kit = await automationKit({ ...quiet, csat: { enabled: false } }, TUESDAY_10);
    const first = await kit.write("grace", "My printer is broken");
    await resolve(first);
    expect(await kit.harness.switchboard.store.db.select().from(jobs).where(eq(jobs.key, "follow-up:contact:1"))).toHaveLength(1);
    kit.harness.clock.advance(2 * HOUR);
    const second = await kit.write("grace", "It broke again!");
    expect(second).not.toBe(first);
    expect(await kit.harness.switchboard.store.db.select().from(jobs).where(eq(jobs.key, "follow-up:contact:1"))).toHaveLength(0);
    kit.harness.clock.advance(48 * HOUR);
    await kit.harness.drain();
    expect(kit.sentTexts()).not.toContain("Just checking in, is everything working?");
  });

  it("runs the CSAT and CES survey on the channel and records the answers without a new conversation", async () => {
    kit = await automationKit({ ...quiet, follow_up: { enabled: false } }, TUESDAY_10);
    const recorded: unknown[] = [];
    kit.harness.switchboard.bus.on("csat.recorded", (e) => void recorded.push(e.data));
    const id = await kit.write("grace", "How do I reset my password?");
    await resolve(id);
    expect(kit.sentTexts()).toEqual([
      "How would you rate the help you got, from 1 (poor) to 5 (great)? You can add a comment after the number.",
    ]);

    expect(await kit.write("grace", "4 - quick and friendly")).toBe(-1); // recorded, not a new conversation
    expect(kit.sentTexts()[1]).toBe("One more: how easy was it to get your issue solved, from 1 (very hard) to 7 (very easy)?");
    expect(await kit.write("grace", "6")).toBe(-1);
    expect(kit.sentTexts()[2]).toBe("Thank you for your feedback!");

    const { db } = kit.harness.switchboard.store;
    expect(await db.select().from(csatResponses)).toMatchObject([
      { conversationId: id, score: 4, comment: "quick and friendly", ces: 6, status: "complete" },
    ]);
    expect(recorded).toEqual([
      { conversationId: id, contactId: 1, score: 4, comment: "quick and friendly", ces: null },
      { conversationId: id, contactId: 1, score: 4, comment: "quick and friendly", ces: 6 },
    ]);
    expect(await db.select().from(conversations)).toHaveLength(1);
    expect((await kit.conversation(id)).status).toBe("resolved");
    const answers = (await kit.timeline(id)).filter((m) => m.direction === "incoming").map((m) => [m.text, m.metadata.survey]);
    expect(answers).toEqual([
      ["How do I reset my password?", undefined],
      ["4 - quick and friendly", "csat"],
      ["6", "ces"],
    ]);

    const next = await kit.write("grace", "5 more questions about billing, please"); // the survey is complete: a new conversation
    expect(next).toBeGreaterThan(id);
  });

  it("answers a survey answer sent through the API channel with what happened: 201, stored as a survey answer", async () => {
    kit = await automationKit({ ...quiet, follow_up: { enabled: false }, csat: { ces: false } }, TUESDAY_10);
    const asked = await kit.post("cust-9", "Where is my order?");
    await resolve(asked.conversation_id);
    expect(kit.received).toEqual([
      "How would you rate the help you got, from 1 (poor) to 5 (great)? You can add a comment after the number.",
    ]);
    const answer = await kit.post("cust-9", "5 - thanks!");
    expect(answer).toMatchObject({ http: 201, status: "stored", stored_as: "survey_answer", conversation_id: asked.conversation_id });
    expect(await kit.harness.switchboard.store.db.select().from(csatResponses)).toMatchObject([
      { conversationId: asked.conversation_id, score: 5, comment: "thanks!", status: "complete" },
    ]);
    const [stored] = (await kit.timeline(asked.conversation_id)).filter((m) => m.metadata.survey === "csat");
    expect(stored).toMatchObject({ id: answer.message_id, text: "5 - thanks!" });
    expect(kit.received.at(-1)).toBe("Thank you for your feedback!");
  });

  it("keeps the follow-up when the customer answers the survey: an answer is not a new request", async () => {
    kit = await automationKit({ ...quiet, csat: { ces: false }, follow_up: { after_hours: 24 } }, TUESDAY_10);
    const id = await kit.write("grace", "My printer is broken");
    await resolve(id);
    expect(await kit.write("grace", "4 - fixed for now")).toBe(-1);
    expect(await kit.harness.switchboard.store.db.select().from(jobs).where(eq(jobs.key, "follow-up:contact:1"))).toHaveLength(1);
    kit.harness.clock.advance(24 * HOUR);
    await kit.harness.drain();
    expect(kit.sentTexts()).toEqual([
      "How would you rate the help you got, from 1 (poor) to 5 (great)? You can add a comment after the number.",
      "Thank you for your feedback!",
      "Just checking in, is everything working?",
    ]);
    expect(await kit.harness.switchboard.store.db.select().from(conversations)).toHaveLength(1);
  });

  it("lets a message that is not an answer through as a new conversation", async () => {
    kit = await automationKit({ ...quiet, follow_up: { enabled: false } }, TUESDAY_10);
    const id = await kit.write("grace", "Hello");
    await resolve(id);
    const next = await kit.write("grace", "Actually, my order never arrived");
    expect(next).toBeGreaterThan(id);
    expect(await kit.harness.switchboard.store.db.select().from(csatResponses)).toMatchObject([{ status: "awaiting_score", score: null }]);
  });

  it("reads ratings with comments, and refuses numbers out of range", () => {
    expect(parseRating("5", 5)).toEqual({ value: 5, comment: null });
    expect(parseRating(" 3/5: slow but fine", 5)).toEqual({ value: 3, comment: "slow but fine" });
    expect(parseRating("6", 5)).toBeUndefined();
    expect(parseRating("42 is the order number", 5)).toBeUndefined();
    expect(parseRating("great", 5)).toBeUndefined();
  });
});
