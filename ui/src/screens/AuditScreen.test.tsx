import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEvent } from "../api/types";
import type * as Platform from "../platform";
import { renderWithQueries } from "../test/queries";
import { AuditScreen } from "./AuditScreen";

const call = vi.hoisted(() => vi.fn());
vi.mock("../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
});

const ADA = "0b6c1f7e-0000-4000-8000-00000000ada0";
const LONG = `Pre sign-up hook answered: ${"the directory refused the address because ".repeat(6)}end`;
const EVENTS: AuditEvent[] = [
  { EventId: 3, Time: 1_700_000_300, Actor: "console", Operation: "AdminAddUserToGroup", UserPoolId: "us-east-1_P", Target: `${ADA} -> admins`, TargetLabel: "ada@example.com -> admins", Outcome: "Success" },
  { EventId: 2, Time: 1_700_000_200, Actor: "console", Operation: "SignUp", UserPoolId: "us-east-1_P", Target: "eve", Outcome: "Failure", ErrorCode: "UserLambdaValidationException", Message: LONG },
  { EventId: 1, Time: 1_700_000_100, Actor: "console", Operation: "AdminCreateUser", UserPoolId: "us-east-1_P", Target: ADA, TargetLabel: "ada@example.com", Outcome: "Success" },
];

function core() {
  call.mockImplementation(async (op: string, input: { Search?: string }) => {
    switch (op) {
      case "ListUserPools":
        return { UserPools: [{ Id: "us-east-1_P", Name: "people" }] };
      case "ListAuditEvents":
        return { Events: input.Search ? EVENTS.filter((e) => e.TargetLabel?.includes(input.Search ?? "")) : EVENTS };
      default:
        throw new Error(`unexpected ${op}`);
    }
  });
}

const rows = () => within(screen.getByTestId("audit-table")).getAllByRole("row").slice(1);

describe("AuditScreen", () => {
  it("names user targets by their label with the username beneath", async () => {
    core();
    renderWithQueries(<AuditScreen />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    const created = within(rows()[2] as HTMLElement).getByTestId("audit-target");
    expect(created.textContent).toBe(`ada@example.com${ADA}`);
    expect(within(created).getByText(ADA).className).toContain("person-secondary");
    // A membership reads with an arrow; a target without a label is shown as it is.
    expect(within(rows()[0] as HTMLElement).getByTestId("audit-target").textContent).toContain("ada@example.com →\u00a0admins");
    expect(within(rows()[1] as HTMLElement).getByTestId("audit-target").textContent).toBe("eve");
  });

  it("searches as the box is typed in, without Enter", async () => {
    core();
    renderWithQueries(<AuditScreen />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.change(screen.getByTestId("audit-search"), { target: { value: " ada@ " } });
    await waitFor(() => expect(call).toHaveBeenCalledWith("ListAuditEvents", expect.objectContaining({ Search: "ada@" })), { timeout: 2000 });
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByRole("button", { name: "Clear filters" })).toBeTruthy();
  });

  it("folds a long message and unfolds it on request", async () => {
    core();
    renderWithQueries(<AuditScreen />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    const details = (rows()[1] as HTMLElement).querySelector(".audit-details") as HTMLElement;
    expect(details.textContent).toContain("UserLambdaValidationException");
    expect(details.textContent).not.toContain("end");
    const more = within(details).getByRole("button", { name: "More" });
    expect(more.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(more);
    expect(details.textContent).toContain(LONG);
    expect(within(details).getByRole("button", { name: "Less" }).getAttribute("aria-expanded")).toBe("true");
  });
});
