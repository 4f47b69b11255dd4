import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { UserSummary } from "../../api/types";
import { userColumns } from "./UsersTab";

function summary(over: Partial<UserSummary>): UserSummary {
  return { Username: "ana", Sub: "s", UserStatus: "CONFIRMED", Enabled: true, Groups: [], MFA: [], FailedSignIns: 0, UserCreateDate: 0, UserLastModifiedDate: 0, ...over };
}

/** The users table's cells of one row, by column id. */
function cells(u: UserSummary) {
  const columns = userColumns(undefined);
  const cell = (id: string) => {
    const c = columns.find((x) => x.id === id);
    if (!c) throw new Error(`no ${id} column`);
    return c.cell(u);
  };
  return cell;
}

describe("the users table", () => {
  it("names a federated user by email and shows the provider they sign in through", () => {
    const cell = cells(summary({ Username: "CorpSSO_0b7e4c1f", UserStatus: "EXTERNAL_PROVIDER", Email: "rui@corp.example" }));
    render(
      <>
        {cell("user")}
        {cell("signin")}
      </>,
    );
    expect(screen.getByText("rui@corp.example")).toBeTruthy();
    expect(screen.getByTestId("user-signin-provider").textContent).toBe("CorpSSO");
  });

  it("says Cognito for a user of the pool's own sign-in", () => {
    const cell = cells(summary({}));
    render(<>{cell("signin")}</>);
    expect(screen.getByTestId("user-signin-cognito").textContent).toBe("Cognito");
  });

  it("names the providers a native user is linked to beside Cognito", () => {
    const cell = cells(summary({ LinkedProviders: ["CorpSSO", "Google"] }));
    const row = within(render(<>{cell("signin")}</>).container);
    expect(row.getByTestId("user-signin-cognito").textContent).toBe("Cognito");
    expect(row.getAllByTestId("user-signin-linked").map((e) => e.textContent)).toEqual(["CorpSSO", "Google"]);
  });
});
