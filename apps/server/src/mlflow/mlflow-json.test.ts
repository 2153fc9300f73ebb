import { LooplabError } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { MlflowError, mlflowHttpStatus, toMlflowError } from "./mlflow-errors.js";
import { decodeOffsetToken, double, encodeDouble, encodeOffsetToken, int64, pageOf } from "./mlflow-json.js";

describe("MLflow JSON encoding", () => {
  it("reads int64 as numbers or decimal strings and doubles with NaN/Infinity", () => {
    expect(int64.parse("7")).toBe(7);
    expect(int64.parse(-3)).toBe(-3);
    expect(int64.safeParse("7.5").success).toBe(false);
    expect(int64.safeParse(1.5).success).toBe(false);
    expect(Number.isNaN(double.parse("NaN"))).toBe(true);
    expect(double.parse("Infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(double.parse("-Infinity")).toBe(Number.NEGATIVE_INFINITY);
    expect(double.parse("0.5")).toBe(0.5);
    expect(double.safeParse("x").success).toBe(false);
  });

  it('writes NaN as "NaN" and clamps ±Infinity like MLflow', () => {
    expect(encodeDouble(Number.NaN)).toBe("NaN");
    expect(encodeDouble(Number.POSITIVE_INFINITY)).toBe(1.7976931348623157e308);
    expect(encodeDouble(Number.NEGATIVE_INFINITY)).toBe(-1.7976931348623157e308);
    expect(encodeDouble(2)).toBe(2);
  });

  it("page tokens are MLflow's base64 JSON offsets", () => {
    expect(encodeOffsetToken(2)).toBe(Buffer.from('{"offset":2}').toString("base64"));
    expect(decodeOffsetToken("eyJvZmZzZXQiOiAyfQ==")).toBe(2);
    expect(decodeOffsetToken(undefined)).toBe(0);
    expect(() => decodeOffsetToken("!!")).toThrow(MlflowError);
    expect(() => decodeOffsetToken(Buffer.from('{"offset":-1}').toString("base64"))).toThrow(MlflowError);
    expect(pageOf([1, 2, 3], 0, 2)).toEqual({ page: [1, 2], nextPageToken: encodeOffsetToken(2) });
    expect(pageOf([1, 2, 3], 2, 2)).toEqual({ page: [3] });
  });

  it("maps errors to MLflow's codes and statuses", () => {
    expect(mlflowHttpStatus("RESOURCE_ALREADY_EXISTS")).toBe(400);
    expect(mlflowHttpStatus("RESOURCE_DOES_NOT_EXIST")).toBe(404);
    expect(mlflowHttpStatus("NOT_IMPLEMENTED")).toBe(501);
    const cases: [LooplabError["code"], string, number][] = [
      ["INVALID_ARGUMENT", "INVALID_PARAMETER_VALUE", 400],
      ["NOT_FOUND", "RESOURCE_DOES_NOT_EXIST", 404],
      ["ALREADY_EXISTS", "RESOURCE_ALREADY_EXISTS", 400],
      ["FAILED_PRECONDITION", "INVALID_PARAMETER_VALUE", 400],
      ["PAYLOAD_TOO_LARGE", "INVALID_PARAMETER_VALUE", 413],
      ["RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED", 413],
      ["UNAUTHENTICATED", "UNAUTHENTICATED", 401],
      ["PERMISSION_DENIED", "PERMISSION_DENIED", 403],
      ["INTERNAL", "INTERNAL_ERROR", 500],
    ];
    for (const [code, mlflowCode, status] of cases) {
      const mapped = toMlflowError(new LooplabError(code, "m"));
      expect([mapped.errorCode, mapped.status]).toEqual([mlflowCode, status]);
    }
    expect(toMlflowError(Object.assign(new Error("bad json"), { statusCode: 400 })).status).toBe(400);
    expect(toMlflowError(new Error("boom")).toBody()).toEqual({
      error_code: "INTERNAL_ERROR",
      message: "internal error",
    });
  });
});
