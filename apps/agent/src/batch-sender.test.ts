import { LooplabNetworkError } from "@looplab/sdk";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createBatchSender } from "./batch-sender.js";

const logger = pino({ level: "silent" });

describe("batch sender", () => {
  it("batches items, retries a failed batch with the same id, and keeps order", async () => {
    const sent: { id: string; items: number[] }[] = [];
    let failures = 2;
    const sender = createBatchSender<number>({
      what: "numbers",
      logger,
      batchIdPrefix: "t",
      intervalMs: 20,
      maxBatch: 3,
      send: async (items, id) => {
        if (failures-- > 0) throw new LooplabNetworkError("down", new Error("ECONNREFUSED"));
        sent.push({ id, items });
      },
    });
    for (let i = 1; i <= 7; i++) sender.add(i);
    await sender.close(10_000);
    expect(sent.flatMap((b) => b.items)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sent[0]?.id).toBe("t-1");
    expect(new Set(sent.map((b) => b.id)).size).toBe(sent.length);
    expect(sent.every((b) => b.items.length <= 3)).toBe(true);
  });

  it("never blocks: while the server is away it drops the oldest items and says how many", async () => {
    let up = false;
    const sent: string[] = [];
    const sender = createBatchSender<string>({
      what: "lines",
      logger,
      batchIdPrefix: "t",
      intervalMs: 5,
      maxBatch: 2,
      maxBuffered: 4,
      droppedMarker: (n) => `[${n} dropped]`,
      send: async (items) => {
        if (!up) throw new LooplabNetworkError("down", new Error("ECONNREFUSED"));
        sent.push(...items);
      },
    });
    for (let i = 1; i <= 12; i++) sender.add(`line ${i}`);
    up = true;
    await sender.close(20_000);
    expect(sent.at(-1)).toBe("line 12");
    const marker = sent.find((s) => s.endsWith("dropped]"));
    expect(marker).toBeDefined();
    const dropped = Number(/\[(\d+) dropped]/.exec(marker as string)?.[1]);
    expect(sent.filter((s) => s.startsWith("line")).length + dropped).toBe(12);
    expect(sender.dropped).toBe(dropped);
  });

  it("gives up at the close deadline when the server stays away", async () => {
    const sender = createBatchSender<number>({
      what: "numbers",
      logger,
      batchIdPrefix: "t",
      send: async () => {
        throw new LooplabNetworkError("down", new Error("ECONNREFUSED"));
      },
    });
    sender.add(1);
    sender.add(2);
    const started = Date.now();
    await sender.close(300);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sender.dropped).toBe(2);
  });
});
