#!/usr/bin/env node
// Browser end-to-end test of sign-in through an OIDC provider on the hosted pages: pool A's
// identity provider is pool B of the same `poolhouse serve` (found by discovery). In headless
// Debian chromium, the app's authorize URL shows A's sign-in page with a "Continue with PoolB"
// button and a corporate email field (B's identifier) beside the password form (axe, light and
// dark); the email's domain and the button lead to B's sign-in page;
// signing in there comes back through A's /oauth2/idpresponse to the app's callback with a
// code and the state untouched; the code redeems for tokens whose `identities` name B's user.
// Pool A is reached at http://localhost:<port> (B's client registers A's idpresponse there:
// Cognito allows http callbacks only for localhost). Screenshots go to
// tests/out/federation-*.png; the last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)

import { apiOk, assert, inEveryLook, scenario, shot } from "./harness.mjs";

const s = scenario({ name: "federation-e2e", timeoutMs: 120_000 });
const { check, startServer } = s;

const CALLBACK = "https://app.test/callback";
const PASSWORD = "Correct-Horse-1";
const STATE = "a b&c=d/é";

async function main() {
  let base;
  let aBase;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
    aBase = base.replace("127.0.0.1", "localhost");
  });

  let a;
  let b;
  let clientId;
  await check("pool B is made pool A's OIDC provider through the API, by discovery", async () => {
    await apiOk(base, "UpdateWorkspace", { IssuerBaseUrl: base }, "Poolhouse");
    b = (await apiOk(base, "CreateUserPool", { PoolName: "Headquarters" })).UserPool.Id;
    await apiOk(base, "CreateUserPoolDomain", { UserPoolId: b, Domain: `hq-${Date.now().toString(36)}` });
    a = (await apiOk(base, "CreateUserPool", { PoolName: "Lakeside" })).UserPool.Id;
    const bClient = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: b,
        ClientName: "lakeside",
        GenerateSecret: true,
        CallbackURLs: [`${aBase}/${a}/oauth2/idpresponse`],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO"],
      })
    ).UserPoolClient;
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: b,
      Username: "bob",
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: "bob@hq.example" }],
    });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: b, Username: "bob", Password: PASSWORD, Permanent: true });
    await apiOk(base, "CreateIdentityProvider", {
      UserPoolId: a,
      ProviderName: "PoolB",
      ProviderType: "OIDC",
      ProviderDetails: {
        client_id: bClient.ClientId,
        client_secret: bClient.ClientSecret,
        attributes_request_method: "GET",
        oidc_issuer: `${base}/${b}`,
        authorize_scopes: "openid email profile",
      },
      AttributeMapping: { email: "email" },
      IdpIdentifiers: ["hq.example"],
    });
    clientId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: a,
        ClientName: "web",
        CallbackURLs: [CALLBACK],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO", "PoolB"],
      })
    ).UserPoolClient.ClientId;
  });

  const { context, page, pageErrors } = await s.openBrowser();
  // The app's callback is not on this machine: the test stands in for it.
  const callbacks = [];
  await context.route("https://app.test/**", (route) => {
    callbacks.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>App</title><p>Back in the app" });
  });

  const authorize = () =>
    `${aBase}/${a}/oauth2/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: "openid email",
      state: STATE,
    })}`;

  await check("the app's sign-in page offers PoolB beside the password form", async () => {
    await page.goto(authorize());
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert(new URL(page.url()).pathname === `/${a}/login`, `landed on ${page.url()}`);
    await page.getByRole("link", { name: "Continue with PoolB" }).waitFor();
    await page.getByLabel("Password").waitFor();
    const html = await page.content();
    assert(html.length < 30 * 1024, `the page is ${html.length} bytes`);
  });

  await check("the page with the provider button passes axe and fits in every look", async () => {
    await inEveryLook(page, "federation", "01-sign-in-with-provider");
  });

  await check("a corporate email whose domain is PoolB's identifier leads to B", async () => {
    await page.getByLabel("Corporate email").fill("bob@hq.example");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => u.pathname === `/${b}/login`);
    await page.goBack();
    await page.goto(authorize());
    await page.getByLabel("Corporate email").fill("bob@elsewhere.example");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("No sign-in provider is set up for this email's domain.").waitFor();
    await inEveryLook(page, "federation", "03-unknown-domain");
    await page.goto(authorize());
  });

  await check("the button leads to pool B's own sign-in page", async () => {
    await page.getByRole("link", { name: "Continue with PoolB" }).click();
    await page.waitForURL((u) => u.pathname === `/${b}/login`);
    assert(new URL(page.url()).host === new URL(base).host, `B's page is at ${page.url()}`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot(page, "federation-02-provider-page");
  });

  let code;
  await check("signing in at B ends at the app's callback with a code and the state untouched", async () => {
    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    const url = new URL(callbacks.at(-1));
    code = url.searchParams.get("code") ?? "";
    assert(/^[\w-]{20,}$/.test(code), `no code in ${url}`);
    assert(url.searchParams.get("state") === STATE, `state came back as ${url.searchParams.get("state")}`);
  });

  await check("the code redeems for tokens naming B's user among the identities", async () => {
    const r = await fetch(`${base}/${a}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: clientId }),
    });
    const tokens = await r.json();
    assert(r.ok, `token answered ${r.status}: ${JSON.stringify(tokens)}`);
    const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url").toString());
    const bob = await apiOk(base, "AdminGetUser", { UserPoolId: b, Username: "bob" });
    const bobSub = bob.UserAttributes.find((x) => x.Name === "sub").Value;
    assert(claims["cognito:username"] === `PoolB_${bobSub}`, `username ${claims["cognito:username"]}`);
    assert(claims.email === "bob@hq.example", `email ${claims.email}`);
    assert(claims.identities?.[0]?.providerName === "PoolB", `identities ${JSON.stringify(claims.identities)}`);
    assert(claims.identities[0].userId === bobSub, "the identity is not bob's");
  });

  await check("the console names the federated user by email and says it signs in through PoolB", async () => {
    const consolePage = await context.newPage();
    await consolePage.goto(`${base}/index.html#/pools/${encodeURIComponent(a)}/users`);
    const row = consolePage.getByTestId("user-row").filter({ hasText: "bob@hq.example" });
    const via = row.getByTestId("user-signin-provider");
    await via.waitFor();
    assert((await via.textContent()) === "PoolB", `the row says ${await via.textContent()}`);
    await row.click();
    const signsInWith = consolePage.getByTestId("user-signs-in-with");
    await signsInWith.waitFor();
    assert(/PoolB/.test(await signsInWith.textContent()), `the user's page says ${await signsInWith.textContent()}`);
    await inEveryLook(consolePage, "federation", "04-console-federated-user");
    await consolePage.close();
  });

  await check("a client with PoolB only goes straight to it from its sign-in page", async () => {
    await apiOk(base, "UpdateUserPoolClient", {
      UserPoolId: a,
      ClientId: clientId,
      CallbackURLs: [CALLBACK],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ["PoolB"],
    });
    // This browser is signed in at A and B now: without its cookies it meets the redirect.
    await context.clearCookies();
    await page.goto(authorize());
    await page.waitForURL((u) => u.pathname === `/${b}/login`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });

  await check("the pages logged no errors", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });
}

await s.run(main);
