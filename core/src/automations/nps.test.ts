// The NPS question (issue 20): with `[automations.csat] nps = true` the survey asks, after the CES
// answer, how likely the customer is to recommend us from 0 to 10; the answer (0 included) is kept
// in csat_responses.nps, published with csat.recorded, and counted by reports (promoters − detractors).
import { afterEach, expect, it } from "vitest";
import { updateConversation } from "../conversations/update.ts";
import { kpiReport } from "../reports/kpis.ts";
import { readGrouped } from "../reports/read.ts";
import { REFRESH_MAX_DELAY_MS } from "../reports/subscriber.ts";
import { csatResponses } from "../store/schema.ts";
import { createTestAgent } from "../testing/index.ts";
import { type AutomationKit, automationKit, TUESDAY_10 } from "./fixtures.ts";

let kit: AutomationKit;
afterEach(() => kit?.close());
const quiet = { acknowledgement: { enabled: false }, out_of_hours: { enabled: false }, follow_up: { enabled: false } };
const NPS_QUESTION = "Last one: how likely are you to recommend us to a friend or colleague, from 0 (not at all) to 10 (extremely likely)?";

async function surveyed(contact: string, answers: string[]) {
  const id = await kit.write(contact, "Where is my refund?");
  const agent = await createTestAgent(kit.harness, { name: `Agent ${contact}` });
  await updateConversation(kit.harness.switchboard, { id: agent.id, name: agent.name }, id, { status: "resolved" });
  await kit.harness.drain();
  for (const answer of answers) expect(await kit.write(contact, answer)).toBe(-1);
  return id;
}

it("asks NPS after CES, records 0 to 10, and reports count promoters minus detractors", async () => {
  kit = await automationKit({ ...quiet, csat: { nps: true } }, TUESDAY_10);
  const recorded: unknown[] = [];
  kit.harness.switchboard.bus.on("csat.recorded", (e) => void recorded.push(e.data));
  const id = await surveyed("grace", ["5", "7"]);
  expect(kit.sentTexts().at(-1)).toBe(NPS_QUESTION);
  expect(await kit.write("grace", "11")).not.toBe(-1); // not an answer: a new conversation
  expect(await kit.write("grace", "0 - too slow")).toBe(-1);
  expect(kit.sentTexts().at(-1)).toBe("Thank you for your feedback!");
  const { db } = kit.harness.switchboard.store;
  expect((await db.select().from(csatResponses)).find((r) => r.conversationId === id)).toMatchObject({
    score: 5,
    ces: 7,
    nps: 0,
    status: "complete",
  });
  expect(recorded.at(-1)).toMatchObject({ conversationId: id, ces: 7, nps: 0 });

  await surveyed("hana", ["4", "6", "10"]);
  await surveyed("ivan", ["4", "6", "9"]);
  await kit.harness.drain();
  kit.harness.clock.advance(REFRESH_MAX_DELAY_MS);
  await kit.harness.drain();
  const { groups } = await readGrouped(
    db,
    { from: TUESDAY_10 - 86_400_000, to: TUESDAY_10 + 86_400_000, inboxes: ["test"] },
    "UTC",
    () => "all",
  );
  // Two promoters (10, 9) and one detractor (0) of three: 33.
  expect(kpiReport(groups.get("all")!, { business: false, hourlyCost: 0 }).nps).toEqual({ n: 3, score: 33 });
});

it("without CES, NPS follows the score", async () => {
  kit = await automationKit({ ...quiet, csat: { ces: false, nps: true } }, TUESDAY_10);
  await surveyed("jo", ["3"]);
  expect(kit.sentTexts().at(-1)).toBe(NPS_QUESTION);
  expect(await kit.write("jo", "8")).toBe(-1);
  expect(kit.sentTexts().at(-1)).toBe("Thank you for your feedback!");
});
