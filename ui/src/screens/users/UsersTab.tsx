import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { UserPool, UserSortKey, UserStatus, UserSummary } from "../../api/types";
import { FailuresBadge, LockBadge, StatusBadge, USER_STATUSES } from "../../components/StatusBadge";
import { Button, EmptyState, ErrorBanner } from "../../components/ui";
import { VirtualTable, type Column } from "../../components/VirtualTable";
import { formatCount, formatDateTime, isoTime } from "../../lib/format";
import { listAllGroups } from "../../api/lists";
import { CreateUserDialog } from "./CreateUserDialog";
import { UserDrawer } from "./UserDrawer";
import { mfaShortLabel, mfaLabel, type MfaFilter } from "../../lib/mfa";
import { primaryName, secondaryNames, signInProvider, type NamingPool } from "../../lib/people";
import { identityProviderNamesQuery } from "../oauth/queries";
import {
  isFiltered,
  providerFilter,
  searchParamsOf,
  useUserSearch,
  type EnabledFilter,
  type LockedFilter,
  type SignInFilter,
} from "./useUserSearch";
import "../../styles/users.css";

const SORT_KEYS: ReadonlyArray<UserSortKey> = ["username", "email", "created", "modified", "status"];

/** The users table's columns for this pool: people by the name the pool signs them in with. */
export function userColumns(pool: NamingPool): Column<UserSummary>[] {
  const byAttribute = (pool?.UsernameAttributes?.length ?? 0) > 0;
  return [
    {
      id: "user",
      header: "User",
      width: "minmax(140px, 2.4fr)",
      // Sorting follows what the column shows first.
      sortKey: byAttribute ? "email" : "username",
      cell: (u) => {
        const primary = primaryName(u, pool);
        const rest = secondaryNames(u, pool).filter((n) => n !== u.Username || !byAttribute);
        return (
          <span className="user-cell" title={[primary, ...secondaryNames(u, pool)].join(" · ")}>
            <span className="cell-strong">{primary}</span>
            {rest[0] !== undefined && <span className="muted user-cell-second">{rest[0]}</span>}
          </span>
        );
      },
    },
    {
      id: "username",
      header: "Username",
      width: "minmax(110px, 1fr)",
      sortKey: "username",
      // In a pool that signs in by email or phone the username is a UUID: the first to go.
      hideBelow: byAttribute ? 1100 : 760,
      cell: (u) => (
        <span className={byAttribute ? "mono muted" : undefined} title={u.Username}>
          {u.Username}
        </span>
      ),
    },
    {
      id: "signin",
      // Who the user signs in through: Cognito (the pool's own sign-in) or a provider.
      header: "Sign-in",
      // Room for a linked provider's name beside "Cognito".
      width: "minmax(124px, 0.8fr)",
      // Beside an open user (a narrow table) the drawer says it, under Linked identities.
      hideBelow: 560,
      cell: (u) => {
        const via = signInProvider(u);
        if (via.kind === "provider") {
          return (
            <span className="pill pill-info signin-provider" title={`Signs in through ${via.name}`} data-testid="user-signin-provider">
              {via.name}
            </span>
          );
        }
        // A native user linked to providers signs in through each and with the pool's own
        // sign-in: the providers first (what sets the user apart), then Cognito, which gives way
        // in a narrow column.
        const linked = u.LinkedProviders ?? [];
        return (
          <span
            className="signin-cell"
            title={linked.length > 0 ? `Signs in with the pool's own sign-in, and through ${linked.join(", ")} (linked)` : "Signs in with the pool's own sign-in"}
          >
            {linked.map((name) => (
              <span key={name} className="pill pill-info signin-provider" data-testid="user-signin-linked">
                {name}
              </span>
            ))}
            <span className="muted signin-cognito" data-testid="user-signin-cognito">
              Cognito
            </span>
          </span>
        );
      },
    },
    {
      id: "status",
      header: "Status",
      width: "minmax(150px, 1.3fr)",
      sortKey: "status",
      cell: (u) => (
        <span className="state-cell">
          <StatusBadge status={u.UserStatus} />
          {!u.Enabled && <span className="pill pill-off">Disabled</span>}
          <LockBadge lockedUntil={u.LockedUntil} failedSignIns={u.FailedSignIns} />
        </span>
      ),
    },
    {
      id: "mfa",
      header: "MFA",
      width: "minmax(90px, 0.8fr)",
      cell: (u) => (
        <span className="mfa-cell">
          {u.MFA.length === 0 ? (
            <span className="muted" title="No MFA factor">
              —
            </span>
          ) : (
            <span className="mfa-cell" title={u.MFA.map(mfaLabel).join(", ")} data-testid="user-mfa-cell">
              {u.MFA.map((f) => (
                <span key={f} className="pill pill-info">
                  {mfaShortLabel(f)}
                </span>
              ))}
            </span>
          )}
          <FailuresBadge count={u.FailedSignIns} />
        </span>
      ),
    },
    {
      id: "groups",
      header: "Groups",
      width: "minmax(100px, 0.8fr)",
      // Before Created: support looks for a user's groups more than for their creation date.
      hideBelow: 640,
      cell: (u) =>
        u.Groups.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <span title={u.Groups.join(", ")}>{u.Groups.join(", ")}</span>
        ),
    },
    {
      id: "created",
      header: "Created",
      width: "140px",
      sortKey: "created",
      // Goes before "Signed in with": at the smallest window (a 771 px table) who signs in how
      // matters more than when the user was made (the drawer says that).
      hideBelow: 840,
      cell: (u) => <span title={isoTime(u.UserCreateDate)}>{formatDateTime(u.UserCreateDate)}</span>,
    },
  ];
}

