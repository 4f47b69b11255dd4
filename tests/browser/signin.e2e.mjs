#!/usr/bin/env node
// Browser end-to-end test of a pool's Sign-in experience tab: the built UI (ui/dist) served by
// the real core (`poolhouse serve --ui`), headless Debian chromium through playwright-core. A
// pool "Harbour" with a managed-login domain (version 2), app clients "web" (set up for the
// hosted UI) and "kiosk", and a person are seeded over HTTP. In the console: the pool's tabs
// fit one row at 1024×700 and the old addresses of the sections (#/pools/<id>/oauth, idps,
// branding) land in their section; web gets a managed login style from Poolhouse's defaults,
// a colour typed wrong is refused at its field, a new button colour and a logo restyle both
// previews, saving stores them and the hosted sign-in page of web draws them; kiosk's style is
// made as a copy of web's, then deleted with a confirmation; a domain serving the classic UI is
// told. An OIDC provider gets an AcrMapping with the form (a value with a space refused first);
// "Try sign-in" says no app client lists it, then, once web does, builds web's authorize URL
// with identity_provider and opens exactly it in a new tab. The users list says who signs in
// with Cognito and filters by it. Screens at 1024×700 light and dark: axe, sideways overflow, screenshots in
// tests/out/signin-*.png. Last line "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 180000)

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { LOOKS, api, apiOk, assert, axe, log, png, scenario, setLook, shot, sidewaysOverflow } from "./harness.mjs";

const s = scenario({ name: "signin-e2e", timeoutMs: 180_000 });
const { check, startServer, tmp } = s;

const SMALL_LOOKS = LOOKS.filter((l) => l.width === 1024);
const CALLBACK = "https://harbour.example/callback";

/** The screen at 1024×700 in light and dark: axe finds nothing serious, nothing is cut off sideways; a screenshot. */
async function looks(page, name) {
  for (const look of SMALL_LOOKS) {
    await setLook(page, look);
    const minor = await axe(page, `${name} (${look.name})`);
    if (minor.length > 0) log(`      axe (${look.name}) minor: ${minor.map((v) => v.id).join(", ")}`);
    const overflow = await sidewaysOverflow(page);
    assert(overflow.length === 0, `${name} (${look.name}) is cut off sideways: ${overflow.join("; ")}`);
    await shot(page, `signin-${name}-${look.name}`);
  }
}

