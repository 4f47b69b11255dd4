import { describe, expect, it } from "vitest";
import { base64UrlDecode, decodeJwtUnverified, numericDateClaim } from "./jwt";

function part(v: unknown): string {
  return Buffer.from(typeof v === "string" ? v : JSON.stringify(v), "utf8").toString("base64url");
}

function token(header: unknown, payload: unknown, signature = "c2ln"): string {
  return `${part(header)}.${part(payload)}.${signature}`;
}

describe("decodeJwtUnverified", () => {
  it("decodes the header and payload of a compact JWS", () => {
    const t = token({ kid: "k1", alg: "RS256" }, { sub: "abc", token_use: "id", exp: 1795339972 });
    expect(decodeJwtUnverified(t)).toEqual({
      ok: true,
      decoded: { header: { kid: "k1", alg: "RS256" }, payload: { sub: "abc", token_use: "id", exp: 1795339972 } },
    });
  });

  it("reads UTF-8 claims and base64url's - and _ (which plain atob refuses)", () => {
    // "ÿÿ>" needs both '-' and '_' in base64url; the name needs multi-byte UTF-8.
    const payload = { name: "Zoë Ångström 名前", odd: "ÿÿ>?" };
    const t = token({ alg: "RS256" }, payload);
    expect(t.split(".")[1]).toMatch(/[-_]/);
    const r = decodeJwtUnverified(t);
    expect(r.ok && r.decoded.payload).toEqual(payload);
  });

  it("ignores the signature entirely: that is what unverified means", () => {
    const t = token({ alg: "none" }, { sub: "forged" }, "");
    expect(decodeJwtUnverified(t).ok).toBe(true);
  });

  it("explains why something is not a JWT instead of throwing", () => {
    expect(decodeJwtUnverified("opaque-refresh-token")).toEqual({
      ok: false,
      reason: "A JWT has 3 parts separated by dots; this has 1.",
    });
    expect(decodeJwtUnverified("a+b.c.d")).toEqual({ ok: false, reason: "The header is not base64url-encoded UTF-8." });
    expect(decodeJwtUnverified(`${part("not json")}.${part({})}.x`)).toEqual({
      ok: false,
      reason: "The header is not a JSON object.",
    });
    expect(decodeJwtUnverified(`${part({})}.${part([1, 2])}.x`)).toEqual({
      ok: false,
      reason: "The payload is not a JSON object.",
    });
  });
});

describe("base64UrlDecode", () => {
  it("accepts unpadded input of every length base64 allows", () => {
    expect(base64UrlDecode("YQ")).toBe("a");
    expect(base64UrlDecode("YWI")).toBe("ab");
    expect(base64UrlDecode("YWJj")).toBe("abc");
  });
  it("refuses lengths no encoder produces, foreign characters and invalid UTF-8", () => {
    expect(base64UrlDecode("YWJjZ")).toBeUndefined();
    expect(base64UrlDecode("YW=J")).toBeUndefined();
    expect(base64UrlDecode(Buffer.from([0xff, 0xfe]).toString("base64url"))).toBeUndefined();
  });
});

describe("numericDateClaim", () => {
  it("answers numeric claims only", () => {
    expect(numericDateClaim({ exp: 10, iat: "10" }, "exp")).toBe(10);
    expect(numericDateClaim({ exp: 10, iat: "10" }, "iat")).toBeUndefined();
    expect(numericDateClaim({}, "auth_time")).toBeUndefined();
  });
});
