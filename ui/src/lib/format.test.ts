import { describe, expect, it } from "vitest";
import { formatDateTimeSeconds, formatDuration, formatRelative, humanizePascal } from "./format";

describe("formatDuration", () => {
  it("uses the two largest units that are not zero", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(200)).toBe("3 min 20 s");
    expect(formatDuration(7_500)).toBe("2 h 5 min");
    expect(formatDuration(30 * 86_400)).toBe("30 days");
    expect(formatDuration(86_400 + 4 * 3_600 + 59)).toBe("1 day 4 h");
  });
  it("drops a zero second unit instead of printing '1 h 0 min'", () => {
    expect(formatDuration(3_600)).toBe("1 h");
    expect(formatDuration(3_601)).toBe("1 h");
  });
  it("rounds down and never goes negative", () => {
    expect(formatDuration(59.6)).toBe("59 s");
    expect(formatDuration(0.4)).toBe("0 s");
    expect(formatDuration(-5)).toBe("0 s");
    expect(formatDuration(Number.NaN)).toBe("0 s");
  });
});

describe("formatRelative", () => {
  it("says in which direction the time is", () => {
    expect(formatRelative(1_000 + 8, 1_000)).toBe("in 8 s");
    expect(formatRelative(1_000 - 180, 1_000)).toBe("3 min ago");
    expect(formatRelative(1_000.4, 1_000)).toBe("now");
  });
});

describe("formatDateTimeSeconds", () => {
  it("adds seconds to the local date and time", () => {
    const epoch = new Date(2026, 2, 7, 14, 5, 9).getTime() / 1000;
    expect(formatDateTimeSeconds(epoch)).toBe("2026-03-07 14:05:09");
    expect(formatDateTimeSeconds(undefined)).toBe("—");
  });
});

describe("humanizePascal", () => {
  it("splits PascalCase names the core uses for kinds and event types", () => {
    expect(humanizePascal("PasswordResetCode")).toBe("Password reset code");
    expect(humanizePascal("SignIn")).toBe("Sign in");
    expect(humanizePascal("Invitation")).toBe("Invitation");
    expect(humanizePascal("ResendCode")).toBe("Resend code");
  });
});
