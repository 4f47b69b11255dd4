import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UserSummary, UserType } from "../../api/types";
import type * as Platform from "../../platform";
import { ToastProvider } from "../../components/toast";
import { renderWithQueries } from "../../test/queries";
import { GroupMembers } from "./GroupMembers";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);

const POOL = "us-east-1_Pool";
const ADA = "0b6c1f7e-0000-4000-8000-00000000ada0";
const BOB = "0b6c1f7e-0000-4000-8000-00000000b0b0";

const summary = (Username: string, Email: string, Name: string, Groups: string[] = []): UserSummary => ({
  Username,
  Sub: Username,
  Email,
  Name,
  UserStatus: "CONFIRMED",
  Enabled: true,
  Groups,
  FailedSignIns: 0,
  MFA: [],
  UserCreateDate: 1,
  UserLastModifiedDate: 1,
});

const userType = (Username: string, Email: string, Name: string): UserType => ({
  Username,
  Attributes: [
    { Name: "sub", Value: Username },
    { Name: "email", Value: Email },
    { Name: "name", Value: Name },
  ],
  UserCreateDate: 1,
  UserLastModifiedDate: 1,
  Enabled: true,
  UserStatus: "CONFIRMED",
  MFAOptions: [],
});

/** A pool whose users sign in by email; `admins` starts with Bob in it. */
function core() {
  const members = new Set([BOB]);
  const people: Record<string, [string, string]> = { [ADA]: ["ada@example.com", "Ada Lovelace"], [BOB]: ["bob@example.org", "Bob Babbage"] };
  call.mockImplementation(async (op: string, input: Record<string, unknown>) => {
    switch (op) {
      case "DescribeUserPool":
        return { UserPool: { Id: POOL, Name: "people", UsernameAttributes: ["email"] } };
      case "ListUsersInGroup":
        return { Users: [...members].map((u) => userType(u, ...(people[u] ?? ["", ""]))) };
      case "SearchUsers": {
        const q = String(input.Query).toLowerCase();
        const found = Object.entries(people).filter(([, [e, n]]) => e.startsWith(q) || n.toLowerCase().startsWith(q));
        return {
          Users: found.map(([u, [e, n]]) => summary(u, e, n, members.has(u) ? ["admins"] : [])),
          TotalCount: found.length,
          TotalCountExact: true,
        };
      }
      case "AdminAddUserToGroup":
        members.add(String(input.Username));
        return {};
      case "AdminRemoveUserFromGroup":
        members.delete(String(input.Username));
        return {};
      default:
        throw new Error(`unexpected ${op}`);
    }
  });
  return members;
}

function renderMembers() {
  renderWithQueries(
    <ToastProvider>
      <GroupMembers poolId={POOL} group={{ GroupName: "admins", UserPoolId: POOL, CreationDate: 1, LastModifiedDate: 1 }} />
    </ToastProvider>,
  );
}

beforeEach(() => {
  call.mockReset();
});

describe("GroupMembers", () => {
  it("names members by email and name before their UUID username", async () => {
    core();
    renderMembers();
    const table = await screen.findByTestId("group-members");
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(2));
    const row = within(table).getAllByRole("row")[1] as HTMLElement;
    expect(row.textContent).toContain("bob@example.org");
    expect(row.textContent).toContain("Bob Babbage · " + BOB);
  });

  it("finds users as you type and adds one to the group", async () => {
    const members = core();
    renderMembers();
    await screen.findByText("bob@example.org");
    fireEvent.change(screen.getByTestId("member-search"), { target: { value: "ada" } });
    const results = await screen.findByTestId("member-results", {}, { timeout: 2000 });
    expect(call).toHaveBeenCalledWith("SearchUsers", expect.objectContaining({ UserPoolId: POOL, Query: "ada" }));
    expect(results.textContent).toContain("ada@example.com");
    fireEvent.click(within(results).getByRole("button", { name: "Add ada@example.com (Ada Lovelace)" }));
    await waitFor(() => expect(members.has(ADA)).toBe(true));
    expect(call).toHaveBeenCalledWith("AdminAddUserToGroup", { UserPoolId: POOL, GroupName: "admins", Username: ADA });
    // The member list reloads with Ada in it, and the result now says she is a member.
    const table = screen.getByTestId("group-members");
    await waitFor(() => expect(table.textContent).toContain("ada@example.com"));
    await waitFor(() => expect(within(screen.getByTestId("member-results")).queryByRole("button", { name: /^Add/ })).toBeNull());
    expect(await screen.findByText("ada@example.com (Ada Lovelace) added to admins")).toBeTruthy();
  });

  it("offers no Add for someone already in the group, and says when nobody matches", async () => {
    core();
    renderMembers();
    await screen.findByText("bob@example.org");
    fireEvent.change(screen.getByTestId("member-search"), { target: { value: "bob" } });
    const results = await screen.findByTestId("member-results", {}, { timeout: 2000 });
    expect(within(results).queryByRole("button")).toBeNull();
    expect(results.textContent).toContain("Member");
    fireEvent.change(screen.getByTestId("member-search"), { target: { value: "zed" } });
    expect(await screen.findByText("No user matches “zed”.", {}, { timeout: 2000 })).toBeTruthy();
  });

  it("removes a member", async () => {
    const members = core();
    renderMembers();
    fireEvent.click(await screen.findByRole("button", { name: "Remove bob@example.org (Bob Babbage) from admins" }));
    await waitFor(() => expect(members.has(BOB)).toBe(false));
    expect(await screen.findByText("No members yet. Search above to add users.")).toBeTruthy();
  });
});
