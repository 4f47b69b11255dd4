import { describe, expect, it } from "vitest";
import { needsNextPage, rowWindow, scrollToReveal } from "./virtual";

describe("rowWindow", () => {
  it("renders the rows in view plus overscan at the top of a long list", () => {
    // 100,000 rows of 34px, viewport 340px: rows 0–9 visible, 8 rows of overscan below.
    expect(rowWindow(0, 340, 34, 100_000, 8)).toEqual({ start: 0, end: 18, offsetTop: 0, totalHeight: 3_400_000 });
  });

  it("keeps the window small in the middle of 100,000 rows", () => {
    const w = rowWindow(34 * 50_000 + 10, 340, 34, 100_000, 8);
    expect(w.start).toBe(50_000 - 8);
    expect(w.end).toBe(50_011 + 8);
    expect(w.offsetTop).toBe(w.start * 34);
    expect(w.end - w.start).toBeLessThan(30);
  });

  it("clamps a scroll position past the end (list shrank after a new search)", () => {
    const w = rowWindow(1_000_000, 340, 34, 20, 8);
    expect(w.end).toBe(20);
    expect(w.start).toBe(Math.max(0, 10 - 8));
  });

  it("clamps negative (elastic) scroll positions", () => {
    expect(rowWindow(-120, 340, 34, 100, 0).start).toBe(0);
  });

  it("renders nothing for an empty list", () => {
    expect(rowWindow(0, 340, 34, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });

  it("renders at least one row when the viewport has no height yet", () => {
    const w = rowWindow(0, 0, 34, 100, 0);
    expect(w.end - w.start).toBe(1);
  });
});

describe("needsNextPage", () => {
  it("asks for the next page when the window nears the loaded end", () => {
    expect(needsNextPage(70, 100, true, false, 40)).toBe(true);
    expect(needsNextPage(50, 100, true, false, 40)).toBe(false);
  });
  it("never asks while a page is in flight or when there is none", () => {
    expect(needsNextPage(100, 100, true, true)).toBe(false);
    expect(needsNextPage(100, 100, false, false)).toBe(false);
  });
});

describe("scrollToReveal", () => {
  it("scrolls up to a row above the viewport and down to one below it", () => {
    expect(scrollToReveal(2, 340, 340, 34)).toBe(68);
    expect(scrollToReveal(20, 0, 340, 34)).toBe(21 * 34 - 340);
  });
  it("leaves the scroll position alone when the row is visible", () => {
    expect(scrollToReveal(3, 0, 340, 34)).toBeNull();
  });
});
