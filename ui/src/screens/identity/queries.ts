// The identity pool reads more than one screen makes, under one key each.
import { queryOptions } from "@tanstack/react-query";
import { listAllClients, listAllPools } from "../../api/lists";
import { call } from "../../platform";

export function identityPoolQuery(id: string) {
  return queryOptions({
    queryKey: ["identity-pool", id],
    queryFn: () => call("DescribeIdentityPool", { IdentityPoolId: id }),
  });
}

export function identityPoolRolesQuery(id: string) {
  return queryOptions({
    queryKey: ["identity-pool-roles", id],
    queryFn: () => call("GetIdentityPoolRoles", { IdentityPoolId: id }),
  });
}

/** The workspace's user pools, for the provider pickers and for naming pools by name. */
export const userPoolsQuery = queryOptions({ queryKey: ["all-user-pools"], queryFn: listAllPools });

/** A user pool's app clients, for the provider pickers and for naming clients by name. */
export function userPoolClientsQuery(userPoolId: string) {
  return queryOptions({ queryKey: ["all-clients", userPoolId], queryFn: () => listAllClients(userPoolId) });
}

/** A page of an identity pool's identities with their logins and the users behind them. */
export function identityLoginsPage(
  poolId: string,
  opts: { hideDisabled: boolean; search: string; pageSize: number },
  token: string | undefined,
) {
  return call("ListIdentityLogins", {
    IdentityPoolId: poolId,
    MaxResults: opts.pageSize,
    HideDisabled: opts.hideDisabled,
    ...(opts.search !== "" ? { Search: opts.search } : {}),
    ...(token !== undefined ? { NextToken: token } : {}),
  });
}
