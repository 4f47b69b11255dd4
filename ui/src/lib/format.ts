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
