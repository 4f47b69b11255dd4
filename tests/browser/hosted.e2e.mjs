#!/usr/bin/env node
// Browser end-to-end test of the hosted sign-in: `poolhouse serve` answers an app's authorize
// URL with its sign-in page, in headless Debian chromium through playwright-core, as a user of
// the app meets it. The page carries the client's branding (CSS and logo), passes axe in light
// and dark at 1024×700, tells a wrong password at the form, ends in a redirect to the app's
// callback with a code and the state untouched, sends a browser already signed in straight
// back, and locks a user out after repeated failures as InitiateAuth does. (The prefix domain's
// Host routing is tested over HTTP in crates/endpoint/tests/hosted.rs: this machine's chromium
// does not resolve `*.localhost` names.) Screenshots go to tests/out/hosted-*.png; the
// last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)

import { createHash, randomBytes } from "node:crypto";

import { apiOk, assert, inEveryLook, png, scenario, shot } from "./harness.mjs";

const s = scenario({ name: "hosted-e2e", timeoutMs: 120_000 });
const { check, startServer } = s;

const CALLBACK = "https://app.test/callback";
const PASSWORD = "Correct-Horse-1";
const STATE = "a b&c=d/é";
const LOGO = png(160, 48);

const b64url = (buf) => buf.toString("base64url");

/** The authorize URL an app builds: code flow with PKCE (S256), `state` and `nonce`. */
function authorizeUrl(base, clientId, verifier, extra = {}) {
  const challenge = b64url(createHash("sha256").update(verifier).digest());
  const q = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: "openid email",
    state: STATE,
    nonce: "n-0S6_WzA2Mj",
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...extra,
  });
  return `${base}/oauth2/authorize?${q}`;
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  let poolId;
  let clientId;
  await check("a pool with a domain, a branded app client and two users are made through the API", async () => {
    poolId = (await apiOk(base, "CreateUserPool", { PoolName: "Lakeside" })).UserPool.Id;
    // Branding needs a domain, as in Cognito.
    await apiOk(base, "CreateUserPoolDomain", { UserPoolId: poolId, Domain: `lakeside-${Date.now().toString(36)}` });
    const client = await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: poolId,
      ClientName: "web",
      CallbackURLs: [CALLBACK],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ["COGNITO"],
      // LEGACY: a locked-out user is told so (with ENABLED, the page answers as for a wrong
      // password, so that a lockout does not tell which usernames exist).
      PreventUserExistenceErrors: "LEGACY",
    });
    clientId = client.UserPoolClient.ClientId;
    await apiOk(base, "SetUICustomization", {
      UserPoolId: poolId,
      ClientId: clientId,
      CSS: ".submitButton-customizable { background-color: #0b5e56; color: #ffffff; }",
      ImageFile: LOGO.toString("base64"),
    });
    for (const [name, email] of [
      ["ana", "ana@example.com"],
      ["ben", "ben@example.com"],
    ]) {
      await apiOk(base, "AdminCreateUser", {
        UserPoolId: poolId,
        Username: name,
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: email }],
      });
      await apiOk(base, "AdminSetUserPassword", { UserPoolId: poolId, Username: name, Password: PASSWORD, Permanent: true });
    }
  });

  const { context, page, pageErrors } = await s.openBrowser();
  // The app's callback is not on this machine: the test stands in for it and records where the
  // browser was sent.
  const callbacks = [];
  await context.route("https://app.test/**", (route) => {
    callbacks.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>App</title><p>Back in the app" });
  });

  const signIn = async (username, password) => {
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    // The answer is a new document (the page again, or a redirect): wait for it, not for the
    // document already loaded, whose alert would otherwise be read as the answer's.
    // (A redirect to the app commits the stand-in's document, or an error page when the route
    // does not take it: either way a new document.)
    await Promise.all([
      page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame()),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await page.waitForLoadState("load");
  };

  await check("the authorize URL shows the sign-in page with the client's branding", async () => {
    await page.goto(authorizeUrl(`${base}/${poolId}`, clientId, b64url(randomBytes(32))));
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert(new URL(page.url()).pathname === `/${poolId}/login`, `landed on ${page.url()}`);
    const bg = await page.getByRole("button", { name: "Sign in" }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert(bg === "rgb(11, 94, 86)", `the button's background is ${bg}, not the branding's`);
    const logoWidth = await page.locator("img.logo-customizable").evaluate((img) => img.naturalWidth);
    assert(logoWidth === 160, `the logo did not load (natural width ${logoWidth})`);
    const html = await page.content();
    assert(html.length < 30 * 1024, `the page is ${html.length} bytes`);
  });

  await check("the sign-in page passes axe and fits in every look", async () => {
    await inEveryLook(page, "hosted", "01-sign-in");
  });

  await check("a wrong password is told at the form, and nobody is signed in", async () => {
    await signIn("ana", "not-the-password");
    await page.getByRole("alert").waitFor();
    const text = await page.getByRole("alert").innerText();
    assert(/incorrect username or password/i.test(text), `the message is ${text}`);
    assert(callbacks.length === 0, `the browser went to ${callbacks[0]}`);
    assert((await page.getByLabel("Username").inputValue()) === "ana", "the username was not kept");
    await inEveryLook(page, "hosted", "02-wrong-password");
  });

  await check("the right password ends at the app's callback with a code and the state untouched", async () => {
    await signIn("ana", PASSWORD);
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    const url = new URL(callbacks.at(-1));
    assert(/^[\w-]{20,}$/.test(url.searchParams.get("code") ?? ""), `no code in ${url}`);
    assert(url.searchParams.get("state") === STATE, `state came back as ${url.searchParams.get("state")}`);
  });

  await check("a browser already signed in goes straight back to the app with a new code", async () => {
    // The browser's own cookies, through its request context (a navigation that ends in a
    // redirect to another site is not handed to the stand-in app by playwright).
    const r = await context.request.get(authorizeUrl(`${base}/${poolId}`, clientId, b64url(randomBytes(32))), {
      maxRedirects: 0,
    });
    assert(r.status() === 302, `authorize answered ${r.status()}`);
    const again = new URL(r.headers().location ?? "");
    assert(`${again.origin}${again.pathname}` === CALLBACK, `sent to ${again}`);
    assert(/^[\w-]{20,}$/.test(again.searchParams.get("code") ?? ""), "no code on the way back");
    assert(again.searchParams.get("state") === STATE, "the state was changed");
  });

  await check("repeated wrong passwords lock the user out, and the page says so", async () => {
    // prompt=login: the sign-in page although this browser is signed in (as ana).
    await page.goto(authorizeUrl(`${base}/${poolId}`, clientId, b64url(randomBytes(32)), { prompt: "login" }));
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    let text = "";
    for (let i = 0; i < 8 && !/attempts exceeded/i.test(text); i++) {
      await signIn("ben", `wrong-${i}`);
      await page.getByRole("alert").waitFor();
      text = await page.getByRole("alert").innerText();
    }
    assert(/password attempts exceeded/i.test(text), `the last message is ${text}`);
    // Locked: even the right password is refused for now.
    await signIn("ben", PASSWORD);
    await page.getByRole("alert").waitFor();
    assert(/attempts exceeded/i.test(await page.getByRole("alert").innerText()), "the right password got through a lockout");
    await shot(page, "hosted-03-locked-out");
  });

  await check("the pages logged no errors", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });
}

await s.run(main);
