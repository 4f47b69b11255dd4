#!/usr/bin/env node
// Browser end-to-end test of the Roles screen, the exchange tester and the Identities tab: the
// built UI (ui/dist) served by the real core (`poolhouse serve --ui`), headless chromium through
// playwright-core. A user pool with an app client and a person, and an identity pool trusting
// the app client, are seeded over HTTP. In the console: a role is created from the "Cognito
// identity pool" trust template — first with a broken Effect, which the core refuses at the
// member and line it names, shown there — then valid; the identity pool's authenticated role is
// set to it; "Which role, and why?" shows the trust policy's verdict and an access check; the
// exchange tester runs the enhanced flow for the person on the built-in backend through
// GetCallerIdentity, with the credentials counting down and the ID token opened in the token
// inspector; the Identities tab lists the identity the run made. Every new screen is checked in
// the three looks (axe, sideways overflow), screenshots in tests/out/exchange-*.png. Click counts
// of the three paths are printed. Last line "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 240000)

import { apiOk, assert, inEveryLook, log, scenario, seedIdentity, shot } from "./harness.mjs";

const s = scenario({ name: "exchange-e2e", timeoutMs: 240_000 });
const { check, startServer } = s;

const CID = "AWSCognitoIdentityService";
const PASSWORD = "Correct-horse-42!";

