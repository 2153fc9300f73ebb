import { describe, expect, it } from "vitest";
import { lineMatches, splitMatches } from "./log-search.js";

describe("splitMatches", () => {
  it("marks every case-insensitive match and keeps the text between", () => {
    expect(splitMatches("Loss went down, loss!", "loss")).toEqual([
      { text: "Loss", match: true },
      { text: " went down, ", match: false },
      { text: "loss", match: true },
      { text: "!", match: false },
    ]);
    expect(splitMatches("abc", "")).toEqual([{ text: "abc", match: false }]);
    expect(splitMatches("abc", "x")).toEqual([{ text: "abc", match: false }]);
    expect(splitMatches("", "x")).toEqual([{ text: "", match: false }]);
    expect(splitMatches("aaaa", "aa")).toEqual([
      { text: "aa", match: true },
      { text: "aa", match: true },
    ]);
  });

  it("tells whether a line matches", () => {
    expect(lineMatches("Epoch 3 ERROR", "error")).toBe(true);
    expect(lineMatches("fine", "error")).toBe(false);
    expect(lineMatches("fine", "")).toBe(false);
  });
});