/** The computed `property` of `selector` inside a preview iframe. */
function previewStyle(page, testId, selector, property) {
  return page.getByTestId(testId).evaluate(
    (frame, [sel, prop]) => {
      const el = frame.contentDocument?.querySelector(sel);
      return el ? getComputedStyle(el).getPropertyValue(prop) : null;
    },
    [selector, property],
  );
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });

  let poolId;
  let webId;
  let kioskId;
  const prefix = `harbour-${Math.random().toString(36).slice(2, 8)}`;
  await check("a pool with a managed-login domain, two app clients and a person are created through the API", async () => {
    poolId = (await apiOk(base, "CreateUserPool", { PoolName: "Harbour" })).UserPool.Id;
    await apiOk(base, "CreateUserPoolDomain", { UserPoolId: poolId, Domain: prefix, ManagedLoginVersion: 2 });
    webId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: poolId,
        ClientName: "web",
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        CallbackURLs: [CALLBACK],
        SupportedIdentityProviders: ["COGNITO"],
      })
    ).UserPoolClient.ClientId;
    kioskId = (await apiOk(base, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "kiosk" })).UserPoolClient.ClientId;
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: poolId,
      Username: "ana",
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: "ana.lima@example.com" },
        { Name: "name", Value: "Ana Lima" },
      ],
    });
  });

  const { context, page, pageErrors } = await s.openBrowser();
  const small = LOOKS.find((l) => l.name === "small");
  await setLook(page, small);
  const pool = (rest) => `${base}/index.html#/pools/${encodeURIComponent(poolId)}/${rest}`;

  await check("the pool's tabs fit one row at 1024×700, light and dark", async () => {
    await page.goto(pool("users"));
    await page.getByTestId("users-tab").waitFor();
    const tops = await page.locator('[aria-label="Pool sections"] [role="tab"]').evaluateAll((tabs) =>
      tabs.map((t) => [t.textContent, Math.round(t.getBoundingClientRect().top)]),
    );
    assert(tops.length === 7, `the pool has ${tops.length} tabs: ${JSON.stringify(tops)}`);
    assert(new Set(tops.map(([, top]) => top)).size === 1, `the tabs wrap: ${JSON.stringify(tops)}`);
    await looks(page, "users");
  });

  await check("the sections' old addresses land in the Sign-in experience tab", async () => {
    for (const [old, testId] of [
      ["oauth", "oauth-tab"],
      ["idps", "idps-tab"],
      ["branding", "branding-tab"],
    ]) {
      await page.goto(pool(old));
      await page.getByTestId(testId).waitFor();
      await page.waitForFunction((h) => window.location.hash === h, `#/pools/${encodeURIComponent(poolId)}/sign-in/${old}`);
      const selected = await page.getByTestId(`signin-tab-${old}`).getAttribute("aria-selected");
      assert(selected === "true", `${old}: its section is not the one selected`);
      assert((await page.getByTestId("tab-sign-in").getAttribute("aria-selected")) === "true", `${old}: Sign-in experience is not selected`);
    }
    // Arrow keys move between the sections.
    await page.getByTestId("signin-tab-branding").focus();
    await page.keyboard.press("ArrowLeft");
    await page.getByTestId("managed-login-tab").waitFor();
  });

  const form = page.getByTestId("managed-login-form");
  const buttonLight = page.getByTestId("managed-color-button-light");
  await check("web has no style; one is created from Poolhouse's defaults", async () => {
    await page.getByTestId("managed-login-client").selectOption(webId);
    await page.getByTestId("managed-login-none").waitFor();
    await shot(page, "signin-managed-none");
    await page.getByTestId("managed-login-create-button").click();
    await form.waitFor();
    await page.getByTestId("toasts").getByText("Managed login style created for web").waitFor();
    const got = await apiOk(base, "DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: webId });
    assert(got.ManagedLoginBranding.UseCognitoProvidedValues === true, `created ${JSON.stringify(got.ManagedLoginBranding)}`);
    assert((await buttonLight.inputValue()) === "006ce0ff", `the button's default colour reads ${await buttonLight.inputValue()}`);
  });

  await check("a colour that is not RRGGBBAA is refused at its field, and nothing is saved", async () => {
    await buttonLight.fill("orange");
    const err = form.locator('[data-field="Settings.components.primaryButton.lightMode.defaults.backgroundColor"] [role="alert"]');
    await err.waitFor();
    assert(/RRGGBBAA/.test(await err.innerText()), `the field says ${await err.innerText()}`);
    await page.getByTestId("save-managed-login").click();
    const got = await apiOk(base, "DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: webId });
    assert(got.ManagedLoginBranding.UseCognitoProvidedValues === true, "a refused colour was saved");
  });

  const logo = png(200, 60);
  await check("a new button colour and a logo restyle both previews as the pages would", async () => {
    await buttonLight.fill("c8781eff");
    await page.getByTestId("managed-color-button-dark").fill("0b7268ff");
    const file = path.join(tmp, "harbour.png");
    writeFileSync(file, logo);
    await page.getByTestId("managed-login-logo-file").setInputFiles(file);
    for (const [mode, rgb] of [
      ["light", "rgb(200, 120, 30)"],
      ["dark", "rgb(11, 114, 104)"],
    ]) {
      await page.waitForFunction(
        ([m, want]) => {
          const doc = document.querySelector(`[data-testid="managed-login-preview-${m}"]`)?.contentDocument;
          const b = doc?.querySelector(".submitButton-customizable");
          const img = doc?.querySelector("img.logo-customizable");
          return b && getComputedStyle(b).backgroundColor === want && img && img.complete && img.naturalWidth === 200;
        },
        [mode, rgb],
      );
    }
    const page_ = await previewStyle(page, "managed-login-preview-dark", ".background-customizable", "background-color");
    assert(page_ === "rgb(15, 20, 26)", `the dark preview's page is ${page_}`);
    await looks(page, "managed-login");
  });

  await check("saving stores the colours and the logo; the hosted sign-in page of web draws them", async () => {
    await setLook(page, small);
    await page.getByTestId("save-managed-login").click();
    await page.getByTestId("toasts").getByText("Managed login style saved for web").waitFor();
    const got = (await apiOk(base, "DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: webId })).ManagedLoginBranding;
    const s = got.Settings;
    assert(s.components.primaryButton.lightMode.defaults.backgroundColor === "c8781eff", `stored ${JSON.stringify(s.components.primaryButton)}`);
    const asset = got.Assets.find((a) => a.Category === "FORM_LOGO");
    assert(asset && asset.Extension === "PNG" && Buffer.from(asset.Bytes, "base64").equals(logo), `assets ${JSON.stringify(got.Assets.map((a) => a.Category))}`);
    const hosted = await context.newPage();
    await hosted.emulateMedia({ colorScheme: "light" });
    const q = new URLSearchParams({ client_id: webId, response_type: "code", redirect_uri: CALLBACK, scope: "openid" });
    await hosted.goto(`${base}/${poolId}/login?${q}`);
    const bg = await hosted.locator(".submitButton-customizable").first().evaluate((b) => getComputedStyle(b).backgroundColor);
    assert(bg === "rgb(200, 120, 30)", `the hosted page's button is ${bg}`);
    const logoLoaded = await hosted.locator("img").first().evaluate((img) => img.complete && img.naturalWidth);
    assert(logoLoaded === 200, `the hosted page's logo is ${logoLoaded}px wide`);
    await hosted.close();
  });

  await check("kiosk's style is made as a copy of web's", async () => {
    await page.getByTestId("managed-login-client").selectOption(kioskId);
    await page.getByTestId("managed-login-from").selectOption(webId);
    await page.getByTestId("managed-login-create-button").click();
    await form.waitFor();
    assert((await buttonLight.inputValue()) === "c8781eff", `kiosk's button reads ${await buttonLight.inputValue()}`);
    const got = (await apiOk(base, "DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: kioskId })).ManagedLoginBranding;
    assert(got.Assets.some((a) => a.Category === "FORM_LOGO"), "the copy has no logo");
  });

  await check("deleting kiosk's style asks first; Cancel keeps it, Delete removes it", async () => {
    await page.getByTestId("managed-login-delete").click();
    const confirm = page.getByTestId("confirm-dialog");
    await confirm.getByText("kiosk").first().waitFor();
    await shot(page, "signin-managed-delete-confirm");
    await axe(page, "delete style confirmation");
    await page.getByTestId("confirm-cancel").click();
    await apiOk(base, "DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: kioskId });
    await page.getByTestId("managed-login-delete").click();
    await page.getByTestId("confirm-button").click();
    await page.getByTestId("managed-login-none").waitFor();
    const gone = await api(base, "DescribeManagedLoginBrandingByClient", { UserPoolId: poolId, ClientId: kioskId });
    assert(!gone.ok && JSON.stringify(gone.body).includes("ResourceNotFoundException"), `kiosk's style: ${JSON.stringify(gone.body)}`);
  });

  await check("a domain that serves the classic hosted UI says the styles do not show on it", async () => {
    await apiOk(base, "UpdateUserPoolDomain", { UserPoolId: poolId, Domain: prefix, ManagedLoginVersion: 1 });
    await page.reload();
    const note = page.getByTestId("managed-login-classic-domain");
    await note.waitFor();
    assert(/version 1/.test(await note.innerText()), `the note reads ${await note.innerText()}`);
    await apiOk(base, "UpdateUserPoolDomain", { UserPoolId: poolId, Domain: prefix, ManagedLoginVersion: 2 });
    await page.reload();
    await page.getByTestId("managed-login-tab").waitFor();
    await page.getByTestId("managed-login-client").waitFor();
    assert((await note.count()) === 0, "the note stays on a managed-login domain");
  });

  const dialog = page.getByTestId("idp-dialog");
  await check("an OIDC provider gets an AcrMapping with the form; a value with a space is refused first", async () => {
    await apiOk(base, "CreateIdentityProvider", {
      UserPoolId: poolId,
      ProviderName: "CorpSSO",
      ProviderType: "OIDC",
      ProviderDetails: {
        client_id: "harbour",
        client_secret: "s3cret",
        oidc_issuer: "https://sso.corp.example",
        authorize_scopes: "openid email",
        attributes_request_method: "GET",
        authorize_url: "https://sso.corp.example/authorize",
        token_url: "https://sso.corp.example/token",
        attributes_url: "https://sso.corp.example/userinfo",
        jwks_uri: "https://sso.corp.example/jwks",
      },
      AttributeMapping: { email: "email" },
    });
    await page.getByTestId("signin-tab-idps").click();
    await page.getByRole("button", { name: "Edit CorpSSO" }).click();
    await dialog.getByTestId("idp-acr-Level2").fill("urn:corp mfa");
    await dialog.getByTestId("idp-save").click();
    const err = dialog.locator('[data-field="AcrMapping.Level2"]').getByTestId("field-error");
    await err.waitFor();
    await dialog.getByTestId("idp-acr-Level2").fill("urn:corp:mfa");
    await dialog.getByTestId("idp-acr").scrollIntoViewIfNeeded();
    await looks(page, "idp-acr");
    await setLook(page, small);
    await dialog.getByTestId("idp-save").click();
    await dialog.waitFor({ state: "detached" });
    const d = await apiOk(base, "DescribeIdentityProvider", { UserPoolId: poolId, ProviderName: "CorpSSO" });
    assert(JSON.stringify(d.IdentityProvider.AcrMapping) === JSON.stringify({ Level2: "urn:corp:mfa" }), `AcrMapping ${JSON.stringify(d.IdentityProvider.AcrMapping)}`);
  });

  const trial = page.getByTestId("try-idp-dialog");
  await check("Try sign-in says so when no app client lists the provider", async () => {
    await page.getByTestId("try-idp-CorpSSO").click();
    await trial.getByTestId("try-idp-none").waitFor();
    await shot(page, "signin-try-idp-none");
    await axe(page, "try sign-in without a client");
    await trial.getByRole("button", { name: "Close" }).last().click();
    await trial.waitFor({ state: "detached" });
  });

  await check("Try sign-in builds web's authorize URL with identity_provider and opens exactly it", async () => {
    await apiOk(base, "UpdateUserPoolClient", {
      UserPoolId: poolId,
      ClientId: webId,
      ClientName: "web",
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      CallbackURLs: [CALLBACK],
      SupportedIdentityProviders: ["COGNITO", "CorpSSO"],
    });
    await page.getByTestId("try-idp-CorpSSO").click();
    const shown = (await trial.getByTestId("try-idp-url").innerText()).trim();
    const url = new URL(shown);
    assert(url.hostname === `${prefix}.auth.localhost` && url.pathname === "/oauth2/authorize", `the URL is ${shown}`);
    const q = url.searchParams;
    assert(q.get("identity_provider") === "CorpSSO" && q.get("client_id") === webId && q.get("redirect_uri") === CALLBACK, `parameters ${q}`);
    const verifier = (await trial.getByTestId("try-idp-verifier").innerText()).trim();
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    assert(q.get("code_challenge") === challenge && q.get("code_challenge_method") === "S256", "the challenge is not the verifier's S256");
    await looks(page, "try-idp");
    await setLook(page, small);
    const asked = context.waitForEvent("request", { predicate: (r) => r.url().startsWith(`http://${prefix}.auth.localhost:`) });
    const opened = context.waitForEvent("page");
    await trial.getByTestId("try-idp-open").click();
    const tab = await opened;
    const request = await asked;
    assert(request.url() === shown, `the new tab asked for ${request.url()}`);
    await tab.close();
    await trial.getByRole("button", { name: "Close" }).last().click();
  });

  await check("the users list says who signs in with Cognito, and filters by how people sign in", async () => {
    await page.getByTestId("tab-users").click();
    const row = page.getByTestId("user-row").filter({ hasText: "ana.lima@example.com" });
    await row.getByTestId("user-signin-cognito").waitFor();
    await looks(page, "users-signed-in-with");
    await setLook(page, small);
    await page.getByTestId("signin-filter").selectOption("provider");
    await page.getByText("No users match").waitFor();
    await page.getByTestId("signin-filter").selectOption("cognito");
    await row.waitFor();
  });

  await check("the page reported no errors but the refusals it showed", async () => {
    // axe's script is not let into the previews' sandboxed frames (they run no script): the
    // browser says so, as it should.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e) && !/Blocked script execution in 'about:srcdoc'.*sandboxed/.test(e));
    assert(real.length === 0, `page errors: ${real.join(" | ")}`);
  });
}

await s.run(main);
