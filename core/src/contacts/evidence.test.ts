// What a message's text says, read by pure functions: names folded for comparison, references by
// pattern, identifiers, and the channels a customer names.
import { describe, expect, it } from "vitest";
import { DEFAULT_REFERENCE_PATTERNS, foldName, identifiersIn, namesIn, referencePatterns, referencesIn } from "./evidence.ts";

describe("evidence from text", () => {
  it("folds names: case, accents, spacing and punctuation", () => {
    expect(foldName("  María   LÓPEZ ")).toBe("maria lopez");
    expect(foldName("O'Brien-Smith, Jr.")).toBe("o brien smith jr");
    expect(foldName("Zoë 2nd")).toBe("zoe 2nd");
    expect(foldName("山田 太郎")).toBe("山田 太郎");
    expect(foldName("")).toBe("");
  });

  it("reads references, identifiers and the channels a text names", () => {
    const patterns = referencePatterns(DEFAULT_REFERENCE_PATTERNS);
    expect(referencesIn("Order A-1001 and #12345, again #12345 (not a-1002)", patterns)).toEqual(["#12345", "A-1001"]);
    expect(identifiersIn("mail me at Ann@Example.com or +49 30 1234567")).toEqual({
      emails: ["ann@example.com"],
      phones: ["+49301234567"],
    });
    expect(namesIn("I wrote on Telegram yesterday, and I emailed you", ["telegram", "email", "whatsapp", "tg"])).toEqual([
      "telegram",
      "email",
    ]);
  });
});
