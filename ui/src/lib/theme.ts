// The console's light or dark look: the choice made in Settings (System, Light or Dark), kept
// in this browser's localStorage, and the system's prefers-color-scheme when the choice is
// System. The result is html[data-theme="light" | "dark"], which styles.css keys its palette
// on. public/theme-init.js sets the same attribute before the first paint; this module keeps
// it right afterwards (a change of choice, of the system setting, or in another window).
import { useSyncExternalStore } from "react";

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

/** The localStorage key; public/theme-init.js reads the same one. */
export const THEME_KEY = "poolhouse.theme";
export const THEME_CHOICES: ReadonlyArray<{ value: ThemeChoice; label: string }> = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];
const DARK_QUERY = "(prefers-color-scheme: dark)";

export function isThemeChoice(v: unknown): v is ThemeChoice {
  return v === "system" || v === "light" || v === "dark";
}

/** The stored choice; "system" when none, an unknown value, or no storage at all. */
export function readChoice(storage: Pick<Storage, "getItem"> | undefined): ThemeChoice {
  try {
    const v = storage?.getItem(THEME_KEY);
    return isThemeChoice(v) ? v : "system";
  } catch {
    return "system";
  }
}

/** Keeps the choice ("system" is kept as no entry); false when the storage refused it. */
export function writeChoice(storage: Pick<Storage, "setItem" | "removeItem"> | undefined, choice: ThemeChoice): boolean {
  try {
    if (!storage) return false;
    if (choice === "system") storage.removeItem(THEME_KEY);
    else storage.setItem(THEME_KEY, choice);
    return true;
  } catch {
    return false;
  }
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  if (choice === "system") return systemDark ? "dark" : "light";
  return choice;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function systemQuery(): MediaQueryList | undefined {
  return typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : undefined;
}

/** Puts the theme the choice resolves to on <html>. */
export function applyTheme(choice: ThemeChoice, doc: Document = document): Theme {
  const theme = resolveTheme(choice, systemQuery()?.matches ?? false);
  doc.documentElement.setAttribute("data-theme", theme);
  return theme;
}

// The current choice, shared by every component that shows or changes it.
let current: ThemeChoice | undefined;
const listeners = new Set<() => void>();

export function themeChoice(): ThemeChoice {
  current ??= readChoice(storage());
  return current;
}

/** Makes `choice` the console's, here and in what this browser remembers. */
export function setThemeChoice(choice: ThemeChoice): void {
  current = choice;
  writeChoice(storage(), choice);
  applyTheme(choice);
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The current choice and the way to change it, for the Settings switch. */
export function useThemeChoice(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribe, themeChoice, themeChoice);
  return [choice, setThemeChoice];
}

/**
 * Applies the stored choice and follows what may change it from outside: the system setting
 * (while the choice is System) and another window of the console. Returns the way to stop.
 */
export function startTheme(): () => void {
  applyTheme(themeChoice());
  const query = systemQuery();
  const onSystem = () => {
    if (themeChoice() === "system") applyTheme("system");
  };
  const onStorage = (e: StorageEvent) => {
    if (e.key !== THEME_KEY && e.key !== null) return;
    current = readChoice(storage());
    applyTheme(current);
    for (const l of listeners) l();
  };
  query?.addEventListener?.("change", onSystem);
  window.addEventListener("storage", onStorage);
  return () => {
    query?.removeEventListener?.("change", onSystem);
    window.removeEventListener("storage", onStorage);
  };
}

/** For tests: forget the cached choice. */
export function resetThemeForTests(): void {
  current = undefined;
  listeners.clear();
}
