import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { UserPool } from "../../api/types";
import type { PreviewUiCustomizationResponse } from "../../bindings/PreviewUiCustomizationResponse";
import { QueryStatus } from "../../components/LoadState";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Field, Form, SaveActions, Section } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { useDebounced } from "../../lib/useDebounced";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call, toApiError, type ApiError } from "../../platform";
import { LogoField, PreviewPair, readDataUrl } from "./Preview";
import "../../styles/branding.css";

/** Cognito's limit for the logo. */
const MAX_LOGO_BYTES = 100 * 1024;
const ALL = "ALL";

type Logo = { dataUrl: string; bytes: number } | null;

/** The base64 part of a `data:` URL (what the JSON protocol sends for a blob). */
function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(",") + 1);
}

/** Roughly the bytes a base64 `data:` URL holds. */
function bytesOf(dataUrl: string): number {
  const b64 = base64Of(dataUrl);
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
}

/**
 * A pool's hosted UI branding (Cognito's classic customization): for every app client (ALL)
 * or one, the CSS of Cognito's `-customizable` classes and a logo, with a live preview of the
 * sign-in page in light and dark.
 */
export function BrandingTab({ pool }: { pool: UserPool }) {
  const [scope, setScope] = useState(ALL);
  const clients = useQuery({
    queryKey: ["clients-all", pool.Id],
    queryFn: () => call("ListUserPoolClients", { UserPoolId: pool.Id, MaxResults: 60 }),
  });
  const current = useQuery({
    queryKey: ["ui-customization", pool.Id, scope],
    queryFn: async () => {
      const scoped = scope === ALL ? {} : { ClientId: scope };
      const [got, preview] = await Promise.all([
        call("GetUICustomization", { UserPoolId: pool.Id, ...scoped }),
        call("PreviewUICustomization", { CSS: "", UserPoolId: pool.Id, ...scoped }),
      ]);
      return { ui: got.UICustomization, logo: preview.LogoDataUrl ?? null };
    },
  });
  const scopeId = useId();
  const options = clients.data?.UserPoolClients ?? [];

  return (
    <div className="branding-tab" data-testid="branding-tab">
      <Section title="Hosted UI branding" testId="branding">
        <p className="hint section-intro">
          The sign-in pages of this pool take CSS for Cognito&apos;s <code>-customizable</code> classes and a logo, for
          every app client or for one (a client with its own no longer follows the pool&apos;s). Only Cognito&apos;s
          classes and the properties each may set are served; anything that could load from elsewhere is refused.
        </p>
        {!pool.Domain && !pool.CustomDomain && (
          <div className="banner branding-warn" data-testid="branding-no-domain">
            This pool has no domain yet: Cognito customizes only a pool with one. Create a domain for the pool before
            saving; the preview works without.
          </div>
        )}
        <div className="field branding-scope">
          <label htmlFor={scopeId}>Applies to</label>
          <select id={scopeId} value={scope} onChange={(e) => setScope(e.target.value)} data-testid="branding-scope">
            <option value={ALL}>Every app client (ALL)</option>
            {options.map((c) => (
              <option key={c.ClientId} value={c.ClientId}>
                {c.ClientName} ({c.ClientId})
              </option>
            ))}
          </select>
        </div>
        <QueryStatus
          query={current}
          errorTitle="Could not load the customization."
          loadingLabel="Loading the customization…"
        />
        {current.data && (
          <BrandingEditor
            key={`${scope}:${current.data.ui.CSSVersion ?? "none"}:${current.data.ui.ClientId ?? ""}`}
            pool={pool}
            scope={scope}
            ui={current.data.ui}
            savedLogo={current.data.logo}
          />
        )}
      </Section>
    </div>
  );
}

