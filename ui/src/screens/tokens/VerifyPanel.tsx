import { useCallback, useEffect, useRef, useState } from "react";
import type { TokenCheck, UserPoolDescription, Verification, VerifyTokenRequest } from "../../api/types";
import { Button, ErrorBanner, Field, Form } from "../../components/ui";
import { placeError } from "../../lib/forms";
import {
  DEFAULT_VERIFY_FORM,
  VERIFY_FIELDS,
  checkLabel,
  hasChosenKeys,
  nowSeconds,
  sentence,
  verdictView,
  verifyRequest,
  verifySettingsKey,
  withoutCodeMarks,
  withoutError,
  type KeySource,
  type TokenUse,
  type VerifyForm,
} from "../../lib/inspector";
import { useAction } from "../../lib/useAction";
import { call, type ApiError } from "../../platform";
import { Prose } from "./DecodedView";
import { KeyText, PoolSelect, SecretFields, SourceRadios } from "./KeyFields";

/** How long the token must stay unchanged before it is verified again. */
const REVERIFY_DELAY_MS = 300;

const SOURCES: ReadonlyArray<{ value: KeySource; label: string }> = [
  { value: "pool", label: "Poolhouse user pool" },
  { value: "jwks", label: "JWKS" },
  { value: "url", label: "JWKS URL" },
  { value: "discover", label: "Discover from iss" },
  { value: "key", label: "Public key" },
  { value: "secret", label: "HMAC secret" },
];

/** Where the verification of the token in the box stands, for the verdict at the top of the inspector. */
export type VerdictState =
  | { kind: "none" }
  | { kind: "busy" }
  | { kind: "failed"; error: ApiError }
  | { kind: "done"; verification: Verification; stale: boolean };

type Verified = {
  /** The token text and the settings the answer is for. */
  forText: string;
  settings: string;
  result?: Verification;
  error?: ApiError;
};

/**
 * Where the keys come from, what to expect of the token, and the core's verdict with every
 * check. After a first Verify (or once keys are given), the verdict follows the token as it
 * changes; a verdict for another token or other settings is marked as such, never passed off.
 */
