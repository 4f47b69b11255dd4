import { describe, expect, it } from "vitest";
import type { DecodedToken, TokenCheck } from "../api/types";
import {
  DEFAULT_ENCODE_FORM,
  DEFAULT_VERIFY_FORM,
  HISTORY_LIMIT,
  addToHistory,
  codeSpans,
  encodeRequest,
  expiryWording,
  hasChosenKeys,
  historyEntry,
  isInspectableToken,
  forgetStoredHistory,
  OLD_HISTORY_STORAGE_KEY,
  rememberedHistory,
  rememberHistory,
  sentence,
  shortIssuer,
  timeTone,
  tokenIdentity,
  utcLabel,
  verdictView,
  verifyRequest,
  verifySettingsKey,
  withoutCodeMarks,
  type HistoryEntry,
} from "./inspector";
import { clearInspectorSession, openInInspector, peekHandedOffToken } from "./handoff";

const NOW = 1_800_000_000;

function decoded(payload: Record<string, unknown> | undefined, extra: Partial<DecodedToken> = {}): DecodedToken {
  return {
    Kind: "Jws",
    Header: { alg: "RS256" },
    Payload: payload as DecodedToken["Payload"],
    Claims: [],
    Findings: [],
    Now: NOW,
    ...extra,
  };
}

function entry(token: string, at: number): HistoryEntry {
  return { token, at, kind: "Jws" };
}

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

describe("verifyRequest with fetched keys", () => {
  it("sends a JWKS URL only when it is one, and discovery as a flag", () => {
    const url = verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "url", jwksUrl: " https://i.example/jwks " }, NOW);
    expect(url).toEqual({ ok: true, request: { Token: "a.b.c", SkewSeconds: 0, Now: NOW, JwksUrl: "https://i.example/jwks" } });
    const blank = verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "url" }, NOW);
    expect(blank.ok ? {} : blank.errors).toHaveProperty("JwksUrl");
    const ftp = verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "url", jwksUrl: "ftp://x" }, NOW);
    expect(ftp.ok ? "" : ftp.errors.JwksUrl).toMatch(/http/);
    const discover = verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "discover" }, NOW);
    expect(discover).toEqual({ ok: true, request: { Token: "a.b.c", SkewSeconds: 0, Now: NOW, Discover: true } });
    expect(hasChosenKeys({ ...DEFAULT_VERIFY_FORM, source: "discover" })).toBe(true);
  });
});

describe("verifyRequest", () => {
  it("leaves the keys out by default, so the core finds the pool by iss and kid", () => {
    const r = verifyRequest("a.b.c", DEFAULT_VERIFY_FORM, NOW);
    expect(r).toEqual({ ok: true, request: { Token: "a.b.c", SkewSeconds: 0, Now: NOW } });
  });

  it("sends only the chosen key source, with the expectations typed", () => {
    const r = verifyRequest(
      "a.b.c",
      {
        ...DEFAULT_VERIFY_FORM,
        source: "secret",
        // Left over from another source: must not be sent with the secret.
        key: "-----BEGIN PUBLIC KEY-----",
        poolId: "us-east-1_Pool",
        secret: " s3cret ",
        secretEncoding: "Base64",
        issuer: "  https://issuer.example ",
        clientId: "",
        tokenUse: "access",
        skew: " 30 ",
      },
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      request: {
        Token: "a.b.c",
        Secret: " s3cret ",
        SecretEncoding: "Base64",
        ExpectedIssuer: "https://issuer.example",
        ExpectedTokenUse: "access",
        SkewSeconds: 30,
        Now: NOW,
      },
    });
  });

  it("names a picked pool", () => {
    const r = verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, poolId: "us-east-1_Pool" }, NOW);
    expect(r.ok && r.request.UserPoolId).toBe("us-east-1_Pool");
  });

  it("refuses blank key material here: the core would read it as 'find the pool' instead", () => {
    expect(verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "jwks", jwks: "  " }, NOW)).toMatchObject({
      ok: false,
      errors: { Jwks: expect.stringContaining("JWKS") },
    });
    expect(verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "key" }, NOW)).toMatchObject({ ok: false, errors: { Key: expect.any(String) } });
    expect(verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, source: "secret" }, NOW)).toMatchObject({ ok: false, errors: { Secret: expect.any(String) } });
  });

  it("refuses a skew that is not a whole number, but leaves the range to the core", () => {
    expect(verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, skew: "ten" }, NOW)).toMatchObject({ ok: false, errors: { SkewSeconds: expect.any(String) } });
    expect(verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, skew: "1.5" }, NOW).ok).toBe(false);
    expect(verifyRequest("a.b.c", { ...DEFAULT_VERIFY_FORM, skew: "999999" }, NOW)).toMatchObject({ ok: true, request: { SkewSeconds: 999999 } });
  });

  it("asks for a token before anything else is sent", () => {
    expect(verifyRequest("  ", DEFAULT_VERIFY_FORM, NOW)).toMatchObject({ ok: false, errors: { Token: expect.any(String) } });
  });

  it("tells settings apart regardless of the token and the clock", () => {
    const a = verifySettingsKey(DEFAULT_VERIFY_FORM);
    expect(verifySettingsKey({ ...DEFAULT_VERIFY_FORM })).toBe(a);
    expect(verifySettingsKey({ ...DEFAULT_VERIFY_FORM, tokenUse: "id" })).not.toBe(a);
    // Text typed into a source that is not chosen is not sent, so it changes nothing.
    expect(verifySettingsKey({ ...DEFAULT_VERIFY_FORM, jwks: "{}" })).toBe(a);
  });
});

