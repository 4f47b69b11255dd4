import type { UserStatus } from "../api/types";

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
    <span className={`pill pill-${s?.tone ?? "off"}`} data-status={status}>
      {s?.label ?? status}
    </span>
  );
}
