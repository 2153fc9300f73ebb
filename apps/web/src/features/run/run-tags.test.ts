import { describe, expect, it } from "vitest";
import { parseTagInput } from "./run-tags.js";

describe("parseTagInput", () => {
  it("reads labels and key=value tags", () => {
    expect(parseTagInput(" baseline ")).toEqual({ key: "baseline", value: "" });
    expect(parseTagInput("team = vision")).toEqual({ key: "team", value: "vision" });
    expect(parseTagInput("url=a=b")).toEqual({ key: "url", value: "a=b" });
    expect(parseTagInput("")).toBeNull();
    expect(parseTagInput("=x")).toBeNull();
  });
});