describe("hasChosenKeys", () => {
  it("is false while the core is left to find the pool, true once keys are given", () => {
    expect(hasChosenKeys(DEFAULT_VERIFY_FORM)).toBe(false);
    expect(hasChosenKeys({ ...DEFAULT_VERIFY_FORM, poolId: "us-east-1_Pool" })).toBe(true);
    expect(hasChosenKeys({ ...DEFAULT_VERIFY_FORM, source: "key", key: " " })).toBe(false);
    expect(hasChosenKeys({ ...DEFAULT_VERIFY_FORM, source: "key", key: "pem" })).toBe(true);
  });
});

describe("encodeRequest", () => {
  it("sends the claims as JSON, the duration and the pool", () => {
    const r = encodeRequest({ ...DEFAULT_ENCODE_FORM, claims: '{"sub":"x"}', poolId: "us-east-1_Pool", kid: "ignored" }, NOW);
    expect(r).toEqual({ ok: true, request: { Claims: { sub: "x" }, ExpiresIn: "+30m", UserPoolId: "us-east-1_Pool", Now: NOW } });
  });

  it("puts a kid and an algorithm in when signing with a secret", () => {
    const r = encodeRequest(
      { ...DEFAULT_ENCODE_FORM, claims: "{}", signWith: "secret", secret: "k", algorithm: "HS512", kid: " test-kid ", expiresIn: "" },
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      request: { Claims: {}, Algorithm: "HS512", Secret: "k", SecretEncoding: "Text", Kid: "test-kid", Now: NOW },
    });
  });

  it("says where the claims stop being JSON", () => {
    const r = encodeRequest({ ...DEFAULT_ENCODE_FORM, claims: '{"sub": }', poolId: "p" }, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.Claims).toMatch(/^Not valid JSON: /);
  });

  it("passes claims that are JSON but not an object on, for the core to refuse by name", () => {
    expect(encodeRequest({ ...DEFAULT_ENCODE_FORM, claims: "[1]", poolId: "p" }, NOW)).toMatchObject({ ok: true, request: { Claims: [1] } });
  });

  it("asks for the key that was chosen", () => {
    expect(encodeRequest(DEFAULT_ENCODE_FORM, NOW)).toMatchObject({ ok: false, errors: { UserPoolId: expect.any(String) } });
    expect(encodeRequest({ ...DEFAULT_ENCODE_FORM, signWith: "key" }, NOW)).toMatchObject({ ok: false, errors: { Key: expect.any(String) } });
  });
});

