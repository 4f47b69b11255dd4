function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const number = new Intl.NumberFormat();

/**
 * Epoch seconds (Cognito's timestamps) as local "2026-03-07 14:05": compact, sortable by eye
 * and unambiguous across locales, which matters in dense tables.
 */
export function formatDateTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return "—";
  const d = new Date(epochSeconds * 1000);
  return `${formatDate(epochSeconds)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Epoch seconds as a local date, "2026-03-07". */
export function formatDate(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return "—";
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Epoch seconds as an ISO 8601 string, for tooltips. */
export function isoTime(epochSeconds: number | undefined): string | undefined {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return undefined;
  return new Date(epochSeconds * 1000).toISOString();
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? "—" : number.format(n);
}

/** "1 user", "2 users". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${number.format(n)} ${n === 1 ? one : many}`;
}

/** FORCE_CHANGE_PASSWORD -> "Force change password". */
export function humanizeConstant(s: string): string {
  const lower = s.toLowerCase().replace(/_/g, " ");
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/**
 * Epoch seconds as local "2026-03-07 14:05:09": for sign-in history and lockouts, where
 * several events share a minute and a lockout may last a few seconds.
 */
export function formatDateTimeSeconds(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return "—";
  const d = new Date(epochSeconds * 1000);
  return `${formatDateTime(epochSeconds)}:${pad(d.getSeconds())}`;
}

/**
 * A length of time in the two largest units that matter: "45 s", "3 min 20 s", "2 h 5 min",
 * "3 days 4 h". Rounds down (a lockout with 59.6 s left reads "59 s"); below one second reads
 * "0 s", never negative.
 */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const secs = total % 60;
  const parts: Array<[number, string]> = [
    [days, days === 1 ? "day" : "days"],
    [hours, "h"],
    [minutes, "min"],
    [secs, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return "0 s";
  const [n1, u1] = parts[first] ?? [0, "s"];
  const next = parts[first + 1];
  return next && next[0] > 0 ? `${n1} ${u1} ${next[0]} ${next[1]}` : `${n1} ${u1}`;
}

/** How far `epochSeconds` is from `nowSeconds`: "in 8 s", "3 min ago", "now". */
export function formatRelative(epochSeconds: number, nowSeconds: number): string {
  const delta = epochSeconds - nowSeconds;
  if (Math.abs(delta) < 1) return "now";
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** A PascalCase name as words: "PasswordResetCode" -> "Password reset code", "SignIn" -> "Sign in". */
export function humanizePascal(s: string): string {
  const words = s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}
