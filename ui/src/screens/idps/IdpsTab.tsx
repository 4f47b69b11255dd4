import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { ListToolbar, PagedView } from "../../components/LoadState";
import { ConfirmDialog, Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, Check, CopyButton, EmptyState, ErrorBanner, Field, Form, Spinner } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { lines, placeError } from "../../lib/forms";
import { useAction } from "../../lib/useAction";
import { useOpenFocus } from "../../lib/useOpenFocus";
import { usePagedList } from "../../lib/usePagedList";
import { call, isDesktop } from "../../platform";
import { TryProviderDialog } from "./TryProviderDialog";
import "../../styles/idps.css";

type Provider = Operations["ListIdentityProviders"]["output"]["Providers"][number];
type Described = Operations["DescribeIdentityProvider"]["output"]["IdentityProvider"];

/** The provider types, in Cognito's spelling, with the name a person knows them by. */
const TYPES = [
  ["Google", "Google"],
  ["Facebook", "Facebook"],
  ["LoginWithAmazon", "Login with Amazon"],
  ["SignInWithApple", "Sign in with Apple"],
  ["OIDC", "OpenID Connect"],
  ["SAML", "SAML"],
] as const;
type ProviderType = (typeof TYPES)[number][0];
const SOCIAL: readonly string[] = ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"];

function typeLabel(t: string): string {
  return TYPES.find(([k]) => k === t)?.[1] ?? t;
}

/** One detail key of a type's form: its label, whether the request needs it, and its control. */
type DetailField = { key: string; label: string; required: boolean; kind?: "secret" | "textarea" | "method"; hint?: string };

const OIDC_ENDPOINT_HINT = "Leave empty to read it from the issuer's discovery document.";

function detailFields(t: ProviderType): DetailField[] {
  const oauth: DetailField[] = [
    { key: "client_id", label: "Client ID", required: true },
    { key: "client_secret", label: "Client secret", required: true, kind: "secret" },
    { key: "authorize_scopes", label: "Scopes", required: true, hint: "Separated by spaces, e.g. openid email profile." },
  ];
  switch (t) {
    case "Google":
    case "LoginWithAmazon":
      return oauth;
    case "Facebook":
      return [...oauth, { key: "api_version", label: "Graph API version", required: false, hint: "e.g. v17.0" }];
    case "SignInWithApple":
      return [
        { key: "client_id", label: "Services ID", required: true },
        { key: "team_id", label: "Team ID", required: true },
        { key: "key_id", label: "Key ID", required: true },
        {
          key: "private_key",
          label: "Private key (PEM)",
          required: true,
          kind: "textarea",
          hint: "Kept sealed and never shown again; leave empty when editing to keep it.",
        },
        { key: "authorize_scopes", label: "Scopes", required: true, hint: "email and/or name." },
      ];
    case "OIDC":
      return [
        { key: "client_id", label: "Client ID", required: true },
        { key: "client_secret", label: "Client secret", required: false, kind: "secret" },
        { key: "oidc_issuer", label: "Issuer URL", required: true },
        { key: "authorize_scopes", label: "Scopes", required: true, hint: "Must include openid." },
        { key: "attributes_request_method", label: "Attributes request method", required: true, kind: "method" },
        { key: "authorize_url", label: "Authorization endpoint", required: false, hint: OIDC_ENDPOINT_HINT },
        { key: "token_url", label: "Token endpoint", required: false, hint: OIDC_ENDPOINT_HINT },
        { key: "attributes_url", label: "UserInfo endpoint", required: false, hint: OIDC_ENDPOINT_HINT },
        { key: "jwks_uri", label: "JWKS URI", required: false, hint: OIDC_ENDPOINT_HINT },
      ];
    case "SAML":
      return [];
  }
}

const SAML_FLAGS = [
  ["IDPSignout", "Sign out from the IdP too"],
  ["IDPInit", "Accept IdP-initiated sign-in"],
  ["EncryptedResponses", "Require encrypted assertions"],
] as const;

type Modal =
  | { kind: "create" }
  | { kind: "edit"; name: string }
  | { kind: "delete"; provider: Provider }
  | { kind: "try"; name: string }
  | null;

