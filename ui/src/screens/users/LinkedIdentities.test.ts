import { describe, expect, it } from "vitest";
import { linkedIdentities } from "./LinkedIdentities";

describe("linkedIdentities", () => {
  it("reads Cognito's identities attribute, strings and all", () => {
    const value = JSON.stringify([
      { userId: "108234", providerName: "Google", providerType: "Google", issuer: null, primary: "true", dateCreated: "1700000000000" },
      { userId: "e-1", providerName: "CorpSSO", providerType: "OIDC", issuer: null, primary: "false", dateCreated: "x" },
    ]);
    const got = linkedIdentities([{ Name: "identities", Value: value }]);
    expect(got).toEqual([
      { userId: "108234", providerName: "Google", providerType: "Google", primary: true, dateCreated: 1700000000000 },
      { userId: "e-1", providerName: "CorpSSO", providerType: "OIDC", primary: false, dateCreated: undefined },
    ]);
  });

  it("answers nothing for a missing or malformed attribute", () => {
    expect(linkedIdentities([])).toEqual([]);
    expect(linkedIdentities([{ Name: "identities", Value: "not json" }])).toEqual([]);
    expect(linkedIdentities([{ Name: "identities", Value: '{"userId":"1"}' }])).toEqual([]);
    expect(linkedIdentities([{ Name: "identities", Value: '[{"providerName":"Google"}]' }])).toEqual([]);
  });
});
