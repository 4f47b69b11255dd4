import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { UserPool } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, CopyButton, ErrorBanner, Facts, Field, Form, Section } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";
import { PREFIX_DOMAIN_SUFFIX, hostedUiBase, type ServingAddress } from "./authorize";
import { domainQuery, servingAddressQuery } from "./queries";

const DOMAIN_FIELDS = ["Domain", "CustomDomainConfig"] as const;

/** A URL with its copy button. */
export function UrlFact({ url, testId }: { url: string; testId?: string }) {
  return (
    <span className="secret">
      <span className="mono oauth-url" data-testid={testId}>
        {url}
      </span>
      <CopyButton text={url} />
    </span>
  );
}

/** What to say where the endpoint's address is not known yet (the desktop app before it starts). */
export function NoAddressNote() {
  return (
    <span className="muted" data-testid="no-address">
      The desktop app starts its endpoint when something first needs it (the credential-exchange tester does); its address
      shows here once it runs. Or serve this store with <span className="mono">poolhouse serve --ui</span> and use the console
      it serves.
    </span>
  );
}

/**
 * A user pool's domains: the prefix one (`<prefix>.auth.localhost`, served by `poolhouse serve`)
 * and a custom one (routed by Host, with its certificate ARN), each created, shown with the
 * sign-in address it gives, and deleted here.
 */
export function DomainSection({ pool, onChanged }: { pool: UserPool; onChanged: () => void }) {
  const at = useQuery(servingAddressQuery).data ?? undefined;
  return (
    <Section title="Domain" testId="oauth-domain">
      <p className="section-intro muted">
        The hosted sign-in pages (<span className="mono">/login</span>, <span className="mono">/oauth2/authorize</span>) are
        served by <span className="mono">poolhouse serve</span> for every pool at{" "}
        <span className="mono">/{pool.Id}/…</span>; a domain gives them an address of their own, as Cognito's do.
      </p>
      {pool.Domain ? (
        <PrefixDomain pool={pool} prefix={pool.Domain} at={at} onChanged={onChanged} />
      ) : (
        <CreatePrefixDomain poolId={pool.Id} onChanged={onChanged} />
      )}
      {pool.CustomDomain ? (
        <CustomDomain pool={pool} domain={pool.CustomDomain} at={at} onChanged={onChanged} />
      ) : (
        <CreateCustomDomain poolId={pool.Id} onChanged={onChanged} />
      )}
    </Section>
  );
}

