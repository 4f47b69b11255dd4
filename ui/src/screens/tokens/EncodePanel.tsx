import { useEffect, useRef, useState } from "react";
import type { EncodeTestTokenRequest, TestToken, UserPoolDescription } from "../../api/types";
import { Button, CopyButton, ErrorBanner, Field, Form } from "../../components/ui";
import { KeyText, PoolSelect, SecretFields, SourceRadios } from "./KeyFields";
import { formatDateTimeSeconds } from "../../lib/format";
import { placeError } from "../../lib/forms";
import {
  DEFAULT_ENCODE_FORM,
  ENCODE_FIELDS,
  SIGNING_ALGORITHMS,
  encodeRequest,
  expiryWording,
  nowSeconds,
  withoutCodeMarks,
  withoutError,
  type EncodeForm,
  type SignWith,
} from "../../lib/inspector";
import { useAction } from "../../lib/useAction";
import { call } from "../../platform";

const SIGN_WITH: ReadonlyArray<{ value: SignWith; label: string }> = [
  { value: "pool", label: "A user pool's key" },
  { value: "key", label: "Private key" },
  { value: "secret", label: "HMAC secret" },
];

/** The request member each field fills, to clear its error when it is edited. */
const MEMBER_OF: Partial<Record<keyof EncodeForm, string>> = {
  claims: "Claims",
  expiresIn: "ExpiresIn",
  algorithm: "Algorithm",
  poolId: "UserPoolId",
  key: "Key",
  secret: "Secret",
  secretEncoding: "SecretEncoding",
  kid: "Kid",
};

function claimNumber(t: TestToken, name: string): number | undefined {
  const c = t.Claims;
  if (typeof c !== "object" || c === null || Array.isArray(c)) return undefined;
  const v = c[name];
  return typeof v === "number" ? v : undefined;
}

/**
 * Signs claims into a test token (EncodeTestToken). The core marks every such token in its
 * header (`poolhouse:test`), and the inspector says so whenever one is pasted.
 */
