import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { UserPool, UserSortKey, UserStatus, UserSummary } from "../../api/types";
import { StatusBadge, USER_STATUSES } from "../../components/StatusBadge";
import { Button, EmptyState, ErrorBanner } from "../../components/ui";
import { VirtualTable, type Column } from "../../components/VirtualTable";
import { formatCount, formatDateTime, isoTime } from "../../lib/format";
import { listAllGroups } from "../../api/lists";
import { CreateUserDialog } from "./CreateUserDialog";
import { UserDrawer } from "./UserDrawer";
import { mfaShortLabel, mfaLabel, type MfaFilter } from "../../lib/mfa";
import { isFiltered, searchParamsOf, useUserSearch, type EnabledFilter } from "./useUserSearch";

const SORT_KEYS: ReadonlyArray<UserSortKey> = ["username", "email", "created", "modified", "status"];

const COLUMNS: Column<UserSummary>[] = [
  {
    id: "username",
    header: "Username",
    width: "minmax(160px, 1.3fr)",
    sortKey: "username",
    cell: (u) => <span className="cell-strong" title={u.Username}>{u.Username}</span>,
  },
  {
    id: "email",
    header: "Email",
    width: "minmax(180px, 1.5fr)",
    sortKey: "email",
    cell: (u) => (u.Email ? <span title={u.Email}>{u.Email}</span> : <span className="muted">—</span>),
  },
  {
    id: "status",
    header: "Status",
    width: "190px",
    sortKey: "status",
    cell: (u) => <StatusBadge status={u.UserStatus} />,
  },
  {
    id: "enabled",
    header: "Enabled",
    width: "90px",
    cell: (u) =>
      u.Enabled ? <span className="pill pill-ok">Enabled</span> : <span className="pill pill-off">Disabled</span>,
  },
  {
    id: "mfa",
    header: "MFA",
    width: "120px",
    cell: (u) =>
      u.MFA.length === 0 ? (
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
      ),
  },
  {
    id: "groups",
    header: "Groups",
    width: "minmax(120px, 1fr)",
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
    width: "160px",
    sortKey: "created",
    cell: (u) => <span title={isoTime(u.UserCreateDate)}>{formatDateTime(u.UserCreateDate)}</span>,
  },
];

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
  const [sort, setSort] = useState<{ by: UserSortKey; descending: boolean }>({ by: "username", descending: false });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const debouncedQuery = useDebounced(query.trim(), 250);

  const groups = useQuery({ queryKey: ["all-groups", pool.Id], queryFn: () => listAllGroups(pool.Id) });

  const filters = useMemo(
    () => ({ query: debouncedQuery, status, enabled, group, mfa }),
    [debouncedQuery, status, enabled, group, mfa],
  );
  const params = useMemo(() => searchParamsOf(pool.Id, filters, sort), [pool.Id, filters, sort]);
  const search = useUserSearch(params);
  const filtered = isFiltered(filters);

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
          data-testid="user-search"
        />
        <select aria-label="Status filter" value={status} onChange={(e) => setStatus(e.target.value as UserStatus | "")}>
          <option value="">Any status</option>
          {USER_STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Enabled filter"
          value={enabled}
          onChange={(e) => setEnabled(e.target.value as EnabledFilter)}
          data-testid="enabled-filter"
        >
          <option value="any">Any state</option>
          <option value="enabled">Enabled only</option>
          <option value="disabled">Disabled only</option>
        </select>
        <select
          aria-label="MFA filter"
          value={mfa}
          onChange={(e) => setMfa(e.target.value as MfaFilter)}
          data-testid="mfa-filter"
        >
          <option value="any">Any MFA</option>
          <option value="with">With MFA</option>
          <option value="without">Without MFA</option>
        </select>
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

      <div className="users-body">
        <VirtualTable
          rows={search.users}
          columns={COLUMNS}
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
            poolId={pool.Id}
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
            ? "Searching…"
            : `${formatCount(search.total)} ${search.total === 1 ? "user" : "users"}${filtered ? " match" : ""}`}
          {search.total !== undefined && search.users.length < search.total && (
            <> · {formatCount(search.users.length)} loaded</>
          )}
        </span>
        <span>Search matches the start of usernames, emails, phone numbers, names and custom attributes.</span>
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