export function VerifyPanel({
  text,
  verifyAtOnce = false,
  pools,
  poolsError,
  onRetryPools,
  onVerdict,
}: {
  text: string;
  /** Told where the verification of the token now in the box stands, whenever that changes. */
  onVerdict?: (state: VerdictState) => void;
  /** Verify the token as soon as it is there (it was handed over to be inspected). */
  verifyAtOnce?: boolean;
  pools: readonly UserPoolDescription[] | undefined;
  poolsError: ApiError | undefined;
  onRetryPools: () => void;
}) {
  const [form, setForm] = useState<VerifyForm>(DEFAULT_VERIFY_FORM);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [verified, setVerified] = useState<Verified>();
  const { run: startVerify, reset: dropVerify, busy } = useAction((request: VerifyTokenRequest) => call("VerifyToken", request));
  const [armed, setArmed] = useState(verifyAtOnce);
  const formRef = useRef(form);
  useEffect(() => {
    formRef.current = form;
  });

  const set = <K extends keyof VerifyForm>(k: K, v: VerifyForm[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    const member = FIELD_OF[k];
    if (member) setLocal((l) => withoutError(l, member));
  };

  // Only the latest verification answers: a newer one, or input found wrong here, supersedes it.
  const run = useCallback(
    (token: string, f: VerifyForm) => {
      const built = verifyRequest(token, f, nowSeconds());
      if (!built.ok) {
        setLocal(built.errors);
        dropVerify();
        // The core's last refusal was about other input: only the messages found now are true.
        setVerified((v) => (v?.error ? undefined : v));
        return;
      }
      setLocal({});
      const settings = verifySettingsKey(f);
      startVerify(built.request, {
        onSuccess: (result) => setVerified({ forText: token, settings, result }),
        onError: (error) => setVerified({ forText: token, settings, error }),
      });
    },
    [startVerify, dropVerify],
  );

  // The verdict follows the token once the person has verified, or has given keys. Only a
  // change of token re-verifies: a half-typed key or issuer waits for the Verify button.
  const follows = armed || hasChosenKeys(form);
  const followsRef = useRef(follows);
  useEffect(() => {
    followsRef.current = follows;
  });
  useEffect(() => {
    if (!followsRef.current || text.trim() === "") return;
    const t = window.setTimeout(() => run(text, formRef.current), REVERIFY_DELAY_MS);
    return () => window.clearTimeout(t);
  }, [text, run]);

  const error = verified?.error;
  const placed = placeError(error, VERIFY_FIELDS, form.source === "pool" ? { ResourceNotFoundException: "UserPoolId" } : {});
  const fieldError = (member: string) => {
    const message = local[member] ?? placed.fields[member];
    return message === undefined ? undefined : withoutCodeMarks(message);
  };
  const result = verified?.result;
  const staleToken = verified !== undefined && verified.forText !== text;
  const staleSettings = verified !== undefined && verified.settings !== verifySettingsKey(form);
  const blank = text.trim() === "";

  const stale = staleToken || staleSettings;
  const failedWith = verified?.forText === text ? verified.error : undefined;
  const onVerdictRef = useRef(onVerdict);
  useEffect(() => {
    onVerdictRef.current = onVerdict;
  });
  useEffect(() => {
    const tell = onVerdictRef.current;
    if (!tell) return;
    if (busy) tell({ kind: "busy" });
    else if (result) tell({ kind: "done", verification: result, stale });
    else if (failedWith) tell({ kind: "failed", error: failedWith });
    else tell({ kind: "none" });
  }, [busy, result, stale, failedWith]);

  // A verdict asked for with the Verify button is scrolled into view when it arrives.
  const resultRef = useRef<HTMLDivElement>(null);
  const scrollToAnswer = useRef(false);
  useEffect(() => {
    if (!verified || !scrollToAnswer.current) return;
    scrollToAnswer.current = false;
    resultRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [verified]);

  return (
    <div className="verify-grid">
      <Form
        className="verify-form"
        data-testid="verify-form"
        onSubmit={() => {
          setArmed(true);
          scrollToAnswer.current = true;
          run(text, form);
        }}
      >
        <fieldset className="fieldset">
          <legend>Keys</legend>
          <SourceRadios
            name="verify-source"
            testIdPrefix="verify-source"
            label="Where the keys come from"
            options={SOURCES}
            value={form.source}
            onChange={(v) => set("source", v)}
          />
          {form.source === "pool" && (
            <PoolSelect
              pools={pools}
              value={form.poolId}
              onChange={(v) => set("poolId", v)}
              none="Find by the token's iss and kid (automatic)"
              hint="Automatic: the pool named by the token's iss, or the one that publishes its kid. Revocation is checked for Poolhouse's own sign-ins."
              error={fieldError("UserPoolId")}
              testId="verify-pool"
            />
          )}
          {form.source === "pool" && poolsError && (
            <ErrorBanner error={poolsError} onRetry={onRetryPools} title="Could not list the user pools." />
          )}
          {form.source === "jwks" && (
            <KeyText
              label="JWKS"
              name="Jwks"
              rows={5}
              placeholder='{"keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}]}'
              hint="The JSON document a .well-known/jwks.json URL answers."
              value={form.jwks}
              onChange={(v) => set("jwks", v)}
              error={fieldError("Jwks")}
              testId="verify-jwks"
            />
          )}
          {form.source === "url" && (
            <Field
              label="JWKS URL"
              name="JwksUrl"
              error={fieldError("JwksUrl")}
              hint="Poolhouse fetches it from this computer when you verify: the only network call the inspector makes, and only when you choose it."
            >
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="https://issuer.example/.well-known/jwks.json"
                  value={form.jwksUrl}
                  onChange={(e) => set("jwksUrl", e.target.value)}
                  data-testid="verify-jwks-url"
                />
              )}
            </Field>
          )}
          {form.source === "discover" && (
            <div>
              <p className="muted">
                Poolhouse fetches <span className="mono">&lt;iss&gt;/.well-known/openid-configuration</span> and the{" "}
                <span className="mono">jwks_uri</span> it names, from this computer, when you verify.
              </p>
              {fieldError("Discover") && (
                <p className="field-error" role="alert" data-testid="verify-discover-error">
                  {fieldError("Discover")}
                </p>
              )}
            </div>
          )}
          {form.source === "key" && (
            <KeyText
              label="Public key, JWK or certificate"
              name="Key"
              rows={5}
              placeholder={"-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----"}
              hint="PEM (-----BEGIN PUBLIC KEY----- or RSA PUBLIC KEY), an X.509 certificate, or a JWK. A private key works too: its public half is used."
              value={form.key}
              onChange={(v) => set("key", v)}
              error={fieldError("Key")}
              testId="verify-key"
            />
          )}
          {form.source === "secret" && (
            <SecretFields
              secret={form.secret}
              encoding={form.secretEncoding}
              onSecret={(v) => set("secret", v)}
              onEncoding={(v) => set("secretEncoding", v)}
              fieldError={fieldError}
              hint="For HS256, HS384 and HS512 tokens."
              testId="verify-secret"
            />
          )}
        </fieldset>
        <fieldset className="fieldset">
          <legend>Expect</legend>
          <div className="grid-2">
            <Field label="Issuer (iss)" name="ExpectedIssuer" error={fieldError("ExpectedIssuer")} hint="Blank: the pool's issuer when its keys are used, else any.">
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  spellCheck={false}
                  autoComplete="off"
                  value={form.issuer}
                  onChange={(e) => set("issuer", e.target.value)}
                  data-testid="verify-issuer"
                />
              )}
            </Field>
            <Field label="App client ID" name="ExpectedClientId" error={fieldError("ExpectedClientId")} hint="aud of ID tokens, client_id of access tokens.">
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  spellCheck={false}
                  autoComplete="off"
                  value={form.clientId}
                  onChange={(e) => set("clientId", e.target.value)}
                  data-testid="verify-client-id"
                />
              )}
            </Field>
            <Field label="Token use" name="ExpectedTokenUse" error={fieldError("ExpectedTokenUse")}>
              {(p) => (
                <select {...p} value={form.tokenUse} onChange={(e) => set("tokenUse", e.target.value as TokenUse)} data-testid="verify-token-use">
                  <option value="">Any</option>
                  <option value="id">ID token (token_use id)</option>
                  <option value="access">Access token (token_use access)</option>
                </select>
              )}
            </Field>
            <Field
              label="Clock skew (seconds)"
              name="SkewSeconds"
              error={fieldError("SkewSeconds")}
              hint="Leeway on exp, nbf and iat; 0 to 86400."
            >
              {(p) => (
                <input
                  {...p}
                  className="input-narrow"
                  inputMode="numeric"
                  placeholder="0"
                  value={form.skew}
                  onChange={(e) => set("skew", e.target.value)}
                  data-testid="verify-skew"
                />
              )}
            </Field>
          </div>
        </fieldset>
        {placed.general && <ErrorBanner error={placed.general} title="Could not verify." />}
        {local.Token && (
          <div className="field-error" role="alert">
            {local.Token}
          </div>
        )}
        <div className="form-actions verify-actions">
          <span className="hint form-actions-note">
            {blank ? "Paste a token above to verify it." : follows ? "Verified again as the token changes." : "Checks the signature, times, issuer, audience and use."}
          </span>
          <Button type="submit" variant="primary" busy={busy} disabled={blank} data-testid="verify-submit">
            Verify
          </Button>
        </div>
      </Form>
      <div className="verify-result" aria-live="polite" ref={resultRef} data-testid="verify-result">
        {!result && !busy && (
          <div className="verify-placeholder" data-testid="verify-placeholder">
            <strong>No verdict yet.</strong>
            <p className="hint">
              Decoding only reads what a token says. Verify checks it against keys: a Poolhouse pool's (found automatically),
              a JWKS, a public key or a secret.
            </p>
          </div>
        )}
        {!result && busy && <p className="hint">Verifying…</p>}
        {result && (
          <div className={staleToken || staleSettings ? "dimmed" : undefined} data-testid="verify-outcome">
            {(staleToken || staleSettings) && (
              <p className="stale-note" data-testid="verify-stale">
                {staleToken ? "This verdict is for the token as it was before your last edit." : "The keys or expectations changed since this verdict."}{" "}
                {!busy && "Press Verify to check again."}
              </p>
            )}
            <VerdictBanner verification={result} />
            <ChecksList checks={result.Checks} />
          </div>
        )}
      </div>
    </div>
  );
}