export function EncodePanel({
  pools,
  onInspect,
}: {
  pools: readonly UserPoolDescription[] | undefined;
  onInspect: (token: string) => void;
}) {
  const [form, setForm] = useState<EncodeForm>(DEFAULT_ENCODE_FORM);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [made, setMade] = useState<{ token: TestToken; at: number }>();
  // The token made is below the form, often below the window: it is brought into view.
  const resultRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (made) resultRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [made]);
  const encode = useAction((r: { request: EncodeTestTokenRequest; at: number }) => call("EncodeTestToken", r.request), {
    onSuccess: (token, r) => setMade({ token, at: r.at }),
  });
  const placed = placeError(encode.error, ENCODE_FIELDS, form.signWith === "pool" ? { ResourceNotFoundException: "UserPoolId" } : {});
  const fieldError = (member: string) => {
    const message = local[member] ?? placed.fields[member];
    return message === undefined ? undefined : withoutCodeMarks(message);
  };

  const set = <K extends keyof EncodeForm>(k: K, v: EncodeForm[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    const member = MEMBER_OF[k];
    if (member && (local[member] || placed.fields[member])) {
      setLocal((l) => withoutError(l, member));
      if (encode.error?.field === member) encode.reset();
    }
  };

  const submit = () => {
    const now = nowSeconds();
    const built = encodeRequest(form, now);
    if (!built.ok) {
      setLocal(built.errors);
      return;
    }
    setLocal({});
    encode.run({ request: built.request, at: now });
  };

  const exp = made ? claimNumber(made.token, "exp") : undefined;

  return (
    <Form
      data-testid="encode-form"
      onSubmit={submit}
    >
      <div className="encode-grid">
        <Field
          label="Claims (JSON)"
          name="Claims"
          error={fieldError("Claims")}
          hint="iat is added when absent; exp comes from Expires in unless given here."
        >
          {(p) => (
            <textarea
              {...p}
              className="mono claims-editor"
              rows={9}
              spellCheck={false}
              autoComplete="off"
              value={form.claims}
              onChange={(e) => set("claims", e.target.value)}
              data-testid="encode-claims"
            />
          )}
        </Field>
        <div>
          <div className="row">
            <Field label="Expires in" name="ExpiresIn" error={fieldError("ExpiresIn")} hint="+30m, 2h, 7d, -5m (already expired).">
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="+1h"
                  value={form.expiresIn}
                  onChange={(e) => set("expiresIn", e.target.value)}
                  data-testid="encode-expires-in"
                />
              )}
            </Field>
            <Field label="Algorithm" name="Algorithm" error={fieldError("Algorithm")}>
              {(p) => (
                <select {...p} value={form.algorithm} onChange={(e) => set("algorithm", e.target.value)} data-testid="encode-algorithm">
                  <option value="">The key's own (RS256, ES…, EdDSA, HS256)</option>
                  {SIGNING_ALGORITHMS.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <fieldset className="fieldset">
            <legend>Sign with</legend>
            <SourceRadios
              name="encode-sign-with"
              testIdPrefix="encode-sign"
              label="Sign with"
              options={SIGN_WITH}
              value={form.signWith}
              onChange={(v) => set("signWith", v)}
            />
            {form.signWith === "pool" && (
              <PoolSelect
                pools={pools}
                value={form.poolId}
                onChange={(v) => set("poolId", v)}
                none={pools && pools.length === 0 ? "No user pools yet" : "Choose a pool…"}
                hint="Its current ID-token key when token_use is id, else its access-token key; the pool's issuer goes in iss unless the claims name one. Recorded in the audit log."
                error={fieldError("UserPoolId")}
                testId="encode-pool"
              />
            )}
            {form.signWith === "key" && (
              <KeyText
                label="Private key"
                name="Key"
                rows={4}
                placeholder={"-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"}
                hint="PEM (PKCS#8, PKCS#1 or SEC1) or a private JWK."
                value={form.key}
                onChange={(v) => set("key", v)}
                error={fieldError("Key")}
                testId="encode-key"
              />
            )}
            {form.signWith === "secret" && (
              <SecretFields
                secret={form.secret}
                encoding={form.secretEncoding}
                onSecret={(v) => set("secret", v)}
                onEncoding={(v) => set("secretEncoding", v)}
                fieldError={fieldError}
                testId="encode-secret"
              />
            )}
            {form.signWith !== "pool" && (
              <Field label="Key ID (kid)" name="Kid" error={fieldError("Kid")} hint="Optional: put in the header so a JWKS lookup can find the key.">
                {(p) => (
                  <input
                    {...p}
                    className="mono"
                    spellCheck={false}
                    autoComplete="off"
                    value={form.kid}
                    onChange={(e) => set("kid", e.target.value)}
                    data-testid="encode-kid"
                  />
                )}
              </Field>
            )}
          </fieldset>
        </div>
      </div>
      {placed.general && <ErrorBanner error={placed.general} title="Could not make the test token." />}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={encode.busy} data-testid="encode-submit">
          Encode test token
        </Button>
      </div>
      {made && (
        <div className="test-token" data-testid="encode-result" ref={resultRef}>
          <div className="test-token-header">
            <span className="pill pill-warn">Test token</span>
            <span className="mono">{made.token.Algorithm}</span>
            {exp !== undefined && (
              <span className="muted" title={formatDateTimeSeconds(exp)}>
                {expiryWording(exp, made.at)}
              </span>
            )}
            <div className="toolbar-spacer" />
            <CopyButton text={made.token.Token} label="Copy token" />
            <Button className="btn-small" onClick={() => onInspect(made.token.Token)} data-testid="encode-inspect">
              Open in inspector
            </Button>
          </div>
          <code className="test-token-text" data-testid="encode-token">
            {made.token.Token}
          </code>
          <p className="hint">
            For tests only. Its header carries <code>"poolhouse:test": true</code>, which the inspector points out and
            Poolhouse's own token operations (GetUser and the rest) refuse; other verifiers do not look at it, so treat the
            token like any other that its key signs.
          </p>
        </div>
      )}
    </Form>
  );
}
