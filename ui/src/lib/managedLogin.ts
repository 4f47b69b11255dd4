// A managed login style's settings document as the console edits it: the colours the hosted
// pages draw (the paths `user_pools::branding` turns into CSS, light and dark), a few layout
// values Cognito's document holds (kept and answered back, not drawn by Poolhouse's pages), and
// the form logo among the style's assets. Pure functions over the JSON document.

import type { AssetCategory } from "../bindings/AssetCategory";
import type { AssetExtension } from "../bindings/AssetExtension";
import type { ColorMode } from "../bindings/ColorMode";

export type Settings = Record<string, unknown>;
export type Scheme = "lightMode" | "darkMode";
export const SCHEMES: readonly Scheme[] = ["lightMode", "darkMode"];

/** One colour of the document; `path` has `MODE` where the colour scheme goes. */
export type ColorField = { id: string; label: string; path: readonly string[] };

/** The colours the hosted pages draw, in the order a person reads the page. */
export const COLOR_FIELDS: readonly ColorField[] = [
  { id: "page", label: "Page background", path: ["components", "pageBackground", "MODE", "color"] },
  { id: "form", label: "Form header background", path: ["components", "form", "MODE", "backgroundColor"] },
  { id: "heading", label: "Label text", path: ["components", "pageText", "MODE", "bodyColor"] },
  { id: "description", label: "Description text", path: ["components", "pageText", "MODE", "descriptionColor"] },
  { id: "inputBg", label: "Input background", path: ["componentClasses", "input", "MODE", "defaults", "backgroundColor"] },
  { id: "inputBorder", label: "Input border", path: ["componentClasses", "input", "MODE", "defaults", "borderColor"] },
  { id: "button", label: "Button", path: ["components", "primaryButton", "MODE", "defaults", "backgroundColor"] },
  { id: "buttonText", label: "Button text", path: ["components", "primaryButton", "MODE", "defaults", "textColor"] },
  { id: "buttonHover", label: "Button on hover", path: ["components", "primaryButton", "MODE", "hover", "backgroundColor"] },
  { id: "buttonHoverText", label: "Button text on hover", path: ["components", "primaryButton", "MODE", "hover", "textColor"] },
  { id: "link", label: "Links", path: ["componentClasses", "link", "MODE", "defaults", "textColor"] },
];

/** A layout value of the document: stored and answered as Cognito's, not drawn here. */
export type LayoutField = { id: string; label: string; path: readonly string[]; options: readonly string[] };

export const LAYOUT_FIELDS: readonly LayoutField[] = [
  { id: "scheme", label: "Colour scheme", path: ["categories", "global", "colorSchemeMode"], options: ["LIGHT", "DARK", "DYNAMIC"] },
  { id: "density", label: "Spacing", path: ["categories", "global", "spacingDensity"], options: ["COMPACT", "REGULAR", "SPACIOUS"] },
  {
    id: "horizontal",
    label: "Form position, across",
    path: ["categories", "form", "location", "horizontal"],
    options: ["START", "CENTER", "END"],
  },
  {
    id: "vertical",
    label: "Form position, down",
    path: ["categories", "form", "location", "vertical"],
    options: ["START", "CENTER", "END"],
  },
];

/** The path of a colour in one scheme. */
export function colorPath(f: ColorField, scheme: Scheme): string[] {
  return f.path.map((p) => (p === "MODE" ? scheme : p));
}

/** The request member a path names (`Settings.components.form.lightMode.backgroundColor`). */
export function memberOf(path: readonly string[]): string {
  return ["Settings", ...path].join(".");
}

/** The value at `path`, or undefined. */
export function getAt(doc: unknown, path: readonly string[]): unknown {
  let at: unknown = doc;
  for (const p of path) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[p];
  }
  return at;
}

/** A copy of `doc` with `value` at `path` (objects made on the way; the rest shared). */
export function setAt(doc: Settings, path: readonly string[], value: unknown): Settings {
  const [head, ...rest] = path;
  if (head === undefined) return doc;
  const here = doc[head];
  const child = typeof here === "object" && here !== null && !Array.isArray(here) ? (here as Settings) : {};
  return { ...doc, [head]: rest.length === 0 ? value : setAt(child, rest, value) };
}

