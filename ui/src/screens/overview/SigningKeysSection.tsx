import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { SigningKey, UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog } from "../../components/overlays";
import { Button, CopyButton, Facts, Section } from "../../components/ui";
import { formatDateTime, isoTime } from "../../lib/format";
import { call } from "../../platform";

const STATUS: Record<string, { label: string; tone: string; hint: string }> = {
  SIGNING: { label: "Signing", tone: "ok", hint: "Signs new tokens" },
  PUBLISHED: { label: "Published", tone: "info", hint: "Retired; still in the JWKS so its tokens verify until they expire" },
  EXPIRED: { label: "Expired", tone: "off", hint: "Retired and no longer published" },
};

const PURPOSE: Record<string, string> = { id: "ID tokens", access: "Access tokens" };

function statusOf(k: SigningKey) {
  return STATUS[k.Status] ?? { label: k.Status, tone: "off", hint: "" };
}

/** The pool's token signing keys and issuer, with rotation. */
export function SigningKeysSection({ pool }: { pool: UserPool }) {
  const toast = useToast();
  const queries = useQueryClient();
  const key = ["signing-keys", pool.Id];
  const q = useQuery({ queryKey: key, queryFn: () => call("ListSigningKeys", { UserPoolId: pool.Id }) });
  const [rotating, setRotating] = useState(false);
  const keys = q.data?.Keys ?? [];

  return (
    <Section
      title="Signing keys"
      testId="signing-keys"
      actions={
        <Button onClick={() => setRotating(true)} disabled={!q.data} data-testid="rotate-keys">
          Rotate keys…
        </Button>
      }
    >
      <QueryStatus query={q} errorTitle="Could not load the signing keys." loadingLabel="Loading signing keys…" />
      {q.data && (
        <>
          <Facts
            items={[
              [
                "Issuer (iss)",
                <span className="secret">
                  <span className="mono">{q.data.Issuer}</span> <CopyButton text={q.data.Issuer} />
                </span>,
                "wide",
              ],
              [
                "JWKS",
                <span>
                  <span className="mono">/{pool.Id}/.well-known/jwks.json</span>{" "}
                  <span className="muted">on the address of poolhouse serve</span>
                </span>,
                "wide",
              ],
            ]}
          />
          <div className="table-wrap">
            <table className="table" data-testid="signing-keys-table">
              <thead>
                <tr>
                  <th>Key ID (kid)</th>
                  <th>Signs</th>
                  <th>Status</th>
                  <th>Created</th>
                  <th>Retired</th>
                  <th>Published until</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => {
                  const st = statusOf(k);
                  return (
                    <tr key={k.Kid}>
                      <td className="mono">{k.Kid}</td>
                      <td>{PURPOSE[k.Purpose] ?? k.Purpose}</td>
                      <td>
                        <span className={`pill pill-${st.tone}`} title={st.hint}>
                          {st.label}
                        </span>
                      </td>
                      <td className="nowrap" title={isoTime(k.CreationDate)}>
                        {formatDateTime(k.CreationDate)}
                      </td>
                      <td className="nowrap" title={isoTime(k.RetiredDate)}>
                        {k.RetiredDate === undefined ? <span className="muted">—</span> : formatDateTime(k.RetiredDate)}
                      </td>
                      <td className="nowrap" title={isoTime(k.PublishedUntil)}>
                        {k.PublishedUntil === undefined ? <span className="muted">—</span> : formatDateTime(k.PublishedUntil)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="hint section-note">
            Tokens are signed with the newest key for their kind (RS256). After a rotation the old keys stay published in
            the JWKS for a day, so tokens they signed keep verifying until they expire.
          </p>
        </>
      )}

      {rotating && (
        <ConfirmDialog
          title={`Rotate the signing keys of ${pool.Name}?`}
          confirmLabel="Rotate keys"
          tone="primary"
          onClose={() => setRotating(false)}
          onConfirm={async () => {
            const fresh = await call("RotateSigningKeys", { UserPoolId: pool.Id });
            queries.setQueryData(key, fresh);
            toast("Signing keys rotated");
          }}
        >
          <p>
            New keys for ID and access tokens are made now and sign every token from now on. The current keys stop signing
            but <strong>stay published in the pool's JWKS for one day</strong>, so tokens they already signed keep
            verifying until they expire.
          </p>
          <p>Apps that cache the JWKS must fetch it again to verify new tokens; many libraries do so when they meet an unknown kid.</p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
