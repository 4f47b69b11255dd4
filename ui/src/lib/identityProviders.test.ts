import { describe, expect, it } from "vitest";
import type { IdentityPool } from "../api/types";
import { loginKeys, mappingKeys, providerCount, providerLabel, providerMembers, providersOf, userPoolProviderName } from "./identityProviders";

const POOL: IdentityPool = {
  IdentityPoolId: "us-east-1:00000000-0000-0000-0000-000000000001",
  IdentityPoolName: "shop",
  AllowUnauthenticatedIdentities: false,
  CognitoIdentityProviders: [
    { ProviderName: "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", ClientId: "web", ServerSideTokenCheck: true },
    { ProviderName: "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", ClientId: "ios", ServerSideTokenCheck: false },
  ],
  SupportedLoginProviders: { "accounts.google.com": "123.apps" },
  DeveloperProviderName: "login.shop",
  OpenIdConnectProviderARNs: ["arn:aws:iam::123456789012:oidc-provider/id.example.com"],
};

describe("identity pool providers", () => {
  it("names a user pool's provider by its region", () => {
    expect(userPoolProviderName("eu-west-1_Abc")).toBe("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc");
  });

  it("groups app clients by user pool and writes them back one entry per client", () => {
    const d = providersOf(POOL);
    expect(d.userPools).toHaveLength(1);
    expect(d.userPools[0]).toMatchObject({ userPoolId: "eu-west-1_Abc", clientIds: ["web", "ios"], serverSideTokenCheck: true });
    const m = providerMembers(d);
    expect(m.CognitoIdentityProviders).toEqual([
      { ProviderName: "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", ClientId: "web", ServerSideTokenCheck: true },
      { ProviderName: "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", ClientId: "ios", ServerSideTokenCheck: true },
    ]);
    expect(m.SupportedLoginProviders).toEqual({ "accounts.google.com": "123.apps" });
    expect(m.DeveloperProviderName).toBe("login.shop");
    expect(m.OpenIdConnectProviderARNs).toEqual(["arn:aws:iam::123456789012:oidc-provider/id.example.com"]);
  });

  it("leaves out blank social ids and user pools not chosen", () => {
    const m = providerMembers({ userPools: [{ id: 1, userPoolId: "", clientIds: [], serverSideTokenCheck: false }], social: { "graph.facebook.com": " " }, developer: " ", oidc: "", saml: "" });
    expect(m).toEqual({ CognitoIdentityProviders: [], SupportedLoginProviders: {}, DeveloperProviderName: undefined, OpenIdConnectProviderARNs: [], SamlProviderARNs: [] });
  });

  it("lists mapping keys per app client and login keys per provider", () => {
    expect(mappingKeys(POOL)).toEqual([
      "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc:web",
      "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc:ios",
      "accounts.google.com",
      "id.example.com",
    ]);
    expect(loginKeys(POOL)).toEqual(["cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", "accounts.google.com", "id.example.com", "login.shop"]);
    expect(providerCount(POOL)).toBe(5);
  });

  it("labels keys with the workspace's names", () => {
    const names = { pools: new Map([["eu-west-1_Abc", "Shop users"]]), clients: new Map([["web", "Web app"]]) };
    expect(providerLabel("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc:web", names)).toBe("User pool Shop users · app client Web app");
    expect(providerLabel("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc", names)).toBe("User pool Shop users");
    expect(providerLabel("accounts.google.com")).toBe("Google");
    expect(providerLabel("id.example.com")).toBe("id.example.com");
  });
});
