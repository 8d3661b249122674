// The raw rows' reads keep their query plans: a contact's messages are found through its
// conversations (the contact index), whatever range of conversation ids a part of a history asks for.
import { describe, expect, it } from "vitest";
import { createTestKernel } from "../testing/index.ts";
import { MESSAGES_OF_CONTACTS } from "./raw.ts";

describe("the raw rows' reads", () => {
  it("find a contact's messages through the contact's conversations, not through every conversation in an id range", async () => {
    const kernel = await createTestKernel();
    try {
      const plan = (
        await kernel.store.client.execute({ sql: `EXPLAIN QUERY PLAN ${MESSAGES_OF_CONTACTS}`, args: [7, 8, 1, 1_000_000] })
      ).rows.map((row) => String(row.detail));
      expect(plan[0]).toMatch(/^SEARCH c USING INDEX conversations_contact_idx/);
      expect(plan.join("\n")).toMatch(/SEARCH m USING INDEX messages_conversation_idx \(conversation_id=\?\)/);
    } finally {
      kernel.close();
    }
  });
});
