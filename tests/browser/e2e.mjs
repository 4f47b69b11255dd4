#!/usr/bin/env node
// Browser end-to-end test: the built UI (ui/dist) served by the real core (`poolhouse serve
// --ui`), driven in headless Debian chromium through playwright-core. One scenario, run in
// order; each check prints PASS/FAIL, screenshots go to tests/out/, and the last line is
// "N passed, M failed". Server and browser are stopped in every case; the whole run is bounded.
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 240000; TOTP steps can wait up to 30 s each)
//   E2E_HEADED=1   show the browser (needs a display)

import { STEP_MS, api, apiOk, assert, scenario, shot as windowShot, shotOf, totp } from "./harness.mjs";

const s = scenario({ name: "e2e", timeoutMs: 240_000 });
const { check, startServer, tmp } = s;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A code for a fresh time step: the core accepts each step once at sign-in, so a code is taken
 * only with more than 3 s of its step left, and never the step used before.
 */
const lastTotpStep = new Map();
async function freshTotp(secret) {
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / 30_000);
    if (step > (lastTotpStep.get(secret) ?? -1) && 30_000 - (now % 30_000) > 3_000) {
      lastTotpStep.set(secret, step);
      return totp(secret, now);
    }
    await sleep(30_000 - (now % 30_000) + 50);
  }
}

/** A copy with object keys in order, to compare JSON documents whatever order the core wrote. */
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** A screenshot of the window; the toasts of earlier steps show unless hidden. */
const shot = (page, name, { hideToasts = false } = {}) => windowShot(page, name, { showToasts: !hideToasts });

