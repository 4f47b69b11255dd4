import type { GroupType } from "./types";
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
