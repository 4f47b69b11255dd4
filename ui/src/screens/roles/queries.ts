import { queryOptions } from "@tanstack/react-query";
import { call } from "../../platform";

/** Every role of the workspace (the pickers and the Roles list). */
export const allRolesQuery = queryOptions({
  queryKey: ["roles"],
  queryFn: async () => {
    const roles = [];
    let marker: string | undefined;
    do {
      const r = await call("ListRoles", { MaxItems: 1000, ...(marker !== undefined ? { Marker: marker } : {}) });
      roles.push(...r.Roles);
      marker = r.IsTruncated ? r.Marker : undefined;
    } while (marker !== undefined);
    return roles;
  },
});

export function roleQuery(name: string) {
  return queryOptions({ queryKey: ["role", name], queryFn: () => call("GetRole", { RoleName: name }) });
}
