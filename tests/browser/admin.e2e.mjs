#!/usr/bin/env node
// Browser end-to-end test of an administrator's day: the built UI (ui/dist) served by the real
// core (`poolhouse serve --ui`), headless Debian chromium driven through playwright-core. Over
// HTTP it makes a pool that signs in by email and an app client; in the console it creates a
// user with a blank temporary password and no invitation, reads the password the console made
// (shown once), copies it, and signs the user in with it over HTTP (the first sign-in asks for a
// new password: NEW_PASSWORD_REQUIRED); a too-short password is refused with the policy named;
// the user joins a group from the group's screen; an edited pool setting asks before a tab
// switch discards it; and the audit log names the user by email and finds their records as the
// search is typed. The screens are checked in the three looks (axe-core, nothing cut off
// sideways) and photographed into tests/out/admin-*.png. The last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 150000)
//   E2E_HEADED=1   show the browser (needs a display)

import { LOOKS, api, apiOk, assert, axe, log, scenario, setLook, settle, shot, sidewaysOverflow } from "./harness.mjs";

const s = scenario({ name: "admin-e2e", timeoutMs: 150_000 });
const { check, startServer } = s;

/** axe and the sideways-overflow probe on what the page shows now, in every look, photographed. */
async function inEveryLook(page, name) {
  for (const look of LOOKS) {
    await setLook(page, look);
    await axe(page, `${name} (${look.name})`);
    const cut = await sidewaysOverflow(page);
    assert(cut.length === 0, `${name} (${look.name}) is cut off sideways: ${cut.join("; ")}`);
    await shot(page, `admin-${name}-${look.name}`);
  }
  await setLook(page, LOOKS[0]);
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  let poolId;
  let clientId;
  await check("a pool signing in by email and an app client are made over HTTP", async () => {
    const pool = await apiOk(base, "CreateUserPool", {
      PoolName: `admin-e2e-${Date.now().toString(36)}`,
      UsernameAttributes: ["email"],
      Policies: { PasswordPolicy: { MinimumLength: 10, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false } },
    });
    poolId = pool.UserPool.Id;
    const client = await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    clientId = client.UserPoolClient.ClientId;
    await apiOk(base, "CreateGroup", { UserPoolId: poolId, GroupName: "admins", Description: "People who run the pool" });
  });

  const { context, page, pageErrors } = await s.openBrowser();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const poolUrl = (tab) => `${base}/index.html#/pools/${encodeURIComponent(poolId)}/${tab}`;
  const ada = "ada@example.com";

  let password;
  await check("a user made with a blank password and no invitation gets a password shown once", async () => {
    await page.goto(poolUrl("users"));
    await page.getByTestId("create-user").click();
    const dialog = page.getByTestId("create-user-dialog");
    await dialog.waitFor();
    await settle(page);
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.outerHTML.slice(0, 80));
    assert(focused === "new-username", `the dialog opened with focus on ${focused}, not the first field`);
    await dialog.getByLabel("Username").fill(ada);
    await dialog.getByLabel("Email").fill(ada);
    const hint = (await dialog.locator('[data-field="TemporaryPassword"]').innerText()).replace(/\s+/g, " ");
    assert(hint.includes("At least 10 characters, with an uppercase letter, a lowercase letter and a number."), `the policy is not shown: "${hint}"`);
    assert(/generate one, shown to you once/.test(hint), `the blank hint reads "${hint}"`);
    await dialog.getByTestId("create-user-submit").click();
    const shown = page.getByTestId("created-password-dialog");
    await shown.waitFor();
    password = (await shown.getByTestId("generated-password").innerText()).trim();
    assert(password.length >= 16, `the generated password is "${password}"`);
    const notice = await shown.getByTestId("shown-once-notice").innerText();
    assert(/shown only now/.test(notice), `the notice reads "${notice}"`);
    await inEveryLook(page, "01-generated-password");
    await shown.getByRole("button", { name: "Copy" }).click();
    await shown.getByRole("button", { name: "Copied" }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied === password, `the clipboard holds "${copied}", the dialog "${password}"`);
    password = copied;
    await shown.getByTestId("generated-password-done").click();
    await shown.waitFor({ state: "detached" });
    // The user's page opens once the password has been seen.
    await page.getByTestId("user-drawer").waitFor();
    await page.getByTestId("user-drawer").getByRole("button", { name: "Close" }).click();
  });

  await check("the copied password signs the user in over HTTP (a new password is then required)", async () => {
    const r = await apiOk(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: ada, PASSWORD: password },
    });
    assert(r.ChallengeName === "NEW_PASSWORD_REQUIRED", `InitiateAuth answered ${JSON.stringify(r).slice(0, 300)}`);
    const wrong = await api(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: ada, PASSWORD: `${password}x` },
    });
    assert(!wrong.ok && wrong.body.__type?.includes("NotAuthorized"), `a wrong password answered ${wrong.status} ${JSON.stringify(wrong.body)}`);
  });

  await check("a too-short password says what it lacks, and the core's refusal names the policy", async () => {
    await page.getByTestId("create-user").click();
    const dialog = page.getByTestId("create-user-dialog");
    await dialog.getByLabel("Username").fill("bob@example.com");
    await dialog.getByLabel("Email").fill("bob@example.com");
    await dialog.getByTestId("new-temp-password").fill("Short1");
    const problems = await dialog.getByTestId("password-problems").innerText();
    assert(problems.includes("6 of at least 10 characters"), `the live problems read "${problems}"`);
    await dialog.getByTestId("create-user-submit").click();
    const error = dialog.locator('[data-field="TemporaryPassword"] [data-testid="field-error"]');
    await error.waitFor();
    const text = (await error.innerText()).replace(/\s+/g, " ");
    assert(/Password not long enough/.test(text), `the core's message is not kept: "${text}"`);
    assert(text.includes("at least 10 characters"), `the policy is not named: "${text}"`);
    await inEveryLook(page, "02-short-password");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  await check("the user is added to a group from the group's screen, named by email", async () => {
    await page.getByTestId("tab-groups").click();
    await page.getByRole("button", { name: "admins", exact: true }).click();
    const drawer = page.getByTestId("group-drawer");
    await drawer.getByText("No members yet").waitFor();
    await drawer.getByTestId("member-search").fill("ada@");
    const results = drawer.getByTestId("member-results");
    await results.getByText(ada).waitFor();
    await results.getByRole("button", { name: `Add ${ada}` }).click();
    await drawer.getByTestId("group-members").getByText(ada).waitFor();
    await results.getByText("Member", { exact: true }).waitFor();
    await inEveryLook(page, "03-group-members");
    const members = await apiOk(base, "ListUsersInGroup", { UserPoolId: poolId, GroupName: "admins" });
    const emails = members.Users.map((u) => u.Attributes.find((a) => a.Name === "email")?.Value);
    assert(emails.length === 1 && emails[0] === ada, `the group holds ${JSON.stringify(emails)}`);
    await drawer.getByRole("button", { name: "Close" }).click();
  });

  await check("an edited pool setting asks before a tab switch discards it", async () => {
    await page.getByTestId("tab-overview").click();
    const min = page.getByTestId("password-min-length");
    await min.fill("12");
    await page.getByTestId("tab-users").click();
    const ask = page.getByTestId("unsaved-dialog");
    await ask.getByText("Discard unsaved changes?").waitFor();
    await settle(page);
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    assert(focused === "keep-editing", `the warning opened with focus on ${focused}`);
    assert(page.url().endsWith("/overview"), `the address moved to ${page.url()}`);
    await inEveryLook(page, "04-unsaved-changes");
    await ask.getByTestId("keep-editing").click();
    await ask.waitFor({ state: "detached" });
    assert((await min.inputValue()) === "12", "the edit was lost on Keep editing");
    await page.getByTestId("tab-users").click();
    await ask.getByTestId("discard-changes").click();
    await page.getByTestId("users-tab").waitFor();
    assert(page.url().endsWith("/users"), `Discard went to ${page.url()}`);
    const pool = await apiOk(base, "DescribeUserPool", { UserPoolId: poolId });
    assert(pool.UserPool.Policies.PasswordPolicy.MinimumLength === 10, "the discarded edit was saved");
  });

  await check("the audit log names the user by email and finds their records as the search is typed", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    const table = page.getByTestId("audit-table");
    const created = table.getByRole("row").filter({ hasText: "AdminCreateUser" }).filter({ hasText: ada });
    await created.first().waitFor();
    const target = (await created.first().getByTestId("audit-target").innerText()).split("\n")[0].trim();
    assert(target === ada, `the target reads "${target}"`);
    await inEveryLook(page, "05-audit");
    await page.getByTestId("audit-search").fill("ada@exam");
    // No Enter: the search runs as it is typed.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent.includes("ada@example.com"));
    });
    const ops = await table.locator("tbody tr td:nth-child(3)").allInnerTexts();
    assert(ops.includes("AdminCreateUser") && ops.includes("AdminAddUserToGroup"), `the search found ${ops.join(", ")}`);
    assert(!ops.includes("CreateGroup"), `the search kept unrelated records: ${ops.join(", ")}`);
    await inEveryLook(page, "06-audit-search");
  });

  await check("the audit log's details are readable whole at 1280 and 1024 px", async () => {
    await page.getByTestId("audit-search").fill("bob@");
    const refused = page.getByTestId("audit-table").getByRole("row").filter({ hasText: "InvalidPasswordException" });
    await refused.first().waitFor();
    for (const look of LOOKS.slice(0, 2)) {
      await setLook(page, look);
      const cell = refused.first().locator("td").last();
      const fits = await cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.textContent.includes("Password not long enough"));
      assert(fits, `the details are cut off at ${look.width} px`);
    }
    await setLook(page, LOOKS[0]);
  });

  await check("the pages logged no errors but the refusal the scenario asked for", async () => {
    // The too-short password's 400 is the browser's own line for a refused request.
    const real = pageErrors.filter((e) => !/status of 400/.test(e));
    assert(real.length === 0, real.slice(0, 5).join("\n"));
  });
}

await s.run(main);
