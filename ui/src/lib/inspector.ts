/**
 * The token inspector's own logic: the requests its forms send, the history of inspected
 * tokens (kept in this browser's storage only), and wording. The core decodes and verifies;
 * nothing here judges a token. (Opening a token from another screen is `lib/handoff.ts`, kept
 * apart so that those screens do not load all of this.)
 */

import type {
  DecodedToken,
  EncodeTestTokenRequest,
  JsonValue,
  SecretEncoding,
  TokenCheck,
  VerifyTokenRequest,
} from "../api/types";
import { formatDuration } from "./format";
import { optionalText } from "./forms";

/** Epoch seconds now, as the inspector's operations take it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `errors` without `member`'s message (it was edited, so its message no longer applies). */
export function withoutError(errors: Record<string, string>, member: string): Record<string, string> {
  if (!(member in errors)) return errors;
  const rest = { ...errors };
  delete rest[member];
  return rest;
}

/** A form turned into a request, or the messages of the fields it could not be built from. */
export type Built<T> = { ok: true; request: T } | { ok: false; errors: Record<string, string> };

/* ---- verification ----------------------------------------------------------------------- */

/** Where VerifyToken's keys come from. */
export type KeySource = "pool" | "jwks" | "url" | "discover" | "key" | "secret";
export type TokenUse = "" | "id" | "access";

export type VerifyForm = {
  source: KeySource;
  /** With `source` "pool": a pool's id, or "" to let the core find the pool by `iss`/`kid`. */
  poolId: string;
  jwks: string;
  /** With `source` "url": where Poolhouse fetches the JWKS from. */
  jwksUrl: string;
  key: string;
  secret: string;
  secretEncoding: SecretEncoding;
  issuer: string;
  clientId: string;
  tokenUse: TokenUse;
  /** As typed; blank means 0. */
  skew: string;
};

export const DEFAULT_VERIFY_FORM: VerifyForm = {
  source: "pool",
  poolId: "",
  jwks: "",
  jwksUrl: "",
  key: "",
  secret: "",
  secretEncoding: "Text",
  issuer: "",
  clientId: "",
  tokenUse: "",
  skew: "",
};

/** The request members the verification form fills, for placing the core's `field`. */
export const VERIFY_FIELDS = [
  "Token",
  "UserPoolId",
  "Jwks",
  "JwksUrl",
  "Discover",
  "Key",
  "Secret",
  "SecretEncoding",
  "ExpectedIssuer",
  "ExpectedClientId",
  "ExpectedTokenUse",
  "SkewSeconds",
] as const;

/**
 * Whether the person chose the keys (pasted some, or picked a pool), rather than leaving the
 * core to find a Poolhouse pool by the token's `iss` and `kid`.
 */
export function hasChosenKeys(form: VerifyForm): boolean {
  switch (form.source) {
    case "pool":
      return form.poolId !== "";
    case "jwks":
      return form.jwks.trim() !== "";
    case "url":
      return form.jwksUrl.trim() !== "";
    case "discover":
      return true;
    case "key":
      return form.key.trim() !== "";
    case "secret":
      return form.secret !== "";
  }
}

/**
 * The VerifyToken request for a token and the form. Blank key material and a skew that is not
 * a whole number are refused here (the core would read a blank source as "find the pool");
 * everything else — a malformed key, a skew out of range — is the core's to judge.
 */
