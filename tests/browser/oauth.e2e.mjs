#!/usr/bin/env node
// Browser end-to-end test of the OAuth configuration screens: the built UI (ui/dist) served by
// the real core (`poolhouse serve --ui`), headless Debian chromium through playwright-core. A
// pool with a public app client "web" and a confidential one "backend" is seeded over HTTP.
// In the console an administrator, starting on the pool's Users tab: creates a prefix domain
// on the Sign-in experience tab's Domain & OAuth section (a reserved word is refused first, at the field, as the core says
// it) and sees the sign-in address it gives; creates a resource server with two scopes; then
// configures "web" for the hosted UI on its Hosted UI tab (OAuth on, a callback URL — a bad one
// is marked on its row first — a sign-out URL, the code flow, openid, email and one custom
// scope) and gets a ready-made authorize URL whose PKCE challenge is the S256 of the verifier
// shown; "Open the sign-in page" opens exactly that URL in a new tab. The clicks of that path
// are counted and printed. Then: client_credentials is off for the public client, with the
// rule said; "backend"'s secrets (a new one shown once, the limit of two, delete with
// confirmation, the last one kept); deleting the resource server names the client using its
// scopes; deleting the domain makes the authorize URL fall back to the /<poolId>/ form and say
// so. Screens are checked at 1024×700 light and dark (axe, sideways overflow) with
// screenshots in tests/out/oauth-*.png. Last line "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 180000)

import { createHash } from "node:crypto";

import { LOOKS, apiOk, assert, axe, log, scenario, setLook, shot, shotOf, sidewaysOverflow } from "./harness.mjs";

const s = scenario({ name: "oauth-e2e", timeoutMs: 180_000 });
const { check, startServer } = s;

/** The 1024×700 looks, light and dark. */
const SMALL_LOOKS = LOOKS.filter((l) => l.width === 1024);

