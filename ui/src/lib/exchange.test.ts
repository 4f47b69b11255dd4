import { describe, expect, it } from "vitest";
import { countdownLabel, countdownTone, formatMs, maskForDisplay, prettyBody, secondsLeft } from "./exchange";

describe("the credentials' countdown", () => {
  it("counts whole seconds down to zero and never below", () => {
    expect(secondsLeft(1000, 400.2)).toBe(599);
    expect(secondsLeft(1000, 1000)).toBe(0);
    expect(secondsLeft(1000, 1200)).toBe(0);
  });
  it("reads as a clock, with hours only when there are some", () => {
    expect(countdownLabel(3600)).toBe("1:00:00");
    expect(countdownLabel(3599)).toBe("59:59");
    expect(countdownLabel(65)).toBe("1:05");
    expect(countdownLabel(9)).toBe("0:09");
    expect(countdownLabel(0)).toBe("expired");
  });
  it("warns in the last five minutes", () => {
    expect(countdownTone(301)).toBe("ok");
    expect(countdownTone(299)).toBe("warn");
    expect(countdownTone(0)).toBe("bad");
  });
});

describe("masking for display", () => {
  it("keeps the ends and the length of a long value, never the middle", () => {
    const token = "eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.payloadpayload.signature123";
    const shown = maskForDisplay(token);
    expect(shown).toBe(`eyJraW…ure123 (${token.length} chars)`);
    expect(shown).not.toContain("payloadpayload");
  });
  it("hides a short value whole", () => {
    expect(maskForDisplay("secret")).toBe("•••••••• (6 chars)");
    expect(maskForDisplay("secret")).not.toContain("secret");
  });
});

describe("step details", () => {
  it("formats timings", () => {
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(2400)).toBe("2.4 s");
    expect(formatMs(12_000)).toBe("12 s");
  });
  it("pretty-prints JSON bodies and leaves others alone", () => {
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody("<xml/>")).toBe("<xml/>");
    expect(prettyBody("{not json")).toBe("{not json");
  });
});
