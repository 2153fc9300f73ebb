import { describe, expect, it } from "vitest";
import { parseNvidiaSmiCsv } from "./nvidia-smi-csv.js";

describe("parseNvidiaSmiCsv", () => {
  it("reads a machine with two GPUs", () => {
    const out = [
      "0, GPU-5f0e2c1a-1111-2222-3333-444455556666, NVIDIA A100-SXM4-40GB, 40960, 3, 0",
      "1, GPU-7a1b2c3d-1111-2222-3333-444455556666, NVIDIA A100-SXM4-40GB, 40960, 38000, 97",
      "",
    ].join("\n");
    expect(parseNvidiaSmiCsv(out)).toEqual([
      {
        index: 0,
        uuid: "GPU-5f0e2c1a-1111-2222-3333-444455556666",
        name: "NVIDIA A100-SXM4-40GB",
        memoryTotalMiB: 40960,
        memoryUsedMiB: 3,
        utilizationPercent: 0,
      },
      {
        index: 1,
        uuid: "GPU-7a1b2c3d-1111-2222-3333-444455556666",
        name: "NVIDIA A100-SXM4-40GB",
        memoryTotalMiB: 40960,
        memoryUsedMiB: 38000,
        utilizationPercent: 97,
      },
    ]);
  });

  it("keeps commas inside names, reads [N/A] as unknown and sorts by index", () => {
    const out =
      "1, GPU-b, Tesla K80, rev 2, 11441, [N/A], [Not Supported]\r\n0, GPU-a, GeForce GTX 1080, 8119, 512, 12\r\n";
    const gpus = parseNvidiaSmiCsv(out);
    expect(gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(gpus[1]).toMatchObject({ name: "Tesla K80, rev 2", memoryUsedMiB: 0, utilizationPercent: null });
  });

  it("reads no output as no GPUs", () => {
    expect(parseNvidiaSmiCsv("\n")).toEqual([]);
  });

  it("rejects lines that are not the queried format", () => {
    expect(() => parseNvidiaSmiCsv("NVIDIA-SMI has failed because it couldn't communicate with the driver")).toThrow(
      /line 1 has 1 fields/,
    );
    expect(() => parseNvidiaSmiCsv("x, GPU-a, name, 1, 2, 3")).toThrow(/not a GPU index/);
  });
});
