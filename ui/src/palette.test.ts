// The palettes of styles.css meet WCAG AA: each pair of text and background the console uses
// has a contrast of at least 4.5:1 (text) or 3:1 (the focus ring and the selected-nav bar
// against what they sit on), in the light palette and in the dark one.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const css = readFileSync(path.resolve(__dirname, "styles.css"), "utf8");

/** The custom properties of the first rule whose selector is exactly `selector`. */
function palette(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} rule`);
  const body = css.slice(start, css.indexOf("}", start));
  const vars: Record<string, string> = {};
  for (const m of body.matchAll(/--([\w-]+):\s*([^;]+);/g)) vars[m[1] as string] = (m[2] as string).trim();
  return vars;
}

const light = palette(":root");
const dark = { ...light, ...palette(':root[data-theme="dark"]') };

function rgb(hex: string): [number, number, number] {
  const m = hex.match(/^#([0-9a-f]{6})$/i);
  if (!m) throw new Error(`${hex} is not a #rrggbb colour`);
  const n = parseInt(m[1] as string, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const SURFACES = ["bg", "surface", "bg-subtle", "bg-hover", "bg-selected"];
/** [text, background, minimum] — where the console puts one on the other. */
const PAIRS: Array<[string, string, number]> = [
  ...SURFACES.flatMap((s): Array<[string, string, number]> => [
    ["text", s, 4.5],
    ["text-muted", s, 4.5],
    ["accent", s, 4.5],
    ["danger", s, 4.5],
    ["focus-color", s, 3],
  ]),
  ["ok", "ok-bg", 4.5],
  ["warn", "warn-bg", 4.5],
  ["danger", "bad-bg", 4.5],
  ["bad-text", "bad-bg", 4.5],
  ["info", "info-bg", 4.5],
  ["text-muted", "off-bg", 4.5],
  ["text", "warn-bg", 4.5],
  ["text", "bad-bg", 4.5],
  ["text", "info-bg", 4.5],
  ["text", "dirty-bg", 4.5],
  ["text", "warn-surface", 4.5],
  ["on-accent", "accent", 4.5],
  ["on-accent", "accent-hover", 4.5],
  ["on-accent", "danger", 4.5],
  ["on-accent", "danger-hover", 4.5],
  ["toast-text", "toast-bg", 4.5],
  ["accent", "bg-selected", 3],
];

describe.each([
  ["light", light],
  ["dark", dark],
])("the %s palette", (_name, vars) => {
  it.each(PAIRS)("--%s on --%s reaches %s:1", (fg, bg, min) => {
    const a = vars[fg];
    const b = vars[bg];
    expect(a, `--${fg}`).toBeDefined();
    expect(b, `--${bg}`).toBeDefined();
    expect(contrast(a as string, b as string)).toBeGreaterThanOrEqual(min);
  });
});

it("keeps the QR code on white in both palettes, for scanners", () => {
  expect(light["qr-bg"]).toBe("#ffffff");
  expect(dark["qr-bg"]).toBe("#ffffff");
});

it("gives the dark palette a value for every colour of the light one", () => {
  const own = palette(':root[data-theme="dark"]');
  const colours = Object.entries(light).filter(([, v]) => /^#|^rgba?\(/.test(v));
  expect(colours.length).toBeGreaterThan(40);
  for (const [k] of colours) expect(own[k], `--${k} in the dark palette`).toBeDefined();
});

it("names no colour outside the palettes", () => {
  const rest = css.slice(css.indexOf("}", css.indexOf(':root[data-theme="dark"] {')) + 1);
  expect(rest.match(/#[0-9a-f]{3,8}\b|rgba?\(/gi) ?? []).toEqual([]);
});
