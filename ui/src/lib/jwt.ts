/**
 * Reading a JWT's header and payload WITHOUT checking its signature: for showing a developer
 * what a token says, never for deciding anything. The name says so at every call site.
 */

export type DecodedJwt = {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
};

export type DecodeResult = { ok: true; decoded: DecodedJwt } | { ok: false; reason: string };

/** Base64url (RFC 4648 §5, padding optional) to UTF-8 text; undefined when not base64url. */
export function base64UrlDecode(part: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part) || part.length % 4 === 1) return undefined;
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (part.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Splits a compact JWS and decodes its header and payload. The signature is not looked at:
 * a forged token decodes just as well as a real one.
 */
export function decodeJwtUnverified(token: string): DecodeResult {
  const parts = token.trim().split(".");
  if (parts.length !== 3) return { ok: false, reason: `A JWT has 3 parts separated by dots; this has ${parts.length}.` };
  const [h = "", p = ""] = parts;
  const headerText = base64UrlDecode(h);
  if (headerText === undefined) return { ok: false, reason: "The header is not base64url-encoded UTF-8." };
  const header = jsonObject(headerText);
  if (!header) return { ok: false, reason: "The header is not a JSON object." };
  const payloadText = base64UrlDecode(p);
  if (payloadText === undefined) return { ok: false, reason: "The payload is not base64url-encoded UTF-8." };
  const payload = jsonObject(payloadText);
  if (!payload) return { ok: false, reason: "The payload is not a JSON object." };
  return { ok: true, decoded: { header, payload } };
}

/** A numeric date claim (`exp`, `iat`, `auth_time`) in epoch seconds, if present and numeric. */
export function numericDateClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const v = payload[name];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
