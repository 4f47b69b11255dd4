import { LinkRow, ListScreen } from "../components/ListScreen";
import { formatCount, formatDateTime, isoTime } from "../lib/format";
import { navigate } from "../lib/router";
import { usePagedList } from "../lib/usePagedList";
import { call } from "../platform";
import { CreatePoolDialog } from "./CreatePoolDialog";

const PAGE = 60;

export function PoolListScreen() {
  const list = usePagedList(["pools"], async (token) => {
    const r = await call("ListUserPools", { MaxResults: PAGE, NextToken: token });
    return { items: r.UserPools, next: r.NextToken };
  });

  return (
    <ListScreen
      testId="pool-list"
      title="User pools"
      one="pool"
      list={list}
      refreshLabel="Refresh pool list"
      createLabel="Create pool"
      createTestId="create-pool"
      createDialog={(close) => (
        <CreatePoolDialog
          onClose={close}
          onCreated={(id) => {
            close();
            navigate({ screen: "pool", poolId: id, tab: "overview" });
          }}
        />
      )}
      errorTitle="Could not list pools."
      loadingLabel="Loading pools…"
      moreLabel="Load more pools"
      emptyTitle="Create your first user pool"
      emptyText={
        <>
          A user pool is a directory of users with its own sign-in rules, password policy, groups and
          app clients.
        </>
      }
      tableTestId="pool-table"
      head={
        <>
          <th>Name</th>
          <th>Pool ID</th>
          <th className="num">Users</th>
          <th>Created</th>
          <th>Last modified</th>
        </>
      }
    >
      {list.items.map((p) => (
        <LinkRow key={p.Id} to={{ screen: "pool", poolId: p.Id, tab: "users" }} name={p.Name}>
          <td className="mono">{p.Id}</td>
          <td className="num">{formatCount(p.EstimatedNumberOfUsers)}</td>
          <td title={isoTime(p.CreationDate)}>{formatDateTime(p.CreationDate)}</td>
          <td title={isoTime(p.LastModifiedDate)}>{formatDateTime(p.LastModifiedDate)}</td>
        </LinkRow>
      ))}
    </ListScreen>
  );
}
