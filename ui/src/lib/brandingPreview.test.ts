import { describe, expect, it } from "vitest";
import { PREVIEW_BASE_CSS, escapeHtml, previewDocument } from "./brandingPreview";

describe("the branding preview", () => {
  it("carries Cognito's class names and the colour scheme", () => {
    const html = previewDocument({ mode: "dark", title: "demo" });
    for (const c of ["background-customizable", "banner-customizable", "label-customizable", "inputField-customizable", "submitButton-customizable", "errorMessage-customizable", "textDescription-customizable", "redirect-customizable", "legalText-customizable"]) {
      expect(html).toContain(`class="${c}"`);
    }
    expect(html).toContain('<html lang="en" class="dark">');
    expect(html).not.toContain("<style");
    expect(html).not.toContain("<script");
  });

  it("shows only a data: logo, and escapes the title", () => {
    expect(previewDocument({ mode: "light", title: "x", logo: "data:image/png;base64,AAAA" })).toContain(
      '<img class="logo-customizable" src="data:image/png;base64,AAAA"',
    );
    expect(previewDocument({ mode: "light", title: "x", logo: "https://elsewhere.example/l.png" })).not.toContain("<img");
    expect(previewDocument({ mode: "light", title: '<b>"x"</b>' })).toContain("&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
    expect(escapeHtml("a&b")).toBe("a&amp;b");
  });

  it("keeps the page's own look in a layer under the customization", () => {
    expect(PREVIEW_BASE_CSS.startsWith("@layer page {")).toBe(true);
    expect(PREVIEW_BASE_CSS).not.toMatch(/url\(/);
  });
});
