import type { ApiError } from "../platform";

export type FormErrorView = {
  /** Messages keyed by the form field (request member) they belong to. */
  fields: Record<string, string>;
  /** The error when no field of the form matches its `field` (shown above the buttons). */
  general: ApiError | undefined;
};

/**
 * Places a core error next to the form field whose request member it names. `field` may be
 * more specific than the form's fields (`UserAttributes[1].Value`, `Policies.PasswordPolicy`):
 * the longest form field that is the error's member or an ancestor of it wins. Errors whose
 * code implies the member (`UsernameExistsException` -> `Username`) can be placed through
 * `byCode` when the core leaves `field` out.
 */
export function placeError(
  error: ApiError | undefined,
  formFields: readonly string[],
  byCode: Readonly<Record<string, string>> = {},
): FormErrorView {
  if (!error) return { fields: {}, general: undefined };
  const target = error.field ?? byCode[error.code];
  if (!target) return { fields: {}, general: error };
  let best: string | undefined;
  for (const f of formFields) {
    const matches =
      target === f || target.startsWith(`${f}.`) || target.startsWith(`${f}[`);
    if (matches && (best === undefined || f.length > best.length)) best = f;
  }
  if (best === undefined) return { fields: {}, general: error };
  return { fields: { [best]: withoutMember(error.message, target) }, general: undefined };
}

/** Next to its field, "Policies.PasswordPolicy.MinimumLength: must be…" reads "Must be…". */
function withoutMember(message: string, member: string): string {
  const prefix = `${member}: `;
  if (!message.startsWith(prefix)) return message;
  const rest = message.slice(prefix.length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** Trims a text input; empty becomes undefined so optional members are left out. */
export function optionalText(s: string): string | undefined {
  const t = s.trim();
  return t === "" ? undefined : t;
}

/**
 * Parses an integer input. Empty gives undefined; anything else that is not an integer is
 * passed on as NaN-free number where possible so the core, which owns validation, answers.
 */
export function optionalInt(s: string): number | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** One URL per line (or comma separated), blanks dropped. */
export function lines(s: string): string[] {
  return s
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}
