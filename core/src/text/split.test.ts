// splitText: parts within the limit, cut at paragraph, line or word boundaries, never inside an emoji.
import { describe, expect, it } from "vitest";
import { splitText } from "./split.ts";

describe("splitText", () => {
  it("keeps a short text whole and cuts a long word-less text at the limit", () => {
    expect(splitText("hello", 10)).toEqual(["hello"]);
    expect(splitText("a".repeat(25), 10)).toEqual(["a".repeat(10), "a".repeat(10), "a".repeat(5)]);
  });

  it("prefers a paragraph, then a line, then a space in the last quarter of a part", () => {
    expect(splitText("aaaaaaaa\n\nbbbb", 12)).toEqual(["aaaaaaaa", "bbbb"]);
    expect(splitText("aaaaaaaaa\nbbbb", 12)).toEqual(["aaaaaaaaa", "bbbb"]);
    expect(splitText("aaaaaaaaa bbbb", 12)).toEqual(["aaaaaaaaa", "bbbb"]);
    expect(splitText("aa bbbbbbbbbbbbb", 12)).toEqual(["aa bbbbbbbbb", "bbbb"]);
  });

  it("never cuts a surrogate pair in two", () => {
    const parts = splitText(`${"a".repeat(9)}😀${"b".repeat(5)}`, 10);
    expect(parts).toEqual(["a".repeat(9), `😀${"b".repeat(5)}`]);
    expect(parts.join("")).toBe(`${"a".repeat(9)}😀${"b".repeat(5)}`);
  });
});
