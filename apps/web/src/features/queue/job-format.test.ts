// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { describe, expect, it } from "vitest";
import { ago, canCancel, canRequeue, commandText, gpuMemory, isJobTab } from "./job-format.js";

describe("job formatting", () => {
  it("quotes arguments that a shell would split or expand", () => {
    expect(commandText(["python", "train.py", "--config", "${config_file}", "a b", "it's", ""])).toBe(
      "python train.py --config '${config_file}' 'a b' 'it'\\''s' ''",
    );
  });
  it("offers cancel only to unfinished jobs and requeue only to failed or cancelled ones", () => {
    expect(["queued", "leased", "running"].every((s) => canCancel(s as never))).toBe(true);
    expect(canCancel("succeeded")).toBe(false);
    expect(canRequeue("failed") && canRequeue("cancelled")).toBe(true);
    expect(canRequeue("running") || canRequeue("succeeded")).toBe(false);
  });
  it("formats ages and GPU memory", () => {
    expect(ago(1_000, 31_000)).toBe("30 s ago");
    expect(ago(0, 5 * 60_000)).toBe("5 min ago");
    expect(ago(0, 3 * 3_600_000)).toBe("3 h ago");
    expect(gpuMemory(3174, 40960)).toBe("3.1 / 40.0 GiB");
  });
  it("knows its tabs", () => {
    expect(isJobTab("active")).toBe(true);
    expect(isJobTab("nope")).toBe(false);
    expect(isJobTab(null)).toBe(false);
  });
});
