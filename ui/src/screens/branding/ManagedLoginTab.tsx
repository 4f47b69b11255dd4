import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { Operations, UserPool } from "../../api/types";
import type { AssetExtension } from "../../bindings/AssetExtension";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Field, Form, SaveActions, Section, Spinner } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import {
  assetDataUrl,
  assetsWithLogo,
  COLOR_FIELDS,
  colorPath,
  colorProblem,
  formLogo,
  fromPicker,
  getAt,
  LAYOUT_FIELDS,
  logoExtension,
  memberOf,
  pickerValue,
  SCHEMES,
  setAt,
  settingsProblems,
  type ColorField,
  type Scheme,
  type Settings,
  type StyleAsset,
} from "../../lib/managedLogin";
import { routeHref } from "../../lib/router";
import { useDebounced } from "../../lib/useDebounced";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call, toApiError } from "../../platform";
import { domainQuery } from "../oauth/queries";
import { LogoField, PreviewPair, readDataUrl } from "./Preview";
import "../../styles/branding.css";

type Style = Operations["DescribeManagedLoginBrandingByClient"]["output"]["ManagedLoginBranding"];
type Client = Operations["ListUserPoolClients"]["output"]["UserPoolClients"][number];

/** botocore's AssetBytesType: the largest asset the core takes. */
const MAX_ASSET_BYTES = 1_000_000;