/** Cognito writes a colour as eight hex digits, `RRGGBBAA`. */
export function colorProblem(v: string): string | undefined {
  return /^[0-9a-fA-F]{8}$/.test(v) ? undefined : "Eight hex digits, RRGGBBAA (0972d3ff).";
}

/** `RRGGBBAA` as the `#rrggbb` a colour picker takes (alpha aside); undefined when malformed. */
export function pickerValue(v: string): string | undefined {
  return colorProblem(v) === undefined ? `#${v.slice(0, 6).toLowerCase()}` : undefined;
}

/** A picker's `#rrggbb` over the document's value, keeping its alpha (opaque when it had none). */
export function fromPicker(picked: string, was: string): string {
  const alpha = colorProblem(was) === undefined ? was.slice(6, 8) : "ff";
  return `${picked.replace(/^#/, "").toLowerCase()}${alpha}`;
}

/** Every colour's problem, by request member: what the form says before sending. */
export function settingsProblems(doc: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of COLOR_FIELDS) {
    for (const s of SCHEMES) {
      const path = colorPath(f, s);
      const v = getAt(doc, path);
      const problem = typeof v === "string" ? colorProblem(v) : "Give a colour.";
      if (problem) out[memberOf(path)] = problem;
    }
  }
  return out;
}

/** An asset as the API answers it (`Bytes` in base64). */
export type StyleAsset = {
  Category: AssetCategory;
  ColorMode: ColorMode;
  Extension: AssetExtension;
  Bytes?: string | undefined;
  ResourceId?: string | undefined;
};

/** The colour modes whose form logo the hosted pages show, in the order they look for one. */
const LOGO_MODES: readonly ColorMode[] = ["LIGHT", "DYNAMIC", "DARK"];
const RASTER: readonly AssetExtension[] = ["PNG", "JPEG", "WEBP"];
const MEDIA: Record<string, string> = { PNG: "image/png", JPEG: "image/jpeg", WEBP: "image/webp", SVG: "image/svg+xml", ICO: "image/x-icon" };

/** The form logo the hosted pages show: the first raster FORM_LOGO, light before dynamic before dark. */
export function formLogo(assets: readonly StyleAsset[]): StyleAsset | undefined {
  for (const mode of LOGO_MODES) {
    const a = assets.find((x) => x.Category === "FORM_LOGO" && x.ColorMode === mode && RASTER.includes(x.Extension));
    if (a) return a;
  }
  return undefined;
}

/** An asset's `data:` URL (the preview shows it without a request). */
export function assetDataUrl(a: StyleAsset): string | undefined {
  const media = MEDIA[a.Extension];
  return a.Bytes && media ? `data:${media};base64,${a.Bytes}` : undefined;
}

/** The asset type of an image file by its media type: only what the hosted pages can show. */
export function logoExtension(mediaType: string): "PNG" | "JPEG" | "WEBP" | undefined {
  switch (mediaType) {
    case "image/png":
      return "PNG";
    case "image/jpeg":
      return "JPEG";
    case "image/webp":
      return "WEBP";
    default:
      return undefined;
  }
}

/**
 * The `Assets` to send when the form logo changes: the style's other assets as they are
 * (without Bytes: the core keeps the stored file), the shown logo replaced by `logo` or
 * removed when it is null. A new logo is for every scheme (`DYNAMIC`) unless it replaces one.
 */
export function assetsWithLogo(
  assets: readonly StyleAsset[],
  logo: { extension: AssetExtension; bytes: string } | null,
): StyleAsset[] {
  const shown = formLogo(assets);
  const kept = assets
    .filter((a) => a !== shown)
    .map((a) => ({ Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension, ...(a.ResourceId ? { ResourceId: a.ResourceId } : {}) }));
  if (!logo) return kept;
  // A style has one asset per category and colour mode: a new logo takes a mode no other
  // form logo (an SVG, which the pages do not show) holds.
  const taken = kept.filter((a) => a.Category === "FORM_LOGO").map((a) => a.ColorMode);
  const free = (["DYNAMIC", "LIGHT", "DARK"] as const).find((m) => !taken.includes(m));
  const mode: ColorMode = shown?.ColorMode ?? free ?? "DYNAMIC";
  return [...kept, { Category: "FORM_LOGO", ColorMode: mode, Extension: logo.extension, Bytes: logo.bytes }];
}
