import { useState } from "react";
import type { AttributeType } from "../../api/types";
import { ConfirmDialog } from "../../components/overlays";
import { Section } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { signInProvider } from "../../lib/people";
import "../../styles/idps.css";

/** One entry of the `identities` attribute, as Cognito writes it (strings throughout). */
export type LinkedIdentity = {
  userId: string;
  providerName: string;
  providerType: string;
  primary: boolean;
  /** Epoch milliseconds. */
  dateCreated: number | undefined;
};

/** The user's provider identities, read from the `identities` attribute. */
export function linkedIdentities(attributes: readonly AttributeType[]): LinkedIdentity[] {
  const raw = attributes.find((a) => a.Name === "identities")?.Value;
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((e: unknown) => {
      if (typeof e !== "object" || e === null) return [];
      const o = e as Record<string, unknown>;
      if (typeof o.userId !== "string" || typeof o.providerName !== "string") return [];
      const ms = Number(o.dateCreated);
      return [
        {
          userId: o.userId,
          providerName: o.providerName,
          providerType: typeof o.providerType === "string" ? o.providerType : "",
          primary: o.primary === "true" || o.primary === true,
          dateCreated: Number.isFinite(ms) ? ms : undefined,
        },
      ];
    });
  } catch {
    return [];
  }
}

/**
 * What a user signs in with, in words: a federated user (`EXTERNAL_PROVIDER`) through its
 * provider; anyone else with the pool's own sign-in ("Cognito"), and through each provider
 * linked to them with AdminLinkProviderForUser.
 */
export function signInWith(user: { Username: string; UserStatus?: string | undefined; UserAttributes?: readonly AttributeType[] | undefined }): string {
  const via = signInProvider({ Username: user.Username, UserStatus: user.UserStatus ?? "" });
  if (via.kind === "provider") return via.name;
  const linked = linkedIdentities(user.UserAttributes ?? []).map((i) => i.providerName);
  return ["Cognito", ...linked].join(", ");
}

/**
 * A user's linked identities (provider, subject, date) and, for identities linked with
 * AdminLinkProviderForUser, Unlink (AdminDisableProviderForUser). A federated user's own
 * identity is the user and is not unlinked here.
 */
export function LinkedIdentities({
  attributes,
  who,
  busy,
  onUnlink,
}: {
  attributes: readonly AttributeType[];
  who: string;
  busy: boolean;
  onUnlink: (identity: LinkedIdentity) => Promise<void>;
}) {
  const identities = linkedIdentities(attributes);
  const [confirm, setConfirm] = useState<LinkedIdentity>();
  if (identities.length === 0) return null;
  return (
    <Section title="Linked identities" testId="linked-identities">
      <div className="table-wrap linked-identities" tabIndex={0} role="region" aria-label="Linked identities table">
        <table className="table">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Subject</th>
              <th>Linked</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {identities.map((i) => (
              <tr key={`${i.providerName}/${i.userId}`}>
                <td>{i.providerName}</td>
                <td className="mono">{i.userId}</td>
                <td>{i.dateCreated === undefined ? "—" : formatDateTime(i.dateCreated / 1000)}</td>
                <td className="actions">
                  {i.primary ? (
                    <span className="muted">Signs in as this user</span>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-ghost btn-small danger-text"
                      disabled={busy}
                      onClick={() => setConfirm(i)}
                      data-testid={`unlink-${i.providerName}`}
                    >
                      Unlink
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirm && (
        <ConfirmDialog
          title={`Unlink ${confirm.providerName} from ${who}?`}
          confirmLabel="Unlink"
          onClose={() => setConfirm(undefined)}
          onConfirm={() => onUnlink(confirm)}
        >
          <p>
            Signing in with {confirm.providerName} as <span className="mono">{confirm.userId}</span> will no longer sign in
            as {who}; the next such sign-in makes a new user.
          </p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