/** The request member each form field fills, to clear its local error when it is edited. */
const FIELD_OF: Partial<Record<keyof VerifyForm, string>> = {
  poolId: "UserPoolId",
  jwks: "Jwks",
  key: "Key",
  secret: "Secret",
  issuer: "ExpectedIssuer",
  clientId: "ExpectedClientId",
  tokenUse: "ExpectedTokenUse",
  skew: "SkewSeconds",
};

export function VerdictIcon({ tone }: { tone: string }) {
  // Drawn, not an emoji, so it looks the same everywhere.
  switch (tone) {
    case "ok":
      return (
        <svg viewBox="0 0 20 20" className="verdict-icon" aria-hidden="true">
          <circle cx="10" cy="10" r="9" fill="currentColor" />
          <path d="M5.5 10.5l3 3 6-7" fill="none" stroke="#fff" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      );
    case "attack":
      return (
        <svg viewBox="0 0 20 20" className="verdict-icon" aria-hidden="true">
          <path d="M10 1.5l7 2.6v5.1c0 4.3-2.9 7.9-7 9.3-4.1-1.4-7-5-7-9.3V4.1z" fill="currentColor" />
          <path d="M10 5.5v5.2" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
          <circle cx="10" cy="14" r="1.3" fill="#fff" />
        </svg>
      );
    case "bad":
      return (
        <svg viewBox="0 0 20 20" className="verdict-icon" aria-hidden="true">
          <circle cx="10" cy="10" r="9" fill="currentColor" />
          <path d="M6.5 6.5l7 7M13.5 6.5l-7 7" stroke="#fff" strokeWidth="2" strokeLinecap="round" />
        </svg>
      );
    default:
      return (
        <svg viewBox="0 0 20 20" className="verdict-icon" aria-hidden="true">
          <circle cx="10" cy="10" r="9" fill="currentColor" />
          <path d="M6 10h8" stroke="#fff" strokeWidth="2" strokeLinecap="round" />
        </svg>
      );
  }
}

