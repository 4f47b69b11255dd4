import { describe, expect, it } from "vitest";
import type { UserPoolClient } from "../../api/types";
import { placeError } from "../../lib/forms";
import { ApiError } from "../../platform/errors";
import { draftOf, flowBlocked, hostedUiFields, hostedUiProblems, settingsOf, urlProblem, type HostedUiDraft } from "./hostedUi";

describe("urlProblem (as domain::client::check_url)", () => {
  it("accepts https, http on localhost and an app's own scheme", () => {
    for (const ok of ["https://app.example.com/cb", "http://localhost:3000/cb", "http://LOCALHOST/cb?x=1", "myapp://callback"]) {
      expect(urlProblem(ok), ok).toBeUndefined();
    }
  });

  it("refuses what the core refuses", () => {
    for (const bad of [
      "http://app.example.com/cb",
      "http://localhost.evil.example/cb",
      "http://127.0.0.1:3000/cb",
      "https://app.example.com/cb#frag",
      "https:///cb",
      "/relative",
      "https://a b",
      "",
      `https://a.example/${"x".repeat(1024)}`,
    ]) {
      expect(urlProblem(bad), bad).toBeTypeOf("string");
    }
  });
});

const base: HostedUiDraft = {
  AllowedOAuthFlowsUserPoolClient: true,
  CallbackURLs: ["https://app.example.com/cb"],
  LogoutURLs: [],
  DefaultRedirectURI: "",
  AllowedOAuthFlows: ["code"],
  AllowedOAuthScopes: ["openid"],
  SupportedIdentityProviders: ["COGNITO"],
};

describe("hostedUiProblems", () => {
  it("finds nothing wrong in a usual code-flow client", () => {
    expect(hostedUiProblems(base, false)).toEqual({});
  });

  it("names the row at fault, as the core's field does", () => {
    const p = hostedUiProblems({ ...base, CallbackURLs: ["https://ok.example/cb", "http://bad.example/cb", " "], LogoutURLs: ["x"] }, false);
    expect(Object.keys(p).sort()).toEqual(["CallbackURLs[1]", "CallbackURLs[2]", "LogoutURLs[0]"]);
  });

  it("holds the default redirect to the callbacks", () => {
    expect(hostedUiProblems({ ...base, DefaultRedirectURI: "https://other.example/cb" }, false)).toHaveProperty("DefaultRedirectURI");
    expect(hostedUiProblems({ ...base, DefaultRedirectURI: "https://app.example.com/cb" }, false)).toEqual({});
  });

  it("keeps client_credentials alone and for clients with a secret", () => {
    const cc = { ...base, CallbackURLs: [], AllowedOAuthFlows: ["client_credentials" as const], AllowedOAuthScopes: ["https://api/read"] };
    expect(hostedUiProblems(cc, true)).toEqual({});
    expect(hostedUiProblems(cc, false).AllowedOAuthFlows).toMatch(/secret/);
    expect(hostedUiProblems({ ...cc, AllowedOAuthFlows: ["client_credentials", "code"] }, true).AllowedOAuthFlows).toMatch(/cannot be combined/);
    expect(flowBlocked("client_credentials", ["code"], true)).toMatch(/alone/);
    expect(flowBlocked("client_credentials", [], false)).toMatch(/secret/);
    expect(flowBlocked("code", ["client_credentials"], true)).toBeDefined();
    expect(flowBlocked("implicit", ["code"], false)).toBeUndefined();
  });

  it("asks for flows, scopes and a callback once OAuth is on, and nothing of them when off", () => {
    const on = hostedUiProblems({ ...base, CallbackURLs: [], AllowedOAuthFlows: ["code"], AllowedOAuthScopes: [] }, false);
    expect(on).toHaveProperty("AllowedOAuthScopes");
    expect(on).toHaveProperty("CallbackURLs");
    expect(hostedUiProblems({ ...base, AllowedOAuthFlows: [] }, false)).toHaveProperty("AllowedOAuthFlows");
    expect(hostedUiProblems({ ...base, AllowedOAuthFlowsUserPoolClient: false, AllowedOAuthFlows: [], AllowedOAuthScopes: [] }, false)).toEqual({});
  });
});

describe("the draft", () => {
  const client = {
    UserPoolId: "us-east-1_Abc",
    ClientId: "c",
    ClientName: "web",
    CreationDate: 1,
    LastModifiedDate: 1,
    CallbackURLs: [" https://a.example/cb"],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ["code"],
    AllowedOAuthScopes: ["openid"],
  } as unknown as UserPoolClient;

  it("round-trips a client and clears flows and scopes when OAuth is turned off", () => {
    const d = draftOf(client);
    expect(d.DefaultRedirectURI).toBe("");
    expect(settingsOf(d)).toMatchObject({ CallbackURLs: ["https://a.example/cb"], DefaultRedirectURI: undefined, AllowedOAuthFlows: ["code"] });
    expect(settingsOf({ ...d, AllowedOAuthFlowsUserPoolClient: false })).toMatchObject({ AllowedOAuthFlows: [], AllowedOAuthScopes: [] });
  });

  it("lists a field for every URL row, so the core's CallbackURLs[n] lands on its row", () => {
    expect(hostedUiFields({ ...base, CallbackURLs: ["a", "b"], LogoutURLs: ["c"] })).toEqual(
      expect.arrayContaining(["CallbackURLs[0]", "CallbackURLs[1]", "LogoutURLs[0]", "AllowedOAuthScopes"]),
    );
  });
});

describe("the core's refusal on the tab", () => {
  it("lands on the URL row the core names, and a scope's index on the scopes", () => {
    const d = { ...base, CallbackURLs: ["https://a.example/cb", "http://b.example/cb"] };
    const url = new ApiError("InvalidParameterException", "CallbackURLs[1]: 'http://b.example/cb' must use https", "CallbackURLs[1]");
    expect(placeError(url, hostedUiFields(d)).fields).toEqual({ "CallbackURLs[1]": "'http://b.example/cb' must use https" });
    const scope = new ApiError("ScopeDoesNotExistException", "Invalid scope requested: x/y", "AllowedOAuthScopes[0]");
    expect(Object.keys(placeError(scope, hostedUiFields(d)).fields)).toEqual(["AllowedOAuthScopes"]);
  });
});