const ENABLED_CHOICES: ReadonlyArray<readonly [EnabledFilter, string]> = [
  ["any", "Any state"],
  ["enabled", "Enabled only"],
  ["disabled", "Disabled only"],
];
const MFA_CHOICES: ReadonlyArray<readonly [MfaFilter, string]> = [
  ["any", "Any MFA"],
  ["with", "With MFA"],
  ["without", "Without MFA"],
];
const LOCKED_CHOICES: ReadonlyArray<readonly [LockedFilter, string]> = [
  ["any", "Locked or not"],
  ["locked", "Locked out"],
  ["unlocked", "Not locked out"],
];

/** One of the toolbar's fixed-choice filters. */
function ChoiceFilter<T extends string>({
  label,
  value,
  onChange,
  choices,
  testId,
}: {
  label: string;
  value: T;
  onChange: (v: T) => void;
  choices: ReadonlyArray<readonly [T, string]>;
  testId: string;
}) {
  return (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => {
        const picked = choices.find(([v]) => v === e.target.value);
        if (picked) onChange(picked[0]);
      }}
      data-testid={testId}
    >
      {choices.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function UsersTab({ pool, onCountChanged }: { pool: UserPool; onCountChanged: () => void }) {
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<UserStatus | "">("");
  const [enabled, setEnabled] = useState<EnabledFilter>("any");
  const [group, setGroup] = useState("");
  const [mfa, setMfa] = useState<MfaFilter>("any");
  const [locked, setLocked] = useState<LockedFilter>("any");
  const [signIn, setSignIn] = useState<SignInFilter>("any");
  const [sort, setSort] = useState<{ by: UserSortKey; descending: boolean }>({ by: "username", descending: false });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const debouncedQuery = useDebounced(query.trim(), 250);

  const groups = useQuery({ queryKey: ["all-groups", pool.Id], queryFn: () => listAllGroups(pool.Id) });
  const providers = useQuery(identityProviderNamesQuery(pool.Id));

  const filters = useMemo(
    () => ({ query: debouncedQuery, status, enabled, group, mfa, locked, signIn }),
    [debouncedQuery, status, enabled, group, mfa, locked, signIn],
  );
  const params = useMemo(() => searchParamsOf(pool.Id, filters, sort), [pool.Id, filters, sort]);
  const search = useUserSearch(params);
  const filtered = isFiltered(filters);
  const columns = useMemo(() => userColumns(pool), [pool]);
  // The search box's Enter and ArrowDown act on the answer to what is typed now, not an older one.
  const current = debouncedQuery === query.trim() && !search.searching;

  const onSort = (key: string) => {
    const by = SORT_KEYS.find((k) => k === key);
    if (!by) return;
    setSort((s) => (s.by === by ? { by, descending: !s.descending } : { by, descending: by === "created" }));
  };

  const clearFilters = () => {
    setQuery("");
    setStatus("");
    setEnabled("any");
    setGroup("");
    setMfa("any");
    setLocked("any");
    setSignIn("any");
  };

  const emptyView = search.error ? null : filtered ? (
    <EmptyState title="No users match" action={<Button onClick={clearFilters}>Clear filters</Button>}>
      Nothing matches these filters. Search looks at usernames, emails, phone numbers, names and custom attributes.
    </EmptyState>
  ) : (
    <EmptyState
      title="No users yet"
      action={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create user
        </Button>
      }
    >
      Create a user here, or let users sign up through an app client.
    </EmptyState>
  );

  return (
    <div className="users-tab" data-testid="users-tab">
      <div className="toolbar">
        <input
          type="search"
          className="search"
          placeholder="Search username, email, phone, name, custom attributes…"
          aria-label="Search users"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              const only = search.users[0];
              if (current && search.total === 1 && search.users.length === 1 && only) setOpen(only.Username);
            } else if (e.key === "ArrowDown" && search.users.length > 0) {
              e.preventDefault();
              document.querySelector<HTMLElement>('[data-testid="users-table-body"]')?.focus();
            }
          }}
          title="Enter opens the user when exactly one matches; Down arrow moves into the results"
          data-testid="user-search"
        />
        <select
          aria-label="Signed in with"
          value={signIn}
          onChange={(e) => {
            const next = e.target.value as SignInFilter;
            setSignIn(next);
            // A federated user does not sign in with the pool's own sign-in: that status gives way.
            if (next === "cognito" && status === "EXTERNAL_PROVIDER") setStatus("");
          }}
          data-testid="signin-filter"
        >
          <option value="any">Any sign-in</option>
          <option value="cognito">Cognito</option>
          {(providers.data ?? []).map((name) => (
            <option key={name} value={providerFilter(name)}>
              {name}
            </option>
          ))}
          <option value="provider">Any provider</option>
        </select>
        <select
          aria-label="Status filter"
          value={status}
          onChange={(e) => setStatus(e.target.value as UserStatus | "")}
        >
          <option value="">Any status</option>
          {USER_STATUSES.filter((s) => signIn !== "cognito" || s.value !== "EXTERNAL_PROVIDER").map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <ChoiceFilter label="Enabled filter" value={enabled} onChange={setEnabled} choices={ENABLED_CHOICES} testId="enabled-filter" />
        <ChoiceFilter label="MFA filter" value={mfa} onChange={setMfa} choices={MFA_CHOICES} testId="mfa-filter" />
        <ChoiceFilter label="Lockout filter" value={locked} onChange={setLocked} choices={LOCKED_CHOICES} testId="locked-filter" />
        <select aria-label="Group filter" value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">Any group</option>
          {(groups.data ?? []).map((g) => (
            <option key={g.GroupName} value={g.GroupName}>
              {g.GroupName}
            </option>
          ))}
        </select>
        <div className="toolbar-spacer" />
        <Button variant="ghost" onClick={search.reload} aria-label="Refresh users">
          Refresh
        </Button>
        <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-user">
          Create user
        </Button>
      </div>

      {search.error && <ErrorBanner error={search.error} onRetry={search.reload} title="Search failed." />}
      {search.matchKind === "Contains" && debouncedQuery && (
        <div className="match-notice" role="status" data-testid="match-notice">
          Nothing starts with “{debouncedQuery}”: showing matches containing “{debouncedQuery}”.
        </div>
      )}

      <div className="users-body">
        <VirtualTable
          rows={search.users}
          columns={columns}
          rowKey={(u) => u.Username}
          totalCount={search.total}
          hasMore={search.hasMore}
          loadingMore={search.loadingMore}
          onNeedMore={search.loadMore}
          onOpen={(u) => setOpen(u.Username)}
          selectedKey={open}
          sort={sort}
          onSort={onSort}
          resetKey={search.searchKey}
          label="Users"
          empty={search.searching ? <div className="loading muted">Searching…</div> : emptyView}
          dimmed={search.searching && search.users.length > 0}
          testId="users-table"
          rowTestId="user-row"
        />
        {open !== undefined && (
          <UserDrawer
            key={open}
            pool={pool}
            username={open}
            groups={groups.data ?? []}
            onClose={() => setOpen(undefined)}
            onChanged={(patch) => search.patchUser(open, patch)}
            onDeleted={() => {
              search.removeUser(open);
              setOpen(undefined);
              onCountChanged();
            }}
          />
        )}
      </div>
      <div className="table-footer">
        <span data-testid="user-count" aria-live="polite">
          {search.total === undefined
            ? search.error
              ? "Users could not be counted"
              : "Searching…"
            : `${formatCount(search.total)} ${search.total === 1 ? "user" : "users"}${filtered ? " match" : ""}`}
          {search.total !== undefined && search.users.length < search.total && (
            <> · {formatCount(search.users.length)} loaded</>
          )}
        </span>
        <span className="table-footer-note">
          Search matches the start of usernames, emails, phone numbers, names and custom attributes; when nothing
          starts so, the inside of emails, names and phone numbers.
        </span>
      </div>

      {creating && (
        <CreateUserDialog
          pool={pool}
          onClose={() => setCreating(false)}
          onCreated={(username) => {
            setCreating(false);
            search.reload();
            setOpen(username);
            onCountChanged();
          }}
        />
      )}
    </div>
  );
}
