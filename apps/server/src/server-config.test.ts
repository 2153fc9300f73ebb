import { describe, expect, it } from "vitest";
import { resolveServerConfig } from "./server-config.js";

describe("server setting leaseTimeout", () => {
  it("defaults to 60 s and reads flags over LOOPLAB_LEASE_TIMEOUT", () => {
    expect(resolveServerConfig({}, {}, undefined).leaseTimeout).toBe(60_000);
    expect(resolveServerConfig({}, { LOOPLAB_LEASE_TIMEOUT: "30s" }, undefined).leaseTimeout).toBe(30_000);
    expect(resolveServerConfig({ leaseTimeout: "2m" }, { LOOPLAB_LEASE_TIMEOUT: "30s" }, undefined).leaseTimeout).toBe(
      120_000,
    );
  });

  it("refuses leases shorter than a second and durations that do not parse", () => {
    expect(() => resolveServerConfig({ leaseTimeout: "500ms" }, {}, undefined)).toThrow(/leaseTimeout/);
    expect(() => resolveServerConfig({ leaseTimeout: "soon" }, {}, undefined)).toThrow(/leaseTimeout/);
  });
});

describe("server setting artifactsFsync", () => {
  it("defaults to deferred and reads flags over LOOPLAB_ARTIFACTS_FSYNC", () => {
    expect(resolveServerConfig({}, {}, undefined).artifactsFsync).toBe("deferred");
    expect(resolveServerConfig({}, { LOOPLAB_ARTIFACTS_FSYNC: "immediate" }, undefined).artifactsFsync).toBe(
      "immediate",
    );
    expect(
      resolveServerConfig({ artifactsFsync: "deferred" }, { LOOPLAB_ARTIFACTS_FSYNC: "immediate" }, undefined)
        .artifactsFsync,
    ).toBe("deferred");
  });

  it("refuses other values with the setting's name", () => {
    expect(() => resolveServerConfig({}, { LOOPLAB_ARTIFACTS_FSYNC: "always" }, undefined)).toThrow(/artifactsFsync/);
  });
});
