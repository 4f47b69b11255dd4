import { describe, expect, it } from "vitest";
import { linkedIdentities, signInWith } from "./LinkedIdentities";

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

describe("signInWith", () => {
  const identities = (providerName: string, primary: boolean) => ({
    Name: "identities",
    Value: JSON.stringify([{ userId: "e-1", providerName, providerType: "OIDC", primary: String(primary), dateCreated: "1" }]),
  });

  it("names a federated user's provider alone", () => {
    expect(signInWith({ Username: "CorpSSO_e-1", UserStatus: "EXTERNAL_PROVIDER", UserAttributes: [identities("CorpSSO", true)] })).toBe("CorpSSO");
  });

  it("names Cognito, then every provider linked to a native user", () => {
    expect(signInWith({ Username: "ana", UserStatus: "CONFIRMED", UserAttributes: [identities("CorpSSO", false)] })).toBe("Cognito, CorpSSO");
    expect(signInWith({ Username: "bo", UserStatus: "CONFIRMED", UserAttributes: [] })).toBe("Cognito");
  });
});
