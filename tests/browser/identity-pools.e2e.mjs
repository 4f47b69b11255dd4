#!/usr/bin/env node
// Browser end-to-end test of the identity pool screens: the built UI (ui/dist) served by the
// real core (`poolhouse serve --ui`), headless Debian chromium through playwright-core. A user
// pool with an app client, a group "admins" and two people (one in the group) is seeded over
// HTTP, and their ID tokens are obtained with AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH).
// Then, in the console: the empty list says what an identity pool is for; an identity pool is
// created trusting the user pool's app client (picked by name); on Roles & mapping a Rules
// mapping "cognito:groups Contains admins → role A" is typed, and "Which role, and why?"
// explains it before it is saved — the group member's token: rule 1 matched, role A chosen; the
// other person's: the ambiguous resolution; a blank value is marked on its field as the core
// names it. Saved, reloaded, the store has it (GetIdentityPoolRoles). The Identities tab names
// the identities of ada, bob and a deleted user by their people (email; "Deleted user" with its
// sub), the id last; a search by email finds one; unlink and delete work and name the person.
// Every screen is checked in
// the three looks (axe, sideways overflow), screenshots in tests/out/identity-*.png. The clicks
// of the path (create → trust → map → explain) are counted and printed. Last line "N passed,
// M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 180000)

import { apiOk, assert, inEveryLook, log, scenario, seedIdentity, shot, shotOf } from "./harness.mjs";

const s = scenario({ name: "identity-pools-e2e", timeoutMs: 180_000 });
const { check, startServer } = s;

const CID = "AWSCognitoIdentityService";
const ROLE_A = "arn:aws:iam::123456789012:role/ShopAdmins";
const AUTH = "arn:aws:iam::123456789012:role/ShopUsers";
const PASSWORD = "Correct-horse-42!";