function BrandingEditor({
  pool,
  scope,
  ui,
  savedLogo,
}: {
  pool: UserPool;
  scope: string;
  ui: { ClientId?: string; CSS?: string; CSSVersion?: string; LastModifiedDate?: number };
  savedLogo: string | null;
}) {
  const toast = useToast();
  const qc = useQueryClient();
  const inherited = scope !== ALL && ui.ClientId === ALL;
  const [initialCss] = useState(ui.CSS ?? "");
  const [css, setCss] = useState(initialCss);
  const initialLogo: Logo = savedLogo ? { dataUrl: savedLogo, bytes: bytesOf(savedLogo) } : null;
  const [logo, setLogo] = useState<Logo>(initialLogo);
  const [logoProblem, setLogoProblem] = useState<string>();
  const dirty = css !== initialCss || logo?.dataUrl !== initialLogo?.dataUrl || inherited;
  const unsaved = useUnsavedGuard(dirty && !inherited, "the branding");

  const checkedCss = useDebounced(css, 250);
  const preview = useQuery({
    queryKey: ["branding-preview", checkedCss],
    queryFn: () => call("PreviewUICustomization", { CSS: checkedCss }),
    retry: false,
    placeholderData: (prev) => prev,
  });
  const refusal: ApiError | undefined = preview.error ? toApiError(preview.error) : undefined;
  const served: PreviewUiCustomizationResponse | undefined = refusal ? undefined : preview.data;

  const save = useFormAction(
    () =>
      call("SetUICustomization", {
        UserPoolId: pool.Id,
        ClientId: scope,
        CSS: css,
        ...(logo ? { ImageFile: base64Of(logo.dataUrl) } : {}),
      }),
    {
      fields: ["CSS", "ImageFile"],
      onSuccess: () => {
        toast(scope === ALL ? "Branding saved for every app client" : "Branding saved for the app client");
        void qc.invalidateQueries({ queryKey: ["ui-customization", pool.Id] });
      },
    },
  );

  const pick = (file: File | undefined) => {
    setLogoProblem(undefined);
    save.reset();
    if (!file) return;
    if (file.size > MAX_LOGO_BYTES) {
      setLogoProblem(`The logo is ${Math.ceil(file.size / 1024)} KB; Cognito takes at most 100 KB.`);
      return;
    }
    readDataUrl(file, (dataUrl) => setLogo({ dataUrl, bytes: file.size }));
  };

  const cssError = save.errors.CSS ?? (refusal?.field === "CSS" ? refusal.message.replace(/^CSS: /, "") : undefined);

  return (
    <Form className="branding-editor" onSubmit={() => save.run()} data-testid="branding-form">
      {unsaved.prompt}
      {inherited ? (
        <p className="hint" data-testid="branding-inherited">
          This app client has no customization of its own: the pool&apos;s (ALL) applies, shown below. Saving gives
          the client its own.
        </p>
      ) : (
        ui.LastModifiedDate !== undefined && (
          <p className="hint" data-testid="branding-saved-at">
            Saved {formatDateTime(ui.LastModifiedDate)} · version {ui.CSSVersion}
          </p>
        )
      )}
      <div className="branding-grid">
        <div className="branding-inputs">
          <Field
            label="CSS"
            name="CSS"
            error={cssError}
            hint="Rules for Cognito's classes below; other selectors and properties are left out, and listed."
          >
            {(p) => (
              <textarea
                {...p}
                className="branding-css"
                spellCheck={false}
                rows={14}
                value={css}
                onChange={(e) => {
                  setCss(e.target.value);
                  if (save.errors.CSS) save.reset();
                }}
                data-testid="branding-css"
              />
            )}
          </Field>
          <div className="form-actions branding-css-actions">
            <Button
              onClick={() => served && setCss(served.Template)}
              disabled={!served}
              data-testid="branding-template"
            >
              Start from Cognito&apos;s template
            </Button>
          </div>
          {served && served.Dropped.length > 0 && (
            <div className="banner branding-warn branding-dropped" data-testid="branding-dropped">
              <strong>Not served:</strong>
              <ul>
                {served.Dropped.map((d, i) => (
                  <li key={i}>
                    line {d.Line}: <code>{d.What}</code> — {d.Reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <LogoField
            name="ImageFile"
            error={logoProblem ?? save.errors.ImageFile}
            hint="A PNG or JPEG of at most 100 KB, shown above the form (Cognito scales it to 350 × 178)."
            accept="image/png,image/jpeg"
            hasLogo={logo !== null}
            note={
              logo && (
                <span className="muted" data-testid="branding-logo-size">
                  {Math.ceil(logo.bytes / 1024)} KB
                </span>
              )
            }
            onFile={pick}
            onRemove={() => setLogo(null)}
            testIdPrefix="branding-logo"
          />
          <details className="branding-classes" data-testid="branding-classes">
            <summary>Cognito&apos;s classes and what each may set</summary>
            <dl>
              {served?.Classes.map((c) => (
                <div key={c.Selector}>
                  <dt>
                    <code>{c.Selector}</code>
                  </dt>
                  <dd>{c.Properties.join(", ")}</dd>
                </div>
              ))}
            </dl>
          </details>
        </div>
        <div className="branding-previews" aria-label="Preview of the sign-in page">
          <PreviewPair css={served?.CSS ?? ""} logo={logo?.dataUrl} title={pool.Name} testIdPrefix="branding-preview" />
        </div>
      </div>
      {save.general && <ErrorBanner error={save.general} title="The branding was not saved." />}
      <SaveActions
        dirty={dirty}
        action={save}
        onDiscard={() => {
          setCss(initialCss);
          setLogo(initialLogo);
          setLogoProblem(undefined);
        }}
        saveLabel="Save branding"
        testId="save-branding"
      />
    </Form>
  );
}
