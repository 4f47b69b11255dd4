import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { listAllPools } from "../../api/lists";
import type { DecodedToken } from "../../api/types";
import { Button, CopyButton, ErrorBanner, Section } from "../../components/ui";
import {
  addToHistory,
  forgetStoredHistory,
  historyEntry,
  nowSeconds,
  rememberHistory,
  rememberedHistory,
  tokenIdentity,
  type HistoryEntry,
} from "../../lib/inspector";
import { inspectorSession, rememberInspectorText } from "../../lib/handoff";
import { call, toApiError, type ApiError } from "../../platform";
import { DecodeFindings, DecodedTokenView, TokenSummary } from "./DecodedView";
import { EncodePanel } from "./EncodePanel";
import { HistoryPanel } from "./HistoryPanel";
import { VerdictStrip } from "./VerdictStrip";
import { VerifyPanel, type VerdictState } from "./VerifyPanel";

/** Typing pauses this long before the token is decoded. */
const DECODE_DELAY_MS = 200;
/**
 * A token typed by hand joins the history once it has stayed unchanged this long, so that each
 * keystroke is not a new entry; a token pasted or loaded whole joins as soon as it is decoded.
 */
const HISTORY_SETTLE_MS = 800;
/** Relative times ("expires in 55 min") are re-read this often. */
const REFRESH_MS = 30_000;

type DecodeState = { forText: string; data?: DecodedToken; error?: ApiError };

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * DecodeToken for the text, debounced, and again every REFRESH_MS so relative times stay true.
 * The last answer stays shown while the next is on its way (`forText` says which text it is
 * for); an answer for text that has since changed is dropped.
 */
