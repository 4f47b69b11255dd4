import { describe, expect, it } from "vitest";
import { ApiError, fromHttpFailure, hintFor, toApiError } from "./errors";

describe("toApiError", () => {
  it("keeps code, message and field of a Tauri command rejection", () => {
    const e = toApiError({
      code: "InvalidParameterException",
      message: "must be 6–99",
      field: "Policies.PasswordPolicy.MinimumLength",
    });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.code, e.message, e.field]).toEqual([
      "InvalidParameterException",
      "must be 6–99",
      "Policies.PasswordPolicy.MinimumLength",
    ]);
  });

  it("reads the endpoint's __type and strips AWS's namespace prefix", () => {
    const e = toApiError({
      __type: "com.amazonaws.cognito.identity.model#NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    expect(e.code).toBe("NotAuthorizedException");
    expect(e.field).toBeUndefined();
  });

  it("accepts AWS's capitalised Message member", () => {
    expect(toApiError({ __type: "UserNotFoundException", Message: "User does not exist." }).message).toBe(
      "User does not exist.",
    );
  });

  it("falls back to the code when there is no message", () => {
    expect(toApiError({ code: "ResourceNotFoundException" }).message).toBe("ResourceNotFoundException");
  });

  it("maps strings and plain errors to UnknownError with their text", () => {
    expect(toApiError("command not found")).toMatchObject({ code: "UnknownError", message: "command not found" });
    expect(toApiError(new TypeError("boom"))).toMatchObject({ code: "UnknownError", message: "boom" });
    expect(toApiError(undefined).code).toBe("UnknownError");
  });

  it("returns an ApiError unchanged", () => {
    const e = new ApiError("GroupExistsException", "exists", "GroupName");
    expect(toApiError(e)).toBe(e);
  });
});

describe("fromHttpFailure", () => {
  it("parses a Cognito error body with its field", () => {
    const e = fromHttpFailure(
      400,
      JSON.stringify({ __type: "UsernameExistsException", message: "User already exists", field: "Username" }),
    );
    expect([e.code, e.field]).toEqual(["UsernameExistsException", "Username"]);
  });

  it("reports the status and the start of a body that is not a Cognito error", () => {
    const e = fromHttpFailure(502, "<html>Bad gateway</html>");
    expect(e.code).toBe("HttpError");
    expect(e.message).toBe("HTTP 502: <html>Bad gateway</html>");
    expect(fromHttpFailure(500, "").message).toBe("HTTP 500");
  });
});

describe("hintFor", () => {
  it("explains setup errors and stays silent on request errors", () => {
    expect(hintFor("NetworkError")).toMatch(/poolhouse --db \S+ serve --addr \S+ --ui ui\/dist/);
    expect(hintFor("MissingAuthenticationTokenException")).toMatch(/signed/);
    expect(hintFor("UsernameExistsException")).toBeUndefined();
  });
});