export function verifyRequest(token: string, form: VerifyForm, now: number): Built<VerifyTokenRequest> {
  const errors: Record<string, string> = {};
  if (token.trim() === "") errors.Token = "Paste a token to verify.";
  const skewText = form.skew.trim();
  const skew = skewText === "" ? 0 : Number(skewText);
  if (!Number.isInteger(skew)) errors.SkewSeconds = "Enter a whole number of seconds (0 to 86400).";
  const request: VerifyTokenRequest = { Token: token, SkewSeconds: skew, Now: now };
  switch (form.source) {
    case "pool":
      if (form.poolId !== "") request.UserPoolId = form.poolId;
      break;
    case "jwks":
      if (form.jwks.trim() === "") errors.Jwks = "Paste a JWKS: the JSON a .well-known/jwks.json URL answers.";
      else request.Jwks = form.jwks.trim();
      break;
    case "url": {
      const url = form.jwksUrl.trim();
      if (url === "") errors.JwksUrl = "Enter the JWKS URL, e.g. https://issuer.example/.well-known/jwks.json.";
      else if (!/^https?:\/\//.test(url)) errors.JwksUrl = "Must be an http:// or https:// URL.";
      else request.JwksUrl = url;
      break;
    }
    case "discover":
      request.Discover = true;
      break;
    case "key":
      if (form.key.trim() === "") errors.Key = "Paste a public key (PEM), a JWK or an X.509 certificate.";
      else request.Key = form.key.trim();
      break;
    case "secret":
      // Sent as typed: spaces may be part of a secret.
      if (form.secret === "") errors.Secret = "Enter the HMAC secret.";
      else {
        request.Secret = form.secret;
        request.SecretEncoding = form.secretEncoding;
      }
      break;
  }
  const issuer = optionalText(form.issuer);
  if (issuer !== undefined) request.ExpectedIssuer = issuer;
  const clientId = optionalText(form.clientId);
  if (clientId !== undefined) request.ExpectedClientId = clientId;
  if (form.tokenUse !== "") request.ExpectedTokenUse = form.tokenUse;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, request };
}

/** What a verification was asked with, minus the token and the clock: to tell a stale verdict. */
export function verifySettingsKey(form: VerifyForm): string {
  const r = verifyRequest("x", form, 0);
  if (!r.ok) return `invalid:${JSON.stringify(form)}`;
  return JSON.stringify({ ...r.request, Token: undefined, Now: undefined });
}

export type VerdictView = {
  tone: "ok" | "bad" | "attack" | "off";
  title: string;
  /** One sentence on what the verdict rests on. */
  detail: string;
};

/** Names of the checks, for people. The core's names are codes (`exp`, `token_use`). */
export function checkLabel(name: string): string {
  switch (name) {
    case "structure":
      return "Structure";
    case "algorithm":
      return "Algorithm";
    case "signature":
      return "Signature";
    case "exp":
      return "Expiry (exp)";
    case "nbf":
      return "Not before (nbf)";
    case "iat":
      return "Issued at (iat)";
    case "iss":
      return "Issuer (iss)";
    case "aud":
      return "Audience (aud / client_id)";
    case "token_use":
      return "Token use";
    case "revoked":
      return "Revocation";
    default:
      return name;
  }
}

/** What kind of attack a token flagged as one is, from its `alg`. */
export function attackName(alg: string | undefined): string {
  if (alg !== undefined && alg.toLowerCase() === "none") return "unsigned token (alg: none)";
  if (alg !== undefined && /^HS\d+$/.test(alg)) return "algorithm confusion";
  return "forged token";
}

/**
 * The banner over the checklist: what the verdict is and which checks decided it. `alg` is
 * the token's header `alg`, to name an attack.
 */
export function verdictView(verdict: string, checks: readonly TokenCheck[], alg?: string): VerdictView {
  const failed = checks.filter((c) => c.Result === "fail");
  const names = (cs: readonly TokenCheck[]) => cs.map((c) => checkLabel(c.Name).toLowerCase()).join(", ");
  switch (verdict) {
    case "Valid": {
      const skipped = checks.filter((c) => c.Result === "skipped").length;
      const warned = checks.filter((c) => c.Result === "warning").length;
      const extra = [warned > 0 ? `${warned} with a warning` : "", skipped > 0 ? `${skipped} skipped` : ""].filter(Boolean);
      return {
        tone: "ok",
        title: "Valid",
        detail: `Every check that was run passed${extra.length > 0 ? ` (${extra.join(", ")})` : ""}.`,
      };
    }
    case "Attack": {
      const attacks = checks.filter((c) => c.IsAttack);
      const by = attacks.length > 0 ? attacks : failed;
      return {
        tone: "attack",
        title: `Attack: ${attackName(alg)}`,
        detail: `This token is a forgery attempt, caught by the ${names(by)} check${by.length === 1 ? "" : "s"}. Trust nothing in it, and make sure your verifiers fix the algorithm per key instead of taking it from the token.`,
      };
    }
    case "NotAToken":
      return { tone: "off", title: "Not a token", detail: "The input could not be read as a JWT, so nothing was verified." };
    case "Invalid":
      return {
        tone: "bad",
        title: "Invalid",
        detail: failed.length > 0 ? `Failed: ${names(failed)}.` : "A check failed.",
      };
    default:
      return { tone: "off", title: verdict, detail: "" };
  }
}