function useDecoded(text: string): { state: DecodeState | undefined; retry: () => void } {
  const [state, setState] = useState<DecodeState>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => window.clearInterval(t);
  }, []);
  useEffect(() => {
    if (text.trim() === "") return;
    let live = true;
    const t = window.setTimeout(() => {
      call("DecodeToken", { Token: text, Now: nowSeconds() }).then(
        (data) => {
          if (live) setState({ forText: text, data });
        },
        (e: unknown) => {
          if (live) setState({ forText: text, error: toApiError(e) });
        },
      );
    }, DECODE_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [text, tick]);
  return { state: text.trim() === "" ? undefined : state, retry: () => setTick((n) => n + 1) };
}

/**
 * The token inspector: paste anything, see what it holds, verify it against keys with every
 * check explained, make test tokens, and come back to recent tokens.
 */
export function TokensScreen() {
  // The token in the box lives in memory (lib/handoff): what "Inspect" in Try sign-in handed
  // over, or what was here when the inspector was left; every mount reads the same.
  const [opened] = useState(inspectorSession);
  const [text, setText] = useState(opened.text);
  useEffect(() => rememberInspectorText(text), [text]);
  const [verdict, setVerdict] = useState<VerdictState>({ kind: "none" });
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const { state: decoded, retry: retryDecode } = useDecoded(text);
  const pools = useQuery({ queryKey: ["inspector-pools"], queryFn: listAllPools });

  const [history, setHistory] = useState<HistoryEntry[]>(() => rememberedHistory());
  useEffect(() => rememberHistory(history), [history]);
  // Earlier versions stored the history, raw tokens included, in localStorage.
  useEffect(() => forgetStoredHistory(browserStorage()), []);
  const lastKept = useRef<string | undefined>(undefined);
  /** Whether the last change of the text was a keystroke (one character in or out) rather than a paste. */
  const typed = useRef(false);
  useEffect(() => {
    const data = decoded?.data;
    if (!data || decoded.forText !== text) return;
    const entry = historyEntry(text, data, nowSeconds());
    if (!entry || lastKept.current === entry.token) return;
    const t = window.setTimeout(
      () => {
        lastKept.current = entry.token;
        setHistory((h) => addToHistory(h, { ...entry, at: nowSeconds() }));
      },
      typed.current ? HISTORY_SETTLE_MS : 0,
    );
    return () => window.clearTimeout(t);
  }, [decoded, text]);

  const load = (token: string) => {
    typed.current = false;
    setText(token);
    const el = inputRef.current;
    el?.scrollIntoView?.({ block: "nearest" });
    el?.focus({ preventScroll: true });
    el?.closest(".screen")?.scrollTo?.({ top: 0 });
  };

  const blank = text.trim() === "";
  const pending = !blank && decoded?.forText !== text;
  const data = decoded?.data;
  const verifiedNow = verdict.kind === "done" && !verdict.stale;
  const showChecks = () => {
    const section = document.querySelector<HTMLElement>('[data-testid="verify-section"]');
    section?.scrollIntoView?.({ block: "start" });
    section?.querySelector<HTMLElement>('[data-testid="verify-submit"]')?.focus({ preventScroll: true });
  };

  return (
    <div className="screen" data-testid="tokens-screen">
      <header className="screen-header">
        <div>
          <h1>Token inspector</h1>
          <div className="screen-subtitle">
            Decode, verify and explain any JWT. Poolhouse reads the token on this computer; nothing is fetched from the network unless you choose a JWKS URL or discovery.
          </div>
        </div>
      </header>
      <div className="inspector">
        {!blank && <VerdictStrip state={verdict} decoded={decoded?.forText === text ? data : undefined} onShowChecks={showChecks} />}
        <Section
          title="Token"
          testId="inspect-section"
          actions={
            <>
              {pending && (
                <span className="hint inline-status" role="status">
                  <span className="spinner spinner-inline" aria-hidden="true" /> Decoding…
                </span>
              )}
              {!blank && <CopyButton text={text} label="Copy token" />}
              {!blank && (
                <Button variant="ghost" className="btn-small" onClick={() => load("")} data-testid="token-clear">
                  Clear
                </Button>
              )}
            </>
          }
        >
          <div className="field" data-field="Token">
            <label htmlFor="inspector-token" className="sr-only">
              Token
            </label>
            <textarea
              id="inspector-token"
              ref={inputRef}
              className="mono token-input"
              rows={4}
              spellCheck={false}
              autoComplete="off"
              autoCorrect="off"
              autoCapitalize="off"
              placeholder="Paste a token: eyJhbGciOi… (a Bearer prefix, quotes and line breaks are fine)"
              value={text}
              onChange={(e) => {
                typed.current = Math.abs(e.target.value.length - text.length) <= 1;
                setText(e.target.value);
              }}
              aria-describedby="inspector-token-hint"
              data-testid="token-input"
            />
            <div className="hint" id="inspector-token-hint">
              Decoded as you type. An ID or access token, any JWS or JWE; or open one from the history below, or with Inspect in
              an app client's Try sign-in.
            </div>
          </div>
          {decoded?.error && (
            <ErrorBanner
              error={decoded.error}
              title="Could not decode."
              onRetry={retryDecode}
            />
          )}
          {data && (
            <div className={pending ? "dimmed" : undefined} data-testid="decoded">
              <TokenSummary decoded={data} verified={verifiedNow} />
              <DecodeFindings decoded={data} />
              <DecodedTokenView decoded={data} />
            </div>
          )}
        </Section>
        <Section title="Verify" testId="verify-section">
          <VerifyPanel
            text={text}
            verifyAtOnce={opened.verifyAtOnce !== undefined && opened.verifyAtOnce === opened.text}
            pools={pools.data}
            poolsError={pools.error ?? undefined}
            onRetryPools={() => void pools.refetch()}
            onVerdict={setVerdict}
          />
        </Section>
        <Section title="History" testId="history-section">
          <HistoryPanel
            history={history}
            current={tokenIdentity(text)}
            onOpen={(h) => load(h.token)}
            onClear={() => {
              lastKept.current = undefined;
              setHistory([]);
            }}
          />
        </Section>
        <Section title="Encode a test token" testId="encode-section" actions={<span className="pill pill-warn">For tests only</span>}>
          <EncodePanel pools={pools.data} onInspect={load} />
        </Section>
      </div>
    </div>
  );
}
