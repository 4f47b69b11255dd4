#!/usr/bin/env node
// Browser end-to-end test of an app client's refresh-token rotation setting: the built UI
// (ui/dist) served by the real core (`poolhouse serve --ui`), headless Debian chromium through
// playwright-core. Over HTTP it makes a pool, a user and an app client that refreshes with
// REFRESH_TOKEN_AUTH; in the console's client drawer it turns rotation on (the REFRESH_TOKEN_AUTH
// flow goes off and cannot be ticked), has an out-of-range grace period refused next to its
// field by the core, saves a 10-second one, and checks over HTTP that the client now answers a
// refresh with a new refresh token. The drawer is checked in the three looks (axe-core, nothing
// cut off sideways) and photographed into tests/out/clients-*.png. The last line is
// "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)
//   E2E_HEADED=1   show the browser (needs a display)

import { apiOk, api, assert, inEveryLook, scenario, settle } from "./harness.mjs";

const s = scenario({ name: "clients-e2e", timeoutMs: 120_000 });
const { check, startServer } = s;

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  let poolId;
  let clientId;
  await check("a pool, a user and a client refreshing with REFRESH_TOKEN_AUTH are made over HTTP", async () => {
    poolId = (await apiOk(base, "CreateUserPool", { PoolName: `clients-e2e-${Date.now().toString(36)}` })).UserPool.Id;
    clientId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: poolId,
        ClientName: "mobile",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      })
    ).UserPoolClient.ClientId;
    await apiOk(base, "AdminCreateUser", { UserPoolId: poolId, Username: "ada", MessageAction: "SUPPRESS" });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: poolId, Username: "ada", Password: "Corr3ct-Horse!", Permanent: true });
  });

  const { page } = await s.openBrowser();
  const drawer = page.getByTestId("client-drawer");

  await check("turning rotation on takes REFRESH_TOKEN_AUTH off and offers the grace period", async () => {
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/clients`);
    await page.getByTestId("clients-table").getByRole("button", { name: "mobile", exact: true }).click();
    await drawer.waitFor();
    const refreshFlow = drawer.getByRole("checkbox", { name: /REFRESH_TOKEN_AUTH/ });
    assert(await refreshFlow.isChecked(), "the client starts with REFRESH_TOKEN_AUTH");
    assert((await drawer.getByTestId("rotation-grace").count()) === 0, "the grace period shows while rotation is off");
    await drawer.getByRole("checkbox", { name: /Rotate refresh tokens/ }).check();
    assert(!(await refreshFlow.isChecked()), "REFRESH_TOKEN_AUTH is still ticked beside rotation");
    assert(await refreshFlow.isDisabled(), "REFRESH_TOKEN_AUTH can be ticked beside rotation");
    await drawer.getByTestId("rotation-grace").waitFor();
  });

  await check("the core refuses a 61-second grace period next to its field, and nothing is saved", async () => {
    await drawer.getByTestId("rotation-grace").fill("61");
    await drawer.getByTestId("save-client").click();
    const field = drawer.locator('[data-field="RefreshTokenRotation.RetryGracePeriodSeconds"]');
    await field.getByTestId("field-error").waitFor();
    const text = await field.getByTestId("field-error").innerText();
    assert(/0 to 60 seconds/.test(text), `the error reads "${text}"`);
    const stored = (await apiOk(base, "DescribeUserPoolClient", { UserPoolId: poolId, ClientId: clientId })).UserPoolClient;
    assert(stored.RefreshTokenRotation.Feature === "DISABLED", `saved anyway: ${JSON.stringify(stored.RefreshTokenRotation)}`);
  });

  await check("a 10-second grace period is saved and the client rotates refresh tokens", async () => {
    await drawer.getByTestId("rotation-grace").fill("10");
    await drawer.getByTestId("save-client").click();
    await page.getByText("App client saved").first().waitFor();
    const stored = (await apiOk(base, "DescribeUserPoolClient", { UserPoolId: poolId, ClientId: clientId })).UserPoolClient;
    assert(
      JSON.stringify(stored.RefreshTokenRotation) === JSON.stringify({ Feature: "ENABLED", RetryGracePeriodSeconds: 10 }),
      `stored ${JSON.stringify(stored.RefreshTokenRotation)}`,
    );
    assert(!stored.ExplicitAuthFlows.includes("ALLOW_REFRESH_TOKEN_AUTH"), `flows ${stored.ExplicitAuthFlows}`);
    const first = (
      await apiOk(base, "InitiateAuth", {
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "ada", PASSWORD: "Corr3ct-Horse!" },
      })
    ).AuthenticationResult;
    const next = (await apiOk(base, "GetTokensFromRefreshToken", { ClientId: clientId, RefreshToken: first.RefreshToken })).AuthenticationResult;
    assert(next.RefreshToken && next.RefreshToken !== first.RefreshToken, "no new refresh token");
    const old = await api(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: next.RefreshToken },
    });
    assert(old.status === 400 && old.body.__type?.includes("InvalidParameterException"), `REFRESH_TOKEN_AUTH answered ${JSON.stringify(old)}`);
  });

  await check("the drawer with rotation on, in every look", async () => {
    await drawer.getByTestId("rotation-grace").scrollIntoViewIfNeeded();
    await settle(page);
    await inEveryLook(page, "clients", "rotation");
  });
}

await s.run(main);
