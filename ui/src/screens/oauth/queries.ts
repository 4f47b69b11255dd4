// The reads the OAuth screens share: a pool's resource servers, its domains, and where the
// hosted pages are served.
import { queryOptions } from "@tanstack/react-query";
import type { Operations } from "../../api/types";
import { call, endpointAddress } from "../../platform";
import { servingAddress, type ServingAddress } from "./authorize";

/** A resource server as the core describes it. */
export type ResourceServerType = Operations["ListResourceServers"]["output"]["ResourceServers"][number];
/** One of its scopes. */
export type ResourceServerScope = ResourceServerType["Scopes"][number];
/** A client secret as listed (its value only right after AddUserPoolClientSecret). */
export type ClientSecretDescriptorType = Operations["ListUserPoolClientSecrets"]["output"]["ClientSecrets"][number];

/** Every resource server of a pool (at most 25: Cognito's quota), read page by page. */
export function resourceServersQuery(poolId: string) {
  return queryOptions({
    queryKey: ["resource-servers", poolId],
    queryFn: async () => {
      const all: ResourceServerType[] = [];
      let token: string | undefined;
      do {
        const r = await call("ListResourceServers", { UserPoolId: poolId, MaxResults: 50, NextToken: token });
        all.push(...r.ResourceServers);
        token = r.NextToken;
      } while (token);
      return all;
    },
  });
}

/** The names of a pool's identity providers (ListIdentityProviders, every page). */
export function identityProviderNamesQuery(poolId: string) {
  return queryOptions({
    queryKey: ["idp-names", poolId],
    queryFn: async () => {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const r = await call("ListIdentityProviders", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
        names.push(...r.Providers.map((p) => p.ProviderName));
        token = r.NextToken;
      } while (token);
      return names;
    },
  });
}

/** A domain's description (its certificate); empty members when no pool has it. */
export function domainQuery(domain: string) {
  return queryOptions({
    queryKey: ["domain", domain],
    queryFn: () => call("DescribeUserPoolDomain", { Domain: domain }),
  });
}

/**
 * Where the endpoint serving the hosted pages listens: the address this browser console talks
 * to, or in the desktop app the built-in endpoint's once it has started (undefined before).
 */
export const servingAddressQuery = queryOptions({
  queryKey: ["serving-address"],
  queryFn: async (): Promise<ServingAddress | null> => {
    const own = endpointAddress();
    if (own !== undefined) return servingAddress(own) ?? null;
    const backends = await call("ListBackends", {});
    const url = backends.Backends.find((b) => b.BuiltIn)?.Url;
    return url ? (servingAddress(url) ?? null) : null;
  },
});

/** The custom scopes of a pool's resource servers, `<identifier>/<scope>`, with their descriptions. */
export function customScopes(servers: readonly ResourceServerType[]): Array<{ server: ResourceServerType; scope: string; description: string }> {
  return servers.flatMap((server) =>
    server.Scopes.map((s) => ({ server, scope: `${server.Identifier}/${s.ScopeName}`, description: s.ScopeDescription })),
  );
}