async function main() {
  let base;
  await check("poolhouse serve starts and prints its address", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  const { page, pageErrors } = await s.openBrowser();

  const stamp = Date.now().toString(36);
  const poolName = `e2e-pool-${stamp}`;
  const username = `alice-${stamp}`;
  const email = `alice.${stamp}@example.com`;

  await check(
    "GET / serves the console",
    async () => {
      const r = await fetch(`${base}/`);
      const body = await r.text();
      assert(r.ok && body.includes('<div id="root">'), `GET / answered ${r.status}, not index.html`);
    },
    { fatal: false },
  );

  await check("the empty pool list invites creating the first pool", async () => {
    // index.html explicitly, so the rest of the scenario runs even when GET / is broken.
    await page.goto(`${base}/index.html`);
    await page.getByText("Create your first user pool").waitFor();
    await shot(page, "01-pool-list-empty");
  });

  await check("a password policy below 6 characters is refused next to its field", async () => {
    await page.getByTestId("create-pool").first().click();
    const dialog = page.getByTestId("create-pool-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Pool name").fill(poolName);
    await dialog.getByLabel("Minimum length").fill("3");
    await dialog.getByTestId("create-pool-submit").click();
    const fieldError = dialog.locator('[data-field="Policies.PasswordPolicy.MinimumLength"] [data-testid="field-error"]');
    await fieldError.waitFor();
    const text = (await fieldError.innerText()).trim();
    assert(text.length > 0, "the field error is empty");
    await shot(page, "02-create-pool-field-error");
  });

  await check("creating a pool opens it", async () => {
    const dialog = page.getByTestId("create-pool-dialog");
    await dialog.getByLabel("Minimum length").fill("8");
    await dialog.getByTestId("create-pool-submit").click();
    await page.getByTestId("pool-title").filter({ hasText: poolName }).waitFor();
    assert(!(await dialog.isVisible()), "the create dialog is still open");
  });

  await check("the pool list shows the new pool", async () => {
    await page.getByRole("link", { name: "Pools", exact: true }).click();
    const row = page.getByTestId("pool-table").getByRole("row").filter({ hasText: poolName });
    await row.waitFor();
    await shot(page, "03-pool-list");
    await row.getByRole("link", { name: poolName }).click();
    await page.getByTestId("pool-title").filter({ hasText: poolName }).waitFor();
  });

  await check("creating a user adds it to the users table", async () => {
    await page.getByTestId("tab-users").click();
    await page.getByTestId("users-tab").waitFor();
    await page.getByText("No users yet").waitFor();
    await page.getByTestId("create-user").click();
    const dialog = page.getByTestId("create-user-dialog");
    await dialog.getByLabel("Username").fill(username);
    await dialog.getByLabel("Email").fill(email);
    await dialog.getByLabel("Temporary password").fill("Temp-Passw0rd!");
    await dialog.getByTestId("create-user-submit").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("user-row").filter({ hasText: username }).waitFor();
    await page.getByTestId("user-drawer").getByRole("button", { name: "Close" }).click();
  });

  await check("a duplicate username is refused next to the username field", async () => {
    await page.getByTestId("create-user").click();
    const dialog = page.getByTestId("create-user-dialog");
    await dialog.getByLabel("Username").fill(username);
    await dialog.getByTestId("create-user-submit").click();
    const shown = dialog.locator('[data-field="Username"] [data-testid="field-error"]');
    await shown.waitFor();
    const text = await shown.innerText();
    assert(text.trim().length > 0, "the error is empty");
    await shot(page, "04a-duplicate-username");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  await check("the search box finds the user", async () => {
    // A second user so the search has something to exclude.
    await page.getByTestId("create-user").click();
    const dialog = page.getByTestId("create-user-dialog");
    await dialog.getByLabel("Username").fill(`bob-${stamp}`);
    await dialog.getByTestId("create-user-submit").click();
    // No password and no invitation: the console made one up and shows it once.
    await page.getByTestId("generated-password-done").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("user-drawer").getByRole("button", { name: "Close" }).click();
    await page.getByTestId("user-row").filter({ hasText: `bob-${stamp}` }).waitFor();

    await page.getByTestId("user-search").fill(email.slice(0, 10));
    await page.waitForFunction(
      (name) => {
        const rows = [...document.querySelectorAll('[data-testid="user-row"]')];
        return rows.length === 1 && rows[0].textContent.includes(name);
      },
      username,
      { timeout: STEP_MS },
    );
    const count = await page.getByTestId("user-count").innerText();
    assert(/^1 user/.test(count.trim()), `the count reads "${count}"`);
    await shot(page, "04-users-table");
  });

  await check("disabling the user in its drawer changes its status", async () => {
    await page.getByTestId("user-row").filter({ hasText: username }).click();
    const drawer = page.getByTestId("user-drawer");
    await drawer.getByTestId("user-enabled").filter({ hasText: "Enabled" }).waitFor();
    await drawer.getByTestId("disable-user").click();
    await page.getByTestId("confirm-button").click();
    await drawer.getByTestId("user-enabled").filter({ hasText: "Disabled" }).waitFor();
    await drawer.getByTestId("enable-user").waitFor();
    await page.getByTestId("user-row").filter({ hasText: username }).filter({ hasText: "Disabled" }).waitFor();
    await shot(page, "05-user-drawer");
  });

  await check("a new group gets the user as a member", async () => {
    await page.getByTestId("tab-groups").click();
    await page.getByTestId("create-group").first().click();
    const dialog = page.getByTestId("group-dialog");
    await dialog.getByLabel("Name").fill("support");
    await dialog.getByLabel("Precedence").fill("10");
    await dialog.getByTestId("group-submit").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("groups-table").getByRole("row").filter({ hasText: "support" }).waitFor();

    await page.getByTestId("tab-users").click();
    await page.getByTestId("user-search").fill(username);
    await page.getByTestId("user-row").filter({ hasText: username }).click();
    const drawer = page.getByTestId("user-drawer");
    await drawer.getByLabel("Group to add").selectOption("support");
    await drawer.getByRole("button", { name: "Add to group" }).click();
    await drawer.getByTestId("user-groups").getByText("support").waitFor();
    // With the drawer closed the table has room for its Groups column again.
    await drawer.getByRole("button", { name: "Close", exact: true }).click();
    await page.getByTestId("user-row").filter({ hasText: username }).filter({ hasText: "support" }).waitFor();

    await page.getByTestId("tab-groups").click();
    await page.getByRole("button", { name: "support", exact: true }).click();
    await page.getByTestId("group-members").getByText(username).waitFor();
  });

  await check("an app client with a secret shows its secret", async () => {
    await page.getByTestId("tab-clients").click();
    await page.getByTestId("create-client").first().click();
    const dialog = page.getByTestId("create-client-dialog");
    await dialog.getByTestId("client-name").fill("web");
    await dialog.getByText("Generate a client secret").click();
    await dialog.getByTestId("create-client-submit").click();
    await dialog.waitFor({ state: "detached" });
    const secret = page.getByTestId("client-drawer").getByTestId("client-secret");
    await secret.getByRole("button", { name: "Show" }).click();
    const text = (await secret.innerText()).split("\n")[0].trim();
    assert(/^[A-Za-z0-9+/=_-]{20,}$/.test(text.split(/\s/)[0]), `the secret reads "${text}"`);
    await shot(page, "06-app-client");
  });

  await check("Try sign-in says it cannot compute SECRET_HASH for a client with a secret", async () => {
    await page.getByTestId("client-drawer").getByTestId("client-try-signin").click();
    const panel = page.getByTestId("try-signin");
    await panel.getByTestId("try-signin-secret").getByText("SECRET_HASH").waitFor();
    assert((await panel.getByTestId("try-username").count()) === 0, "the sign-in form is offered anyway");
    await panel.getByRole("button", { name: "Close" }).click();
  });

  await check("the audit log records the change", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    const row = page.getByTestId("audit-table").getByRole("row").filter({ hasText: "AdminDisableUser" });
    await row.first().waitFor();
    await shot(page, "07-audit");
  });

  // ---- support: a locked-out user -------------------------------------------------------
  const supportPool = `e2e-support-${stamp}`;
  const locked = `dana-${stamp}`;
  const newcomer = `carl-${stamp}`;
  const goodPassword = "Corr3ct-Horse!";
  let supportPoolId;
  let clientId;
  let danaRefreshToken;

  await check("setup through the endpoint: pool, client, users, a session", async () => {
    supportPoolId = (await apiOk(base, "CreateUserPool", { PoolName: supportPool })).UserPool.Id;
    clientId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: supportPoolId,
        ClientName: "mobile",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      })
    ).UserPoolClient.ClientId;
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: supportPoolId,
      Username: locked,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: `${locked}@example.com` },
        { Name: "email_verified", Value: "true" },
      ],
    });
    await apiOk(base, "AdminSetUserPassword", {
      UserPoolId: supportPoolId,
      Username: locked,
      Password: goodPassword,
      Permanent: true,
    });
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: supportPoolId,
      Username: newcomer,
      TemporaryPassword: "Temp-Passw0rd!",
      MessageAction: "SUPPRESS",
    });
    const signedIn = await apiOk(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: locked, PASSWORD: goodPassword },
    });
    danaRefreshToken = signedIn.AuthenticationResult?.RefreshToken;
    assert(danaRefreshToken, `the good password did not sign in: ${JSON.stringify(signedIn)}`);
  });

  await check("setup through the endpoint: the user sets up an authenticator app and email codes", async () => {
    await apiOk(base, "SetUserPoolMfaConfig", {
      UserPoolId: supportPoolId,
      MfaConfiguration: "OPTIONAL",
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: {},
    });
    const signedIn = await apiOk(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: locked, PASSWORD: goodPassword },
    });
    const accessToken = signedIn.AuthenticationResult?.AccessToken;
    assert(accessToken, `no tokens before MFA was set up: ${JSON.stringify(signedIn)}`);
    const { SecretCode } = await apiOk(base, "AssociateSoftwareToken", { AccessToken: accessToken });
    const verified = await apiOk(base, "VerifySoftwareToken", {
      AccessToken: accessToken,
      UserCode: await freshTotp(SecretCode),
    });
    assert(verified.Status === "SUCCESS", `VerifySoftwareToken: ${JSON.stringify(verified)}`);
    await apiOk(base, "SetUserMFAPreference", {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      EmailMfaSettings: { Enabled: true },
    });
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: supportPoolId, Username: locked });
    assert(
      JSON.stringify(user.UserMFASettingList) === '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]' && user.PreferredMfaSetting === "SOFTWARE_TOKEN_MFA",
      `MFA of the user: ${JSON.stringify(user)}`,
    );
    // The authenticator is asked for at sign-in now.
    const challenged = await apiOk(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: locked, PASSWORD: goodPassword },
    });
    assert(challenged.ChallengeName === "SOFTWARE_TOKEN_MFA", `sign-in answered ${JSON.stringify(challenged)}`);
  });

  await check("wrong passwords through the endpoint lock the user out", async () => {
    // The core locks like Cognito: 5 failures in a row lock for 1 s, each further failure
    // doubles it, and attempts during a lockout are refused without counting. So after 6
    // quick failures the lock lasts ~1 s, too short to see in the console; waiting out each
    // lock before failing again (1+2+4+8 s) ends with a 16 s lock after 9 failures.
    const wrong = () =>
      api(base, "InitiateAuth", {
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: locked, PASSWORD: "wrong-password" },
      });
    for (let i = 0; i < 6; i++) {
      const r = await wrong();
      assert(r.status === 400 && r.body.__type === "NotAuthorizedException", `attempt ${i + 1}: ${JSON.stringify(r.body)}`);
    }
    for (const lockMs of [1000, 2000, 4000, 8000]) {
      await sleep(lockMs + 150);
      await wrong();
    }
    const state = await apiOk(base, "DescribeUserSecurity", { UserPoolId: supportPoolId, Username: locked }, "Poolhouse");
    assert(state.LockedUntil !== undefined, `not locked: ${JSON.stringify(state)}`);
    assert(state.FailedSignInAttempts === 9, `failed attempts: ${state.FailedSignInAttempts}`);
  });

  await check("the MFA filter finds the users with MFA, and the MFA column names their factors", async () => {
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(supportPoolId)}/users`);
    await page.getByTestId("user-row").filter({ hasText: newcomer }).waitFor();
    await page.getByTestId("mfa-filter").selectOption("with");
    await page.waitForFunction(
      (name) => {
        const rows = [...document.querySelectorAll('[data-testid="user-row"]')];
        return rows.length === 1 && rows[0].textContent.includes(name);
      },
      locked,
      { timeout: STEP_MS },
    );
    const cell = page.getByTestId("user-row").filter({ hasText: locked }).getByTestId("user-mfa-cell");
    const text = (await cell.innerText()).replace(/\s+/g, " ").trim();
    assert(text === "App Email", `the MFA cell reads "${text}"`);
    await shot(page, "08a-users-mfa-filter");
    await page.getByTestId("mfa-filter").selectOption("without");
    await page.getByTestId("user-row").filter({ hasText: newcomer }).waitFor();
    assert((await page.getByTestId("user-row").filter({ hasText: locked }).count()) === 0, "the user with MFA is listed without MFA");
    await page.getByTestId("mfa-filter").selectOption("any");
  });

  await check("support finds the user locked in the Security tab", async () => {
    await page.getByTestId("user-search").fill(locked);
    await page.getByTestId("user-row").filter({ hasText: locked }).click();
    const drawer = page.getByTestId("user-drawer");
    await drawer.getByTestId("user-tab-security").click();
    const security = drawer.getByTestId("user-security");
    await security.getByTestId("lock-state").filter({ hasText: "Locked" }).waitFor();
    const notice = await security.getByTestId("lockout-notice").innerText();
    assert(/Locked\s+until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(notice), `the notice reads "${notice}"`);
    assert((await security.getByTestId("failed-attempts").innerText()).trim() === "9", "9 failed attempts are not shown");
    await security.getByTestId("session-row").filter({ hasText: "Active" }).first().waitFor();
    const events = security.getByTestId("auth-events-table");
    await events.getByRole("row").filter({ hasText: "Incorrect password" }).first().waitFor();
    await events.getByRole("row").filter({ hasText: "Pass" }).first().waitFor();
    await shot(page, "08-security-locked");
    await security.getByTestId("user-auth-events").scrollIntoViewIfNeeded();
    await shot(page, "08b-security-history");
    await security.getByTestId("user-lockout").scrollIntoViewIfNeeded();
  });

  await check("the Security tab lists the user's MFA factors, the preferred one marked", async () => {
    const mfa = page.getByTestId("user-security").getByTestId("user-mfa");
    const factors = mfa.getByTestId("mfa-factor");
    await factors.first().waitFor();
    const names = await factors.evaluateAll((els) => els.map((e) => e.getAttribute("data-factor")));
    assert(JSON.stringify(names) === '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]', `factors shown: ${JSON.stringify(names)}`);
    const app = await factors.filter({ hasText: "Authenticator app" }).innerText();
    assert(app.includes("Preferred"), `the authenticator is not marked preferred: "${app}"`);
    const email = await factors.filter({ hasText: "Email code" }).innerText();
    assert(!email.includes("Preferred") && email.includes(`${locked}@example.com`), `the email factor reads "${email}"`);
    await mfa.getByText("MFA is optional in this pool").waitFor();
    await mfa.scrollIntoViewIfNeeded();
    await shot(page, "08c-security-mfa", { hideToasts: true });
  });

  await check("resetting MFA asks first, names the user and the factors, and removes them", async () => {
    const security = page.getByTestId("user-security");
    await security.getByTestId("reset-mfa").click();
    const dialog = page.getByTestId("confirm-dialog");
    const title = await dialog.getByRole("heading").innerText();
    assert(title.includes(locked), `the confirmation does not name the user: "${title}"`);
    const listed = await dialog.getByTestId("reset-mfa-factors").innerText();
    assert(listed.includes("Authenticator app") && listed.includes("Email code"), `the confirmation lists "${listed}"`);
    await dialog.getByText("signs in with their password alone").waitFor();
    await shot(page, "08d-reset-mfa-confirm", { hideToasts: true });
    await dialog.getByTestId("confirm-button").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("toasts").getByText(`MFA of ${locked}@example.com reset`).waitFor();
    await security.getByTestId("mfa-none").waitFor();
    assert(await security.getByTestId("reset-mfa").isDisabled(), "Reset MFA is still offered without factors");
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: supportPoolId, Username: locked });
    assert(user.UserMFASettingList.length === 0 && user.PreferredMfaSetting === undefined, `MFA after reset: ${JSON.stringify(user)}`);
    // The table row follows the drawer.
    const row = page.getByTestId("user-row").filter({ hasText: locked });
    assert((await row.getByTestId("user-mfa-cell").count()) === 0, "the users table still shows MFA for the user");
  });

  await check("unlocking asks first, names the user, and clears the lockout", async () => {
    const security = page.getByTestId("user-security");
    await security.getByTestId("unlock-user").click();
    const dialog = page.getByTestId("confirm-dialog");
    const title = await dialog.getByRole("heading").innerText();
    assert(title.includes(locked), `the confirmation does not name the user: "${title}"`);
    await dialog.getByTestId("confirm-button").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("toasts").getByText(`${locked}@example.com unlocked`).waitFor();
    await security.getByTestId("lock-state").filter({ hasText: "Not locked" }).waitFor();
    await security.getByTestId("failed-attempts").filter({ hasText: /^0$/ }).waitFor();
    assert((await security.getByTestId("unlock-user").count()) === 0, "Unlock is still offered");
    const r = await api(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: locked, PASSWORD: goodPassword },
    });
    assert(r.ok, `the user still cannot sign in: ${JSON.stringify(r.body)}`);
  });

  await check("signing out everywhere revokes the sessions", async () => {
    const security = page.getByTestId("user-security");
    await security.getByRole("button", { name: "Refresh security" }).click();
    // The first sign-in, the one before MFA was set up, and the one after unlocking.
    await security.getByText("Sessions (3 active)").waitFor();
    await security.getByTestId("global-sign-out").click();
    const dialog = page.getByTestId("confirm-dialog");
    assert((await dialog.innerText()).includes(locked), "the confirmation does not name the user");
    await dialog.getByTestId("confirm-button").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("toasts").getByText(`${locked}@example.com signed out everywhere`).waitFor();
    await security.getByText("Sessions (0 active)").waitFor();
    assert((await security.getByTestId("session-row").filter({ hasText: "Revoked" }).count()) === 3, "sessions not revoked");
    const r = await api(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: danaRefreshToken },
    });
    assert(r.body.__type === "NotAuthorizedException", `the refresh token still works: ${JSON.stringify(r.body)}`);
    await shot(page, "09-security-signed-out");
  });

  await check("a password reset sends a code that the Messages tab shows", async () => {
    const security = page.getByTestId("user-security");
    await security.getByTestId("reset-password").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.locator("span.mono", { hasText: `${locked}@example.com` }).waitFor();
    await dialog.getByTestId("confirm-button").click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("user-drawer").locator('[data-status="RESET_REQUIRED"]').waitFor();
    await page.getByTestId("user-drawer").getByRole("button", { name: "Close" }).click();
    await page.getByTestId("tab-messages").click();
    const row = page.getByTestId("message-row").first();
    await row.filter({ hasText: "Password reset code" }).waitFor();
    const text = await row.innerText();
    assert(text.includes(locked) && /\b\d{6}\b/.test(text), `the newest message reads "${text}"`);
    await shot(page, "10-messages");
  });

  await check("an unconfirmed sign-up can be confirmed from the Security tab", async () => {
    const erin = `erin-${stamp}`;
    await apiOk(base, "SignUp", { ClientId: clientId, Username: erin, Password: goodPassword });
    await page.getByTestId("tab-users").click();
    await page.getByTestId("user-search").fill(erin);
    await page.getByTestId("user-row").filter({ hasText: erin }).click();
    const drawer = page.getByTestId("user-drawer");
    await drawer.getByTestId("user-tab-security").click();
    await drawer.getByTestId("confirm-sign-up").click();
    const dialog = page.getByTestId("confirm-dialog");
    assert((await dialog.getByRole("heading").innerText()).includes(erin), "the confirmation does not name the user");
    await dialog.getByTestId("confirm-button").click();
    await dialog.waitFor({ state: "detached" });
    await drawer.locator('[data-status="CONFIRMED"]').waitFor();
    assert((await drawer.getByTestId("confirm-sign-up").count()) === 0, "Confirm sign-up is still offered");
    await drawer.getByRole("button", { name: "Close" }).click();
  });

  // ---- developer: try sign-in ------------------------------------------------------------
  await check("Try sign-in answers NEW_PASSWORD_REQUIRED, then shows decoded tokens", async () => {
    await page.getByTestId("tab-clients").click();
    await page.getByTestId("clients-table").getByRole("row").filter({ hasText: "mobile" }).getByTestId("try-signin-button").click();
    const panel = page.getByTestId("try-signin");
    await panel.getByTestId("try-username").fill(newcomer);
    await panel.getByTestId("try-password").fill("wrong-password");
    await panel.getByTestId("try-submit").click();
    await panel.getByTestId("error-banner").filter({ hasText: "NotAuthorizedException" }).waitFor();
    await shot(page, "11a-try-signin-refused", { hideToasts: true });
    await panel.getByTestId("try-password").fill("Temp-Passw0rd!");
    await panel.getByTestId("try-submit").click();
    const step = panel.getByTestId("try-new-password");
    await step.waitFor();
    await step.getByTestId("try-new-password-input").fill("short");
    await step.getByTestId("try-respond").click();
    await step.locator('[data-field="ChallengeResponses.NEW_PASSWORD"] [data-testid="field-error"]').waitFor();
    await shot(page, "11-try-signin-new-password", { hideToasts: true });
    await step.getByTestId("try-new-password-input").fill("N3w-Passw0rd!");
    await step.getByTestId("try-respond").click();
    const tokens = panel.getByTestId("try-tokens");
    await tokens.waitFor();
    const idPayload = JSON.parse(await tokens.getByTestId("id-token-payload").innerText());
    assert(idPayload.token_use === "id" && idPayload["cognito:username"] === newcomer, `ID token payload: ${JSON.stringify(idPayload)}`);
    const accessPayload = JSON.parse(await tokens.getByTestId("access-token-payload").innerText());
    assert(accessPayload.token_use === "access" && accessPayload.client_id === clientId, `access payload: ${JSON.stringify(accessPayload)}`);
    const header = JSON.parse(await tokens.getByTestId("id-token-header").innerText());
    assert(header.alg === "RS256" && typeof header.kid === "string", `ID token header: ${JSON.stringify(header)}`);
    assert((await tokens.getByText("Decoded, not verified").count()) === 2, "the tokens are not labelled as unverified");
    assert(/^in (59 min|1 h)/.test((await tokens.getByTestId("try-expiry").innerText()).trim()), "the expiry is not shown");
    await shot(page, "12-try-signin-tokens", { hideToasts: true });
  });

  await check("Refresh in Try sign-in runs REFRESH_TOKEN_AUTH and shows new tokens", async () => {
    const tokens = page.getByTestId("try-tokens");
    const before = JSON.parse(await tokens.getByTestId("access-token-payload").innerText()).jti;
    await tokens.getByTestId("try-refresh").click();
    await page.getByTestId("toasts").getByText("Tokens refreshed").waitFor();
    await tokens.getByText("tokens refreshed").waitFor();
    const after = JSON.parse(await tokens.getByTestId("access-token-payload").innerText()).jti;
    assert(before && after && before !== after, `the access token did not change (jti ${before} -> ${after})`);
  });

  await check("the signing keys card lists the keys and rotates them", async () => {
    await page.getByTestId("tab-overview").click();
    const card = page.getByTestId("signing-keys");
    const table = card.getByTestId("signing-keys-table");
    await table.getByRole("row").filter({ hasText: "Signing" }).nth(1).waitFor();
    await card.getByText(`/${supportPoolId}`).first().waitFor();
    await card.getByTestId("rotate-keys").click();
    const dialog = page.getByTestId("confirm-dialog");
    assert((await dialog.innerText()).includes("one day"), "the confirmation does not say how long old keys stay");
    await dialog.getByTestId("confirm-button").click();
    await dialog.waitFor({ state: "detached" });
    await table.getByRole("row").filter({ hasText: "Published" }).nth(1).waitFor();
    assert((await table.getByRole("row").filter({ hasText: "Signing" }).count()) === 2, "not two signing keys after rotation");
    await card.scrollIntoViewIfNeeded();
    await shot(page, "13-signing-keys", { hideToasts: true });
  });

  await check("threat protection refuses a bad IP range next to its field, then saves", async () => {
    const section = page.getByTestId("threat-protection");
    await section.getByTestId("risk-compromised-action").selectOption("BLOCK");
    await section.getByLabel("Sign-up", { exact: true }).uncheck();
    await section.getByText("Judge the risk of each password sign-in").click();
    await section.getByLabel("Medium risk action").selectOption("MFA_REQUIRED");
    await section.getByLabel("High risk action").selectOption("BLOCK");
    await section.getByTestId("risk-blocked-ips").fill("203.0.113.0/24\n10.0.0.0/33");
    await section.getByTestId("risk-skipped-ips").fill("192.0.2.0/24");
    await section.getByTestId("save-risk").click();
    const fieldError = section.locator('[data-field="RiskExceptionConfiguration.BlockedIPRangeList"] [data-testid="field-error"]');
    await fieldError.waitFor();
    const text = await fieldError.innerText();
    assert(text.includes("10.0.0.0/33"), `the field error reads "${text}"`);
    await section.getByTestId("risk-blocked-ips").scrollIntoViewIfNeeded();
    await shot(page, "14a-threat-protection-error", { hideToasts: true });

    await section.getByTestId("risk-blocked-ips").fill("203.0.113.0/24\n198.51.100.7");
    await section.getByTestId("save-risk").click();
    await page.getByTestId("toasts").getByText("Threat protection saved").waitFor();
    await section.getByText("Last saved").waitFor();
    assert((await section.getByTestId("field-error").count()) === 0, "a field error is still shown after saving");
    const { RiskConfiguration: saved } = await apiOk(base, "DescribeRiskConfiguration", { UserPoolId: supportPoolId });
    const want = {
      UserPoolId: supportPoolId,
      CompromisedCredentialsRiskConfiguration: { EventFilter: ["SIGN_IN", "PASSWORD_CHANGE"], Actions: { EventAction: "BLOCK" } },
      AccountTakeoverRiskConfiguration: {
        Actions: {
          LowAction: { Notify: false, EventAction: "NO_ACTION" },
          MediumAction: { Notify: true, EventAction: "MFA_REQUIRED" },
          HighAction: { Notify: true, EventAction: "BLOCK" },
        },
      },
      RiskExceptionConfiguration: { BlockedIPRangeList: ["203.0.113.0/24", "198.51.100.7"], SkippedIPRangeList: ["192.0.2.0/24"] },
    };
    const { LastModifiedDate, ...rest } = saved;
    assert(typeof LastModifiedDate === "number", `no LastModifiedDate: ${JSON.stringify(saved)}`);
    assert(JSON.stringify(sortKeys(rest)) === JSON.stringify(sortKeys(want)), `saved: ${JSON.stringify(saved)}`);
    // A fresh load shows what was saved.
    await page.reload();
    await section.getByLabel("High risk action").waitFor();
    assert((await section.getByLabel("High risk action").inputValue()) === "BLOCK", "the saved High action is not shown after a reload");
    assert((await section.getByTestId("risk-skipped-ips").inputValue()) === "192.0.2.0/24", "the skipped ranges are not shown after a reload");
    await shotOf(page, section, "14-threat-protection");
  });

  // ---- developer: MFA set-up in Try sign-in ----------------------------------------------
  const mfaPool = `e2e-mfa-${stamp}`;
  const frank = `frank-${stamp}`;
  let mfaPoolId;
  let mfaSecret;

  await check("Try sign-in sets up an authenticator at MFA_SETUP with a QR code and the secret", async () => {
    mfaPoolId = (await apiOk(base, "CreateUserPool", { PoolName: mfaPool, MfaConfiguration: "ON" })).UserPool.Id;
    await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: mfaPoolId,
      ClientName: "spa",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    await apiOk(base, "AdminCreateUser", { UserPoolId: mfaPoolId, Username: frank, MessageAction: "SUPPRESS" });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: mfaPoolId, Username: frank, Password: goodPassword, Permanent: true });

    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(mfaPoolId)}/clients`);
    await page.getByTestId("clients-table").getByRole("row").filter({ hasText: "spa" }).getByTestId("try-signin-button").click();
    const panel = page.getByTestId("try-signin");
    await panel.getByTestId("try-username").fill(frank);
    await panel.getByTestId("try-password").fill(goodPassword);
    await panel.getByTestId("try-submit").click();
    const step = panel.getByTestId("try-mfa-setup");
    await step.getByTestId("qr-code").waitFor();
    const size = await step.getByTestId("qr-code").evaluate((img) => [img.naturalWidth, img.complete]);
    assert(size[1] && size[0] > 0, `the QR code image did not load: ${JSON.stringify(size)}`);
    mfaSecret = await step.getByTestId("try-mfa-secret").getAttribute("data-secret");
    assert(/^[A-Z2-7]{16,}$/.test(mfaSecret ?? ""), `the secret reads "${mfaSecret}"`);
    const uri = await step.getByTitle(/^otpauth:/).innerText();
    assert(uri.startsWith("otpauth://totp/") && uri.includes(`secret=${mfaSecret}`), `the set-up link reads "${uri}"`);

    await step.getByTestId("try-mfa-setup-code").fill("12345");
    await step.getByTestId("try-mfa-verify").click();
    await step.locator('[data-field="UserCode"] [data-testid="field-error"]').filter({ hasText: "6 digits" }).waitFor();
    const wrong = totp(mfaSecret, Date.now() + 10 * 60_000);
    await step.getByTestId("try-mfa-setup-code").fill(wrong);
    await step.getByTestId("try-mfa-verify").click();
    await step.locator('[data-field="UserCode"] [data-testid="field-error"]').filter({ hasNotText: "6 digits" }).waitFor();
    await shot(page, "15a-try-signin-mfa-setup", { hideToasts: true });

    await step.getByTestId("try-mfa-setup-code").fill(await freshTotp(mfaSecret));
    await step.getByTestId("try-mfa-verify").click();
    const tokens = panel.getByTestId("try-tokens");
    await tokens.waitFor();
    const payload = JSON.parse(await tokens.getByTestId("id-token-payload").innerText());
    assert(payload["cognito:username"] === frank, `ID token payload: ${JSON.stringify(payload)}`);
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: mfaPoolId, Username: frank });
    assert(
      JSON.stringify(user.UserMFASettingList) === '["SOFTWARE_TOKEN_MFA"]' && user.PreferredMfaSetting === "SOFTWARE_TOKEN_MFA",
      `MFA after set-up: ${JSON.stringify(user)}`,
    );
  });

  await check("the next sign-in in Try sign-in asks for the authenticator code", async () => {
    const panel = page.getByTestId("try-signin");
    await panel.getByTestId("try-tokens").getByRole("button", { name: "Start over" }).click();
    await panel.getByTestId("try-password").fill(goodPassword);
    await panel.getByTestId("try-submit").click();
    const step = panel.getByTestId("try-mfa-code");
    await step.getByTestId("try-mfa-code-input").waitFor();
    await step.getByText("has an authenticator app").waitFor();
    await shot(page, "15b-try-signin-mfa-code", { hideToasts: true });
    await step.getByTestId("try-mfa-code-input").fill(await freshTotp(mfaSecret));
    await step.getByTestId("try-mfa-code-submit").click();
    await panel.getByTestId("try-tokens").waitFor();
  });

  await check("no uncaught errors in the page", async () => {
    // The deliberate bad inputs answer 4xx, which chromium logs as failed resources.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

await s.run(main);