describe("history", () => {
  it("keeps the newest first, moves a token seen again to the top, and keeps only the last 20", () => {
    let h: HistoryEntry[] = [];
    for (let i = 0; i < 25; i++) h = addToHistory(h, entry(`t${i}`, i));
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0]?.token).toBe("t24");
    expect(h.at(-1)?.token).toBe("t5");
    h = addToHistory(h, entry("t10", 100));
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0]).toEqual(entry("t10", 100));
    expect(h.filter((e) => e.token === "t10")).toHaveLength(1);
  });

  it("counts a token pasted with Bearer, quotes or line breaks as the same token", () => {
    expect(tokenIdentity('  Bearer "aaa.bb\nb.ccc" ')).toBe("aaa.bbb.ccc");
    expect(tokenIdentity("bearer aaa.bbb.ccc")).toBe("aaa.bbb.ccc");
    const a = historyEntry("Bearer aaa.bbb.ccc", decoded({ sub: "u" }), 1);
    const b = historyEntry("aaa.bbb.ccc\n", decoded({ sub: "u" }), 2);
    expect(a && b && addToHistory([a], b)).toHaveLength(1);
  });

  it("sums a token up by iss, sub, token_use and exp, and marks test tokens", () => {
    const e = historyEntry(
      "aaa.bbb.ccc",
      decoded(
        { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool", sub: "u-1", token_use: "id", exp: NOW + 60, email: "a@b.c" },
        { Findings: [{ Code: "TestToken", Message: "a test token", IsWarning: false }] },
      ),
      NOW,
    );
    expect(e).toEqual({
      token: "aaa.bbb.ccc",
      at: NOW,
      kind: "Jws",
      alg: "RS256",
      iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool",
      sub: "u-1",
      tokenUse: "id",
      exp: NOW + 60,
      isTest: true,
    });
  });

  it("sums a nested token up by its inner claims", () => {
    const inner = decoded({ sub: "inner" });
    expect(historyEntry("aaa.bbb.ccc", decoded(undefined, { Nested: inner }), NOW)?.sub).toBe("inner");
  });

  it("keeps no record of input that is not a token, or is too long to be one worth keeping", () => {
    expect(historyEntry("hello", decoded(undefined, { Kind: "NotAToken" }), NOW)).toBeUndefined();
    const unreadablePayload = { Code: "Base64", Message: "payload (part 2) is not base64url", Part: 2 };
    expect(historyEntry("eyJhbGciOiJSUzI1NiJ9.not*base64.c2ln", decoded(undefined, { Problem: unreadablePayload }), NOW)).toBeUndefined();
    expect(historyEntry(`a.${"b".repeat(20_000)}.c`, decoded({ sub: "u" }), NOW)).toBeUndefined();
  });

  // What the core's DecodeToken answers for garbage that happens to parse (`poolhouse jwt
  // decode`): none of it is a token anyone inspected, so none of it is listed.
  it("keeps no record of garbage that parses: no alg, no claims, a text payload, whitespace in a word", () => {
    const noAlg = decoded({}, { Header: {}, Findings: [{ Code: "MissingAlgorithm", Message: "the header has no string `alg`", IsWarning: true }] });
    expect(historyEntry("e30.e30.e30", noAlg, NOW)).toBeUndefined();
    expect(isInspectableToken(decoded({}))).toBe(false);
    const textPayload = decoded(undefined, {
      Header: { alg: "HS256" },
      PayloadText: "hello",
      Findings: [{ Code: "PayloadNotJson", Message: "the payload is text, not JSON: a JWS, but not a JWT", IsWarning: true }],
    });
    expect(historyEntry("eyJhbGciOiJIUzI1NiJ9.aGVsbG8.c2ln", textPayload, NOW)).toBeUndefined();
    const words = decoded(undefined, {
      Kind: "NotAToken",
      Header: undefined,
      Problem: { Code: "PartCount", Message: "the input has no dots" },
      Findings: [{ Code: "InnerWhitespace", Message: "1 whitespace character(s) inside the token", IsWarning: false }],
    });
    expect(historyEntry("garbage garbage", words, NOW)).toBeUndefined();
    // A token: an alg and claims; an encrypted one has its payload sealed.
    expect(isInspectableToken(decoded({ sub: "u-1" }))).toBe(true);
    expect(isInspectableToken(decoded(undefined, { Kind: "Jwe", Header: { alg: "RSA-OAEP", enc: "A256GCM" } }))).toBe(true);
    expect(isInspectableToken(decoded(undefined, { Kind: "Unsigned", Header: { alg: "none" }, Payload: { sub: "x" } }))).toBe(true);
  });

  it("keeps the history in memory: what it keeps reads back, a copy, at most the last 20", () => {
    const h = [entry("t1", 1), { ...entry("t2", 2), sub: "s", exp: 5, isTest: true }];
    rememberHistory(h);
    expect(rememberedHistory()).toEqual(h);
    rememberedHistory().pop();
    expect(rememberedHistory()).toHaveLength(2);
    rememberHistory(Array.from({ length: 25 }, (_, i) => entry(`t${i}`, i)));
    expect(rememberedHistory()).toHaveLength(HISTORY_LIMIT);
    rememberHistory([]);
    expect(rememberedHistory()).toEqual([]);
  });

  it("removes the history earlier versions stored, raw tokens included, and survives a storage that refuses", () => {
    const storage = new MemoryStorage();
    storage.setItem(OLD_HISTORY_STORAGE_KEY, JSON.stringify([entry("aaa.bbb.ccc", 1)]));
    storage.setItem("other", "kept");
    forgetStoredHistory(storage);
    expect(storage.items.has(OLD_HISTORY_STORAGE_KEY)).toBe(false);
    expect(storage.getItem("other")).toBe("kept");
    const refusing = {
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    expect(() => forgetStoredHistory(refusing)).not.toThrow();
    expect(() => forgetStoredHistory(undefined)).not.toThrow();
  });
});

