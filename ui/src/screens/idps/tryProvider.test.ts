import { describe, expect, it } from "vitest";
import type { UserPoolClient } from "../../api/types";
import { authorizeUrl } from "../oauth/authorize";
import { clientsListing, trialOf } from "./tryProvider";

function client(over: Partial<UserPoolClient>): UserPoolClient {
  return {
    UserPoolId: "us-east-1_Abc",
    ClientId: "c1",
    ClientName: "web",
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ["code"],
    AllowedOAuthScopes: ["openid", "email"],
    CallbackURLs: ["https://app.example/cb", "https://app.example/other"],
    SupportedIdentityProviders: ["COGNITO", "Corp"],
    ...over,
  } as UserPoolClient;
}

describe("trying a provider's sign-in", () => {
  it("offers only the clients that list the provider", () => {
    const listed = client({ ClientId: "a" });
    const other = client({ ClientId: "b", SupportedIdentityProviders: ["COGNITO"] });
    expect(clientsListing([listed, other], "Corp").map((c) => c.ClientId)).toEqual(["a"]);
    expect(clientsListing([listed, other], "Google")).toEqual([]);
  });

  it("uses the code flow and the client's default redirect URI when it has them", () => {
    const t = trialOf(client({ AllowedOAuthFlows: ["implicit", "code"], DefaultRedirectURI: "https://app.example/other" }));
    expect(t).toEqual({ ready: true, responseType: "code", redirectUri: "https://app.example/other", scopes: ["openid", "email"] });
    expect(trialOf(client({ AllowedOAuthFlows: ["implicit"] }))).toMatchObject({ ready: true, responseType: "token", redirectUri: "https://app.example/cb" });
  });

  it("says everything a client lacks before it can send anyone to the provider", () => {
    expect(trialOf(client({ AllowedOAuthFlowsUserPoolClient: false, AllowedOAuthFlows: ["client_credentials"], CallbackURLs: [] }))).toEqual({
      ready: false,
      missing: ["allow OAuth 2.0 flows", "allow the authorization code or implicit flow", "add a callback URL"],
    });
  });

  it("names the provider in the authorize URL", () => {
    const url = new URL(
      authorizeUrl("http://corp.auth.localhost:9229", {
        clientId: "c1",
        redirectUri: "https://app.example/cb",
        responseType: "code",
        scopes: ["openid"],
        state: "s",
        identityProvider: "Corp",
      }),
    );
    expect(url.searchParams.get("identity_provider")).toBe("Corp");
  });
});
