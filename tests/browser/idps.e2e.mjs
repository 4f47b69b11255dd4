#!/usr/bin/env node
// Browser end-to-end test of a user pool's Identity providers tab and a user's linked
// identities: the built UI (ui/dist) served by the real core (`poolhouse serve --ui`), headless
// Debian chromium through playwright-core. The scenario adds a Google provider with the form
// (after the form shows the core's refusal next to the field at fault), adds an OIDC provider
// whose endpoints are given, lets an app client list Google, deletes Google with a confirmation
// that names that client, links an OIDC identity to a user through the API and unlinks it from
// the user's page. Screenshots at 1024×700 in light and dark go to tests/out/idps-*.png; axe
// runs on the tab, the form and the user's page. The last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 150000)

import { LOOKS, api, apiOk, assert, axe, scenario, setLook, shot, sidewaysOverflow } from "./harness.mjs";

const s = scenario({ name: "idps-e2e", timeoutMs: 150_000 });
const { check, startServer } = s;

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  let poolId;
  let clientId;
  await check("a pool, an app client and a person are created through the API", async () => {
    const pool = await apiOk(base, "CreateUserPool", { PoolName: `idps-e2e-${Date.now().toString(36)}` });
    poolId = pool.UserPool.Id;
    const client = await apiOk(base, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "storefront-web" });
    clientId = client.UserPoolClient.ClientId;
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

  const { page, pageErrors } = await s.openBrowser();
  const small = LOOKS.find((l) => l.name === "small");
  const dark = LOOKS.find((l) => l.name === "dark");
  await setLook(page, small);

  const tab = page.getByTestId("idps-tab");
  const dialog = page.getByTestId("idp-dialog");

  await check("the Identity providers tab explains an empty list", async () => {
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/overview`);
    await page.getByTestId("tab-sign-in").click();
    await page.getByTestId("signin-tab-idps").click();
    await tab.getByText("No identity providers").waitFor();
    await shot(page, "idps-01-empty");
    await axe(page, "empty identity providers tab");
  });

  await check("the Google form shows the core's refusal next to the field at fault", async () => {
    await tab.getByTestId("create-idp").click();
    await dialog.getByTestId("idp-type").selectOption("Google");
    assert((await dialog.getByTestId("idp-name").inputValue()) === "Google", "a Google provider is named Google");
    await dialog.getByTestId("idp-detail-client_id").fill("storefront.apps.googleusercontent.com");
    await dialog.getByTestId("idp-detail-client_secret").fill("GOCSPX-storefront-secret");
    await dialog.getByTestId("idp-detail-authorize_scopes").fill("openid email profile");
    await dialog.getByTestId("idp-mapping").fill("email = email\ncustom:tenant = hd");
    await dialog.getByTestId("idp-save").click();
    const err = dialog.locator('[data-field="AttributeMapping"]').getByTestId("field-error");
    await err.waitFor();
    const text = await err.textContent();
    assert(text.toLowerCase().includes("custom:tenant"), `the refusal names the attribute: ${text}`);
    await shot(page, "idps-02-google-refused");
    await axe(page, "provider form with an error");
  });

  await check("a Google provider is added with the form", async () => {
    await dialog.getByTestId("idp-mapping").fill("email = email\nname = name");
    await dialog.getByTestId("idp-save").click();
    await dialog.waitFor({ state: "detached" });
    await tab.getByRole("button", { name: "Google", exact: true }).waitFor();
    const d = await apiOk(base, "DescribeIdentityProvider", { UserPoolId: poolId, ProviderName: "Google" });
    assert(d.IdentityProvider.AttributeMapping.name === "name", "mapping saved");
    assert(d.IdentityProvider.ProviderDetails.client_secret === "GOCSPX-storefront-secret", "secret kept");
  });

  await check("an OIDC provider with its endpoints given is added with the form", async () => {
    await tab.getByTestId("create-idp").click();
    await dialog.getByTestId("idp-type").selectOption("OIDC");
    await dialog.getByTestId("idp-name").fill("CorpSSO");
    await dialog.getByTestId("idp-detail-client_id").fill("poolhouse-storefront");
    await dialog.getByTestId("idp-detail-oidc_issuer").fill("https://sso.corp.example");
    await dialog.getByTestId("idp-detail-authorize_scopes").fill("openid email");
    for (const [k, v] of [
      ["authorize_url", "https://sso.corp.example/authorize"],
      ["token_url", "https://sso.corp.example/token"],
      ["attributes_url", "https://sso.corp.example/userinfo"],
      ["jwks_uri", "https://sso.corp.example/jwks"],
    ])
      await dialog.getByTestId(`idp-detail-${k}`).fill(v);
    await dialog.getByTestId("idp-identifiers").fill("corp.example");
    await shot(page, "idps-03-oidc-form");
    for (const look of [dark, small]) {
      await setLook(page, look);
      await axe(page, `OIDC form (${look.name})`);
    }
    await dialog.getByTestId("idp-save").click();
    await dialog.waitFor({ state: "detached" });
    await tab.getByRole("button", { name: "CorpSSO", exact: true }).waitFor();
  });

  await check("the list shows both providers in light and dark, nothing cut off", async () => {
    await tab.getByText("OpenID Connect").waitFor();
    await shot(page, "idps-04-list-light");
    const over = await sidewaysOverflow(page);
    assert(over.length === 0, `cut off sideways: ${over.join(", ")}`);
    await setLook(page, dark);
    await shot(page, "idps-05-list-dark");
    await axe(page, "identity providers list (dark)");
    await setLook(page, small);
  });

  await check("deleting Google names the app client that lists it, and removes it there", async () => {
    await apiOk(base, "UpdateUserPoolClient", {
      UserPoolId: poolId,
      ClientId: clientId,
      ClientName: "storefront-web",
      SupportedIdentityProviders: ["COGNITO", "Google"],
    });
    await tab.getByTestId("delete-idp-Google").click();
    const confirm = page.getByTestId("confirm-dialog");
    await confirm.getByTestId("idp-delete-clients").getByText("storefront-web").waitFor();
    await shot(page, "idps-06-delete-confirm");
    await axe(page, "delete confirmation");
    await confirm.getByRole("button", { name: "Delete provider" }).click();
    await confirm.waitFor({ state: "detached" });
    await tab.getByRole("button", { name: "Google", exact: true }).waitFor({ state: "detached" });
    const c = await apiOk(base, "DescribeUserPoolClient", { UserPoolId: poolId, ClientId: clientId });
    assert(
      JSON.stringify(c.UserPoolClient.SupportedIdentityProviders) === JSON.stringify(["COGNITO"]),
      `client still lists: ${JSON.stringify(c.UserPoolClient.SupportedIdentityProviders)}`,
    );
  });

  await check("a linked identity shows on the user's page by name, and unlinks", async () => {
    await apiOk(base, "AdminLinkProviderForUser", {
      UserPoolId: poolId,
      DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: "ana" },
      SourceUser: { ProviderName: "CorpSSO", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "e-4711" },
    });
    await page.getByTestId("tab-users").click();
    await page.getByText("ana.lima@example.com").first().click();
    const drawer = page.getByTestId("user-drawer");
    const linked = drawer.getByTestId("linked-identities");
    await linked.getByText("e-4711").waitFor();
    const signsIn = await drawer.getByTestId("user-signs-in-with").innerText();
    assert(signsIn === "Cognito, CorpSSO", `the drawer says the user signs in with "${signsIn}"`);
    const title = await drawer.getByTestId("user-drawer-title").textContent();
    assert(!/^[0-9a-f-]{36}$/.test(title ?? ""), `the user is named by a person's name or email, not an id: ${title}`);
    await linked.scrollIntoViewIfNeeded();
    await shot(page, "idps-07-user-linked");
    await axe(page, "user with a linked identity");
    await setLook(page, dark);
    await shot(page, "idps-08-user-linked-dark");
    await setLook(page, small);
    await linked.getByTestId("unlink-CorpSSO").click();
    const confirm = page.getByTestId("confirm-dialog");
    await confirm.getByRole("button", { name: "Unlink" }).click();
    await linked.waitFor({ state: "detached" });
    const u = await apiOk(base, "AdminGetUser", { UserPoolId: poolId, Username: "ana" });
    assert(!u.UserAttributes.some((a) => a.Name === "identities"), "identities attribute gone");
    const again = await api(base, "AdminDisableProviderForUser", {
      UserPoolId: poolId,
      User: { ProviderName: "CorpSSO", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "e-4711" },
    });
    assert(
      !again.ok && JSON.stringify(again.body).includes("UserNotFoundException"),
      `the link is gone: ${JSON.stringify(again.body)}`,
    );
  });

  await check("the page reported no errors but the refusal it showed", async () => {
    // The form's refused save is a 400 the browser logs; anything else is a fault.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, `page errors: ${real.join(" | ")}`);
  });
}

await s.run(main);
