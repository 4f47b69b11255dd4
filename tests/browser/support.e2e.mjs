#!/usr/bin/env node
// Browser end-to-end test of support's job: "I lost my phone and I'm locked out". Seeds over
// HTTP a pool that signs in by email with thousands of generated users and one real user
// (ada@acme.example, Ada Lovelace) with a password and an authenticator app, locked out by wrong
// passwords through an app client. Then, in the browser: the pool opens on Users, Ada's row
// says she is locked, and from her row the account is recovered in at most 4 clicks (row →
// Recover account → Confirm → Close), checked over HTTP afterwards (unlocked, no MFA, signed
// out, password reset, one audit record per step) with no UUID in the dialog or the toasts. Also
// the contains search ("@acme"), Enter on a single match, ArrowDown into the results, and the
// main views in the three looks with axe-core and no sideways overflow in the users table.
// Screenshots go to tests/out/support-*.png; the last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 150000)
//   SUPPORT_USERS  how many users to generate (default: 20000)

import { LOOKS, STEP_MS, api, apiOk, assert, axe, log, scenario, setLook, shot, sidewaysOverflow, totp } from "./harness.mjs";

const s = scenario({ name: "support-e2e", timeoutMs: 150_000 });
const { check, startServer } = s;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GENERATED = Number(process.env.SUPPORT_USERS ?? 20_000);
const EMAIL = "ada@acme.example";
const PASSWORD = "Analytical-Engine-1843";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });

  let poolId;
  let clientId;
  let adaUsername;
  await check(`seed: an email-sign-in pool with ${GENERATED} generated users and Ada with an authenticator app`, async () => {
    const pool = await apiOk(base, "CreateUserPool", {
      PoolName: "support-desk",
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
    });
    poolId = pool.UserPool.Id;
    await apiOk(base, "SetUserPoolMfaConfig", {
      UserPoolId: poolId,
      MfaConfiguration: "OPTIONAL",
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    const client = await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    clientId = client.UserPoolClient.ClientId;
    const t0 = Date.now();
    const generated = await apiOk(base, "GenerateUsers", { UserPoolId: poolId, Count: GENERATED }, "Poolhouse");
    log(`      GenerateUsers ${GENERATED}: ${Date.now() - t0} ms`);
    assert(generated.Created === GENERATED, `generated ${JSON.stringify(generated)}`);
    const created = await apiOk(base, "AdminCreateUser", {
      UserPoolId: poolId,
      Username: EMAIL,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: EMAIL },
        { Name: "email_verified", Value: "true" },
        { Name: "name", Value: "Ada Lovelace" },
      ],
    });
    adaUsername = created.User.Username;
    assert(UUID.test(adaUsername), `an email pool gives a UUID username, not ${adaUsername}`);
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: poolId, Username: EMAIL, Password: PASSWORD, Permanent: true });
    const signedIn = await apiOk(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: EMAIL, PASSWORD },
    });
    const accessToken = signedIn.AuthenticationResult?.AccessToken;
    assert(accessToken, `no tokens: ${JSON.stringify(signedIn)}`);
    const { SecretCode } = await apiOk(base, "AssociateSoftwareToken", { AccessToken: accessToken });
    const verified = await apiOk(base, "VerifySoftwareToken", { AccessToken: accessToken, UserCode: totp(SecretCode) });
    assert(verified.Status === "SUCCESS", `VerifySoftwareToken: ${JSON.stringify(verified)}`);
    await apiOk(base, "SetUserMFAPreference", {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: poolId, Username: EMAIL });
    assert(JSON.stringify(user.UserMFASettingList) === '["SOFTWARE_TOKEN_MFA"]', `MFA: ${JSON.stringify(user)}`);
  });

  // The lockout: 5 failures in a row lock for 1 s, each further one doubles it, and attempts
  // during a lockout don't count. Waiting out each lock, 11 failures give a 64 s lockout after
  // ~63 s; the browser checks that need no lockout run meanwhile.
  const wrong = () =>
    api(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: EMAIL, PASSWORD: "wrong-password" },
    });
  const ladder = (async () => {
    for (let i = 0; i < 5; i++) {
      const r = await wrong();
      assert(r.status === 400 && r.body.__type === "NotAuthorizedException", `attempt ${i + 1}: ${JSON.stringify(r.body)}`);
    }
    for (const lockMs of [1000, 2000, 4000, 8000, 16000, 32000]) {
      await sleep(lockMs + 150);
      await wrong();
    }
  })();
  ladder.catch(() => {});

  const { page, pageErrors } = await s.openBrowser();
  const users = page.getByTestId("users-tab");
  const search = page.getByTestId("user-search");
  const rows = page.getByTestId("user-row");
  const waitRows = (n) =>
    page.waitForFunction((k) => document.querySelectorAll('[data-testid="user-row"]').length === k, n, { timeout: STEP_MS });

  await check("the pool opens on Users from the pool list", async () => {
    await page.goto(`${base}/index.html`);
    await page.getByRole("link", { name: "support-desk" }).click();
    await users.waitFor();
    assert(page.url().endsWith("/users"), `the pool opened on ${page.url()}`);
    await rows.filter({ hasText: EMAIL }).waitFor();
  });

  await check("“@acme” finds Ada by a match inside her email, and the screen says so", async () => {
    await search.fill("@acme");
    await page.getByTestId("match-notice").filter({ hasText: "containing “@acme”" }).waitFor();
    await waitRows(1);
    const text = await rows.first().innerText();
    assert(text.includes(EMAIL) && text.includes("Ada Lovelace"), `the row reads ${text}`);
    await shot(page, "support-01-contains");
  });

  await check("ArrowDown moves into the results; Enter in the search box opens the single match", async () => {
    await search.focus();
    await page.keyboard.press("ArrowDown");
    const into = await page.evaluate(() => ({
      body: document.activeElement?.getAttribute("data-testid"),
      active: document.querySelector('[data-testid="user-row"][data-active]')?.textContent ?? "",
    }));
    assert(into.body === "users-table-body" && into.active.includes("ada@acme.example"), `focus went to ${JSON.stringify(into)}`);
    await shot(page, "support-02-active-row");
    await search.focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByTestId("user-drawer");
    await drawer.getByTestId("user-drawer-title").filter({ hasText: EMAIL }).waitFor();
    await drawer.getByRole("button", { name: "Close" }).click();
    await drawer.waitFor({ state: "detached" });
  });

  await check("the users table and pool list in the three looks: axe passes, nothing cut off sideways", async () => {
    await search.fill("");
    // The cleared search runs after its debounce; until then the earlier rows stand, and the
    // list dims while the new search runs. Wait for the cleared query to take effect.
    await page.getByTestId("match-notice").waitFor({ state: "detached" });
    await rows.filter({ hasText: EMAIL }).waitFor();
    // Out of the way: a row under the pointer shows its hover colour, not its own.
    await page.mouse.move(0, 0);
    for (const look of LOOKS) {
      await setLook(page, look);
      await axe(page, `users table (${look.name})`);
      const over = await sidewaysOverflow(page);
      assert(over.length === 0, `users table at ${look.name}: ${over.join("; ")}`);
      await shot(page, `support-10-users-${look.name}`);
    }
    await page.goto(`${base}/index.html`);
    for (const look of LOOKS) {
      await setLook(page, look);
      await page.getByRole("link", { name: "support-desk" }).waitFor();
      await axe(page, `pool list (${look.name})`);
      await shot(page, `support-11-pools-${look.name}`);
    }
    await setLook(page, LOOKS[0]);
  });

  await check("Ada is locked out by wrong passwords through the app client", async () => {
    await ladder;
    const state = await apiOk(base, "DescribeUserSecurity", { UserPoolId: poolId, Username: EMAIL }, "Poolhouse");
    assert(state.LockedUntil !== undefined && state.FailedSignInAttempts === 11, `not locked: ${JSON.stringify(state)}`);
  });

  let since;
  await check("from the pool list: Users first, Ada's row says Locked, and her account is recovered in ≤ 4 clicks", async () => {
    await page.goto(`${base}/index.html`);
    await page.getByRole("link", { name: "support-desk" }).click();
    await users.waitFor();
    const row = rows.filter({ hasText: EMAIL });
    await row.getByTestId("lock-badge").filter({ hasText: /Locked until \d\d:\d\d/ }).waitFor();
    await shot(page, "support-03-locked-row");
    await search.fill(EMAIL);
    await waitRows(1);
    since = Date.now() / 1000 - 1;
    await page.evaluate(() => {
      window.__clicks = 0;
      document.addEventListener("click", (e) => e.isTrusted && (window.__clicks += 1), true);
    });

    await row.click(); // 1
    const drawer = page.getByTestId("user-drawer");
    await drawer.getByTestId("lock-badge").waitFor();
    await drawer.getByTestId("user-mfa-badge").filter({ hasText: "App" }).waitFor();
    await drawer.getByTestId("recover-account").click(); // 2
    const dialog = page.getByTestId("recover-dialog");
    await dialog.waitFor();
    for (const id of ["reset-mfa", "unlock", "sign-out", "password"]) {
      assert(await dialog.getByTestId(`recover-check-${id}`).isChecked(), `${id} is not preselected`);
    }
    assert(await dialog.getByTestId("recover-send-code").isChecked(), "a reset code is not the password step's choice");
    const before = await dialog.innerText();
    assert(!UUID.test(before), `the dialog names a UUID: ${before}`);
    assert(before.includes(EMAIL), `the dialog doesn't name Ada: ${before}`);
    await shot(page, "support-04-recover-dialog");
    await dialog.getByTestId("recover-confirm").click(); // 3
    await dialog.getByTestId("recover-summary").waitFor();
    const after = await dialog.innerText();
    assert(after.includes("Done: Reset MFA, Unlock, Sign out everywhere, Reset password."), `the run ended: ${after}`);
    assert(!UUID.test(after), `the dialog names a UUID: ${after}`);
    const toast = await page.getByTestId("toasts").innerText();
    assert(toast.includes(EMAIL) && !UUID.test(toast), `the toast reads ${toast}`);
    await shot(page, "support-05-recover-done", { showToasts: true });
    await dialog.getByTestId("recover-close").click(); // 4
    await dialog.waitFor({ state: "detached" });
    const clicks = await page.evaluate(() => window.__clicks);
    assert(clicks <= 4, `${clicks} clicks from the list to done`);
    log(`      clicks from the user list to done: ${clicks}`);
    await drawer.getByTestId("lock-badge").waitFor({ state: "detached" });
    await drawer.locator('[data-status="RESET_REQUIRED"]').waitFor();
    await row.getByTestId("lock-badge").waitFor({ state: "detached" });
  });

  await check("afterwards Ada is unlocked, has no MFA, is signed out and must reset her password; one audit record per step", async () => {
    const state = await apiOk(base, "DescribeUserSecurity", { UserPoolId: poolId, Username: EMAIL }, "Poolhouse");
    assert(state.LockedUntil === undefined && state.FailedSignInAttempts === 0, `security: ${JSON.stringify(state)}`);
    assert(state.Sessions.length > 0 && state.Sessions.every((x) => x.Status !== "ACTIVE"), `sessions: ${JSON.stringify(state.Sessions)}`);
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: poolId, Username: EMAIL });
    assert(user.UserMFASettingList.length === 0, `MFA left: ${JSON.stringify(user.UserMFASettingList)}`);
    assert(user.UserStatus === "RESET_REQUIRED", `status ${user.UserStatus}`);
    const old = await api(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: EMAIL, PASSWORD },
    });
    assert(old.body.__type === "PasswordResetRequiredException", `the old password answered ${JSON.stringify(old.body)}`);
    const audit = await apiOk(base, "ListAuditEvents", { UserPoolId: poolId, Limit: 50 }, "Poolhouse");
    const mine = audit.Events.filter((e) => e.Target === adaUsername && e.Time >= since).map((e) => `${e.Operation}:${e.Outcome}`);
    for (const op of ["AdminDeleteSoftwareToken", "UnlockUser", "AdminUserGlobalSignOut", "AdminResetUserPassword"]) {
      const n = mine.filter((x) => x.startsWith(`${op}:`)).length;
      assert(n === 1, `${n} audit records of ${op}: ${mine.join(", ")}`);
    }
    assert(mine.every((x) => x.endsWith(":Success")), `audit: ${mine.join(", ")}`);
  });

  await check("the drawer and the recover dialog in the three looks: axe passes, one drawer width", async () => {
    const drawer = page.getByTestId("user-drawer");
    for (const look of LOOKS) {
      await setLook(page, look);
      await drawer.getByTestId("user-tab-details").click();
      const details = (await drawer.boundingBox()).width;
      await axe(page, `user drawer details (${look.name})`);
      await shot(page, `support-12-drawer-details-${look.name}`);
      await drawer.getByTestId("user-tab-security").click();
      await drawer.getByTestId("user-security").waitFor();
      await drawer.getByTestId("sign-out-why").waitFor();
      const securityWidth = (await drawer.boundingBox()).width;
      assert(Math.abs(securityWidth - details) < 1, `the drawer is ${details}px on Details, ${securityWidth}px on Security`);
      const table = (await page.getByTestId("users-table").boundingBox()).width;
      assert(table >= securityWidth * 0.6, `the drawer (${securityWidth}px) covers most of the list (${table}px)`);
      await axe(page, `user drawer security (${look.name})`);
      const over = await sidewaysOverflow(page);
      assert(over.length === 0, `drawer at ${look.name}: ${over.join("; ")}`);
      await shot(page, `support-13-drawer-security-${look.name}`);
      await drawer.getByTestId("recover-account-tab").click();
      const dialog = page.getByTestId("recover-dialog");
      await dialog.waitFor();
      await axe(page, `recover dialog (${look.name})`);
      await shot(page, `support-14-recover-${look.name}`);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
    }
  });

  await check("the page logged no errors", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });
}

await s.run(main);
