import type { Operations } from "../../api/types";
import { CopyButton } from "../../components/ui";
import { formatDateTimeSeconds } from "../../lib/format";
import { countdownLabel, countdownTone, formatMs, maskForDisplay, prettyBody, secondsLeft } from "../../lib/exchange";
import { openInInspector } from "../../lib/handoff";
import { useNow } from "../../lib/useNow";

export type Run = Operations["RunExchange"]["output"];
type Step = NonNullable<Run["Steps"]>[number];
type Message = Step["Request"];

/** The vended credentials' expiry, counting down every second. */
export function Countdown({ expiration }: { expiration: number }) {
  const now = useNow(1000);
  const left = secondsLeft(expiration, now);
  const tone = countdownTone(left);
  return (
    <span className={`exchange-countdown exchange-countdown-${tone}`} data-testid="credentials-countdown" data-seconds={left} aria-live="off">
      {left > 0 ? `expires in ${countdownLabel(left)}` : "expired"}
      <span className="muted"> ({formatDateTimeSeconds(expiration)})</span>
    </span>
  );
}

function MessageView({ m, title }: { m: Message; title: string }) {
  return (
    <div className="exchange-message">
      <div className="exchange-message-title">
        {title}
        {m.Method !== undefined && (
          <>
            {" "}
            <code>{m.Method}</code> <span className="mono exchange-url">{m.Url}</span>
          </>
        )}
        {m.Status !== undefined && (
          <>
            {" "}
            <span className={`pill ${m.Status < 400 ? "pill-ok" : "pill-bad"}`}>HTTP {m.Status}</span>
          </>
        )}
      </div>
      {m.Headers.length > 0 && (
        <dl className="exchange-headers mono">
          {m.Headers.map((h, i) => (
            <div key={`${h.Name}-${i}`}>
              <dt>{h.Name}:</dt> <dd>{h.Value}</dd>
            </div>
          ))}
        </dl>
      )}
      {m.Body !== "" && <pre className="exchange-body mono">{prettyBody(m.Body)}</pre>}
    </div>
  );
}

function StepView({ step, index, failed }: { step: Step; index: number; failed: boolean }) {
  return (
    <li className={`exchange-step${failed ? " exchange-step-failed" : ""}`} data-testid="exchange-step" data-operation={step.Operation}>
      <details open={failed}>
        <summary>
          <span className="exchange-step-n">{index + 1}</span>
          <strong>{step.Operation}</strong> <span className="muted">{step.Service}</span>
          {step.SignedWith !== undefined && <span className="muted"> · signed with {step.SignedWith}</span>}
          <span className="exchange-step-time">
            +{formatMs(step.StartedMs)} · {formatMs(step.ElapsedMs)}
          </span>
          {step.Error ? <span className="pill pill-bad">{step.Error.Code}</span> : step.Response ? <span className="pill pill-ok">OK</span> : null}
        </summary>
        <MessageView m={step.Request} title="Request" />
        {step.Response ? <MessageView m={step.Response} title="Response" /> : <p className="muted">No answer came.</p>}
        {step.Error && (
          <p className="field-error">
            <code>{step.Error.Code}</code>: {step.Error.Message}
          </p>
        )}
      </details>
    </li>
  );
}

/** One run: the outcome, the role, the credentials counting down, the caller, the steps, the tokens. */
export function RunView({ run, why }: { run: Run; why?: React.ReactNode }) {
  return (
    <section className="exchange-run" aria-labelledby="exchange-run-title" data-testid="exchange-run" data-succeeded={run.Succeeded}>
      <h2 id="exchange-run-title" className="section-title">
        Run {run.RunId.slice(0, 8)} · {run.Flow.toLowerCase()} flow on {run.BackendName}
        <span className="muted exchange-run-time"> · {formatMs(run.ElapsedMs)}</span>
      </h2>
      {run.Succeeded ? (
        <div className="verdict verdict-ok" data-testid="exchange-outcome">
          <div>
            <div className="verdict-title">Credentials proven: GetCallerIdentity answered with them.</div>
            {run.Caller && (
              <div className="verdict-detail" data-testid="exchange-caller">
                Caller <span className="mono">{run.Caller.Arn}</span> (account {run.Caller.Account}, user id <span className="mono">{run.Caller.UserId}</span>)
              </div>
            )}
          </div>
        </div>
      ) : (
        <div className="verdict verdict-bad" data-testid="exchange-outcome">
          <div>
            <div className="verdict-title">
              Failed at step {run.Failure ? run.Failure.Step + 1 : "?"} ({run.Failure?.Operation}): <code className="exchange-code">{run.Failure?.Code}</code>
            </div>
            <div className="verdict-detail">{run.Failure?.Message}</div>
          </div>
        </div>
      )}
      <dl className="facts exchange-facts">
        {run.IdentityId !== undefined && (
          <div className="fact">
            <dt>Identity</dt>
            <dd className="mono" data-testid="exchange-identity">
              {run.IdentityId} <CopyButton text={run.IdentityId} label="Copy" />
            </dd>
          </div>
        )}
        {run.RoleArn !== undefined && (
          <div className="fact">
            <dt>Role</dt>
            <dd className="mono" data-testid="exchange-role">
              {run.RoleArn}
            </dd>
          </div>
        )}
        {run.Credentials && (
          <div className="fact">
            <dt>Credentials</dt>
            <dd>
              <span className="mono" data-testid="exchange-key">
                {run.Credentials.AccessKeyId}
              </span>{" "}
              {run.Credentials.Expiration !== undefined && <Countdown expiration={run.Credentials.Expiration} />}
            </dd>
          </div>
        )}
      </dl>
      {why}
      {run.Tokens && run.Tokens.length > 0 && (
        <div className="exchange-tokens">
          <h3 className="exchange-sub">Tokens on the way</h3>
          <ul>
            {run.Tokens.map((t) => (
              <li key={t.Number} data-testid="exchange-token" data-name={t.Name}>
                <span>
                  token #{t.Number} · <strong>{t.Name}</strong> <span className="muted">(step {t.Step + 1})</span>{" "}
                  <span className="mono muted">{maskForDisplay(t.Value)}</span>
                </span>{" "}
                <button type="button" className="link-button" onClick={() => openInInspector(t.Value)} data-testid="open-token-in-inspector">
                  Open in inspector
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {run.Steps && (
        <>
          <h3 className="exchange-sub">Steps (secrets masked)</h3>
          <ol className="exchange-steps">
            {run.Steps.map((s, i) => (
              <StepView key={i} step={s} index={i} failed={run.Failure?.Step === i} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