describe("wording", () => {
  it("says whether a token expires or has expired, and how long from now", () => {
    expect(expiryWording(NOW + 55 * 60, NOW)).toBe("expires in 55 min");
    expect(expiryWording(NOW - 3 * 86_400, NOW)).toBe("expired 3 days ago");
    expect(expiryWording(NOW, NOW)).toBe("expires now");
    // Seconds only under a minute.
    expect(expiryWording(NOW + 59 * 60 + 54, NOW)).toBe("expires in 59 min");
    expect(expiryWording(NOW + 42, NOW)).toBe("expires in 42 s");
  });

  it("shortens a Cognito-style issuer to its pool id and keeps anything else", () => {
    expect(shortIssuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool")).toBe("us-east-1_Pool");
    expect(shortIssuer("http://127.0.0.1:9229/us-east-1_Pool/")).toBe("us-east-1_Pool");
    expect(shortIssuer("https://accounts.example.com")).toBe("https://accounts.example.com");
    expect(shortIssuer("urn:me")).toBe("urn:me");
  });

  it("turns the core's messages into sentences", () => {
    expect(sentence("the input is empty")).toBe("The input is empty.");
    expect(sentence("refused: why.")).toBe("Refused: why.");
    expect(sentence("")).toBe("");
    // Claim and header names keep their spelling.
    expect(sentence('iss is "x"')).toBe('iss is "x".');
    expect(sentence("token_use is absent")).toBe("token_use is absent.");
    expect(sentence("cognito:groups is not an array")).toBe("cognito:groups is not an array.");
  });

  it("splits the core's `code` spans from the text around them", () => {
    expect(codeSpans("alg is `none`: unsigned")).toEqual([
      { code: false, text: "alg is " },
      { code: true, text: "none" },
      { code: false, text: ": unsigned" },
    ]);
    expect(codeSpans("no code")).toEqual([{ code: false, text: "no code" }]);
    expect(codeSpans("an ` unmatched")).toEqual([{ code: false, text: "an ` unmatched" }]);
    expect(withoutCodeMarks("JSON starting with `{`, or PEM (`-----BEGIN …`)")).toBe("JSON starting with {, or PEM (-----BEGIN …)");
  });

  it("writes RFC 3339 UTC as a date and time marked UTC", () => {
    expect(utcLabel("2026-12-02T17:51:33Z")).toBe("2026-12-02 17:51:33 UTC");
    expect(utcLabel("not a time")).toBe("not a time");
  });

  it("colours an expiry that has passed and a start or issue time still ahead", () => {
    expect(timeTone("exp", NOW, NOW)).toBe("bad");
    expect(timeTone("exp", NOW + 1, NOW)).toBeUndefined();
    expect(timeTone("nbf", NOW + 1, NOW)).toBe("warn");
    expect(timeTone("iat", NOW + 1, NOW)).toBe("warn");
    expect(timeTone("auth_time", NOW + 1, NOW)).toBeUndefined();
  });
});

describe("verdictView", () => {
  const check = (Name: string, Result: string, IsAttack = false): TokenCheck => ({ Name, Result, Reason: "", IsAttack });

  it("calls an attack an attack and names the check that saw it, not every failure", () => {
    const v = verdictView("Attack", [check("algorithm", "fail", true), check("signature", "fail"), check("exp", "pass")]);
    expect(v.tone).toBe("attack");
    expect(v.title).toMatch(/^Attack/);
    expect(verdictView("Attack", [check("algorithm", "fail", true)], "HS256").title).toBe("Attack: algorithm confusion");
    expect(verdictView("Attack", [check("algorithm", "fail", true)], "none").title).toBe("Attack: unsigned token (alg: none)");
    expect(v.detail).toContain("algorithm");
    expect(v.detail).not.toContain("signature");
  });

  it("lists what failed for an invalid token", () => {
    const v = verdictView("Invalid", [check("signature", "fail"), check("exp", "fail"), check("iat", "pass")]);
    expect(v).toMatchObject({ tone: "bad", title: "Invalid", detail: "Failed: signature, expiry (exp)." });
  });

  it("says how many checks were skipped when valid", () => {
    const v = verdictView("Valid", [check("signature", "pass"), check("aud", "skipped"), check("nbf", "skipped")]);
    expect(v).toMatchObject({ tone: "ok", detail: "Every check that was run passed (2 skipped)." });
  });
});

describe("hand-off", () => {
  it("carries a token to the inspector in memory, not in the URL", () => {
    openInInspector("aaa.bbb.ccc");
    expect(window.location.hash).toBe("#/tokens");
    expect(window.location.href).not.toContain("aaa.bbb.ccc");
    expect(peekHandedOffToken()).toBe("aaa.bbb.ccc");
    clearInspectorSession();
    expect(peekHandedOffToken()).toBeUndefined();
  });
});
