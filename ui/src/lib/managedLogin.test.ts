import { describe, expect, it } from "vitest";
import {
  assetsWithLogo,
  COLOR_FIELDS,
  colorPath,
  formLogo,
  fromPicker,
  getAt,
  memberOf,
  pickerValue,
  SCHEMES,
  setAt,
  settingsProblems,
  type Settings,
  type StyleAsset,
} from "./managedLogin";

describe("managed login settings", () => {
  it("sets a value deep in the document without touching the rest", () => {
    const doc: Settings = { components: { form: { borderRadius: 8 } }, categories: { global: {} } };
    const next = setAt(doc, ["components", "form", "lightMode", "backgroundColor"], "ff0000ff");
    expect(getAt(next, ["components", "form", "lightMode", "backgroundColor"])).toBe("ff0000ff");
    expect(getAt(next, ["components", "form", "borderRadius"])).toBe(8);
    // The document it came from is not changed, and untouched branches are shared.
    expect(getAt(doc, ["components", "form", "lightMode"])).toBeUndefined();
    expect(next.categories).toBe(doc.categories);
  });

  it("names each colour by the member the core names in its refusals", () => {
    const button = COLOR_FIELDS.find((f) => f.id === "button");
    expect(button && memberOf(colorPath(button, "darkMode"))).toBe(
      "Settings.components.primaryButton.darkMode.defaults.backgroundColor",
    );
  });

  it("finds every colour that is not RRGGBBAA before sending", () => {
    let doc: Settings = {};
    for (const f of COLOR_FIELDS) for (const s of SCHEMES) doc = setAt(doc, colorPath(f, s), "006ce0ff");
    expect(settingsProblems(doc)).toEqual({});
    doc = setAt(doc, ["components", "pageBackground", "lightMode", "color"], "#fff");
    expect(Object.keys(settingsProblems(doc))).toEqual(["Settings.components.pageBackground.lightMode.color"]);
  });

  it("keeps a colour's alpha when the picker changes it", () => {
    expect(pickerValue("006CE080")).toBe("#006ce0");
    expect(fromPicker("#FF0000", "006ce080")).toBe("ff000080");
    expect(fromPicker("#ff0000", "nonsense")).toBe("ff0000ff");
    expect(pickerValue("red")).toBeUndefined();
  });
});

describe("the form logo", () => {
  const svg: StyleAsset = { Category: "FORM_LOGO", ColorMode: "DYNAMIC", Extension: "SVG", Bytes: "PHN2Zy8+" };
  const dark: StyleAsset = { Category: "FORM_LOGO", ColorMode: "DARK", Extension: "PNG", Bytes: "iVBO" };
  const light: StyleAsset = { Category: "FORM_LOGO", ColorMode: "LIGHT", Extension: "JPEG", Bytes: "/9j/" };
  const favicon: StyleAsset = { Category: "FAVICON_ICO", ColorMode: "LIGHT", Extension: "ICO", Bytes: "AAAB" };

  it("is the one the hosted pages show: a raster image, light before dynamic before dark", () => {
    expect(formLogo([dark, light, svg])).toBe(light);
    expect(formLogo([dark, svg])).toBe(dark);
    expect(formLogo([svg, favicon])).toBeUndefined();
  });

  it("is replaced in its colour mode while the other assets are kept by reference", () => {
    const sent = assetsWithLogo([favicon, light], { extension: "PNG", bytes: "iVBORw" });
    expect(sent).toEqual([
      { Category: "FAVICON_ICO", ColorMode: "LIGHT", Extension: "ICO" },
      { Category: "FORM_LOGO", ColorMode: "LIGHT", Extension: "PNG", Bytes: "iVBORw" },
    ]);
  });

  it("takes a colour mode no other form logo holds when it is new", () => {
    const sent = assetsWithLogo([svg], { extension: "PNG", bytes: "iVBORw" });
    expect(sent.map((a) => `${a.Category}/${a.ColorMode}/${a.Extension}`)).toEqual(["FORM_LOGO/DYNAMIC/SVG", "FORM_LOGO/LIGHT/PNG"]);
  });

  it("is removed alone", () => {
    expect(assetsWithLogo([favicon, light], null)).toEqual([{ Category: "FAVICON_ICO", ColorMode: "LIGHT", Extension: "ICO" }]);
  });
});