/* ---- test tokens ------------------------------------------------------------------------ */

export type SignWith = "pool" | "key" | "secret";

export type EncodeForm = {
  claims: string;
  expiresIn: string;
  /** "" lets the core choose by key. */
  algorithm: string;
  signWith: SignWith;
  poolId: string;
  key: string;
  secret: string;
  secretEncoding: SecretEncoding;
  kid: string;
};

export const DEFAULT_TEST_CLAIMS = `{
  "sub": "test-user",
  "token_use": "access",
  "client_id": "test-client",
  "scope": "openid"
}`;

export const DEFAULT_ENCODE_FORM: EncodeForm = {
  claims: DEFAULT_TEST_CLAIMS,
  expiresIn: "+30m",
  algorithm: "",
  signWith: "pool",
  poolId: "",
  key: "",
  secret: "",
  secretEncoding: "Text",
  kid: "",
};

/** The algorithms EncodeTestToken signs with; RS/PS need an RSA key, ES an EC key, HS a secret. */
export const SIGNING_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "HS256",
  "HS384",
  "HS512",
] as const;

export const ENCODE_FIELDS = ["Claims", "ExpiresIn", "Algorithm", "UserPoolId", "Key", "Secret", "SecretEncoding", "Kid"] as const;

/**
 * The EncodeTestToken request for the form. The claims must parse as JSON here (the request
 * carries them as JSON, not text); whether they are an object, and everything about the
 * duration and the key, is the core's to say.
 */
