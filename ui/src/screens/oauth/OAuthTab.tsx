import type { UserPool } from "../../api/types";
import "../../styles/oauth.css";
import { DomainSection } from "./DomainSection";
import { ResourceServersSection } from "./ResourceServersSection";

/**
 * A pool's hosted sign-in and OAuth 2.0 configuration: its domains and its resource servers.
 * What each app client may do with them is on the client's Hosted UI tab.
 */
export function OAuthTab({ pool, onChanged }: { pool: UserPool; onChanged: () => void }) {
  return (
    <div className="oauth-tab" data-testid="oauth-tab">
      <DomainSection pool={pool} onChanged={onChanged} />
      <ResourceServersSection poolId={pool.Id} />
    </div>
  );
}
