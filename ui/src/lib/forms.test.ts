import { describe, expect, it } from "vitest";
import { ApiError } from "../platform/errors";
import { lines, placeError } from "./forms";

const FIELDS = ["PoolName", "Policies.PasswordPolicy.MinimumLength", "Policies.PasswordPolicy", "UserAttributes"];

describe("placeError", () => {
  it("puts an error next to the field its request member names", () => {
    const view = placeError(new ApiError("InvalidParameterException", "6–99", "Policies.PasswordPolicy.MinimumLength"), FIELDS);
    expect(view.fields).toEqual({ "Policies.PasswordPolicy.MinimumLength": "6–99" });
    expect(view.general).toBeUndefined();
  });

  it("uses the closest ancestor field for a more specific member", () => {
    const view = placeError(new ApiError("InvalidParameterException", "bad email", "UserAttributes[1].Value"), FIELDS);
    expect(view.fields).toEqual({ UserAttributes: "bad email" });
    const nested = placeError(new ApiError("InvalidParameterException", "x", "Policies.PasswordPolicy.RequireSymbols"), FIELDS);
    expect(nested.fields).toEqual({ "Policies.PasswordPolicy": "x" });
  });

  it("does not match a field that merely shares a prefix", () => {
    const view = placeError(new ApiError("InvalidParameterException", "x", "PoolNameSuffix"), FIELDS);
    expect(view.fields).toEqual({});
    expect(view.general?.message).toBe("x");
  });

  it("keeps errors without a field, or with a field the form lacks, for the banner", () => {
    const e = new ApiError("LimitExceededException", "too many pools");
    expect(placeError(e, FIELDS)).toEqual({ fields: {}, general: e });
    const other = new ApiError("InvalidParameterException", "x", "Schema");
    expect(placeError(other, FIELDS).general).toBe(other);
  });

  it("places an error by its code when the core names no member", () => {
    const e = new ApiError("UsernameExistsException", "User account already exists.");
    expect(placeError(e, ["Username"], { UsernameExistsException: "Username" }).fields).toEqual({
      Username: "User account already exists.",
    });
    expect(placeError(e, ["Username"]).general).toBe(e);
  });

  it("shows nothing when there is no error", () => {
    expect(placeError(undefined, FIELDS)).toEqual({ fields: {}, general: undefined });
  });
});

describe("lines", () => {
  it("splits URLs on newlines and commas and drops blanks", () => {
    expect(lines("https://a.example/cb\n\n https://b.example/cb , https://c.example")).toEqual([
      "https://a.example/cb",
      "https://b.example/cb",
      "https://c.example",
    ]);
  });

  it("drops the member name the message starts with, since the field shows where it is", () => {
    const e = new ApiError("InvalidParameterException", "Policies.PasswordPolicy.MinimumLength: must be between 6 and 99", "Policies.PasswordPolicy.MinimumLength");
    expect(placeError(e, FIELDS).fields).toEqual({ "Policies.PasswordPolicy.MinimumLength": "Must be between 6 and 99" });
  });
});
