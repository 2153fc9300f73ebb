import { describe, expect, it } from "vitest";
import { PointBuffer } from "./point-buffer.js";

describe("PointBuffer", () => {
  it("serialises points as a logMetrics body, NaN and ±Infinity as their wire strings", () => {
    const buffer = new PointBuffer();
    const loss = buffer.keyId("train/loss");
    const acc = buffer.keyId('val "acc"');
    buffer.push(loss, 0, 0.5, 1000);
    buffer.push(acc, 0, Number.NaN, 1000);
    buffer.push(loss, 1, Number.POSITIVE_INFINITY, 1001);
    buffer.push(acc, 1.5, Number.NEGATIVE_INFINITY, 1002);
    const batch = buffer.takeBatch("b-1", 100, 1e9);
    expect(batch.points).toBe(4);
    expect(JSON.parse(batch.body)).toEqual({
      batchId: "b-1",
      series: [
        { key: "train/loss", steps: [0, 1], values: [0.5, "Infinity"], times: [1000, 1001] },
        { key: 'val "acc"', steps: [0, 1.5], values: ["NaN", "-Infinity"], times: [1000, 1002] },
      ],
    });
    expect(buffer.size).toBe(0);
  });

  it("interns each key once and refuses keys the server would refuse", () => {
    const buffer = new PointBuffer();
    expect(buffer.keyId("a")).toBe(0);
    expect(buffer.keyId("b")).toBe(1);
    expect(buffer.keyId("a")).toBe(0);
    expect(buffer.keyId("")).toBe(-1);
    expect(buffer.keyId("bad\nkey")).toBe(-1);
    expect(buffer.keyId("x".repeat(251))).toBe(-1);
  });

  it("takes at most maxPoints, stops past maxChars, and keeps the rest in order", () => {
    const buffer = new PointBuffer(16);
    const k = buffer.keyId("k");
    buffer.grow(200, 200);
    for (let i = 0; i < 200; i++) buffer.push(k, i, i, 5);
    const first = buffer.takeBatch("a", 30, 1e9);
    expect(first.points).toBe(30);
    // maxChars is checked every 64 points: a batch ends within 64 points past it.
    const second = buffer.takeBatch("b", 1000, 200);
    expect(second.points).toBe(64);
    expect(second.body.length).toBeLessThan(200 + 64 * 20);
    const rest = buffer.takeBatch("c", 1000, 1e9);
    const steps = [first, second, rest].flatMap((b) =>
      (JSON.parse(b.body) as { series: { steps: number[] }[] }).series.flatMap((c) => c.steps),
    );
    expect(steps).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("estimates the body's length closely enough to honour maxChars with many keys", () => {
    const buffer = new PointBuffer(16);
    buffer.grow(5000, 5000);
    const keys = Array.from({ length: 50 }, (_, i) => buffer.keyId(`metric/number-${i}`));
    for (let i = 0; i < 5000; i++) buffer.push(keys[i % 50] as number, i, Math.sin(i), 1_700_000_000_000 + i);
    const batch = buffer.takeBatch("est", 5000, 20_000);
    expect(batch.points).toBeLessThan(5000);
    // The estimate errs a little high (the batch ends early, never far past the limit) and
    // stops within one 64-point check interval of it.
    expect(batch.body.length).toBeGreaterThan(0.9 * 20_000);
    expect(batch.body.length).toBeLessThan(20_000 + 64 * 45);
  });

  it("grows without losing points and never past the limit it is given", () => {
    const buffer = new PointBuffer(16);
    const k = buffer.keyId("k");
    for (let i = 0; i < 16; i++) buffer.push(k, i, i, 0);
    expect(buffer.size).toBe(buffer.limit);
    buffer.grow(17, 20);
    expect(buffer.limit).toBe(20);
    buffer.push(k, 16, 16, 0);
    const batch = JSON.parse(buffer.takeBatch("x", 100, 1e9).body) as { series: { values: number[] }[] };
    expect(batch.series.flatMap((c) => c.values)).toEqual(Array.from({ length: 17 }, (_, i) => i));
  });
});