function VerdictBanner({ verification }: { verification: Verification }) {
  const header = verification.Decoded.Header;
  const alg = typeof header === "object" && header !== null && !Array.isArray(header) && typeof header.alg === "string" ? header.alg : undefined;
  const view = verdictView(verification.Verdict, verification.Checks, alg);
  return (
    <>
      <div className={`verdict verdict-${view.tone}`} role="status" data-testid="verdict" data-verdict={verification.Verdict}>
        <VerdictIcon tone={view.tone} />
        <div>
          <div className="verdict-title">{view.title}</div>
          {view.detail && <div className="verdict-detail">{view.detail}</div>}
        </div>
      </div>
      <div className="key-source" data-testid="verify-key-source">
        <span className="muted">Keys:</span> {verification.KeySource || "none"}
      </div>
      {verification.KeyNotes.length > 0 && (
        <ul className="finding-list finding-notes" data-testid="verify-key-notes">
          {verification.KeyNotes.map((n, i) => (
            <li key={i}>
              <Prose text={sentence(n)} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const RESULT_LABEL: Record<string, { label: string; tone: string }> = {
  pass: { label: "Pass", tone: "ok" },
  fail: { label: "Fail", tone: "bad" },
  warning: { label: "Warning", tone: "warn" },
  skipped: { label: "Skipped", tone: "off" },
};

function ChecksList({ checks }: { checks: readonly TokenCheck[] }) {
  return (
    <ol className="checklist" data-testid="checklist">
      {checks.map((c) => {
        const r = c.IsAttack ? { label: "Attack", tone: "attack" } : (RESULT_LABEL[c.Result] ?? { label: c.Result, tone: "off" });
        return (
          <li
            key={c.Name}
            className={`check-row${c.IsAttack ? " check-attack" : ""}`}
            data-testid="check-row"
            data-check={c.Name}
            data-result={c.Result}
            data-attack={c.IsAttack ? "true" : undefined}
          >
            <span className={`pill pill-${r.tone} check-badge`}>{r.label}</span>
            <div className="check-body">
              <div className="check-name">
                {checkLabel(c.Name)}
                {c.Key && (
                  <span className="check-key muted" title={c.Key}>
                    {" "}
                    · {c.Key}
                  </span>
                )}
              </div>
              <div className="check-reason" data-testid="check-reason">
                <Prose text={sentence(c.Reason)} />
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