export function encodeRequest(form: EncodeForm, now: number): Built<EncodeTestTokenRequest> {
  const errors: Record<string, string> = {};
  let claims: JsonValue = null;
  if (form.claims.trim() === "") errors.Claims = "Enter the claims as a JSON object, like {\"sub\": \"test-user\"}.";
  else {
    try {
      claims = JSON.parse(form.claims) as JsonValue;
    } catch (e) {
      errors.Claims = `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const request: EncodeTestTokenRequest = { Claims: claims, Now: now };
  const expiresIn = optionalText(form.expiresIn);
  if (expiresIn !== undefined) request.ExpiresIn = expiresIn;
  if (form.algorithm !== "") request.Algorithm = form.algorithm;
  switch (form.signWith) {
    case "pool":
      if (form.poolId === "") errors.UserPoolId = "Choose the user pool whose key signs the token.";
      else request.UserPoolId = form.poolId;
      break;
    case "key":
      if (form.key.trim() === "") errors.Key = "Paste a private key: PEM (-----BEGIN PRIVATE KEY-----) or a private JWK.";
      else request.Key = form.key.trim();
      break;
    case "secret":
      if (form.secret === "") errors.Secret = "Enter the HMAC secret.";
      else {
        request.Secret = form.secret;
        request.SecretEncoding = form.secretEncoding;
      }
      break;
  }
  // A pool's key has its own kid; the core refuses one given with UserPoolId.
  const kid = optionalText(form.kid);
  if (kid !== undefined && form.signWith !== "pool") request.Kid = kid;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, request };
}

/* ---- history ---------------------------------------------------------------------------- */

/** One inspected token, as the history keeps it (in this window's memory only). */
export type HistoryEntry = {
  token: string;
  /** When it was inspected, epoch seconds. */
  at: number;
  /** DecodeToken's `Kind`: `Jws`, `Unsigned` or `Jwe`. */
  kind: string;
  /** The header's `alg`: tells a forged copy (HS256) from the token it copies. */
  alg?: string;
  iss?: string;
  sub?: string;
  tokenUse?: string;
  /** Epoch seconds. */
  exp?: number;
  /** Made by the encoder (header `poolhouse:test`). */
  isTest?: boolean;
};

export const HISTORY_LIMIT = 20;
/**
 * Where earlier versions kept the history, raw bearer tokens included, in the webview's
 * localStorage: removed at start, never written again.
 */
export const OLD_HISTORY_STORAGE_KEY = "poolhouse.inspector.history";
/** Longer input is not kept: history is for tokens. */
export const HISTORY_MAX_TOKEN_LENGTH = 16_384;

/**
 * The token as the core reads it, for telling two pastes of the same token apart from two
 * tokens: surrounding quotes, a `Bearer ` prefix and whitespace do not count.
 */
export function tokenIdentity(text: string): string {
  let t = text.trim();
  if (/^bearer\s+/i.test(t)) t = t.replace(/^bearer\s+/i, "");
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) t = t.slice(1, -1);
  return t.replace(/\s+/g, "");
}

function claimString(payload: JsonValue | undefined, name: string): string | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
  const v = payload[name];
  return typeof v === "string" ? v : undefined;
}

function claimNumber(payload: JsonValue | undefined, name: string): number | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
  const v = payload[name];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * Whether a decoded input is a token worth listing: read to its end with no problem, a header
 * naming its `alg`, and claims — a JSON object payload — unless it is encrypted (a JWE's
 * payload is sealed). Three dots around base64 that decode to `{}` or to text are not a token
 * anyone inspected; they are input that happened to parse.
 */
export function isInspectableToken(decoded: DecodedToken): boolean {
  if (decoded.Kind === "NotAToken" || decoded.Problem !== undefined) return false;
  const header = decoded.Header;
  const isObject = (v: JsonValue | undefined) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(header) || typeof (header as { alg?: unknown }).alg !== "string") return false;
  if (decoded.Kind === "Jwe") return true;
  if (decoded.Nested) return isInspectableToken(decoded.Nested);
  return isObject(decoded.Payload) && Object.keys(decoded.Payload as object).length > 0;
}

/**
 * The history entry for a decoded input, or undefined when it is not worth keeping: not a
 * token (garbage, shaped like one but unreadable, no alg, no claims; see isInspectableToken),
 * or too long. A nested token is summed up by its innermost claims.
 */
export function historyEntry(text: string, decoded: DecodedToken, at: number): HistoryEntry | undefined {
  const token = tokenIdentity(text);
  if (!isInspectableToken(decoded) || token === "" || token.length > HISTORY_MAX_TOKEN_LENGTH) return undefined;
  let inner = decoded;
  while (inner.Nested) inner = inner.Nested;
  const entry: HistoryEntry = { token, at, kind: decoded.Kind };
  const header = decoded.Header;
  const alg = typeof header === "object" && header !== null && !Array.isArray(header) ? header.alg : undefined;
  if (typeof alg === "string") entry.alg = alg;
  const iss = claimString(inner.Payload, "iss");
  const sub = claimString(inner.Payload, "sub");
  const tokenUse = claimString(inner.Payload, "token_use");
  const exp = claimNumber(inner.Payload, "exp");
  if (iss !== undefined) entry.iss = iss;
  if (sub !== undefined) entry.sub = sub;
  if (tokenUse !== undefined) entry.tokenUse = tokenUse;
  if (exp !== undefined) entry.exp = exp;
  if (decoded.Findings.some((f) => f.Code === "TestToken") || inner.Findings.some((f) => f.Code === "TestToken")) {
    entry.isTest = true;
  }
  return entry;
}

/** The history with `entry` first: an earlier inspection of the same token moves up, and only the newest `limit` stay. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit = HISTORY_LIMIT): HistoryEntry[] {
  return [entry, ...history.filter((h) => h.token !== entry.token)].slice(0, limit);
}

/**
 * The history of this window: in memory only, so that a bearer token inspected here is never
 * written to disk (localStorage lives in a file outside the store's 0600 ones). It outlives
 * the inspector screen, not a reload.
 */
let remembered: readonly HistoryEntry[] = [];

/** The history kept in memory. */
export function rememberedHistory(): HistoryEntry[] {
  return [...remembered];
}

/** Keeps the history in memory (an empty one forgets it). */
export function rememberHistory(history: readonly HistoryEntry[]): void {
  remembered = history.slice(0, HISTORY_LIMIT);
}

/**
 * Removes the history an earlier version stored in localStorage; a storage that refuses is
 * not an error (there is then nothing it could have kept).
 */
export function forgetStoredHistory(storage: Pick<Storage, "removeItem"> | undefined): void {
  try {
    storage?.removeItem(OLD_HISTORY_STORAGE_KEY);
  } catch {
    // Private windows and disabled storage refuse even removals.
  }
}

/**
 * "expires in 55 min", "expired 3 days ago", "expires now". Seconds only count under a minute:
 * a summary says "59 min", not "59 min 54 s".
 */
export function expiryWording(exp: number, now: number): string {
  const delta = exp - now;
  if (Math.abs(delta) < 1) return "expires now";
  const span = Math.abs(delta) >= 60 ? Math.floor(Math.abs(delta) / 60) * 60 : Math.abs(delta);
  return delta > 0 ? `expires in ${formatDuration(span)}` : `expired ${formatDuration(span)} ago`;
}

/**
 * A long issuer shortened to what tells pools apart: a Cognito-style URL reads as its last
 * path segment (the pool id); anything else is kept.
 */
export function shortIssuer(iss: string): string {
  const m = /^https?:\/\/[^/]+\/([^/?#]+)\/?$/.exec(iss);
  return m?.[1] ?? iss;
}

/* ---- display helpers -------------------------------------------------------------------- */

/** Words that are names in a token (claims, header members): never capitalized. */
const TOKEN_WORDS = /^(iss|sub|aud|exp|nbf|iat|jti|alg|kid|typ|cty|crit|b64|enc|zip|jku|jwk|x5u|x5c|x5t|scope|username|[a-z0-9]+[_:][a-z0-9_:]+)\b/;

/**
 * The core's messages start in lower case ("the input is empty"); as a sentence on its own,
 * unless the first word is a claim or header member ("iss is …", "token_use is …").
 */
export function sentence(s: string): string {
  const t = s.trim();
  if (t === "") return t;
  const first = TOKEN_WORDS.test(t) ? t : t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?:]$/.test(first) ? first : `${first}.`;
}

/** Text with `code` spans (as the core writes them) split into plain and code parts. */
export function codeSpans(text: string): Array<{ code: boolean; text: string }> {
  const parts: Array<{ code: boolean; text: string }> = [];
  const re = /`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) parts.push({ code: false, text: text.slice(last, m.index) });
    parts.push({ code: true, text: m[1] ?? "" });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ code: false, text: text.slice(last) });
  return parts;
}

/** The core's `code` marks dropped, for text that is shown as plain text (a field's message). */
export function withoutCodeMarks(text: string): string {
  return codeSpans(text)
    .map((p) => p.text)
    .join("");
}

/** RFC 3339 UTC ("2026-12-02T17:51:33Z") as "2026-12-02 17:51:33 UTC". */
export function utcLabel(rfc3339: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(rfc3339);
  return m ? `${m[1]} ${m[2]} UTC` : rfc3339;
}

/** Whether a time claim says something is wrong now: an expiry past, a start or issue time ahead. */
export function timeTone(name: string, seconds: number, now: number): "bad" | "warn" | undefined {
  if (name === "exp" && seconds <= now) return "bad";
  if ((name === "nbf" || name === "iat") && seconds > now) return "warn";
  return undefined;
}