/** AcrMapping's keys: the authentication levels an app asks for, mapped to the provider's `acr`. */
const ACR_LEVELS = ["Level1", "Level2", "Level3", "Level4"] as const;

/** The core's rule for an AcrMapping value, checked before sending. */
function acrProblem(v: string): string | undefined {
  if (v.length > 64) return "At most 64 characters.";
  if (/[^\x21-\x7e]|["\\]/.test(v)) return 'Printable ASCII without spaces, " or \\.';
  return undefined;
}

export function IdpsTab({ poolId }: { poolId: string }) {
  const list = usePagedList(["idps", poolId], async (token) => {
    const r = await call("ListIdentityProviders", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
    return { items: r.Providers, next: r.NextToken };
  });
  const [modal, setModal] = useState<Modal>(null);
  const toast = useToast();

  return (
    <div className="idps-tab" data-testid="idps-tab">
      <ListToolbar list={list} one="identity provider">
        <Button variant="primary" onClick={() => setModal({ kind: "create" })} data-testid="create-idp">
          Add identity provider
        </Button>
      </ListToolbar>
      <PagedView
        list={list}
        errorTitle="Could not list identity providers."
        loadingLabel="Loading identity providers…"
        moreLabel="Load more identity providers"
        empty={
          <EmptyState
            title="No identity providers"
            action={
              <Button variant="primary" onClick={() => setModal({ kind: "create" })}>
                Add identity provider
              </Button>
            }
          >
            Let users sign in with Google, Facebook, Amazon, Apple, or your own OpenID Connect or SAML provider. Each
            provider's users become users of this pool named <code>ProviderName_subject</code>.
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="table" data-testid="idps-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Created</th>
                <th>Last modified</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((p) => (
                <tr key={p.ProviderName}>
                  <td>
                    <button
                      type="button"
                      className="link-btn strong-link"
                      onClick={() => setModal({ kind: "edit", name: p.ProviderName })}
                    >
                      {p.ProviderName}
                    </button>
                  </td>
                  <td>{typeLabel(p.ProviderType)}</td>
                  <td>{formatDateTime(p.CreationDate)}</td>
                  <td>{formatDateTime(p.LastModifiedDate)}</td>
                  <td className="actions">
                    <Button
                      variant="ghost"
                      className="btn-small"
                      onClick={() => setModal({ kind: "try", name: p.ProviderName })}
                      aria-label={`Try sign-in with ${p.ProviderName}`}
                      data-testid={`try-idp-${p.ProviderName}`}
                    >
                      Try sign-in
                    </Button>
                    <Button
                      variant="ghost"
                      className="btn-small"
                      onClick={() => setModal({ kind: "edit", name: p.ProviderName })}
                      aria-label={`Edit ${p.ProviderName}`}
                    >
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      className="btn-small danger-text"
                      onClick={() => setModal({ kind: "delete", provider: p })}
                      aria-label={`Delete ${p.ProviderName}`}
                      data-testid={`delete-idp-${p.ProviderName}`}
                    >
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>

      {modal?.kind === "create" && (
        <IdpDialog
          poolId={poolId}
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            list.reload();
          }}
        />
      )}
      {modal?.kind === "edit" && (
        <EditIdp
          poolId={poolId}
          name={modal.name}
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            list.reload();
          }}
        />
      )}
      {modal?.kind === "try" && <TryProviderDialog poolId={poolId} provider={modal.name} onClose={() => setModal(null)} />}
      {modal?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete identity provider ${modal.provider.ProviderName}?`}
          confirmLabel="Delete provider"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await call("DeleteIdentityProvider", { UserPoolId: poolId, ProviderName: modal.provider.ProviderName });
            toast(`Identity provider ${modal.provider.ProviderName} deleted`);
            list.reload();
          }}
        >
          <p>
            Users can no longer sign in with <strong>{modal.provider.ProviderName}</strong>, and the identities linked to
            this pool's users through it are unlinked. Users it made stay in the pool.
          </p>
          <ListingClients poolId={poolId} provider={modal.provider.ProviderName} />
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The app clients whose SupportedIdentityProviders name the provider (they lose it). */
function ListingClients({ poolId, provider }: { poolId: string; provider: string }) {
  const q = useQuery({
    queryKey: ["idp-clients", poolId, provider],
    queryFn: async () => {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
        for (const c of page.UserPoolClients) {
          const d = await call("DescribeUserPoolClient", { UserPoolId: poolId, ClientId: c.ClientId });
          if (d.UserPoolClient.SupportedIdentityProviders?.includes(provider)) names.push(c.ClientName);
        }
        token = page.NextToken;
      } while (token);
      return names;
    },
  });
  if (q.isPending) return <Spinner label="Looking for app clients that use it…" />;
  if (q.error) return <p className="muted">Could not list the app clients that use it.</p>;
  if (q.data.length === 0) return <p className="muted">No app client lists it.</p>;
  return (
    <div data-testid="idp-delete-clients">
      <p>It is removed from the supported providers of these app clients:</p>
      <ul className="idp-client-list">
        {q.data.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  );
}

function EditIdp({
  poolId,
  name,
  onClose,
  onSaved,
}: {
  poolId: string;
  name: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const q = useQuery({
    queryKey: ["idp", poolId, name],
    queryFn: () => call("DescribeIdentityProvider", { UserPoolId: poolId, ProviderName: name }),
    gcTime: 0,
  });
  if (q.isPending)
    return (
      <Dialog title={`Edit ${name}`} onClose={onClose} testId="idp-dialog">
        <Spinner label="Loading provider…" />
      </Dialog>
    );
  if (q.error)
    return (
      <Dialog title={`Edit ${name}`} onClose={onClose} testId="idp-dialog">
        <div className="dialog-body">
          <ErrorBanner error={q.error} />
        </div>
      </Dialog>
    );
  return <IdpDialog poolId={poolId} existing={q.data.IdentityProvider} onClose={onClose} onSaved={onSaved} />;
}

/** A certificate (base64 DER, as ProviderDetails shows it) as PEM. */
function certificatePem(der64: string): string {
  const body = der64.replace(/\s+/g, "");
  return `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join("\n")}\n-----END CERTIFICATE-----\n`;
}

/**
 * A SAML provider's encryption certificate (ActiveEncryptionCertificate, made by the pool when
 * the provider is saved): what its IdP encrypts assertions to, to copy or download as PEM.
 */
function EncryptionCertificate({ name, der64, required }: { name: string; der64?: string; required: boolean }) {
  if (!der64) {
    return (
      <p className="hint idp-encryption-cert" data-testid="idp-encryption-certificate">
        The pool makes this provider an encryption certificate when it is saved; give it to the IdP to have it encrypt
        assertions.
      </p>
    );
  }
  const pem = certificatePem(der64);
  return (
    <section className="idp-encryption-cert" aria-labelledby="idp-encryption-cert-title" data-testid="idp-encryption-certificate">
      <div className="idp-encryption-cert-head">
        <h3 id="idp-encryption-cert-title">Encryption certificate</h3>
        <CopyButton text={pem} label="Copy PEM" />
        {/* The desktop window's webview does not save downloads (and must not navigate away to
            a data: address): there, Copy PEM and the text below are the way out. */}
        {!isDesktop() && (
          <a
            className="btn btn-ghost btn-small"
            href={`data:application/x-pem-file;base64,${btoa(pem)}`}
            download={`${name}-encryption.pem`}
            data-testid="idp-encryption-download"
          >
            Download
          </a>
        )}
      </div>
      <p className="hint">
        {required
          ? "The IdP must encrypt every assertion to this certificate: plain assertions are refused."
          : "Give it to the IdP, then require encrypted assertions below."}
      </p>
      <textarea readOnly rows={3} className="mono" value={pem} aria-label="Encryption certificate (PEM)" />
    </section>
  );
}

/** `pool_attr = provider_attr` per line. */
function mappingText(m: Record<string, string> | undefined): string {
  return Object.entries(m ?? {})
    .filter(([k]) => k !== "username")
    .map(([k, v]) => `${k} = ${v}`)
    .join("\n");
}

function parseMapping(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const i = line.indexOf("=");
    if (i <= 0 || i === line.length - 1) return `"${line}" is not pool attribute = provider attribute.`;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function IdpDialog({
  poolId,
  existing,
  onClose,
  onSaved,
}: {
  poolId: string;
  existing?: Described;
  onClose: () => void;
  onSaved: () => void;
}) {
  const toast = useToast();
  const [type, setType] = useState<ProviderType>((existing?.ProviderType as ProviderType | undefined) ?? "OIDC");
  const [name, setName] = useState(existing?.ProviderName ?? "");
  const [details, setDetails] = useState<Record<string, string>>(existing?.ProviderDetails ?? { attributes_request_method: "GET" });
  const [metadataByUrl, setMetadataByUrl] = useState(Boolean(existing?.ProviderDetails?.MetadataURL));
  const [mapping, setMapping] = useState(mappingText(existing?.AttributeMapping));
  const [identifiers, setIdentifiers] = useState((existing?.IdpIdentifiers ?? []).join("\n"));
  const [acr, setAcr] = useState<Record<string, string>>(existing?.AcrMapping ?? {});
  const takesAcr = type === "OIDC" || type === "SAML";
  const [local, setLocal] = useState<Record<string, string>>({});
  const first = useOpenFocus<HTMLSelectElement>();
  const firstEdit = useOpenFocus<HTMLInputElement>();
  const social = SOCIAL.includes(type);
  const fields = detailFields(type);
  const formFields = [
    "ProviderName",
    "ProviderType",
    "AttributeMapping",
    "IdpIdentifiers",
    ...ACR_LEVELS.map((l) => `AcrMapping.${l}`),
    "AcrMapping",
    ...fields.map((f) => `ProviderDetails.${f.key}`),
    "ProviderDetails.MetadataFile",
    "ProviderDetails.MetadataURL",
    "ProviderDetails.RequestSigningAlgorithm",
    ...SAML_FLAGS.map(([k]) => `ProviderDetails.${k}`),
  ];

  const save = useAction(
    async (input: Operations["CreateIdentityProvider"]["input"]) =>
      existing
        ? call("UpdateIdentityProvider", {
            UserPoolId: input.UserPoolId,
            ProviderName: input.ProviderName,
            ProviderDetails: input.ProviderDetails,
            AttributeMapping: input.AttributeMapping,
            IdpIdentifiers: input.IdpIdentifiers,
            // Sent even when empty for OIDC and SAML, so clearing every level clears the mapping.
            ...(input.AcrMapping ? { AcrMapping: input.AcrMapping } : {}),
          })
        : call("CreateIdentityProvider", input),
    {
      onSuccess: (r) => {
        toast(existing ? `Identity provider ${r.IdentityProvider.ProviderName} saved` : `Identity provider ${r.IdentityProvider.ProviderName} added`);
        onSaved();
      },
    },
  );
  const placed = placeError(save.error, formFields, { DuplicateProviderException: "ProviderName" });
  const errors = { ...placed.fields, ...local };
  const setDetail = (k: string, v: string) => setDetails((d) => ({ ...d, [k]: v }));

  const submit = () => {
    const localErrors: Record<string, string> = {};
    const parsed = parseMapping(mapping);
    if (typeof parsed === "string") localErrors.AttributeMapping = parsed;
    const providerName = social ? type : name.trim();
    if (!providerName) localErrors.ProviderName = "Give the provider a name.";
    const sent: Record<string, string> = {};
    for (const f of fields) {
      const v = (details[f.key] ?? "").trim();
      if (v) sent[f.key] = f.kind === "textarea" ? (details[f.key] ?? "") : v;
      else if (f.required && !(existing && f.key === "private_key"))
        localErrors[`ProviderDetails.${f.key}`] = `${f.label} is required.`;
    }
    if (type === "SAML") {
      const key = metadataByUrl ? "MetadataURL" : "MetadataFile";
      const v = (details[key] ?? "").trim();
      if (!v) localErrors[`ProviderDetails.${key}`] = metadataByUrl ? "Give the metadata's URL." : "Paste the IdP's metadata.";
      else sent[key] = v;
      for (const [k] of SAML_FLAGS) if (details[k] === "true") sent[k] = "true";
      if (details.RequestSigningAlgorithm === "rsa-sha256") sent.RequestSigningAlgorithm = "rsa-sha256";
    }
    const acrSent: Record<string, string> = {};
    if (takesAcr) {
      for (const l of ACR_LEVELS) {
        const v = (acr[l] ?? "").trim();
        if (!v) continue;
        const problem = acrProblem(v);
        if (problem) localErrors[`AcrMapping.${l}`] = problem;
        else acrSent[l] = v;
      }
    }
    setLocal(localErrors);
    save.reset();
    if (Object.keys(localErrors).length > 0 || typeof parsed === "string") return;
    save.run({
      UserPoolId: poolId,
      ProviderName: providerName,
      ProviderType: type,
      ProviderDetails: sent,
      AttributeMapping: parsed,
      IdpIdentifiers: lines(identifiers),
      ...(takesAcr ? { AcrMapping: acrSent } : {}),
    });
  };

  return (
    <Dialog
      title={existing ? `Edit identity provider ${existing.ProviderName}` : "Add identity provider"}
      onClose={onClose}
      testId="idp-dialog"
      wide
    >
      <Form className="dialog-body idp-form" onSubmit={submit}>
        <div className="idp-form-row">
          <Field label="Type" name="ProviderType" error={errors.ProviderType}>
            {(p) => (
              <select
                {...p}
                ref={existing ? undefined : first}
                value={type}
                disabled={Boolean(existing)}
                onChange={(e) => setType(e.target.value as ProviderType)}
                data-testid="idp-type"
              >
                {TYPES.map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Name"
            name="ProviderName"
            error={errors.ProviderName}
            hint={social ? `A ${typeLabel(type)} provider is named ${type}.` : existing ? "A provider's name can't change." : "3–32 characters, no spaces or underscores."}
          >
            {(p) => (
              <input
                {...p}
                ref={existing ? firstEdit : undefined}
                value={social ? type : name}
                readOnly={social || Boolean(existing)}
                onChange={(e) => setName(e.target.value)}
                data-testid="idp-name"
              />
            )}
          </Field>
        </div>

        {fields.map((f) => (
          <Field
            key={`${type}-${f.key}`}
            label={f.required ? f.label : `${f.label} (optional)`}
            name={`ProviderDetails.${f.key}`}
            error={errors[`ProviderDetails.${f.key}`]}
            hint={f.hint}
          >
            {(p) =>
              f.kind === "textarea" ? (
                <textarea
                  {...p}
                  rows={4}
                  className="mono"
                  value={details[f.key] ?? ""}
                  onChange={(e) => setDetail(f.key, e.target.value)}
                  data-testid={`idp-detail-${f.key}`}
                />
              ) : f.kind === "method" ? (
                <select
                  {...p}
                  value={details[f.key] ?? "GET"}
                  onChange={(e) => setDetail(f.key, e.target.value)}
                  data-testid={`idp-detail-${f.key}`}
                >
                  <option value="GET">GET</option>
                  <option value="POST">POST</option>
                </select>
              ) : (
                <input
                  {...p}
                  type={f.kind === "secret" ? "password" : "text"}
                  autoComplete="off"
                  value={details[f.key] ?? ""}
                  onChange={(e) => setDetail(f.key, e.target.value)}
                  data-testid={`idp-detail-${f.key}`}
                />
              )
            }
          </Field>
        ))}

        {type === "SAML" && (
          <>
            <fieldset className="idp-metadata-source">
              <legend>Metadata</legend>
              <label>
                <input type="radio" name="metadata-source" checked={!metadataByUrl} onChange={() => setMetadataByUrl(false)} />{" "}
                Paste the document
              </label>
              <label>
                <input type="radio" name="metadata-source" checked={metadataByUrl} onChange={() => setMetadataByUrl(true)} /> From a
                URL
              </label>
            </fieldset>
            {metadataByUrl ? (
              <Field label="Metadata URL" name="ProviderDetails.MetadataURL" error={errors["ProviderDetails.MetadataURL"]}>
                {(p) => (
                  <input
                    {...p}
                    value={details.MetadataURL ?? ""}
                    onChange={(e) => setDetail("MetadataURL", e.target.value)}
                    data-testid="idp-detail-MetadataURL"
                  />
                )}
              </Field>
            ) : (
              <Field
                label="Metadata document"
                name="ProviderDetails.MetadataFile"
                error={errors["ProviderDetails.MetadataFile"]}
                hint="The IdP's md:EntityDescriptor, with its signing certificate."
              >
                {(p) => (
                  <textarea
                    {...p}
                    rows={5}
                    className="mono"
                    value={details.MetadataFile ?? ""}
                    onChange={(e) => setDetail("MetadataFile", e.target.value)}
                    data-testid="idp-detail-MetadataFile"
                  />
                )}
              </Field>
            )}
            <EncryptionCertificate
              name={existing?.ProviderName ?? ""}
              der64={existing?.ProviderDetails?.ActiveEncryptionCertificate}
              required={details.EncryptedResponses === "true"}
            />
            <div className="idp-flags">
              {SAML_FLAGS.map(([k, label]) => (
                <Check key={k} label={label} checked={details[k] === "true"} onChange={(v) => setDetail(k, v ? "true" : "false")} />
              ))}
              <Check
                label="Sign requests (rsa-sha256)"
                checked={details.RequestSigningAlgorithm === "rsa-sha256"}
                onChange={(v) => setDetail("RequestSigningAlgorithm", v ? "rsa-sha256" : "")}
              />
            </div>
          </>
        )}

        <Field
          label="Attribute mapping"
          name="AttributeMapping"
          error={errors.AttributeMapping}
          hint={
            type === "SAML"
              ? "One per line: pool attribute = SAML attribute name."
              : "One per line: pool attribute = provider attribute (e.g. email = email). The username maps from the provider's subject."
          }
        >
          {(p) => (
            <textarea {...p} rows={3} className="mono" value={mapping} onChange={(e) => setMapping(e.target.value)} data-testid="idp-mapping" />
          )}
        </Field>
        <Field
          label="Identifiers (optional)"
          name="IdpIdentifiers"
          error={errors.IdpIdentifiers}
          hint="One per line, e.g. an email domain: the hosted sign-in page picks this provider for it."
        >
          {(p) => (
            <textarea {...p} rows={2} value={identifiers} onChange={(e) => setIdentifiers(e.target.value)} data-testid="idp-identifiers" />
          )}
        </Field>

        {takesAcr && (
          <fieldset className="idp-acr" data-testid="idp-acr">
            <legend>Authentication levels (AcrMapping, optional)</legend>
            <p className="hint">
              The provider&apos;s {type === "SAML" ? "authentication context class" : "acr value"} for each level an app may ask
              for, e.g. <span className="mono">urn:example:mfa</span>. Leave a level empty to leave it out.
            </p>
            <div className="idp-acr-grid">
              {ACR_LEVELS.map((l) => (
                <Field key={l} label={l} name={`AcrMapping.${l}`} error={errors[`AcrMapping.${l}`]}>
                  {(p) => (
                    <input
                      {...p}
                      className="mono"
                      autoComplete="off"
                      spellCheck={false}
                      value={acr[l] ?? ""}
                      onChange={(e) => {
                        setAcr((m) => ({ ...m, [l]: e.target.value }));
                        // The level's own problem goes as it is edited; it is checked again on save.
                        setLocal((found) => Object.fromEntries(Object.entries(found).filter(([k]) => k !== `AcrMapping.${l}`)));
                      }}
                      data-testid={`idp-acr-${l}`}
                    />
                  )}
                </Field>
              ))}
            </div>
            {errors.AcrMapping && <div className="field-error">{errors.AcrMapping}</div>}
          </fieldset>
        )}

        {placed.general && <ErrorBanner error={placed.general} />}
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.busy} data-testid="idp-save">
            {existing ? "Save provider" : "Add provider"}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
