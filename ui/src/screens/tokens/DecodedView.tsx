import type { ClaimRow, DecodedToken, JsonValue } from "../../api/types";
import { CopyButton, Heading } from "../../components/ui";
import { formatDateTimeSeconds, plural } from "../../lib/format";
import { codeSpans, sentence, timeTone, utcLabel } from "../../lib/inspector";

/** The core's text, with its `code` spans shown as code. */
export function Prose({ text }: { text: string }) {
  return (
    <>
      {codeSpans(text).map((p, i) =>
        p.code ? (
          <code key={i} className="prose-code">
            {p.text}
          </code>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

const KIND_LABEL: Record<string, string> = {
  Jws: "Signed JWT (JWS)",
  Unsigned: "Unsigned token (alg: none)",
  Jwe: "Encrypted token (JWE)",
  NotAToken: "Not a token",
};

const MALFORMED_LABEL: Record<string, string> = {
  Jws: "Malformed JWS",
  Unsigned: "Malformed unsigned token",
  Jwe: "Malformed JWE",
};

function headerString(decoded: DecodedToken, name: string): string | undefined {
  const h = decoded.Header;
  if (typeof h !== "object" || h === null || Array.isArray(h)) return undefined;
  const v = h[name];
  return typeof v === "string" ? v : undefined;
}

function payloadString(decoded: DecodedToken, name: string): string | undefined {
  const p = decoded.Payload;
  if (typeof p !== "object" || p === null || Array.isArray(p)) return undefined;
  const v = p[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * One line on what the input is: its kind, algorithm, key id, and whether it is a test token.
 * `verified`: a verdict for this token is shown at the top, so "not verified" would contradict it.
 */
export function TokenSummary({ decoded, verified = false }: { decoded: DecodedToken; verified?: boolean }) {
  let inner = decoded;
  while (inner.Nested) inner = inner.Nested;
  const alg = headerString(decoded, "alg");
  const kid = headerString(decoded, "kid");
  const use = payloadString(inner, "token_use");
  const isTest = [decoded, inner].some((d) => d.Findings.some((f) => f.Code === "TestToken"));
  // Shaped like a token but unreadable past some point: the core's verdict is "not a token".
  const broken = decoded.Problem !== undefined && decoded.Kind !== "NotAToken";
  const tone = broken ? "bad" : decoded.Kind === "Jws" ? "info" : decoded.Kind === "Jwe" ? "warn" : "bad";
  const label = broken ? (MALFORMED_LABEL[decoded.Kind] ?? "Malformed token") : (KIND_LABEL[decoded.Kind] ?? decoded.Kind);
  return (
    <div className="token-summary" data-testid="token-summary" data-kind={decoded.Kind}>
      <span className={`pill pill-${tone}`} data-testid="token-kind">
        {label}
      </span>
      {alg && (
        <span className="token-summary-item">
          alg <code>{alg}</code>
        </span>
      )}
      {kid && (
        <span className="token-summary-item" title={kid}>
          kid <code className="token-summary-kid">{kid}</code>
        </span>
      )}
      {use && (
        <span className="pill pill-off" title="The token_use claim">
          {use === "id" ? "ID token" : use === "access" ? "Access token" : `token_use ${use}`}
        </span>
      )}
      {decoded.Nested && <span className="pill pill-off">Nested JWT</span>}
      {isTest && (
        <span className="pill pill-warn" data-testid="token-test-badge" title="Made by Poolhouse's encoder: its header has poolhouse:test">
          Test token
        </span>
      )}
      {decoded.Kind !== "NotAToken" && !broken && !verified && (
        <span className="muted token-summary-note" title="Decoding reads what the token says; only Verify says whether to believe it.">
          Decoded, not verified
        </span>
      )}
    </div>
  );
}

/**
 * What decoding found, most serious first: the input is not a token (and where reading
 * stopped), it is unsigned or encrypted, then the other warnings, then how the input was read.
 */
export function DecodeFindings({ decoded }: { decoded: DecodedToken }) {
  const warnings = decoded.Findings.filter((f) => f.IsWarning && f.Code !== "Unsigned" && f.Code !== "Encrypted");
  const notes = decoded.Findings.filter((f) => !f.IsWarning && f.Code !== "TestToken");
  const unsigned = decoded.Findings.find((f) => f.Code === "Unsigned");
  const encrypted = decoded.Findings.find((f) => f.Code === "Encrypted");
  const problem = decoded.Problem;
  return (
    <div className="decode-findings" data-testid="decode-findings">
      {problem && (
        <div className="notice notice-bad inspector-notice" role="alert" data-testid="token-problem" data-code={problem.Code}>
          <div>
            <strong>{decoded.Kind === "NotAToken" ? "Not a token." : "Not a token: it has the shape of one, but cannot be read."}</strong>
            <div className="notice-text">
              <Prose text={sentence(problem.Message)} />
            </div>
            {problem.Part !== undefined && <div className="hint">Reading stopped in part {problem.Part} of the token.</div>}
          </div>
        </div>
      )}
      {unsigned && (
        <div className="notice notice-bad inspector-notice" role="alert" data-testid="token-unsigned">
          <div>
            <strong>Unsigned: anyone could have written this token.</strong>
            <div className="notice-text">
              <Prose text={sentence(unsigned.Message)} /> A verifier must refuse it.
            </div>
          </div>
        </div>
      )}
      {encrypted && (
        <div className="notice notice-warn inspector-notice" data-testid="token-encrypted">
          <div>
            <strong>Encrypted (JWE): the claims cannot be read here.</strong>
            <div className="notice-text">
              <Prose text={sentence(encrypted.Message)} />
            </div>
          </div>
        </div>
      )}
      {warnings.length > 0 && (
        <ul className="finding-list finding-warnings" data-testid="token-warnings">
          {warnings.map((f, i) => (
            <li key={`${f.Code}-${i}`} data-code={f.Code}>
              <span className="pill pill-warn">Warning</span> <Prose text={sentence(f.Message)} />
            </li>
          ))}
        </ul>
      )}
      {notes.length > 0 && (
        <ul className="finding-list finding-notes" data-testid="token-notes">
          {notes.map((f, i) => (
            <li key={`${f.Code}-${i}`} data-code={f.Code}>
              <Prose text={sentence(f.Message)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function JsonBlock({ title, json, testId, copyLabel }: { title: string; json: string; testId: string; copyLabel: string }) {
  return (
    <div className="json-block">
      <div className="json-block-header">
        <Heading>{title}</Heading>
        <CopyButton text={json} label={copyLabel} />
      </div>
      <pre className="json" data-testid={testId}>
        {json}
      </pre>
    </div>
  );
}

/** The header and payload as the token has them (member order kept), with copy buttons. */
export function DecodedParts({ decoded, testIdPrefix }: { decoded: DecodedToken; testIdPrefix: string }) {
  return (
    <div className="decoded-parts">
      {decoded.HeaderJson !== undefined && (
        <JsonBlock title="Header" json={decoded.HeaderJson} testId={`${testIdPrefix}-header`} copyLabel="Copy header" />
      )}
      {decoded.PayloadJson !== undefined && (
        <JsonBlock title="Payload" json={decoded.PayloadJson} testId={`${testIdPrefix}-payload`} copyLabel="Copy payload" />
      )}
      {decoded.PayloadJson === undefined && decoded.PayloadText !== undefined && (
        <div className="json-block">
          <div className="json-block-header">
            <Heading>{decoded.Nested ? "Payload (the inner token)" : "Payload (text, not JSON)"}</Heading>
            <CopyButton text={decoded.PayloadText} label="Copy payload" />
          </div>
          <pre className="json json-text" data-testid={`${testIdPrefix}-payload-text`}>
            {decoded.PayloadText}
          </pre>
        </div>
      )}
      {decoded.HeaderJson !== undefined && decoded.PayloadJson === undefined && decoded.PayloadText === undefined && (
        <p className="hint">{decoded.Kind === "Jwe" ? "The payload is encrypted." : "The payload could not be read."}</p>
      )}
      {decoded.SignatureLength !== undefined && (
        <p className="hint signature-line">
          Signature: {decoded.SignatureLength === 0 ? "empty" : plural(decoded.SignatureLength, "byte")}
        </p>
      )}
    </div>
  );
}

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "this computer's time zone";
  } catch {
    return "this computer's time zone";
  }
}

function valueText(v: JsonValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function ClaimTimes({ row, now }: { row: ClaimRow; now: number }) {
  if (row.Seconds === undefined) return null;
  const tone = timeTone(row.Name, row.Seconds, now);
  return (
    <div className="claim-times">
      {row.Utc && <span data-testid="claim-utc">{utcLabel(row.Utc)}</span>}
      <span data-testid="claim-local" title={`Local time: ${localZone()}`}>
        {formatDateTimeSeconds(row.Seconds)} local
      </span>
      {row.Relative && (
        <span className={`pill pill-${tone ?? "off"} claim-relative`} data-testid="claim-relative">
          {row.Relative}
        </span>
      )}
    </div>
  );
}

/** Each claim with its value and what it means; times in UTC, local time and relative to now. */
export function ClaimsTable({ claims, now, testId = "claims-table" }: { claims: readonly ClaimRow[]; now: number; testId?: string }) {
  if (claims.length === 0) return <p className="hint">No claims to show.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact claims-table" data-testid={testId}>
        <thead>
          <tr>
            <th>Claim</th>
            <th>Value</th>
            <th>Meaning</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => (
            <tr key={c.Name} data-testid="claim-row" data-claim={c.Name}>
              <td className="claim-name mono">{c.Name}</td>
              <td className="claim-value">
                <span className="mono" data-testid="claim-value">
                  {valueText(c.Value)}
                </span>
                <ClaimTimes row={c} now={now} />
                {c.Problem && (
                  <div className="field-error">
                    <Prose text={sentence(c.Problem)} />
                  </div>
                )}
              </td>
              <td className="claim-meaning">{c.Meaning ? <Prose text={c.Meaning} /> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The decoded parts beside the claims table; a nested token's inner token below, the same way. */
export function DecodedTokenView({ decoded, depth = 0 }: { decoded: DecodedToken; depth?: number }) {
  const prefix = depth === 0 ? "decoded" : `nested-${depth}`;
  const hasParts = decoded.HeaderJson !== undefined || decoded.PayloadText !== undefined;
  return (
    <>
      {hasParts && (
        <div className="decoded-grid">
          <DecodedParts decoded={decoded} testIdPrefix={prefix} />
          <div className="decoded-claims">
            <Heading>Claims</Heading>
            {decoded.Claims.length > 0 ? (
              <ClaimsTable claims={decoded.Claims} now={decoded.Now} testId={depth === 0 ? "claims-table" : `${prefix}-claims`} />
            ) : (
              <p className="hint">
                {decoded.Nested
                  ? "This token's payload is another token: its claims are below."
                  : decoded.Problem
                    ? "No claims could be read: reading stopped first (see above)."
                    : decoded.Kind === "Jwe"
                    ? "An encrypted token's claims are only readable with the recipient's private key."
                    : "The payload is not a JSON object, so there are no claims."}
              </p>
            )}
          </div>
        </div>
      )}
      {decoded.Nested && (
        <div className="nested-token" data-testid={`nested-${depth + 1}`}>
          <Heading>Inner token</Heading>
          <TokenSummary decoded={decoded.Nested} />
          <DecodeFindings decoded={decoded.Nested} />
          <DecodedTokenView decoded={decoded.Nested} depth={depth + 1} />
        </div>
      )}
    </>
  );
}
