import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  THEME_KEY,
  readChoice,
  resetThemeForTests,
  resolveTheme,
  setThemeChoice,
  startTheme,
  themeChoice,
  writeChoice,
  type ThemeChoice,
} from "./theme";

/** A prefers-color-scheme the test controls, with the change event a real one fires. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const mql = {
    get matches() {
      return dark;
    },
    media: "(prefers-color-scheme: dark)",
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.stubGlobal("matchMedia", () => mql);
  return {
    set(next: boolean) {
      dark = next;
      for (const l of listeners) l();
    },
  };
}

const html = () => document.documentElement.getAttribute("data-theme");

beforeEach(() => {
  localStorage.clear();
  resetThemeForTests();
  document.documentElement.removeAttribute("data-theme");
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("theme choice", () => {
  it("reads only the three known values, and System when nothing or garbage is stored", () => {
    expect(readChoice(localStorage)).toBe("system");
    localStorage.setItem(THEME_KEY, "dark");
    expect(readChoice(localStorage)).toBe("dark");
    localStorage.setItem(THEME_KEY, "purple");
    expect(readChoice(localStorage)).toBe("system");
    expect(readChoice(undefined)).toBe("system");
    const throwing = { getItem: () => { throw new Error("SecurityError"); } };
    expect(readChoice(throwing)).toBe("system");
  });

  it("keeps Light and Dark, and System as no entry", () => {
    expect(writeChoice(localStorage, "light")).toBe(true);
    expect(localStorage.getItem(THEME_KEY)).toBe("light");
    expect(writeChoice(localStorage, "system")).toBe(true);
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
    expect(writeChoice(undefined, "dark")).toBe(false);
  });

  it("resolves System to the system setting, and a fixed choice over it", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });
});

describe("the theme on <html>", () => {
  it("follows the system while the choice is System, and stops following it once fixed", () => {
    const system = fakeSystem(false);
    const stop = startTheme();
    expect(html()).toBe("light");
    system.set(true);
    expect(html()).toBe("dark");
    setThemeChoice("light");
    expect(html()).toBe("light");
    expect(localStorage.getItem(THEME_KEY)).toBe("light");
    system.set(false);
    system.set(true);
    expect(html()).toBe("light");
    setThemeChoice("system");
    expect(html()).toBe("dark");
    stop();
  });

  it("starts from the stored choice, over the system setting", () => {
    fakeSystem(false);
    localStorage.setItem(THEME_KEY, "dark");
    const stop = startTheme();
    expect(themeChoice()).toBe("dark");
    expect(html()).toBe("dark");
    stop();
  });

  it("picks up a choice made in another window", () => {
    fakeSystem(false);
    const stop = startTheme();
    expect(html()).toBe("light");
    localStorage.setItem(THEME_KEY, "dark");
    window.dispatchEvent(new StorageEvent("storage", { key: THEME_KEY }));
    expect(themeChoice()).toBe("dark");
    expect(html()).toBe("dark");
    stop();
  });
});

describe("public/theme-init.js (before the first paint)", () => {
  const script = readFileSync(path.resolve(__dirname, "../../public/theme-init.js"), "utf8");
  const cases: Array<[string | null, boolean]> = [
    [null, false],
    [null, true],
    ["light", true],
    ["dark", false],
    ["system", true],
    ["nonsense", true],
  ];
  it.each(cases)("stored %s, system dark %s: the same theme as lib/theme", (stored, systemDark) => {
    fakeSystem(systemDark);
    if (stored !== null) localStorage.setItem(THEME_KEY, stored);
    new Function(script)();
    const expected = resolveTheme(readChoice(localStorage) as ThemeChoice, systemDark);
    expect(html()).toBe(expected);
  });
});
