import { describe, expect, it } from "vitest";
import { authorizeUrl, base64Url, hostedUiBase, loginUrl, newPkce, randomToken, s256Challenge, servingAddress } from "./authorize";

describe("PKCE", () => {
  it("computes RFC 7636's example challenge (appendix B)", async () => {
    expect(await s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("makes 43-character verifiers of the unreserved alphabet, each new, with their own S256 challenge", async () => {
    const a = await newPkce();
    const b = await newPkce();
    for (const p of [a, b]) {
      expect(p.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(p.method).toBe("S256");
      expect(p.challenge).toBe(await s256Challenge(p.verifier));
      expect(p.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(a.verifier).not.toBe(b.verifier);
  });

  it("encodes base64url without padding", () => {
    expect(base64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(base64Url(new Uint8Array([]))).toBe("");
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe("the hosted pages' address", () => {
  const at = { host: "127.0.0.1", port: "9229" };

  it("reads the endpoint's host and port", () => {
    expect(servingAddress("127.0.0.1:9229")).toEqual(at);
    expect(servingAddress("http://127.0.0.1:41234/")).toEqual({ host: "127.0.0.1", port: "41234" });
    expect(servingAddress("localhost")).toEqual({ host: "localhost", port: "80" });
  });

  it("uses the prefix domain first, then the custom domain, then the pool's path", () => {
    expect(hostedUiBase("us-east-1_Abc", { prefix: "my-app", custom: "auth.example.com" }, at)).toEqual({
      base: "http://my-app.auth.localhost:9229",
      kind: "prefix",
    });
    expect(hostedUiBase("us-east-1_Abc", { custom: "auth.example.com" }, at)).toEqual({
      base: "http://auth.example.com:9229",
      kind: "custom",
    });
    expect(hostedUiBase("us-east-1_Abc", {}, at)).toEqual({ base: "http://127.0.0.1:9229/us-east-1_Abc", kind: "path" });
    expect(hostedUiBase("us-east-1_Abc", { prefix: "x" }, { host: "localhost", port: "80" }).base).toBe("http://x.auth.localhost");
  });
});

describe("authorizeUrl", () => {
  const pkce = { verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", method: "S256" as const };

  it("writes a code request with PKCE, every value encoded", () => {
    const url = authorizeUrl("http://my-app.auth.localhost:9229", {
      clientId: "abc123",
      redirectUri: "https://app.example.com/cb?x=1&y=2",
      responseType: "code",
      scopes: ["openid", "https://api.example.com/read"],
      state: "s-1",
      pkce,
    });
    expect(url).toBe(
      "http://my-app.auth.localhost:9229/oauth2/authorize?response_type=code&client_id=abc123" +
        "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1%26y%3D2&scope=openid+https%3A%2F%2Fapi.example.com%2Fread" +
        "&state=s-1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
    );
    // What a server reads back is what was chosen.
    const q = new URL(url).searchParams;
    expect(q.get("scope")).toBe("openid https://api.example.com/read");
    expect(q.get("redirect_uri")).toBe("https://app.example.com/cb?x=1&y=2");
  });

  it("sends no challenge for the implicit flow and names a provider when asked", () => {
    const url = new URL(
      authorizeUrl("http://127.0.0.1:9229/us-east-1_Abc", {
        clientId: "abc",
        redirectUri: "http://localhost:3000/",
        responseType: "token",
        scopes: [],
        state: "st",
        pkce,
        identityProvider: "COGNITO",
      }),
    );
    expect(url.pathname).toBe("/us-east-1_Abc/oauth2/authorize");
    expect(url.searchParams.get("response_type")).toBe("token");
    expect(url.searchParams.has("code_challenge")).toBe(false);
    expect(url.searchParams.has("scope")).toBe(false);
    expect(url.searchParams.get("identity_provider")).toBe("COGNITO");
  });

  it("writes the login page's address", () => {
    expect(loginUrl("http://x.auth.localhost:1", "c", "myapp://cb", "code")).toBe(
      "http://x.auth.localhost:1/login?client_id=c&response_type=code&redirect_uri=myapp%3A%2F%2Fcb",
    );
  });
});
