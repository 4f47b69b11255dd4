import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { PasswordPolicy } from "../api/types";
import { PasswordField } from "./PasswordField";

afterEach(cleanup);

const POLICY: PasswordPolicy = { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false };

function Harness({ error, policy = POLICY }: { error?: string; policy?: PasswordPolicy }) {
  const [v, setV] = useState("");
  return (
    <PasswordField
      label="Temporary password"
      name="TemporaryPassword"
      value={v}
      onChange={setV}
      policy={policy}
      error={error}
      blankHint="Leave blank to generate one."
      testId="pw"
    />
  );
}

describe("PasswordField", () => {
  it("says the pool's policy while empty, after the blank hint", () => {
    render(<Harness />);
    const field = screen.getByTestId("pw");
    const hint = document.getElementById(field.getAttribute("aria-describedby") ?? "");
    expect(hint?.textContent).toBe(
      "Leave blank to generate one. At least 12 characters, with an uppercase letter, a lowercase letter and a number.",
    );
  });

  it("lists what the typed password lacks, then says when it meets the policy", () => {
    render(<Harness />);
    const field = screen.getByTestId("pw");
    fireEvent.change(field, { target: { value: "abc" } });
    expect(screen.getByTestId("password-problems").textContent).toBe(
      "Short of the policy: 3 of at least 12 characters, no uppercase letter, no number.",
    );
    fireEvent.change(field, { target: { value: "Abcdefghijk1" } });
    expect(screen.queryByTestId("password-problems")).toBeNull();
    expect(screen.getByTestId("password-ok").textContent).toBe("Meets the pool's password policy.");
  });

  it("hides the password until shown, and hides it again", () => {
    render(<Harness />);
    const field = screen.getByTestId("pw");
    expect(field.getAttribute("type")).toBe("password");
    fireEvent.click(screen.getByRole("button", { name: "Show password" }));
    expect(field.getAttribute("type")).toBe("text");
    const hide = screen.getByRole("button", { name: "Hide password" });
    expect(hide.getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(hide);
    expect(field.getAttribute("type")).toBe("password");
  });

  it("names the policy after the core's refusal, on the field", () => {
    render(<Harness error="Password did not conform with policy: Password not long enough" />);
    const field = screen.getByTestId("pw");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    const error = screen.getByRole("alert");
    expect(error.textContent).toBe(
      "Password did not conform with policy: Password not long enough. This pool's password policy: at least 12 characters, with an uppercase letter, a lowercase letter and a number.",
    );
    expect(field.getAttribute("aria-describedby")).toContain(error.id);
  });

  it("falls back to Cognito's default policy when the pool's is not known", () => {
    render(<Harness policy={{}} />);
    expect(screen.getByTestId("password-policy").textContent).toBe(
      "At least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol.",
    );
  });
});
