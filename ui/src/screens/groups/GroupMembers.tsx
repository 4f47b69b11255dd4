import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { GroupType, UserPool } from "../../api/types";
import { PagedView } from "../../components/LoadState";
import { StatusBadge } from "../../components/StatusBadge";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Section } from "../../components/ui";
import { factsFromAttributes, personLabel, primaryName, secondaryNames, type NamingPool, type PersonFacts } from "../../lib/people";
import { useAction } from "../../lib/useAction";
import { useDebounced } from "../../lib/useDebounced";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import "../../styles/admin.css";

const PAGE = 60;
/** How many matches the add box offers at once; a narrower query finds the rest. */
const MATCHES = 8;

function Person({ facts, pool }: { facts: PersonFacts; pool: NamingPool }) {
  const secondary = secondaryNames(facts, pool);
  return (
    <span className="person">
      <span>{primaryName(facts, pool)}</span>
      {secondary.length > 0 && <span className="person-secondary">{secondary.join(" · ")}</span>}
    </span>
  );
}

/**
 * A group's members, named as people know them, each removable; above them a search over the
 * pool's users (SearchUsers, as you type) to add more.
 */
export function GroupMembers({ poolId, group }: { poolId: string; group: GroupType }) {
  const toast = useToast();
  const queries = useQueryClient();
  // The pool screen has it loaded: it decides whether a phone number or an email comes first.
  const pool = useQuery({
    queryKey: ["pool", poolId],
    queryFn: () => call("DescribeUserPool", { UserPoolId: poolId }),
  }).data?.UserPool as UserPool | undefined;
  const members = usePagedList(["group-members", poolId, group.GroupName], async (token) => {
    const r = await call("ListUsersInGroup", { UserPoolId: poolId, GroupName: group.GroupName, Limit: PAGE, NextToken: token });
    return { items: r.Users, next: r.NextToken };
  });
  const [query, setQuery] = useState("");
  const q = useDebounced(query.trim(), 250);
  const matches = useQuery({
    queryKey: ["group-member-search", poolId, q],
    queryFn: () => call("SearchUsers", { UserPoolId: poolId, Query: q, Limit: MATCHES }),
    enabled: q !== "",
  });

  const changed = () => {
    members.reload();
    void queries.invalidateQueries({ queryKey: ["group-member-search", poolId] });
    // The users table shows each user's groups.
    void queries.invalidateQueries({ queryKey: ["paged", "users"] });
  };
  const add = useAction(
    (u: PersonFacts) => call("AdminAddUserToGroup", { UserPoolId: poolId, GroupName: group.GroupName, Username: u.Username }),
    {
      onSuccess: (_, u) => {
        toast(`${personLabel(u, pool)} added to ${group.GroupName}`);
        changed();
      },
    },
  );
  const remove = useAction(
    (u: PersonFacts) => call("AdminRemoveUserFromGroup", { UserPoolId: poolId, GroupName: group.GroupName, Username: u.Username }),
    {
      onSuccess: (_, u) => {
        toast(`${personLabel(u, pool)} removed from ${group.GroupName}`);
        changed();
      },
    },
  );
  const memberNames = new Set(members.items.map((u) => u.Username));
  const found = q === "" ? [] : (matches.data?.Users ?? []);

  return (
    <Section title={members.loaded ? `Members (${members.items.length}${members.hasMore ? "+" : ""})` : "Members"}>
      <div className="member-add" data-testid="add-member">
        <label htmlFor={`add-member-${group.GroupName}`}>Add a member</label>
        <input
          id={`add-member-${group.GroupName}`}
          type="search"
          placeholder="Search users by email, phone, name or username"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="member-search"
        />
        {q !== "" && matches.isError && <ErrorBanner error={matches.error} title="Could not search users." />}
        {q !== "" && matches.isSuccess && found.length === 0 && (
          <p className="muted" role="status">
            No user matches “{q}”.
          </p>
        )}
        {found.length > 0 && (
          <ul className="member-results" aria-label="Matching users" data-testid="member-results">
            {found.map((u) => {
              const facts: PersonFacts = { Username: u.Username, Email: u.Email, PhoneNumber: u.PhoneNumber, Name: u.Name };
              const already = memberNames.has(u.Username) || u.Groups.includes(group.GroupName);
              return (
                <li key={u.Username}>
                  <Person facts={facts} pool={pool} />
                  {already ? (
                    <span className="muted">Member</span>
                  ) : (
                    <Button
                      className="btn-small"
                      busy={add.busy && add.input?.Username === u.Username}
                      onClick={() => add.run(facts)}
                      aria-label={`Add ${personLabel(facts, pool)}`}
                      data-testid="add-member-button"
                    >
                      Add
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {matches.data?.TotalCount !== undefined && matches.data.TotalCount > found.length && (
          <p className="hint">
            {found.length} of {matches.data.TotalCount}
            {matches.data.TotalCountExact ? "" : "+"} matches shown; type more to narrow them.
          </p>
        )}
        {add.error && <ErrorBanner error={add.error} title="The user was not added." />}
        {remove.error && <ErrorBanner error={remove.error} title="The user was not removed." />}
      </div>
      <PagedView
        list={members}
        loadingLabel="Loading members…"
        moreLabel="Load more members"
        empty={<p className="muted">No members yet. Search above to add users.</p>}
      >
        <table className="table table-compact" data-testid="group-members">
          <thead>
            <tr>
              <th>User</th>
              <th>Status</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.items.map((u) => {
              const facts = factsFromAttributes(u.Username, u.Attributes);
              return (
                <tr key={u.Username}>
                  <td>
                    <Person facts={facts} pool={pool} />
                  </td>
                  <td>
                    <StatusBadge status={u.UserStatus} />
                    {!u.Enabled && <span className="muted"> · disabled</span>}
                  </td>
                  <td className="actions">
                    <Button
                      variant="ghost"
                      className="btn-small danger-text"
                      busy={remove.busy && remove.input?.Username === u.Username}
                      onClick={() => remove.run(facts)}
                      aria-label={`Remove ${personLabel(facts, pool)} from ${group.GroupName}`}
                      data-testid="remove-member"
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </PagedView>
    </Section>
  );
}
