import { useState } from "react";
import type { UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { ConfirmDialog } from "../../components/overlays";
import { Button, Facts, Section } from "../../components/ui";
import { formatCount, formatDateTime } from "../../lib/format";
import { navigate } from "../../lib/router";
import { call } from "../../platform";
import { AttributesSection } from "./AttributesSection";
import { SettingsForm } from "./SettingsForm";
import { SigningKeysSection } from "./SigningKeysSection";
import { ThreatProtectionSection } from "./ThreatProtectionSection";

function signInDescription(pool: UserPool): string {
  const u = pool.UsernameAttributes ?? [];
  const names: Record<string, string> = {
    email: "email address",
    phone_number: "phone number",
    preferred_username: "preferred username",
  };
  if (u.length > 0) return `${u.map((a) => names[a] ?? a).join(" or ")} as username`;
  const aliases = pool.AliasAttributes ?? [];
  if (aliases.length > 0) return `username, or ${aliases.map((a) => names[a] ?? a).join(" or ")}`;
  return "username";
}

export function PoolOverview({ pool, onChanged }: { pool: UserPool; onChanged: () => void }) {
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const protectedPool = pool.DeletionProtection === "ACTIVE";

  return (
    <div className="overview" data-testid="pool-overview">
      <Section title="General">
        <Facts
          items={[
            ["Name", pool.Name],
            ["Pool ID", <span className="mono">{pool.Id}</span>],
            ["Estimated users", formatCount(pool.EstimatedNumberOfUsers)],
            ["Created", formatDateTime(pool.CreationDate)],
            ["Last modified", formatDateTime(pool.LastModifiedDate)],
            ["Sign-in", signInDescription(pool)],
            ["Case-sensitive usernames", pool.UsernameConfiguration?.CaseSensitive ? "Yes" : "No"],
            ["Feature plan", pool.UserPoolTier],
            ["ARN", pool.Arn ? <span className="mono">{pool.Arn}</span> : undefined, "wide"],
          ]}
        />
        <p className="hint">Name, sign-in attributes and case sensitivity are fixed when a pool is created.</p>
      </Section>

      <SettingsForm key={pool.LastModifiedDate} pool={pool} onSaved={onChanged} />

      <ThreatProtectionSection pool={pool} />

      <AttributesSection pool={pool} onChanged={onChanged} />

      <SigningKeysSection pool={pool} />

      <Section title="Delete pool" testId="danger-zone">
        <div className="danger-row">
          <p>
            Deleting a pool removes its users, groups and app clients. This can't be undone.
            {protectedPool && " Deletion protection is on: turn it off in the settings above first."}
          </p>
          <Button variant="danger" disabled={protectedPool} onClick={() => setDeleting(true)} data-testid="delete-pool">
            Delete pool…
          </Button>
        </div>
      </Section>

      {deleting && (
        <ConfirmDialog
          title={`Delete pool ${pool.Name}?`}
          confirmLabel="Delete pool"
          typeToConfirm={pool.Name}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await call("DeleteUserPool", { UserPoolId: pool.Id });
            toast(`Pool ${pool.Name} deleted`);
            navigate({ screen: "pools" });
          }}
        >
          <p>
            This permanently deletes <strong>{pool.Name}</strong> ({formatCount(pool.EstimatedNumberOfUsers)} users) with
            all its groups and app clients.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