/** A client's style, or null when it has none (the core answers ResourceNotFoundException). */
async function styleOf(poolId: string, clientId: string, merged: boolean): Promise<Style | null> {
  try {
    const r = await call("DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: clientId, ReturnMergedResources: merged });
    return r.ManagedLoginBranding;
  } catch (e) {
    if (toApiError(e).code === "ResourceNotFoundException") return null;
    throw e;
  }
}

/**
 * Managed login branding: one style per app client (colours in light and dark, a form logo,
 * Cognito's layout values), created from Poolhouse's defaults or copied from another client's,
 * edited with a live preview of the sign-in page as the hosted pages draw it, and deleted.
 */
export function ManagedLoginTab({ pool }: { pool: UserPool }) {
  const clients = useQuery({
    queryKey: ["clients-all", pool.Id],
    queryFn: () => call("ListUserPoolClients", { UserPoolId: pool.Id, MaxResults: 60 }),
  });
  const list = clients.data?.UserPoolClients ?? [];
  const [picked, setPicked] = useState<string>();
  const clientId = picked ?? list[0]?.ClientId;
  // Which clients have a style (the picker says so, and a new style can copy one).
  const styles = useQuery({
    queryKey: ["managed-login-all", pool.Id, list.map((c) => c.ClientId).join(",")],
    queryFn: async () => {
      const all = await Promise.all(list.map(async (c) => [c.ClientId, await styleOf(pool.Id, c.ClientId, false)] as const));
      return new Map(all);
    },
    enabled: list.length > 0,
  });
  const style = useQuery({
    queryKey: ["managed-login", pool.Id, clientId],
    queryFn: () => styleOf(pool.Id, clientId ?? "", true),
    enabled: clientId !== undefined,
  });
  const domainName = pool.Domain ?? pool.CustomDomain;
  const domain = useQuery({ ...domainQuery(domainName ?? ""), enabled: domainName !== undefined });
  const version = domain.data?.DomainDescription.ManagedLoginVersion;
  const pickId = useId();
  const client = list.find((c) => c.ClientId === clientId);

  return (
    <div className="branding-tab managed-login-tab" data-testid="managed-login-tab">
      <Section title="Managed login branding" testId="managed-login">
        <p className="hint section-intro">
          Each app client can have one managed login style: the colours of its sign-in pages in light and dark, and a
          logo above the form. Poolhouse&apos;s pages draw the colours and the logo; the layout values are kept and
          answered as Cognito&apos;s document holds them.
        </p>
        {!pool.Domain && !pool.CustomDomain ? (
          <div className="banner branding-warn" data-testid="managed-login-no-domain">
            This pool has no domain yet, so no page shows a style. Create one in{" "}
            <a href={routeHref({ screen: "pool", poolId: pool.Id, tab: "sign-in", section: "oauth" })}>Domain &amp; OAuth</a>{" "}
            with managed login (version 2); styles can be edited meanwhile.
          </div>
        ) : (
          version !== undefined &&
          version < 2 && (
            <div className="banner branding-warn" data-testid="managed-login-classic-domain">
              The domain <span className="mono">{domainName}</span> serves the classic hosted UI (managed login version{" "}
              {version}): its pages show the{" "}
              <a href={routeHref({ screen: "pool", poolId: pool.Id, tab: "sign-in", section: "branding" })}>classic branding</a>,
              not these styles, until the domain is set to version 2 in{" "}
              <a href={routeHref({ screen: "pool", poolId: pool.Id, tab: "sign-in", section: "oauth" })}>Domain &amp; OAuth</a>.
            </div>
          )
        )}
        <QueryStatus query={clients} errorTitle="Could not list the app clients." loadingLabel="Loading app clients…" />
        {clients.isSuccess && list.length === 0 && (
          <p className="muted" data-testid="managed-login-no-clients">
            This pool has no app client yet: a style belongs to one. Create one on the{" "}
            <a href={routeHref({ screen: "pool", poolId: pool.Id, tab: "clients" })}>App clients</a> tab.
          </p>
        )}
        {list.length > 0 && (
          <div className="field branding-scope">
            <label htmlFor={pickId}>App client</label>
            <select id={pickId} value={clientId} onChange={(e) => setPicked(e.target.value)} data-testid="managed-login-client">
              {list.map((c) => (
                <option key={c.ClientId} value={c.ClientId}>
                  {c.ClientName} ({c.ClientId}){styles.data?.get(c.ClientId) ? " · has a style" : ""}
                </option>
              ))}
            </select>
          </div>
        )}
        {clientId !== undefined && (
          <QueryStatus query={style} errorTitle="Could not load the app client's style." loadingLabel="Loading the style…" />
        )}
        {client && style.data === null && (
          <CreateStyle
            key={client.ClientId}
            pool={pool}
            client={client}
            others={list.filter((c) => c.ClientId !== client.ClientId && styles.data?.get(c.ClientId))}
            styles={styles.data}
          />
        )}
        {client && style.data && (
          <StyleEditor key={`${style.data.ManagedLoginBrandingId}:${style.data.LastModifiedDate}`} pool={pool} client={client} style={style.data} />
        )}
      </Section>
    </div>
  );
}

/** A client without a style: create one from Poolhouse's defaults or as a copy of another's. */
function CreateStyle({
  pool,
  client,
  others,
  styles,
}: {
  pool: UserPool;
  client: Client;
  others: Client[];
  styles: Map<string, Style | null> | undefined;
}) {
  const toast = useToast();
  const qc = useQueryClient();
  const [from, setFrom] = useState("");
  const fromId = useId();
  const create = useFormAction(
    async () => {
      const source = from ? styles?.get(from) : undefined;
      return call("CreateManagedLoginBranding", {
        UserPoolId: pool.Id,
        ClientId: client.ClientId,
        // A copy of a style on Poolhouse's defaults is one on the defaults too.
        ...(source && !source.UseCognitoProvidedValues
          ? { ...(source.Settings ? { Settings: source.Settings } : {}), Assets: source.Assets }
          : { UseCognitoProvidedValues: true }),
      });
    },
    {
      fields: [],
      onSuccess: () => {
        toast(`Managed login style created for ${client.ClientName}`);
        void qc.invalidateQueries({ queryKey: ["managed-login", pool.Id] });
        void qc.invalidateQueries({ queryKey: ["managed-login-all", pool.Id] });
      },
    },
  );
  return (
    <Form className="managed-login-create" onSubmit={() => create.run()} data-testid="managed-login-create">
      <p data-testid="managed-login-none">
        <strong>{client.ClientName}</strong> has no managed login style: its pages look like Poolhouse&apos;s own.
      </p>
      <div className="field">
        <label htmlFor={fromId}>Start from</label>
        <select id={fromId} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="managed-login-from">
          <option value="">Poolhouse&apos;s defaults</option>
          {others.map((c) => (
            <option key={c.ClientId} value={c.ClientId}>
              A copy of {c.ClientName}&apos;s style
            </option>
          ))}
        </select>
      </div>
      {create.general && <ErrorBanner error={create.general} title="The style was not created." />}
      <div className="form-actions branding-css-actions">
        <Button type="submit" variant="primary" busy={create.busy} data-testid="managed-login-create-button">
          Create style
        </Button>
      </div>
    </Form>
  );
}

type Logo = { dataUrl: string; extension: AssetExtension; bytes: string } | null;

function logoOf(assets: readonly StyleAsset[]): Logo {
  const a = formLogo(assets);
  const dataUrl = a && assetDataUrl(a);
  return a && dataUrl && a.Bytes ? { dataUrl, extension: a.Extension, bytes: a.Bytes } : null;
}

function StyleEditor({ pool, client, style }: { pool: UserPool; client: Client; style: Style }) {
  const toast = useToast();
  const qc = useQueryClient();
  const [initial] = useState<Settings>(() => (style.Settings ?? {}) as Settings);
  const [settings, setSettings] = useState<Settings>(initial);
  const [initialLogo] = useState<Logo>(() => logoOf(style.Assets));
  const [logo, setLogo] = useState<Logo>(initialLogo);
  const [logoProblem, setLogoProblem] = useState<string>();
  const [confirm, setConfirm] = useState<"delete" | "reset" | null>(null);
  const logoChanged = logo?.dataUrl !== initialLogo?.dataUrl;
  const dirty = JSON.stringify(settings) !== JSON.stringify(initial) || logoChanged;
  const unsaved = useUnsavedGuard(dirty, "the managed login style");
  const changed = () => {
    void qc.invalidateQueries({ queryKey: ["managed-login", pool.Id] });
    void qc.invalidateQueries({ queryKey: ["managed-login-all", pool.Id] });
  };

  const members = [
    ...COLOR_FIELDS.flatMap((f) => SCHEMES.map((s) => memberOf(colorPath(f, s)))),
    ...LAYOUT_FIELDS.map((f) => memberOf(f.path)),
    "Settings",
    "Assets",
  ];
  const save = useFormAction(
    () =>
      call("UpdateManagedLoginBranding", {
        UserPoolId: pool.Id,
        ManagedLoginBrandingId: style.ManagedLoginBrandingId,
        Settings: settings,
        ...(logoChanged ? { Assets: assetsWithLogo(style.Assets, logo && { extension: logo.extension, bytes: logo.bytes }) } : {}),
      }),
    {
      fields: members,
      onSuccess: () => {
        toast(`Managed login style saved for ${client.ClientName}`);
        changed();
      },
    },
  );

  // The preview: the sheets the hosted pages derive from these settings, as the core derives them.
  const checked = useDebounced(settings, 250);
  const preview = useQuery({
    queryKey: ["managed-login-preview", JSON.stringify(checked)],
    queryFn: () => call("PreviewUICustomization", { CSS: "", Settings: checked }),
    retry: false,
    placeholderData: (prev) => prev,
  });
  const sheets = preview.data?.ManagedCSS;

  const setColor = (path: string[], v: string) => {
    setSettings((s) => setAt(s, path, v));
    save.discard();
  };

  const pick = (file: File | undefined) => {
    setLogoProblem(undefined);
    if (!file) return;
    const extension = logoExtension(file.type);
    if (!extension) {
      setLogoProblem("The pages show a PNG, JPEG or WebP logo; this file is none of them.");
      return;
    }
    if (file.size > MAX_ASSET_BYTES) {
      setLogoProblem(`The logo is ${Math.ceil(file.size / 1024)} KB; an asset is at most 1,000,000 bytes.`);
      return;
    }
    readDataUrl(file, (dataUrl) => setLogo({ dataUrl, extension, bytes: dataUrl.slice(dataUrl.indexOf(",") + 1) }));
  };

  const others = style.Assets.filter((a) => a !== formLogo(style.Assets));

  return (
    <>
      <Form
        className="branding-editor managed-login-editor"
        onSubmit={() => {
          if (save.check(settingsProblems(settings))) save.run();
        }}
        data-testid="managed-login-form"
      >
        {unsaved.prompt}
        <p className="hint" data-testid="managed-login-saved-at">
          Style <span className="mono">{style.ManagedLoginBrandingId}</span> · saved {formatDateTime(style.LastModifiedDate)}
          {style.UseCognitoProvidedValues && " · Poolhouse's defaults"}
        </p>
        <div className="branding-grid">
          <div className="branding-inputs">
            <table className="managed-colors" data-testid="managed-login-colors">
              <caption className="sr-only">Colours of the sign-in page, light and dark</caption>
              <thead>
                <tr>
                  <th scope="col">Colour</th>
                  <th scope="col">Light</th>
                  <th scope="col">Dark</th>
                </tr>
              </thead>
              <tbody>
                {COLOR_FIELDS.map((f) => (
                  <tr key={f.id}>
                    <th scope="row">{f.label}</th>
                    {SCHEMES.map((s) => (
                      <td key={s}>
                        <ColorInput
                          field={f}
                          scheme={s}
                          value={getAt(settings, colorPath(f, s))}
                          error={save.errors[memberOf(colorPath(f, s))]}
                          onChange={(v) => setColor(colorPath(f, s), v)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <LogoField
              name="Assets"
              error={logoProblem ?? save.errors.Assets}
              hint="Shown above the form (the FORM_LOGO asset): a PNG, JPEG or WebP image of at most 1 MB."
              accept="image/png,image/jpeg,image/webp"
              hasLogo={logo !== null}
              onFile={pick}
              onRemove={() => setLogo(null)}
              testIdPrefix="managed-login-logo"
            />
            {others.length > 0 && (
              <p className="hint" data-testid="managed-login-other-assets">
                Also kept: {others.map((a) => `${a.Category} (${a.ColorMode}, ${a.Extension})`).join(", ")}.
              </p>
            )}
            <fieldset className="managed-layout">
              <legend>Layout (kept for Cognito; Poolhouse&apos;s pages keep their own)</legend>
              {LAYOUT_FIELDS.map((f) => {
                const v = getAt(settings, f.path);
                const current = typeof v === "string" ? v : "";
                const options = current && !f.options.includes(current) ? [current, ...f.options] : f.options;
                return (
                  <Field key={f.id} label={f.label} name={memberOf(f.path)} error={save.errors[memberOf(f.path)]}>
                    {(p) => (
                      <select
                        {...p}
                        value={current}
                        onChange={(e) => setSettings((s) => setAt(s, f.path, e.target.value))}
                        data-testid={`managed-login-${f.id}`}
                      >
                        {current === "" && <option value="">Not set</option>}
                        {options.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                );
              })}
            </fieldset>
          </div>
          <div className="branding-previews" aria-label="Preview of the sign-in page">
            {sheets ? (
              <PreviewPair
                css={{ light: sheets.Light, dark: sheets.Dark }}
                logo={logo?.dataUrl}
                title={pool.Name}
                testIdPrefix="managed-login-preview"
              />
            ) : preview.error ? (
              <ErrorBanner error={toApiError(preview.error)} title="The preview could not be made." />
            ) : (
              <Spinner label="Making the preview…" />
            )}
          </div>
        </div>
        <SaveActions
          dirty={dirty}
          action={save}
          onDiscard={() => {
            setSettings(initial);
            setLogo(initialLogo);
            setLogoProblem(undefined);
          }}
          saveLabel="Save style"
          testId="save-managed-login"
        />
      </Form>
      <div className="form-actions managed-login-danger">
        <Button onClick={() => setConfirm("reset")} disabled={style.UseCognitoProvidedValues && style.Assets.length === 0} data-testid="managed-login-reset">
          Back to Poolhouse&apos;s defaults
        </Button>
        <Button variant="danger" onClick={() => setConfirm("delete")} data-testid="managed-login-delete">
          Delete style
        </Button>
      </div>
      {confirm === "delete" && (
        <ConfirmDialog
          title={`Delete ${client.ClientName}'s managed login style?`}
          confirmLabel="Delete style"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await call("DeleteManagedLoginBranding", { UserPoolId: pool.Id, ManagedLoginBrandingId: style.ManagedLoginBrandingId });
            toast(`Managed login style of ${client.ClientName} deleted`);
            changed();
          }}
        >
          <p>
            Its colours{logo ? ", its logo" : ""} and every asset go; the sign-in pages of <strong>{client.ClientName}</strong> look
            like Poolhouse&apos;s own until it has a style again.
          </p>
        </ConfirmDialog>
      )}
      {confirm === "reset" && (
        <ConfirmDialog
          title="Go back to Poolhouse's defaults?"
          confirmLabel="Use the defaults"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await call("UpdateManagedLoginBranding", {
              UserPoolId: pool.Id,
              ManagedLoginBrandingId: style.ManagedLoginBrandingId,
              UseCognitoProvidedValues: true,
            });
            toast(`${client.ClientName}'s style uses Poolhouse's defaults`);
            changed();
          }}
        >
          <p>The style&apos;s own colours, layout values and assets (its logo too) are replaced by Poolhouse&apos;s defaults.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** One colour of one scheme: a picker for the hue and the `RRGGBBAA` text Cognito stores. */
function ColorInput({
  field,
  scheme,
  value,
  error,
  onChange,
}: {
  field: ColorField;
  scheme: Scheme;
  value: unknown;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const id = useId();
  const text = typeof value === "string" ? value : "";
  const local = text === "" ? undefined : colorProblem(text);
  const problem = error ?? local;
  const schemeName = scheme === "lightMode" ? "light" : "dark";
  return (
    <div className={`managed-color${problem ? " field-invalid" : ""}`} data-field={memberOf(colorPath(field, scheme))}>
      <input
        type="color"
        value={pickerValue(text) ?? "#000000"}
        onChange={(e) => onChange(fromPicker(e.target.value, text))}
        aria-label={`${field.label}, ${schemeName}, picker`}
        tabIndex={-1}
      />
      <input
        className="mono"
        value={text}
        maxLength={8}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value.trim())}
        aria-label={`${field.label}, ${schemeName} (RRGGBBAA)`}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-error` : undefined}
        data-testid={`managed-color-${field.id}-${schemeName}`}
      />
      {problem && (
        <div className="field-error" id={`${id}-error`} role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}