/** The screen in each look (harness `inEveryLook`), photographed as `exchange-<name>-<look>`. */
const looks = (page, name, prepare) => inEveryLook(page, "exchange", name, prepare);

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });

  const poolName = `shop-${Date.now().toString(36)}`;
  let seeded;
  let identityPoolId;
  await check("a user pool with an app client and a person, and an identity pool trusting it, are seeded", async () => {
    seeded = await seedIdentity(base, { poolName, people: { ada: "ada@example.com" }, password: PASSWORD, identityPoolName: "Shop app" });
    identityPoolId = seeded.identityPoolId;
  });

  const { page, pageErrors } = await s.openBrowser();
  let clicks = 0;
  const click = async (locator) => {
    clicks += 1;
    await locator.click();
  };
  const select = async (locator, value) => {
    clicks += 1;
    await locator.selectOption(value);
  };

  await check("the Roles entry opens an empty list that says what a role is", async () => {
    await page.goto(`${base}/`);
    await page.getByTestId("pool-list").waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Roles", exact: true }).click();
    await page.getByTestId("roles-screen").waitFor();
    const empty = page.getByTestId("empty-state");
    await empty.waitFor();
    assert(/trust policy/.test(await empty.innerText()), `the empty state reads ${await empty.innerText()}`);
  });
  await check("roles list (empty) in the three looks", () => looks(page, "roles-empty"));

  let roleArn;
  await check("a role from the Cognito identity pool template, with a broken Effect, is refused at the member and line", async () => {
    clicks = 0;
    await click(page.getByTestId("create-role").first());
    const dialog = page.getByTestId("create-role-dialog");
    await dialog.waitFor();
    await page.getByTestId("role-name").fill("ShopUsers");
    await select(page.getByTestId("role-template-pool"), identityPoolId);
    const text = page.getByTestId("role-trust-text");
    const filled = await text.inputValue();
    assert(filled.includes(`"cognito-identity.amazonaws.com:aud": "${identityPoolId}"`), `the template reads ${filled}`);
    assert(filled.includes('"cognito-identity.amazonaws.com:amr": "authenticated"'), "the template has no amr condition");
    const templateClicks = clicks;
    await looks(page, "create-role");
    await text.fill(filled.replace('"Effect": "Allow"', '"Effect": "Allw"'));
    await page.getByTestId("create-role-submit").click();
    const problem = page.getByTestId("policy-problem");
    await problem.waitFor();
    const line = Number(await problem.getAttribute("data-line"));
    const member = await problem.getAttribute("data-path");
    const lines = (await text.inputValue()).split("\n");
    assert(member === "Statement[0].Effect", `the problem names ${member}: ${await problem.innerText()}`);
    assert(lines[line - 1]?.includes("Allw"), `line ${line} is ${lines[line - 1]}`);
    assert((await problem.innerText()).includes("Allw"), `the quoted line is missing: ${await problem.innerText()}`);
    assert((await page.locator(".policy-gutter-bad").innerText()).trim() === String(line), "the gutter does not mark the line");
    await shot(page, "exchange-role-malformed");
    await text.fill(filled);
    clicks = templateClicks;
    await click(page.getByTestId("create-role-submit"));
    await page.getByTestId("role-screen").waitFor();
    log(`      create a role from the template: ${clicks} clicks (open dialog, choose identity pool, create; name typed)`);
    const r = await apiOk(base, "GetRole", { RoleName: "ShopUsers" }, "Poolhouse");
    roleArn = r.Role.Arn;
    assert(r.Role.AssumeRolePolicyDocument.includes(identityPoolId), "the stored trust policy lost the pool");
  });

  await check("a permission policy added to the role; the detail in the three looks", async () => {
    await page.getByTestId("add-policy").click();
    await page.getByTestId("policy-name").fill("Photos");
    await page.getByTestId("policy-edit-text").fill(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "OwnPhotos", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*" }],
      }, null, 2),
    );
    await page.getByTestId("save-policy").click();
    await page.getByText("Policy Photos saved").waitFor();
    await page.locator('[data-testid="role-policy"][data-policy="Photos"]').waitFor();
    await looks(page, "role-detail");
  });

  await check("the roles list shows the role with its ARN and longest session; in the three looks", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Roles", exact: true }).click();
    const row = page.getByTestId("role-row").filter({ hasText: "ShopUsers" });
    await row.waitFor();
    const t = await row.innerText();
    assert(t.includes(roleArn) && t.includes("1 h"), `the row reads ${t}`);
    await looks(page, "roles-list");
  });

  await check("the identity pool's authenticated role is picked from the workspace's roles", async () => {
    await page.goto(`${base}/#/identity-pools/${encodeURIComponent(identityPoolId)}/roles`);
    await page.getByTestId("identity-pool-roles").waitFor();
    const option = page.locator(`[data-testid="role-arn-options"] option[value="${roleArn}"]`);
    await option.waitFor({ state: "attached" });
    await page.getByTestId("role-authenticated").fill(roleArn);
    await page.getByTestId("roles-save").click();
    await page.getByText("Roles and role mappings saved").waitFor();
  });

  let idToken;
  await check("Which role, and why? gives the trust policy's verdict and an access check", async () => {
    idToken = await seeded.idToken("ada");
    await page.getByTestId("explain-token").fill(idToken);
    const trust = page.getByTestId("explain-trust");
    await trust.waitFor();
    assert((await trust.getAttribute("data-outcome")) === "Allowed", `the trust verdict reads ${await trust.innerText()}`);
    await page.getByTestId("access-action").fill("s3:GetObject");
    await page.getByTestId("access-resource").fill("arn:aws:s3:::photos/someone-else/a.jpg");
    const verdict = page.getByTestId("access-verdict");
    await page.waitForFunction(() => document.querySelector('[data-testid="access-verdict"]')?.getAttribute("data-decision") === "ImplicitDeny");
    await page.getByTestId("access-resource").fill("arn:aws:s3:::photos/*");
    await verdict.waitFor();
    await shot(page, "exchange-explain-trust");
  });

  await check("a trust policy for another pool is refused with STS's error, naming the condition", async () => {
    await apiOk(base, "UpdateRole", { RoleName: "ShopUsers", AssumeRolePolicyDocument: (await apiOk(base, "GetRole", { RoleName: "ShopUsers" }, "Poolhouse")).Role.AssumeRolePolicyDocument.replace(identityPoolId, "us-east-1:00000000-0000-0000-0000-000000000000") }, "Poolhouse");
    await page.reload();
    await page.getByTestId("explain-token").fill(idToken);
    await page.waitForFunction(() => document.querySelector('[data-testid="explain-trust"]')?.getAttribute("data-outcome") === "Refused");
    const text = await page.getByTestId("explain-trust").innerText();
    assert(text.includes("AccessDenied") && text.includes("cognito-identity.amazonaws.com:aud"), `the refusal reads ${text}`);
    assert(text.includes("InvalidIdentityPoolConfigurationException"), `Cognito's answer is not named: ${text}`);
    await shot(page, "exchange-explain-trust-refused");
    await apiOk(base, "UpdateRole", { RoleName: "ShopUsers", AssumeRolePolicyDocument: (await apiOk(base, "GetRole", { RoleName: "ShopUsers" }, "Poolhouse")).Role.AssumeRolePolicyDocument.replace("us-east-1:00000000-0000-0000-0000-000000000000", identityPoolId) }, "Poolhouse");
  });

  let identityId;
  await check("the tester runs the enhanced flow for the person on the built-in backend, through GetCallerIdentity", async () => {
    clicks = 0;
    await click(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Exchange tester", exact: true }));
    await page.getByTestId("exchange-screen").waitFor();
    await page.getByTestId("exchange-pool").locator(`option[value="${identityPoolId}"]`).waitFor({ state: "attached" });
    await page.getByTestId("exchange-client").locator("option").first().waitFor({ state: "attached" });
    await page.getByTestId("exchange-username").fill("ada");
    await page.getByTestId("exchange-password").fill(PASSWORD);
    await click(page.getByTestId("exchange-run-button"));
    const run = page.getByTestId("exchange-run");
    await run.waitFor({ timeout: 30_000 });
    log(`      run the tester for a user: ${clicks} clicks (Exchange tester, Run; username and password typed)`);
    const outcome = await page.getByTestId("exchange-outcome").innerText();
    const ops = await page.getByTestId("exchange-step").evaluateAll((els) => els.map((e) => e.getAttribute("data-operation")));
    assert(ops[0] === "InitiateAuth" && ops.includes("GetId"), `steps: ${ops.join(", ")}`);
    const body = await page.locator(".exchange-body").allTextContents();
    assert(!body.some((b) => b.includes(PASSWORD)), "the password shows in a step");
    assert(body.some((b) => b.includes("IdentityId")), "GetId's answer is not shown");
    assert((await run.getAttribute("data-succeeded")) === "true", `the run failed: ${outcome}`);
    assert(ops.includes("GetCredentialsForIdentity") && ops.at(-1) === "GetCallerIdentity", `steps: ${ops.join(", ")}`);
    assert((await page.getByTestId("exchange-caller").innerText()).includes("assumed-role/ShopUsers"), "the caller is not the assumed role");
    assert((await page.getByTestId("exchange-why").getByTestId("explain-role").innerText()).trim() === roleArn, "the role is not named");
    const seconds = Number(await page.getByTestId("credentials-countdown").getAttribute("data-seconds"));
    assert(seconds > 3500 && seconds <= 3600, `the countdown reads ${seconds}`);
    await page.waitForFunction((before) => Number(document.querySelector('[data-testid="credentials-countdown"]')?.getAttribute("data-seconds")) < before, seconds);
    await page.getByTestId("exchange-why").getByTestId("explain-trust").waitFor();
    assert((await page.getByTestId("exchange-why").getByTestId("explain-trust").getAttribute("data-outcome")) === "Allowed", "the why does not give the trust verdict");
    identityId = (await page.getByTestId("exchange-identity").innerText()).replace("Copy", "").trim();
    // What may it do: the role's OwnPhotos statement, with ${cognito-identity.amazonaws.com:sub}
    // filled with the run's identity.
    const why = page.getByTestId("exchange-why");
    await why.getByTestId("access-resource").fill(`arn:aws:s3:::photos/${identityId}/a.jpg`);
    await page.waitForFunction(() => document.querySelector('[data-testid="exchange-why"] [data-testid="access-verdict"]')?.getAttribute("data-decision") === "Allowed");
    assert((await why.getByTestId("access-deciding").first().innerText()).includes("OwnPhotos"), "the deciding statement is not named");
    await looks(page, "tester");
  });

  await check("the run's ID token opens in the token inspector", async () => {
    clicks = 0;
    await click(page.locator('[data-testid="exchange-token"][data-name="IdToken"]').getByTestId("open-token-in-inspector").first());
    await page.waitForFunction(() => location.hash === "#/tokens");
    await page.getByText(/signature/i).first().waitFor();
    log(`      open the token in the inspector: ${clicks} click`);
    await page.goBack();
    await page.getByTestId("exchange-screen").waitFor();
  });

  await check("a backend is added with a write-only secret, edited and deleted", async () => {
    const section = page.getByTestId("backends-section");
    await section.locator("summary").click();
    await page.getByTestId("add-backend").click();
    const dialog = page.getByTestId("backend-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Name").fill("moto");
    await dialog.getByLabel("URL").fill("http://127.0.0.1:5999");
    await dialog.getByLabel("Access key id").fill("AKIAEXAMPLEKEY000001");
    await dialog.getByLabel("Secret access key").fill("very-secret-value-123");
    await dialog.getByRole("button", { name: "Add backend" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId("backend-row").filter({ hasText: "moto" });
    await row.waitFor();
    const text = await row.innerText();
    assert(text.includes("AKIAEXAMPLEKEY000001") && !text.includes("very-secret-value-123"), `the row reads ${text}`);
    assert(!(await page.content()).includes("very-secret-value-123"), "the secret is on the page");
    await row.getByRole("button", { name: "Edit" }).click();
    await dialog.waitFor();
    assert((await dialog.getByLabel("Secret access key").inputValue()) === "", "the secret is shown again");
    await dialog.getByLabel("Region").fill("eu-west-1");
    await dialog.getByRole("button", { name: "Save backend" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="backend-row"]')].some((r) => r.textContent?.includes("eu-west-1")));
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByTestId("confirm-button").click();
    await row.waitFor({ state: "detached" });
    const listed = await apiOk(base, "ListBackends", {}, "Poolhouse");
    assert(!listed.Backends.some((b) => b.Name === "moto"), `still listed: ${JSON.stringify(listed.Backends)}`);
  });

  await check("the history keeps the run; a re-run asks for the password again", async () => {
    const row = page.getByTestId("exchange-history-row").first();
    await row.waitFor();
    assert((await row.innerText()).includes("ada"), `the row reads ${await row.innerText()}`);
    await row.getByTestId("exchange-rerun").click();
    await page.getByTestId("rerun-dialog").waitFor();
    await page.getByTestId("rerun-password").fill(PASSWORD);
    await page.getByTestId("rerun-submit").click();
    await page.getByTestId("rerun-dialog").waitFor({ state: "detached" });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="exchange-history-row"]').length === n, 2);
  });

  await check("the Identities tab lists the identity the run made, with its login named by the user pool", async () => {
    await page.goto(`${base}/#/identity-pools/${encodeURIComponent(identityPoolId)}/identities`);
    const row = page.locator(`[data-testid="identity-row"][data-identity="${identityId}"]`);
    await row.waitFor();
    assert((await row.innerText()).includes(`User pool ${poolName}`), `the row reads ${await row.innerText()}`);
    await looks(page, "identities");
  });

  await check("deleting the identity asks, then it is gone", async () => {
    await page.getByRole("checkbox", { name: `Select ${identityId}` }).check();
    await page.getByTestId("delete-identities").click();
    await page.getByTestId("confirm-dialog").waitFor();
    await page.getByTestId("confirm-button").click();
    await page.getByTestId("empty-state").waitFor();
    const r = await apiOk(base, "ListIdentities", { IdentityPoolId: identityPoolId, MaxResults: 10 }, CID);
    assert(r.Identities.length === 0, `still listed: ${JSON.stringify(r.Identities)}`);
  });

  await check("no uncaught errors in the page", async () => {
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

await s.run(main);