/** The screen in each look (harness `inEveryLook`), photographed as `identity-<name>-<look>`. */
const looks = (page, name, prepare) => inEveryLook(page, "identity", name, prepare);

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });

  const poolName = `shop-${Date.now().toString(36)}`;
  let userPoolId;
  let clientId;
  const tokens = {};
  await check("a user pool, its app client, the group admins and two people are seeded; their ID tokens obtained", async () => {
    const seeded = await seedIdentity(base, {
      poolName,
      people: { ada: "ada@example.com", bob: "bob@example.com" },
      password: PASSWORD,
      groups: { admins: ["ada"] },
    });
    ({ userPoolId, clientId } = seeded);
    for (const username of ["ada", "bob"]) tokens[username] = await seeded.idToken(username);
  });

  const { page, pageErrors } = await s.openBrowser();
  let clicks = 0;
  /** A click on the "Done when" path, counted. */
  const click = async (locator) => {
    clicks += 1;
    await locator.click();
  };
  const select = async (locator, value) => {
    clicks += 1;
    await locator.selectOption(value);
  };

  await check("the Identity pools entry opens an empty list that says what an identity pool is for", async () => {
    await page.goto(`${base}/`);
    await page.getByTestId("pool-list").waitFor();
    await click(page.getByRole("link", { name: "Identity pools", exact: true }));
    const empty = page.getByTestId("empty-state");
    await empty.waitFor();
    const text = await empty.innerText();
    assert(/temporary AWS\s+credentials/.test(text), `the empty state reads "${text}"`);
    assert(new URL(page.url()).hash === "#/identity-pools", `the address is ${page.url()}`);
  });

  await check("identity pool list (empty) in the three looks", () => looks(page, "list-empty"));

  const provider = `cognito-idp.${userPoolId?.split("_")[0]}.amazonaws.com/${userPoolId}`;
  const mappingKey = `${provider}:${clientId}`;
  let identityPoolId;
  await check("the create dialog trusts the user pool's app client, picked by name", async () => {
    await click(page.getByTestId("create-identity-pool").first());
    const dialog = page.getByTestId("create-identity-pool-dialog");
    await dialog.waitFor();
    await page.getByTestId("identity-pool-name").fill("Shop app");
    await select(dialog.getByTestId("trust-user-pool-select"), { label: `${poolName} (${userPoolId})` });
    await click(dialog.getByRole("checkbox", { name: /^web/ }));
    await shot(page, "identity-create-dialog");
    await click(page.getByTestId("create-identity-pool-submit"));
    await page.getByTestId("identity-pool-roles").waitFor();
    identityPoolId = decodeURIComponent(new URL(page.url()).hash.split("/")[2] ?? "");
    assert(/^us-east-1:[0-9a-f-]{36}$/.test(identityPoolId), `the address names ${identityPoolId}`);
    const saved = await apiOk(base, "DescribeIdentityPool", { IdentityPoolId: identityPoolId }, CID);
    const trusted = saved.CognitoIdentityProviders ?? [];
    assert(trusted.length === 1 && trusted[0].ProviderName === provider && trusted[0].ClientId === clientId, `trusts ${JSON.stringify(trusted)}`);
  });

  const mapping = page.locator(`[data-testid="role-mapping"][data-provider="${mappingKey}"]`);
  const rule = mapping.getByTestId("rule-row").first();
  const explainRule = page.getByTestId("explain-rule").first();
  const verdict = page.getByTestId("explain-verdict");
  await check("a Rules mapping cognito:groups Contains admins → role A is typed", async () => {
    await page.getByTestId("role-authenticated").fill(AUTH);
    assert((await mapping.count()) === 1, "no mapping for the user pool's app client");
    assert((await mapping.innerText()).includes(`User pool ${poolName} · app client web`), "the mapping is not named by the pool's and client's names");
    await click(mapping.getByTestId("mapping-kind-rules"));
    // Switching to Rules starts with one rule to fill.
    await rule.getByTestId("rule-claim").fill("cognito:groups");
    await select(rule.getByTestId("rule-match"), "Contains");
    await rule.getByTestId("rule-value").fill("admins");
    await rule.getByTestId("rule-rolearn").fill(ROLE_A);
  });

  await check("explained before saving: the group member's token matches rule 1 and gets role A", async () => {
    await page.getByTestId("explain-token").fill(tokens.ada);
    await page.waitForFunction(() => document.querySelector('[data-testid="explain-rule"]')?.getAttribute("data-outcome") === "Matched");
    await verdict.waitFor();
    assert((await verdict.getAttribute("data-outcome")) === "role", `the verdict is ${await verdict.innerText()}`);
    assert((await page.getByTestId("explain-role").innerText()).trim() === ROLE_A, "role A was not chosen");
    assert(/rule 1/.test(await verdict.innerText()), `the verdict does not name rule 1: ${await verdict.innerText()}`);
    const login = page.getByTestId("explain-login");
    assert((await login.getAttribute("data-status")) === "Verified", `the token was not verified: ${await login.innerText()}`);
    assert((await login.innerText()).startsWith("ada@example.com"), `the login is not named by the person's email: ${await login.innerText()}`);
    assert((await rule.getByTestId("rule-outcome").innerText()).trim() === "Chosen", "the editor's rule is not marked chosen");
    assert(!(await login.innerText()).includes("without verification"), "a verified token is called unverified");
    await shotOf(page, page.getByTestId("explain-panel"), "identity-explain-matched");
  });
  const pathClicks = clicks;
  log(`      the "Done when" path (create pool → trust user pool → map group to role → explain): ${pathClicks} clicks`);

  await check("Roles & mapping with the explanation, in the three looks", () => looks(page, "roles-explained"));

  await check("someone outside the group meets the ambiguous resolution (the authenticated role)", async () => {
    await page.getByTestId("explain-token").fill(tokens.bob);
    await page.waitForFunction(() => document.querySelector('[data-testid="explain-rule"]')?.getAttribute("data-outcome") === "ClaimMissing");
    assert((await page.getByTestId("explain-role").innerText()).trim() === AUTH, "bob did not get the authenticated role");
    assert(/AmbiguousRoleResolution is AuthenticatedRole/.test(await verdict.innerText()), `the verdict reads ${await verdict.innerText()}`);
    await mapping.getByTestId("mapping-ambiguous").selectOption("Deny");
    await page.waitForFunction(() => document.querySelector('[data-testid="explain-verdict"]')?.getAttribute("data-outcome") === "refused");
    assert((await verdict.innerText()).includes("NotAuthorizedException"), `the refusal reads ${await verdict.innerText()}`);
    await shotOf(page, page.getByTestId("explain-panel"), "identity-explain-denied");
    await mapping.getByTestId("mapping-ambiguous").selectOption("AuthenticatedRole");
  });

  await check("a blank value is marked on its field as the core names it, before saving", async () => {
    await rule.getByTestId("rule-value").fill("");
    const error = rule.locator('[data-field="Rules[1].Value"] [data-testid="field-error"]');
    await error.waitFor();
    assert(/1-128 characters/.test(await error.innerText()), `the message reads ${await error.innerText()}`);
    assert((await rule.getByTestId("rule-value").getAttribute("aria-invalid")) === "true", "the field is not marked invalid");
    await rule.getByTestId("rule-value").fill("admins");
    await error.waitFor({ state: "detached" });
  });

  await check("leaving with unsaved rules asks first", async () => {
    await page.getByTestId("idp-tab-overview").click();
    await page.getByTestId("unsaved-dialog").waitFor();
    await page.getByTestId("keep-editing").click();
    await page.getByTestId("identity-pool-roles").waitFor();
  });

  await check("saved, reloaded: the rule is there and the store has it (GetIdentityPoolRoles)", async () => {
    await page.getByTestId("roles-save").click();
    await page.getByText("Roles and role mappings saved").waitFor();
    await page.reload();
    await page.getByTestId("identity-pool-roles").waitFor();
    const claim = page.locator(`[data-testid="role-mapping"][data-provider="${mappingKey}"]`).getByTestId("rule-claim").first();
    await claim.waitFor();
    assert((await claim.inputValue()) === "cognito:groups", "the reloaded rule lost its claim");
    const saved = await apiOk(base, "GetIdentityPoolRoles", { IdentityPoolId: identityPoolId }, CID);
    assert(saved.Roles.authenticated === AUTH, `Roles: ${JSON.stringify(saved.Roles)}`);
    const m = saved.RoleMappings[mappingKey];
    assert(m?.Type === "Rules" && m.AmbiguousRoleResolution === "AuthenticatedRole", `mapping: ${JSON.stringify(m)}`);
    const rules = m.RulesConfiguration.Rules;
    assert(
      rules.length === 1 && rules[0].Claim === "cognito:groups" && rules[0].MatchType === "Contains" && rules[0].Value === "admins" && rules[0].RoleARN === ROLE_A,
      `rules: ${JSON.stringify(rules)}`,
    );
    // The saved rules explain the same (the panel keeps its token across the save).
    await page.getByTestId("explain-token").fill(tokens.ada);
    await page.waitForFunction(() => document.querySelector('[data-testid="explain-rule"]')?.getAttribute("data-outcome") === "Matched");
  });

  const tabs = [
    ["overview", "identity-pool-overview"],
    ["providers", "identity-pool-providers"],
    ["principal-tags", "identity-pool-principal-tags"],
    ["tags", "identity-pool-tags"],
  ];
  for (const [tab, ready] of tabs) {
    await check(`the ${tab} tab in the three looks`, async () => {
      await page.getByTestId(`idp-tab-${tab}`).click();
      await page.getByTestId(ready).waitFor();
      if (tab === "principal-tags") await page.getByTestId("principal-tags").first().getByRole("checkbox").waitFor();
      await looks(page, tab);
    });
  }

  await check("principal tags: UseDefaults gives the session tags client and username", async () => {
    await page.getByTestId("idp-tab-principal-tags").click();
    const section = page.getByTestId("principal-tags").first();
    await section.getByRole("checkbox", { name: /default tags/ }).check();
    await section.getByTestId("principal-tags-save").click();
    await page.getByText(/Principal tags of .* saved/).waitFor();
    await page.getByTestId("idp-tab-roles").click();
    await page.getByTestId("explain-token").fill(tokens.ada);
    const tags = page.getByTestId("explain-tags");
    await page.waitForFunction(() => /client = /.test(document.querySelector('[data-testid="explain-tags"]')?.textContent ?? ""));
    const text = await tags.innerText();
    assert(text.includes(`client = ${clientId}`) && /username = [0-9a-f-]{36}/.test(text), `the session tags read ${text}`);
  });

  // The Identities tab: identities made by GetId for ada and bob, and for cy, whose user is
  // then deleted. Each is named as people know them (the email), not by its id.
  const identities = {};
  await check("identities of ada, bob and a deleted user are made (GetId)", async () => {
    for (const who of ["ada", "bob"]) {
      identities[who] = (await apiOk(base, "GetId", { IdentityPoolId: identityPoolId, Logins: { [provider]: tokens[who] } }, CID)).IdentityId;
    }
    await apiOk(base, "AdminCreateUser", { UserPoolId: userPoolId, Username: "cy", MessageAction: "SUPPRESS" });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: userPoolId, Username: "cy", Password: PASSWORD, Permanent: true });
    const cy = await apiOk(base, "AdminInitiateAuth", {
      UserPoolId: userPoolId,
      ClientId: clientId,
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "cy", PASSWORD },
    });
    identities.cy = (await apiOk(base, "GetId", { IdentityPoolId: identityPoolId, Logins: { [provider]: cy.AuthenticationResult.IdToken } }, CID)).IdentityId;
    await apiOk(base, "AdminDeleteUser", { UserPoolId: userPoolId, Username: "cy" });
  });

  const identityRow = (who) => page.locator(`[data-testid="identity-row"][data-identity="${identities[who]}"]`);
  await check("the Identities tab names each identity by its person, the id last", async () => {
    await page.getByTestId("idp-tab-identities").click();
    await page.getByTestId("identity-pool-identities").waitFor();
    await identityRow("cy").waitFor();
    for (const [who, email] of [
      ["ada", "ada@example.com"],
      ["bob", "bob@example.com"],
    ]) {
      const cell = identityRow(who).getByTestId("identity-who");
      const text = await cell.innerText();
      assert(text.startsWith(email), `${who}'s identity is named "${text}"`);
      assert(!text.includes(identities[who]), `${who}'s identity is named by its id: "${text}"`);
      const cells = await identityRow(who).getByRole("cell").allInnerTexts();
      assert(cells.at(-1)?.trim() === identities[who], `the id is not the last cell: ${JSON.stringify(cells)}`);
      assert(cells[2]?.includes(`User pool ${poolName}`), `the logins read ${cells[2]}`);
    }
    const gone = await identityRow("cy").getByTestId("identity-who").innerText();
    assert(/^Deleted user/.test(gone) && /sub [0-9a-f-]{36}/.test(gone), `the deleted user's identity reads "${gone}"`);
    assert((await identityRow("cy").innerText()).includes("user deleted"), "the deleted user's login does not say so");
  });

  await check("the Identities tab in the three looks", () => looks(page, "identities"));

  await check("searching by email finds the one identity", async () => {
    await page.getByTestId("identity-search").fill("BOB@exam");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="identity-row"]').length === 1);
    await identityRow("bob").waitFor();
    await shot(page, "identity-identities-search");
    await page.getByTestId("identity-search").fill("nobody-like-this");
    await page.getByText("No identity matches").waitFor();
    await page.getByTestId("identity-search").fill("");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="identity-row"]').length === 3);
  });

  await check("unlinking ada's login asks for its token, naming her, and the login is gone", async () => {
    await identityRow("ada").getByRole("button", { name: /^Unlink/ }).click();
    const dialog = page.getByTestId("unlink-dialog");
    await dialog.waitFor();
    assert((await dialog.innerText()).includes("ada@example.com"), `the dialog does not name ada: ${await dialog.innerText()}`);
    await dialog.getByRole("textbox").fill(tokens.ada);
    await dialog.getByRole("button", { name: "Unlink", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid="identity-row"][data-identity="${id}"] [data-testid="identity-who"]`)?.getAttribute("data-kind") === "guest",
      identities.ada,
    );
    const d = await apiOk(base, "DescribeIdentity", { IdentityId: identities.ada }, CID);
    assert(d.Logins.length === 0, `still linked: ${JSON.stringify(d.Logins)}`);
  });

  await check("deleting the deleted user's and bob's identities asks, naming them; they are gone", async () => {
    await identityRow("cy").getByRole("checkbox").check();
    await identityRow("bob").getByRole("checkbox").check();
    await page.getByTestId("delete-identities").click();
    const confirm = page.getByTestId("confirm-dialog");
    await confirm.waitFor();
    const text = await confirm.innerText();
    assert(text.includes("bob@example.com") && text.includes("Deleted user"), `the confirmation reads ${text}`);
    await shot(page, "identity-identities-delete");
    await page.getByTestId("confirm-button").click();
    await page.getByText("2 identities deleted").waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="identity-row"]').length === 1);
    const r = await apiOk(base, "ListIdentities", { IdentityPoolId: identityPoolId, MaxResults: 10 }, CID);
    assert(r.Identities.length === 1 && r.Identities[0].IdentityId === identities.ada, `listed: ${JSON.stringify(r.Identities)}`);
  });

  await check("the list shows the pool with its guests and providers; in the three looks", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identity pools", exact: true }).click();
    const row = page.getByTestId("identity-pool-table").getByRole("row").filter({ hasText: "Shop app" });
    await row.waitFor();
    await row.getByText("Not allowed").waitFor();
    const cells = await row.getByRole("cell").allInnerTexts();
    assert(cells[1] === identityPoolId && cells[3] === "1", `the row reads ${JSON.stringify(cells)}`);
    await looks(page, "list");
  });

  await check("the create dialog in the three looks", async () => {
    await page.getByTestId("create-identity-pool").first().click();
    await page.getByTestId("create-identity-pool-dialog").waitFor();
    await looks(page, "create");
    await page.getByTestId("create-identity-pool-dialog").getByRole("button", { name: "Cancel" }).click();
  });

  await check("delete asks, naming the pool, and the pool is gone", async () => {
    await page.getByTestId("identity-pool-table").getByRole("link", { name: "Shop app" }).click();
    await page.getByTestId("delete-identity-pool").click();
    const confirm = page.getByTestId("confirm-dialog");
    await confirm.waitFor();
    assert((await confirm.innerText()).includes("Delete identity pool Shop app?"), "the confirmation does not name the pool");
    await page.getByTestId("confirm-input").fill("Shop app");
    await page.getByTestId("confirm-button").click();
    await page.getByTestId("identity-pool-list").waitFor();
    await page.getByTestId("empty-state").waitFor();
    const r = await apiOk(base, "ListIdentityPools", { MaxResults: 10 }, CID);
    assert(r.IdentityPools.length === 0, `still listed: ${JSON.stringify(r.IdentityPools)}`);
  });

  await check("no uncaught errors in the page", async () => {
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

await s.run(main);
