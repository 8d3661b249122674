// Mentions: whole names first, a unique first name too, any case, not inside an email address.
import { describe, expect, it } from "vitest";
import { findMentions, mentionedAgents } from "./find.ts";

const agents = [
  { id: 1, name: "Alex Rivera" },
  { id: 2, name: "Alex Kim" },
  { id: 3, name: "Ada Admin" },
];

describe("findMentions", () => {
  it("takes the whole name, and a first name only when it is one agent's", () => {
    const text = "@Alex Rivera and @alex kim, ask @Ada. @Alex alone is ambiguous.";
    expect(findMentions(text, agents).map((m) => [m.agentId, text.slice(m.start, m.end)])).toEqual([
      [1, "@Alex Rivera"],
      [2, "@alex kim"],
      [3, "@Ada"],
    ]);
  });

  it("ignores email addresses and longer words", () => {
    expect(findMentions("mail ops@Ada.example or @Adamant", agents)).toEqual([]);
    expect(mentionedAgents("@Ada Admin then @Ada", agents)).toEqual([3]);
  });
});
