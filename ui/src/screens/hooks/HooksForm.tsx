import { useId, useRef, useState } from "react";
import type { UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { ErrorBanner, Form, SaveActions, Section } from "../../components/ui";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { useAction } from "../../lib/useAction";
import { call } from "../../platform";
import {
  TOKEN_VERSIONS,
  TRIGGER_GROUPS,
  draftOf,
  hookErrors,
  lambdaConfigOf,
  localErrors,
  sameHooks,
  updateRequest,
  type HookTrigger,
  type HooksDraft,
  type TokenVersion,
  type TriggerName,
} from "./hookConfig";

/**
 * A pool's hook URLs, saved together through UpdateUserPool. Mount it with a key that changes
 * when the pool's hooks do, so a save (or a change elsewhere) starts it afresh.
 */
export function HooksForm({ pool, onSaved }: { pool: UserPool; onSaved: () => void }) {
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [initial] = useState(() => draftOf(pool.LambdaConfig));
  const [d, setD] = useState<HooksDraft>(initial);
  const [local, setLocal] = useState<Partial<Record<TriggerName, string>>>({});
  const dirty = !sameHooks(d, initial);
  const unsaved = useUnsavedGuard(dirty, "the hooks");

  const focusFirstError = () =>
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const save = useAction(
    async (draft: HooksDraft) => {
      // The pool as it is now, not as this screen loaded it: every other setting is resent, and
      // a change made meanwhile (another tab, the CLI) must not be undone by saving hooks.
      const { UserPool: fresh } = await call("DescribeUserPool", { UserPoolId: pool.Id });
      await call("UpdateUserPool", updateRequest(fresh, lambdaConfigOf(draft, fresh.LambdaConfig)));
    },
    {
      onSuccess: () => {
        toast("Hooks saved");
        onSaved();
      },
      onError: focusFirstError,
    },
  );
  const placed = hookErrors(save.error);
  const errors = { ...placed.rows, ...local };

  const setUrl = (name: TriggerName, url: string) => {
    setD((prev) => ({ ...prev, urls: { ...prev.urls, [name]: url } }));
    // An edit answers the complaint about that row; others stay until the next save.
    setLocal((prev) => {
      const next = { ...prev };
      delete next[name];
      return next;
    });
    if (placed.rows[name] !== undefined) save.reset();
  };

  const submit = () => {
    const found = localErrors(d);
    setLocal(found);
    save.reset();
    if (Object.keys(found).length > 0) {
      focusFirstError();
      return;
    }
    save.run(d);
  };

  return (
    <Section title="Hooks" testId="hooks-config">
      {unsaved.prompt}
      <p className="hint section-intro">
        Where Cognito calls a Lambda trigger, Poolhouse POSTs the same event as JSON to the URL set here and reads the
        answer a Lambda function would return. An error answer (any status but 2xx) refuses the operation with the
        hook's <code>errorMessage</code>; no answer in time fails it. A blank URL turns the hook off.
      </p>
      <Form
        ref={formRef}
        className="hooks-form"
        onSubmit={submit}
      >
        {TRIGGER_GROUPS.map((g) => (
          <fieldset key={g.title} className="fieldset">
            <legend>{g.title}</legend>
            {g.triggers.map((t) => (
              <HookRow
                key={t.name}
                trigger={t}
                url={d.urls[t.name]}
                onUrl={(v) => setUrl(t.name, v)}
                error={errors[t.name]}
                version={t.name === "PreTokenGeneration" ? d.tokenVersion : undefined}
                onVersion={(v) => setD((prev) => ({ ...prev, tokenVersion: v }))}
              />
            ))}
          </fieldset>
        ))}
        {placed.general && <ErrorBanner error={placed.general} title="The hooks were not saved." />}
        <SaveActions
          dirty={dirty}
          action={{ busy: save.busy, discard: save.reset }}
          onDiscard={() => {
            setD(initial);
            setLocal({});
          }}
          saveLabel="Save hooks"
          testId="save-hooks"
        />
      </Form>
    </Section>
  );
}

/** One trigger: what it is for, its URL, and (pre token generation) the event version. */
function HookRow({
  trigger,
  url,
  onUrl,
  error,
  version,
  onVersion,
}: {
  trigger: HookTrigger;
  url: string;
  onUrl: (url: string) => void;
  error: string | undefined;
  /** Only for pre token generation. */
  version: TokenVersion | undefined;
  onVersion: (v: TokenVersion) => void;
}) {
  const id = useId();
  const describedBy = [`${id}-about`, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div
      className={`hook-row${error ? " field-invalid" : ""}`}
      data-field={`LambdaConfig.${trigger.name}`}
      data-testid={`hook-${trigger.name}`}
    >
      <div className="hook-about">
        <label htmlFor={id}>
          <span className="hook-name">{trigger.label}</span> <code className="hook-member">{trigger.name}</code>
        </label>
        <div className="hint" id={`${id}-about`}>
          {trigger.description}
        </div>
      </div>
      <div className="hook-inputs">
        <input
          id={id}
          className="hook-url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder={trigger.placeholder}
          value={url}
          onChange={(e) => onUrl(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        {error && (
          <div className="field-error" id={`${id}-error`} role="alert" data-testid="field-error">
            {error}
          </div>
        )}
        {version !== undefined && (
          <div className="hook-version">
            <label htmlFor={`${id}-version`}>Tokens it can change</label>
            <select
              id={`${id}-version`}
              value={version}
              onChange={(e) => onVersion(e.target.value as TokenVersion)}
              data-testid="token-hook-version"
            >
              {TOKEN_VERSIONS.map((v) => (
                <option key={v.value} value={v.value}>
                  {v.label} ({v.value})
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
    </div>
  );
}
