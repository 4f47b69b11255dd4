import { lazy, Suspense } from "react";
import type { UserPool } from "../../api/types";
import { Spinner } from "../../components/ui";
import { navigate, routeHref, SIGN_IN_SECTIONS, type SignInSection } from "../../lib/router";
import "../../styles/signin.css";

const OAuthTab = lazy(() => import("../oauth/OAuthTab").then((m) => ({ default: m.OAuthTab })));
const IdpsTab = lazy(() => import("../idps/IdpsTab").then((m) => ({ default: m.IdpsTab })));
const ManagedLoginTab = lazy(() => import("../branding/ManagedLoginTab").then((m) => ({ default: m.ManagedLoginTab })));
const BrandingTab = lazy(() => import("../branding/BrandingTab").then((m) => ({ default: m.BrandingTab })));

export const SECTION_LABELS: Record<SignInSection, string> = {
  oauth: "Domain & OAuth",
  idps: "Identity providers",
  "managed-login": "Managed login",
  branding: "Classic hosted UI",
};

const SECTION_HINTS: Record<SignInSection, string> = {
  oauth: "The pool's domain, where its sign-in pages are served, and the resource servers whose scopes app clients may ask for.",
  idps: "Google, Facebook, Amazon, Apple, OpenID Connect and SAML providers whose users sign in to this pool.",
  "managed-login": "Each app client's managed login style: colours and logo of its sign-in pages.",
  branding: "CSS for the classic hosted UI's classes and a logo, for every app client or one.",
};

/**
 * Everything about how people sign in through the pool's own pages, in one tab: the domain and
 * OAuth, the identity providers and the two kinds of branding, as Cognito's console groups
 * them. Each section has its own address (`#/pools/<id>/sign-in/<section>`).
 */
export function SignInTab({ pool, section, onChanged }: { pool: UserPool; section: SignInSection; onChanged: () => void }) {
  const routeOf = (s: SignInSection) => ({ screen: "pool" as const, poolId: pool.Id, tab: "sign-in" as const, section: s });
  return (
    <div className="signin-tab" data-testid="signin-tab">
      <div
        role="tablist"
        aria-label="Sign-in experience sections"
        className="subtabs"
        onKeyDown={(e) => {
          const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
          if (step === 0) return;
          e.preventDefault();
          const n = SIGN_IN_SECTIONS.length;
          const next = SIGN_IN_SECTIONS[(SIGN_IN_SECTIONS.indexOf(section) + step + n) % n] ?? section;
          navigate(routeOf(next));
          requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="signin-tab-${next}"]`)?.focus());
        }}
      >
        {SIGN_IN_SECTIONS.map((s) => (
          <a
            key={s}
            role="tab"
            id={`signin-tab-${s}`}
            aria-selected={s === section}
            aria-controls="signin-panel"
            tabIndex={s === section ? 0 : -1}
            className={`subtab${s === section ? " active" : ""}`}
            href={routeHref(routeOf(s))}
            title={SECTION_HINTS[s]}
            data-testid={`signin-tab-${s}`}
          >
            {SECTION_LABELS[s]}
          </a>
        ))}
      </div>
      <div role="tabpanel" id="signin-panel" aria-labelledby={`signin-tab-${section}`} className="signin-panel">
        <Suspense fallback={<Spinner label={`Loading ${SECTION_LABELS[section]}…`} />}>
          {section === "oauth" && <OAuthTab pool={pool} onChanged={onChanged} />}
          {section === "idps" && <IdpsTab poolId={pool.Id} />}
          {section === "managed-login" && <ManagedLoginTab pool={pool} />}
          {section === "branding" && <BrandingTab pool={pool} />}
        </Suspense>
      </div>
    </div>
  );
}
