import { describe, expect, it } from "vitest";

import { describePolicy, generatePassword, policyProblems } from "./passwords";

describe("passwords", () => {
  it("says the policy in words", () => {
    expect(describePolicy(undefined)).toBe(
      "At least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol.",
    );
    expect(
      describePolicy({ MinimumLength: 12, RequireUppercase: false, RequireLowercase: true, RequireNumbers: false, RequireSymbols: false }),
    ).toBe("At least 12 characters, with a lowercase letter.");
    expect(describePolicy({ MinimumLength: 6, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false })).toBe(
      "At least 6 characters.",
    );
  });

  it("names what a password lacks", () => {
    expect(policyProblems("abc", undefined)).toEqual([
      "3 of at least 8 characters",
      "no uppercase letter",
      "no number",
      "no symbol",
    ]);
    expect(policyProblems("Abcdefg1!", undefined)).toEqual([]);
  });

  it("generates passwords that meet the policy", () => {
    for (const policy of [undefined, { MinimumLength: 40 }, { RequireSymbols: false, RequireNumbers: false }]) {
      for (let i = 0; i < 50; i++) {
        const pw = generatePassword(policy);
        expect(policyProblems(pw, policy)).toEqual([]);
        expect(pw.length).toBeGreaterThanOrEqual(16);
      }
    }
    expect(generatePassword(undefined)).not.toBe(generatePassword(undefined));
  });
});