/** The screen at 1024×700 in light and dark: axe finds nothing serious, nothing is cut off sideways; a screenshot. */
async function looks(page, name) {
  for (const look of SMALL_LOOKS) {
    await setLook(page, look);
    const minor = await axe(page, `${name} (${look.name})`);
    if (minor.length > 0) log(`      axe (${look.name}) minor: ${minor.map((v) => v.id).join(", ")}`);
    const overflow = await sidewaysOverflow(page);
    assert(overflow.length === 0, `${name} (${look.name}) is cut off sideways: ${overflow.join("; ")}`);
    await shot(page, `oauth-${name}-${look.name}`);
  }
  await setLook(page, LOOKS[0]);
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });
  const port = new URL(base ?? "http://x").port;

  let poolId;
  let webId;
  let backendId;
  await check("a pool with a public app client and a confidential one is created through the API", async () => {
    poolId = (await apiOk(base, "CreateUserPool", { PoolName: `shop-${Date.now().toString(36)}` })).UserPool.Id;
    webId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: poolId,
        ClientName: "web",
        ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity: 30,
      })
    ).UserPoolClient.ClientId;
    backendId = (await apiOk(base, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "backend", GenerateSecret: true }))
      .UserPoolClient.ClientId;
  });

  const { context, page, pageErrors } = await s.openBrowser();
  let clicks = 0;
  /** A click on the "configure an app for the hosted UI" path, counted. */
  const click = async (locator) => {
    clicks += 1;
    await locator.click();
  };

  const prefix = `shop-${Math.random().toString(36).slice(2, 8)}`;
  const domainSection = page.getByTestId("oauth-domain");
  await check("a reserved word in the prefix is refused at the field, in the core's words", async () => {
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/users`);
    await page.getByTestId("users-tab").waitFor();
    await click(page.getByTestId("tab-sign-in"));
    await click(page.getByTestId("signin-tab-oauth"));
    await domainSection.waitFor();
    await page.getByTestId("domain-prefix").fill("my-aws-app");
    await page.getByTestId("create-domain").click();
    const error = domainSection.locator('[data-field="Domain"]').getByTestId("field-error");
    await error.waitFor();
    const text = await error.innerText();
    assert(/reserved word 'aws'/.test(text), `the field says "${text}"`);
  });

  await check("a prefix domain is created and its sign-in address shown", async () => {
    await page.getByTestId("domain-prefix").fill(prefix);
    await click(page.getByTestId("create-domain"));
    const url = page.getByTestId("prefix-signin-url");
    await url.waitFor();
    const shown = (await url.innerText()).trim();
    assert(shown === `http://${prefix}.auth.localhost:${port}/login`, `the sign-in address is ${shown}`);
    const described = await apiOk(base, "DescribeUserPoolDomain", { Domain: prefix });
    assert(described.DomainDescription.UserPoolId === poolId, `the domain belongs to ${described.DomainDescription.UserPoolId}`);
  });

  const identifier = "https://api.shop.test";
  await check("a resource server with two scopes is created", async () => {
    await click(page.getByTestId("create-resource-server"));
    const dialog = page.getByTestId("resource-server-dialog");
    await dialog.waitFor();
    await page.getByTestId("rs-identifier").fill(identifier);
    await page.getByTestId("rs-name").fill("Shop API");
    await dialog.getByTestId("rs-scope-name").nth(0).fill("read");
    await dialog.getByTestId("rs-scope-description").nth(0).fill("Read the orders");
    await click(page.getByTestId("rs-add-scope"));
    await dialog.getByTestId("rs-scope-name").nth(1).fill("write");
    await dialog.getByTestId("rs-scope-description").nth(1).fill("Place orders");
    await shot(page, "oauth-resource-server-dialog");
    await click(page.getByTestId("rs-save"));
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("resource-servers-table").getByText("Shop API").waitFor();
    const rs = await apiOk(base, "DescribeResourceServer", { UserPoolId: poolId, Identifier: identifier });
    const scopes = rs.ResourceServer.Scopes.map((x) => `${x.ScopeName}:${x.ScopeDescription}`);
    assert(scopes.join("|") === "read:Read the orders|write:Place orders", `stored scopes ${scopes.join("|")}`);
  });

  await check("the Domain & OAuth section at 1024×700, light and dark", () => looks(page, "pool-tab"));

  const hosted = page.getByTestId("hosted-ui");
  const row = (field, i) => hosted.locator(`[data-field="${field}[${i}]"]`);
  await check("the Hosted UI tab of the public client opens from the app clients list", async () => {
    await click(page.getByTestId("tab-clients"));
    await click(page.getByRole("button", { name: "web", exact: true }));
    await click(page.getByTestId("client-tab-hosted-ui"));
    await hosted.waitFor();
    const missing = await page.getByTestId("authorize-missing").innerText();
    assert(/allow OAuth 2\.0 flows/.test(missing), `the authorize panel says "${missing}"`);
  });

  await check("a callback URL the core would refuse is marked on its row", async () => {
    await click(page.getByTestId("oauth-enabled"));
    await click(page.getByTestId("add-CallbackURLs"));
    await row("CallbackURLs", 0).getByRole("textbox").fill("http://app.shop.test/callback");
    await row("CallbackURLs", 0).getByRole("textbox").blur();
    const error = row("CallbackURLs", 0).getByTestId("field-error");
    await error.waitFor();
    assert(/https/.test(await error.innerText()), `the row says "${await error.innerText()}"`);
  });

  await check("client_credentials is off for a public client, and the rule is said inline", async () => {
    const cc = hosted.getByRole("checkbox", { name: /Client credentials/ });
    assert(await cc.isDisabled(), "client_credentials can be ticked on a client without a secret");
    const rule = await page.getByTestId("client-credentials-rule").innerText();
    assert(/stands alone/.test(rule) && /has none/.test(rule), `the rule reads "${rule}"`);
  });

  let authorize;
  await check("the hosted UI is configured and saved: callback, sign-out URL, code flow, openid, email and a custom scope", async () => {
    await row("CallbackURLs", 0).getByRole("textbox").fill("http://localhost:3000/callback");
    await click(page.getByTestId("add-LogoutURLs"));
    await row("LogoutURLs", 0).getByRole("textbox").fill("http://localhost:3000/");
    await click(hosted.getByRole("checkbox", { name: /Authorization code/ }));
    await click(hosted.getByRole("checkbox", { name: /^openid/ }));
    await click(hosted.getByRole("checkbox", { name: /^email/ }));
    await click(hosted.getByRole("group", { name: "Scopes of Shop API" }).getByRole("checkbox", { name: /^read/ }));
    assert((await hosted.getByTestId("field-error").count()) === 0, "a message is still shown");
    await click(page.getByTestId("save-hosted-ui"));
    await page.getByTestId("authorize-result").waitFor();
    const c = (await apiOk(base, "DescribeUserPoolClient", { UserPoolId: poolId, ClientId: webId })).UserPoolClient;
    assert(c.AllowedOAuthFlowsUserPoolClient === true, "OAuth is not on");
    assert(JSON.stringify(c.CallbackURLs) === '["http://localhost:3000/callback"]', `callbacks ${JSON.stringify(c.CallbackURLs)}`);
    assert(JSON.stringify(c.LogoutURLs) === '["http://localhost:3000/"]', `logout URLs ${JSON.stringify(c.LogoutURLs)}`);
    assert(JSON.stringify(c.AllowedOAuthFlows) === '["code"]', `flows ${JSON.stringify(c.AllowedOAuthFlows)}`);
    const scopes = [...c.AllowedOAuthScopes].sort().join(" ");
    assert(scopes === `email ${identifier}/read openid`, `scopes ${scopes}`);
    // Turning OAuth on offered the pool's own users (COGNITO); the other settings were sent back as they were.
    assert(JSON.stringify(c.SupportedIdentityProviders) === '["COGNITO"]', `providers ${JSON.stringify(c.SupportedIdentityProviders)}`);
    assert(
      c.ClientName === "web" && c.AccessTokenValidity === 30 && [...c.ExplicitAuthFlows].sort().join(" ") === "ALLOW_REFRESH_TOKEN_AUTH ALLOW_USER_SRP_AUTH",
      `the client's other settings became ${JSON.stringify(c)}`,
    );
  });

  await check("the authorize URL uses the domain, the chosen redirect and scopes, a state and the S256 of the verifier", async () => {
    authorize = (await page.getByTestId("authorize-url-text").innerText()).trim();
    const url = new URL(authorize);
    assert(url.origin === `http://${prefix}.auth.localhost:${port}` && url.pathname === "/oauth2/authorize", `the URL is ${authorize}`);
    const q = url.searchParams;
    assert(q.get("response_type") === "code" && q.get("client_id") === webId, `response_type/client_id in ${authorize}`);
    assert(q.get("redirect_uri") === "http://localhost:3000/callback", `redirect_uri ${q.get("redirect_uri")}`);
    const scopes = (q.get("scope") ?? "").split(" ").sort().join(" ");
    assert(scopes === `email ${identifier}/read openid`, `scope ${q.get("scope")}`);
    const verifier = (await page.getByTestId("authorize-verifier").innerText()).trim();
    assert(/^[A-Za-z0-9_-]{43}$/.test(verifier), `the verifier is ${verifier}`);
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    assert(q.get("code_challenge") === challenge && q.get("code_challenge_method") === "S256", "the challenge is not the verifier's S256");
    const state = (await page.getByTestId("authorize-state").innerText()).trim();
    assert(state.length >= 16 && q.get("state") === state, `state ${q.get("state")} vs ${state}`);
  });

  await check('"Open the sign-in page" opens exactly that URL in a new tab', async () => {
    // What the new tab asks the endpoint for (the tab's own address turns into an error page
    // when the answer is an empty 404, before the authorization server is there).
    const asked = context.waitForEvent("request", { predicate: (r) => r.url().startsWith(`http://${prefix}.auth.localhost:${port}/`) });
    const opened = context.waitForEvent("page");
    await click(page.getByTestId("open-signin"));
    const tab = await opened;
    const request = await asked;
    const response = await request.response().catch(() => null);
    log(`      the sign-in page answered ${response?.status() ?? "nothing"}`);
    assert(request.frame() === tab.mainFrame() && request.isNavigationRequest(), "the request was not the new tab's navigation");
    assert(request.url() === authorize, `the new tab asked for ${request.url()}`);
    const note = await page.getByText(/could not be opened in your browser/).count();
    assert(note === 0, "the copy-the-URL note shows although the page opened");
    await tab.close();
  });
  log(`      "configure an app for the hosted UI" (domain → resource server → client's hosted UI → authorize URL → open): ${clicks} clicks`);

  await check("the Hosted UI tab at 1024×700, light and dark", async () => {
    await looks(page, "hosted-ui");
    await shotOf(page, hosted, "oauth-hosted-ui-whole");
  });

  await check("a confidential client's secrets: a new one shown once, at most two, the last one kept", async () => {
    await page.getByTestId("client-drawer").getByRole("button", { name: "Close" }).click();
    await page.getByRole("button", { name: "backend", exact: true }).click();
    await page.getByTestId("client-tab-secrets").click();
    const table = page.getByTestId("secrets-table");
    await table.waitFor();
    assert((await table.locator("tbody tr").count()) === 1, "the client does not start with one secret");
    await page.getByTestId("add-secret").click();
    const value = (await page.getByTestId("fresh-secret-value").innerText()).trim();
    assert(/^[\w+]{24,64}$/.test(value), `the new secret reads ${value}`);
    assert(/shown only this once/.test(await page.getByTestId("fresh-secret").innerText()), "no warning that it is shown once");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="secrets-table"] tbody tr').length === 2);
    assert(await page.getByTestId("add-secret").isDisabled(), "a third secret can be asked for");
    await looks(page, "secrets");
    assert((await page.getByTestId("own-secret").count()) === 0, "a third secret of one's own can be typed");
    await table.getByRole("button", { name: /^Delete secret/ }).first().click();
    await page.getByTestId("confirm-button").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="secrets-table"] tbody tr').length === 1);
    assert(await table.getByRole("button", { name: /^Delete secret/ }).isDisabled(), "the last secret can be deleted");
    // The first secret went: the client's secret is now the one shown once.
    const shownSecret = page.getByTestId("client-secret");
    await shownSecret.getByRole("button", { name: "Show" }).click();
    await page.waitForFunction((v) => document.querySelector('[data-testid="client-secret"]')?.textContent?.includes(v), value);
    // A secret of one's own: a short one is refused at its field as the core says it, then one is added.
    await page.getByTestId("own-secret").fill("too-short");
    await page.getByTestId("add-own-secret").click();
    const error = page.locator('[data-field="ClientSecret"]').getByTestId("field-error");
    await error.waitFor();
    assert(/24–64 characters/.test(await error.innerText()), `the field says "${await error.innerText()}"`);
    await page.getByTestId("own-secret").fill("Own_secret_of_thirty_chars_0123");
    await page.getByTestId("add-own-secret").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="secrets-table"] tbody tr').length === 2);
    assert((await page.getByTestId("fresh-secret").count()) === 0, "a typed secret is shown back");
    const listed = await apiOk(base, "ListUserPoolClientSecrets", { UserPoolId: poolId, ClientId: backendId });
    assert(listed.ClientSecrets.length === 2, `${listed.ClientSecrets.length} secrets are stored`);
    await page.getByTestId("client-drawer").getByRole("button", { name: "Close" }).click();
  });

  await check("deleting the resource server names the client whose scopes use it (and Cancel keeps it)", async () => {
    await page.getByTestId("tab-sign-in").click();
    await page.getByTestId("signin-tab-oauth").click();
    await page.getByRole("button", { name: "Delete Shop API" }).click();
    const users = page.getByTestId("rs-delete-users");
    await users.waitFor();
    const text = await users.innerText();
    assert(text.includes("web") && text.includes(`${identifier}/read`) && !text.includes("backend"), `the dialog says "${text}"`);
    await page.getByTestId("confirm-cancel").click();
    await apiOk(base, "DescribeResourceServer", { UserPoolId: poolId, Identifier: identifier });
  });

  await check("after the domain is deleted the authorize URL uses /<poolId>/ at the endpoint and says why", async () => {
    await page.getByTestId(`delete-domain-${prefix}`).click();
    await page.getByTestId("confirm-button").click();
    await page.getByTestId("create-prefix-domain").waitFor();
    await page.getByTestId("tab-clients").click();
    await page.getByRole("button", { name: "web", exact: true }).click();
    await page.getByTestId("client-tab-hosted-ui").click();
    await page.getByTestId("no-domain-note").waitFor();
    const url = new URL((await page.getByTestId("authorize-url-text").innerText()).trim());
    assert(url.origin === base && url.pathname === `/${poolId}/oauth2/authorize`, `the URL is ${url}`);
  });

  await check("the pages logged no error but the two refusals asked for (domain, secret)", async () => {
    const unexpected = pageErrors.filter((e) => !/status of 400 \(Bad Request\)/.test(e));
    assert(unexpected.length === 0, unexpected.join("\n"));
    assert(pageErrors.length <= 2, `${pageErrors.length} refusals were logged: ${pageErrors.join("; ")}`);
  });
}

await s.run(main);
