// Reads that more than one screen makes, under one key each, so a screen that changes the
// data can set what the others show.
import { queryOptions } from "@tanstack/react-query";
import { call } from "../platform";

/** One app client (its drawer, Try sign-in). */
export function clientQuery(poolId: string, clientId: string) {
  return queryOptions({
    queryKey: ["client", poolId, clientId],
    queryFn: () => call("DescribeUserPoolClient", { UserPoolId: poolId, ClientId: clientId }),
  });
}

/** The workspace settings (their screen; the SMTP server and breach list other screens mention). */
export const workspaceQuery = queryOptions({
  queryKey: ["workspace"],
  queryFn: () => call("DescribeWorkspace", {}),
});
