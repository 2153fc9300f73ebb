import { describe, expect, it } from "vitest";
import { bucketsForWidth, matchesPanelFilter, parseLogY, parseSmoothing, parseXAxis } from "./chart-settings.js";
import { yTick } from "./uplot-options.js";

describe("chart settings from the URL", () => {
  it("parses and clamps values, falling back to defaults", () => {
    expect(parseSmoothing(null)).toBe(0);
    expect(parseSmoothing("0.6")).toBe(0.6);
    expect(parseSmoothing("5")).toBe(0.99);
    expect(parseSmoothing("abc")).toBe(0);
    expect(parseXAxis("wall")).toBe("wall");
    expect(parseXAxis("bogus")).toBe("step");
    expect(parseLogY("1")).toBe(true);
    expect(parseLogY(null)).toBe(false);
  });

  it("filters panels by comma-separated terms", () => {
    expect(matchesPanelFilter("train/loss", "")).toBe(true);
    expect(matchesPanelFilter("train/loss", "LOSS, acc")).toBe(true);
    expect(matchesPanelFilter("val/acc", "loss")).toBe(false);
  });

  it("asks for at least one bucket per pixel, in steps of 32", () => {
    expect(bucketsForWidth(600)).toBe(608);
    expect(bucketsForWidth(608)).toBe(608);
    expect(bucketsForWidth(0)).toBe(32);
    expect(bucketsForWidth(1e9)).toBe(10_000);
  });
});

describe("log-scale ticks", () => {
  it("labels powers of ten only", () => {
    expect(yTick(100, true)).toBe("100");
    expect(yTick(0.01, true)).toBe("0.01");
    expect(yTick(30, true)).toBe("");
    expect(yTick(30, false)).toBe("30");
  });
});