function DeleteDomainButton({ poolId, domain, onDeleted }: { poolId: string; domain: string; onDeleted: () => void }) {
  const toast = useToast();
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button variant="ghost" className="btn-small danger-text" onClick={() => setAsking(true)} data-testid={`delete-domain-${domain}`}>
        Delete domain…
      </Button>
      {asking && (
        <ConfirmDialog
          title={`Delete the domain ${domain}?`}
          confirmLabel="Delete domain"
          onClose={() => setAsking(false)}
          onConfirm={async () => {
            await call("DeleteUserPoolDomain", { UserPoolId: poolId, Domain: domain });
            toast(`Domain ${domain} deleted`);
            onDeleted();
          }}
        >
          <p>
            Sign-in links and redirects that use <strong className="mono">{domain}</strong> stop working. The pages stay
            reachable at <span className="mono">/{poolId}/…</span> on the endpoint&apos;s address; another pool may take the
            name.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function PrefixDomain({ pool, prefix, at, onChanged }: { pool: UserPool; prefix: string; at: ServingAddress | undefined; onChanged: () => void }) {
  const base = at ? hostedUiBase(pool.Id, { prefix }, at).base : undefined;
  const path = at ? hostedUiBase(pool.Id, {}, at).base : undefined;
  return (
    <div className="oauth-domain" data-testid="prefix-domain">
      <div className="oauth-domain-head">
        <span>
          <span className="inline-label">Prefix domain</span> <span className="mono">{prefix}</span>
          <span className="muted">{PREFIX_DOMAIN_SUFFIX}</span>
        </span>
        <DeleteDomainButton poolId={pool.Id} domain={prefix} onDeleted={onChanged} />
      </div>
      <Facts
        items={[
          ["Sign-in pages", base ? <UrlFact url={`${base}/login`} testId="prefix-signin-url" /> : <NoAddressNote />, "wide"],
          [
            "For clients that cannot resolve *.localhost",
            path ? <UrlFact url={`${path}/login`} /> : <NoAddressNote />,
            "wide",
          ],
        ]}
      />
    </div>
  );
}

function CustomDomain({ pool, domain, at, onChanged }: { pool: UserPool; domain: string; at: ServingAddress | undefined; onChanged: () => void }) {
  const toast = useToast();
  const q = useQuery(domainQuery(domain));
  const desc = q.data?.DomainDescription;
  const current = desc?.CustomDomainConfig?.CertificateArn ?? "";
  const [arn, setArn] = useState<string>();
  const shown = arn ?? current;
  const save = useFormAction(
    (CertificateArn: string) => call("UpdateUserPoolDomain", { UserPoolId: pool.Id, Domain: domain, CustomDomainConfig: { CertificateArn } }),
    {
      fields: ["CustomDomainConfig"],
      onSuccess: () => {
        toast("Certificate changed");
        setArn(undefined);
        void q.refetch();
      },
    },
  );
  const base = at ? hostedUiBase(pool.Id, { custom: domain }, at).base : undefined;
  return (
    <div className="oauth-domain" data-testid="custom-domain">
      <div className="oauth-domain-head">
        <span>
          <span className="inline-label">Custom domain</span> <span className="mono">{domain}</span>
        </span>
        <DeleteDomainButton poolId={pool.Id} domain={domain} onDeleted={onChanged} />
      </div>
      <QueryStatus query={q} errorTitle="Could not load the domain." loadingLabel="Loading the domain…" />
      <Facts
        items={[
          ["Sign-in pages", base ? <UrlFact url={`${base}/login`} /> : <NoAddressNote />, "wide"],
          [
            "Served from",
            <span>
              <span className="mono">{desc?.CloudFrontDistribution}</span>{" "}
              <span className="muted">(point the name&apos;s DNS at this computer; Poolhouse routes it by Host)</span>
            </span>,
            "wide",
          ],
        ]}
      />
      {desc && (
        <Form className="inline-form oauth-cert-form" onSubmit={() => save.run(shown.trim())}>
          <Field label="Certificate ARN" name="CustomDomainConfig" error={save.errors.CustomDomainConfig} className="grow">
            {(p) => (
              <input
                {...p}
                className="mono"
                spellCheck={false}
                autoComplete="off"
                value={shown}
                onChange={(e) => setArn(e.target.value)}
                data-testid="custom-domain-cert"
              />
            )}
          </Field>
          <Button type="submit" disabled={shown.trim() === current} busy={save.busy} data-testid="save-cert">
            Change certificate
          </Button>
        </Form>
      )}
      {save.general && <ErrorBanner error={save.general} />}
    </div>
  );
}

function CreatePrefixDomain({ poolId, onChanged }: { poolId: string; onChanged: () => void }) {
  const toast = useToast();
  const [prefix, setPrefix] = useState("");
  const create = useFormAction(
    (Domain: string) => call("CreateUserPoolDomain", { UserPoolId: poolId, Domain }),
    {
      fields: DOMAIN_FIELDS,
      onSuccess: (_r, Domain) => {
        toast(`Domain ${Domain}${PREFIX_DOMAIN_SUFFIX} created`);
        setPrefix("");
        onChanged();
      },
    },
  );
  const submit = () => {
    const d = prefix.trim();
    if (create.check(d === "" ? { Domain: "Enter a prefix, for example my-app." } : {})) create.run(d);
  };
  return (
    <Form className="oauth-domain" onSubmit={submit} data-testid="create-prefix-domain">
      <div className="inline-form oauth-create-domain">
        <Field
          label="Prefix domain"
          name="Domain"
          className="grow"
          hint="Lower-case letters, digits and hyphens; not aws, amazon or cognito."
          error={create.errors.Domain}
        >
          {(p) => (
            <div className="input-suffix">
              <input
                {...p}
                className="mono"
                spellCheck={false}
                autoComplete="off"
                placeholder="my-app"
                value={prefix}
                onChange={(e) => setPrefix(e.target.value)}
                data-testid="domain-prefix"
              />
              <span aria-hidden="true">{PREFIX_DOMAIN_SUFFIX}</span>
            </div>
          )}
        </Field>
        <Button type="submit" variant="primary" busy={create.busy} data-testid="create-domain">
          Create domain
        </Button>
      </div>
      {create.general && <ErrorBanner error={create.general} />}
    </Form>
  );
}

function CreateCustomDomain({ poolId, onChanged }: { poolId: string; onChanged: () => void }) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [domain, setDomain] = useState("");
  const [arn, setArn] = useState("");
  const create = useFormAction(
    (input: { Domain: string; CertificateArn: string }) =>
      call("CreateUserPoolDomain", { UserPoolId: poolId, Domain: input.Domain, CustomDomainConfig: { CertificateArn: input.CertificateArn } }),
    {
      fields: DOMAIN_FIELDS,
      onSuccess: (_r, input) => {
        toast(`Custom domain ${input.Domain} created`);
        setOpen(false);
        onChanged();
      },
    },
  );
  if (!open) {
    return (
      <p className="oauth-domain muted">
        No custom domain.{" "}
        <button type="button" className="link-btn" onClick={() => setOpen(true)} data-testid="add-custom-domain">
          Add a custom domain…
        </button>
      </p>
    );
  }
  const submit = () => {
    const problems: Record<string, string> = {};
    if (domain.trim() === "") problems.Domain = "Enter a host name, for example auth.example.com.";
    if (arn.trim() === "") problems.CustomDomainConfig = "Enter the ARN of the domain's certificate.";
    if (create.check(problems)) create.run({ Domain: domain.trim(), CertificateArn: arn.trim() });
  };
  return (
    <Form className="oauth-domain" onSubmit={submit} data-testid="create-custom-domain">
      <div className="row">
        <Field label="Custom domain" name="Domain" hint="A host name such as auth.example.com." error={create.errors.Domain}>
          {(p) => (
            <input {...p} className="mono" spellCheck={false} autoComplete="off" value={domain} onChange={(e) => setDomain(e.target.value)} />
          )}
        </Field>
        <Field
          label="Certificate ARN"
          name="CustomDomainConfig"
          className="grow"
          hint="Stored as Cognito keeps it; Poolhouse serves plain HTTP on this computer."
          error={create.errors.CustomDomainConfig}
        >
          {(p) => (
            <input
              {...p}
              className="mono"
              spellCheck={false}
              autoComplete="off"
              placeholder="arn:aws:acm:us-east-1:123456789012:certificate/…"
              value={arn}
              onChange={(e) => setArn(e.target.value)}
            />
          )}
        </Field>
      </div>
      {create.general && <ErrorBanner error={create.general} />}
      <div className="form-actions">
        <Button onClick={() => setOpen(false)}>Cancel</Button>
        <Button type="submit" variant="primary" busy={create.busy}>
          Create custom domain
        </Button>
      </div>
    </Form>
  );
}
