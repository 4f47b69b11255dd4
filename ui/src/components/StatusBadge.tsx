import type { UserStatus } from "../api/types";
import { useNow } from "../lib/useNow";

export const USER_STATUSES: ReadonlyArray<{ value: UserStatus; label: string; tone: string }> = [
  { value: "CONFIRMED", label: "Confirmed", tone: "ok" },
  { value: "UNCONFIRMED", label: "Unconfirmed", tone: "warn" },
  { value: "FORCE_CHANGE_PASSWORD", label: "Force change password", tone: "warn" },
  { value: "RESET_REQUIRED", label: "Reset required", tone: "warn" },
  { value: "EXTERNAL_PROVIDER", label: "External provider", tone: "info" },
  { value: "COMPROMISED", label: "Compromised", tone: "bad" },
  { value: "ARCHIVED", label: "Archived", tone: "off" },
  { value: "UNKNOWN", label: "Unknown", tone: "off" },
];

export function StatusBadge({ status }: { status: UserStatus }) {
  const s = USER_STATUSES.find((x) => x.value === status);
  return (
    <span className={`pill pill-${s?.tone ?? "off"}`} data-status={status} title={s?.label ?? status}>
      {s?.label ?? status}
    </span>
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** "23:55" for a time today, "2026-03-07 23:55" otherwise (local time). */
export function lockTime(epochSeconds: number, nowMs: number): string {
  const d = new Date(epochSeconds * 1000);
  const today = new Date(nowMs);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === today.toDateString()
    ? hm
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

/**
 * "Locked until 23:55" while a user is locked out after failed sign-ins (`lockedUntil` in epoch
 * seconds); nothing otherwise.
 */
export function LockBadge({ lockedUntil, failedSignIns }: { lockedUntil: number | undefined; failedSignIns?: number }) {
  // Re-checked every few seconds while a lockout runs, so the badge goes when the lockout ends.
  const now = useNow(lockedUntil !== undefined ? 5000 : null);
  if (lockedUntil === undefined || lockedUntil <= now) return null;
  const at = new Date(lockedUntil * 1000).toISOString();
  const why = failedSignIns ? ` after ${failedSignIns} failed sign-ins in a row` : "";
  return (
    <span className="pill pill-bad" data-testid="lock-badge" title={`Sign-in refused until ${at}${why}`}>
      Locked until {lockTime(lockedUntil, now * 1000)}
    </span>
  );
}

/** "3 failed sign-ins" when there were failures in a row (and no lockout says it already). */
export function FailuresBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="pill pill-warn" data-testid="failures-badge" title="Failed sign-ins in a row since the last success">
      {count} failed
    </span>
  );
}
