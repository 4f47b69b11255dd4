import type { GroupType, UserPoolClientDescription, UserPoolDescription } from "./types";
import { call } from "../platform";

/** At most this many pages are followed when a screen needs a whole list (e.g. a filter). */
const MAX_PAGES = 20;

/** Every group of a pool (up to MAX_PAGES × 60), for pickers and filters. */
export async function listAllGroups(poolId: string): Promise<GroupType[]> {
  const groups: GroupType[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await call("ListGroups", { UserPoolId: poolId, Limit: 60, NextToken: token });
    groups.push(...r.Groups);
    token = r.NextToken;
    if (!token) break;
  }
  return groups;
}

/** Every app client of a pool (up to MAX_PAGES × 60), to show client names beside client IDs. */
export async function listAllClients(poolId: string): Promise<UserPoolClientDescription[]> {
  const clients: UserPoolClientDescription[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
    clients.push(...r.UserPoolClients);
    token = r.NextToken;
    if (!token) break;
  }
  return clients;
}

/** Every user pool (up to MAX_PAGES × 60), for pool pickers. */
export async function listAllPools(): Promise<UserPoolDescription[]> {
  const pools: UserPoolDescription[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await call("ListUserPools", { MaxResults: 60, NextToken: token });
    pools.push(...r.UserPools);
    token = r.NextToken;
    if (!token) break;
  }
  return pools;
}
