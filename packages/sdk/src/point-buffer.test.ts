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
      points: [
        { key: "train/loss", step: 0, value: 0.5, time: 1000 },
        { key: 'val "acc"', step: 0, value: "NaN", time: 1000 },
        { key: "train/loss", step: 1, value: "Infinity", time: 1001 },
        { key: 'val "acc"', step: 1.5, value: "-Infinity", time: 1002 },
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
    expect(second.body.length).toBeLessThan(200 + 64 * 60);
    const rest = buffer.takeBatch("c", 1000, 1e9);
    const steps = [first, second, rest].flatMap((b) =>
      (JSON.parse(b.body) as { points: { step: number }[] }).points.map((p) => p.step),
    );
    expect(steps).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("grows without losing points and never past the limit it is given", () => {
    const buffer = new PointBuffer(16);
    const k = buffer.keyId("k");
    for (let i = 0; i < 16; i++) buffer.push(k, i, i, 0);
    expect(buffer.size).toBe(buffer.limit);
    buffer.grow(17, 20);
    expect(buffer.limit).toBe(20);
    buffer.push(k, 16, 16, 0);
    const batch = JSON.parse(buffer.takeBatch("x", 100, 1e9).body) as { points: { value: number }[] };
    expect(batch.points.map((p) => p.value)).toEqual(Array.from({ length: 17 }, (_, i) => i));
  });
});
