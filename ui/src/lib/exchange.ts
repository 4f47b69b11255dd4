/**
 * The exchange tester's display logic: the credentials' countdown and how a token or secret is
 * shown in a list (never whole). The core runs the exchange and masks what it answers.
 */

/** Whole seconds left until `expiration` (epoch seconds) at `now` (epoch seconds); 0 once past. */
export function secondsLeft(expiration: number, now: number): number {
  return Math.max(0, Math.floor(expiration - now));
}

/** A countdown as a clock: "59:07", "1:00:00"; "expired" at zero. */
export function countdownLabel(seconds: number): string {
  if (seconds <= 0) return "expired";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** How urgent a countdown looks: fine, under five minutes, or over. */
export function countdownTone(seconds: number): "ok" | "warn" | "bad" {
  if (seconds <= 0) return "bad";
  return seconds < 300 ? "warn" : "ok";
}

/**
 * A secret shown in a list: its first and last few characters and its length, enough to tell
 * two apart, never enough to use. Short values are hidden whole.
 */
export function maskForDisplay(value: string, keep = 6): string {
  if (value.length <= keep * 3) return `${"•".repeat(8)} (${value.length} chars)`;
  return `${value.slice(0, keep)}…${value.slice(-keep)} (${value.length} chars)`;
}

/** A step's timing: "143 ms", "2.4 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** A JSON body pretty-printed when it is JSON; any other body (XML, a form) as it came. */
export function prettyBody(body: string): string {
  const t = body.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}
