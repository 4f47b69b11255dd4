#!/usr/bin/env node
// Browser end-to-end test of the developer's loop and of the browser build's offline state:
// the built UI (ui/dist) served by the real core (`poolhouse serve --ui`), headless Debian
// chromium through playwright-core. A pool, an app client and a user are seeded over HTTP;
// then, from a fresh start at `/` (a new page, nothing visited), the developer opens the pool's
// app clients, signs in with Try sign-in, opens the ID token with Inspect (filled and verified,
// the verdict first), goes back (the tokens are still there), and pastes garbage (kept out of
// the history). Then the endpoint is stopped: the banner names the command with the store and
// the address in use, the users stay on screen dated, and when the endpoint is started again
// on the same address the page recovers by itself, without a reload. The inspector and Try
// sign-in are checked in the three looks (axe, sideways overflow), screenshots in
// tests/out/developer-*.png; the last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 150000)

import { DIST, LOOKS, apiOk, assert, axe, axeOf, log, scenario, setLook, shot, sidewaysOverflow, stoppableServer } from "./harness.mjs";

const s = scenario({ name: "developer-e2e", timeoutMs: 150_000 });
const { check } = s;

const fromB64url = (t) => Buffer.from(t, "base64url").toString("utf8");

/** Whether the element's box is inside the window (at least partly, from its top). */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return box !== null && box.y >= -1 && box.y < vp.height && box.y + Math.min(box.height, 40) <= vp.height + 1;
}

/**
 * The screen in each look: axe over `scope` (this scenario's part, its minor findings printed)
 * and over the whole page must find nothing serious, and nothing may be cut off sideways.
 */
async function looks(page, name, scope, prepare) {
  for (const look of LOOKS) {
    await setLook(page, look);
    if (prepare) await prepare();
    const minor = await axeOf(page, `${name} (${look.name})`, scope);
    if (minor.length > 0) log(`      axe (${look.name}) minor: ${minor.map((v) => v.id).join(", ")}`);
    await axe(page, `the whole page around ${name} (${look.name})`);
    const overflow = await sidewaysOverflow(page);
    assert(overflow.length === 0, `${name} (${look.name}) is cut off sideways: ${overflow.join("; ")}`);
    await shot(page, `developer-${name}-${look.name}`);
  }
  await setLook(page, LOOKS[0]);
}

async function main() {
  let server;
  await check("poolhouse serve starts (a server this scenario can stop and start again)", async () => {
    server = await stoppableServer(s, "developer");
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(server.base), `unexpected address ${server.base}`);
  });
  const { base } = server;

  const password = "Correct-horse-42!";
  const poolName = `dev-loop-${Date.now().toString(36)}`;
  let poolId;
  await check("a pool, an app client and a user are seeded over HTTP", async () => {
    poolId = (await apiOk(base, "CreateUserPool", { PoolName: poolName })).UserPool.Id;
    await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: poolId,
      Username: "dev",
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: "dev@example.com" }],
    });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: poolId, Username: "dev", Password: password, Permanent: true });
  });

  const { context, pageErrors } = await s.openBrowser();
  // A new page: nothing of the console visited in it yet.
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const panel = page.getByTestId("try-signin");
  const tokens = panel.getByTestId("try-tokens");
  const input = page.getByTestId("token-input");
  const topVerdict = page.getByTestId("inspector-verdict");

  let signedIn;
  await check("from a fresh start at /, the pool's app clients open and Try sign-in signs the user in", async () => {
    await page.goto(`${base}/`);
    await page.getByRole("link", { name: poolName }).first().click();
    await page.getByTestId("tab-clients").click();
    await page.getByTestId("clients-table").getByRole("row").filter({ hasText: "web" }).getByTestId("try-signin-button").click();
    await panel.getByTestId("try-username").fill("dev");
    await panel.getByTestId("try-password").fill(password);
    await panel.getByTestId("try-submit").click();
    await tokens.waitFor();
    signedIn = JSON.parse(await tokens.getByTestId("id-token-payload").innerText());
    assert(signedIn["cognito:username"] === "dev", `signed in as ${JSON.stringify(signedIn)}`);
  });

  await check("Try sign-in in the three looks: no serious axe finding, nothing cut off sideways", async () => {
    await looks(page, "try-signin", ['[data-testid="try-signin"]'], () => tokens.waitFor());
  });

  await check("Try sign-in sets up email codes at MFA_SETUP: the choice, the address, the code from the outbox, the tokens", async () => {
    const mfaPool = (await apiOk(base, "CreateUserPool", { PoolName: `${poolName}-mfa` })).UserPool.Id;
    await apiOk(base, "SetUserPoolMfaConfig", {
      UserPoolId: mfaPool,
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: {},
      MfaConfiguration: "ON",
    });
    await apiOk(base, "CreateUserPoolClient", { UserPoolId: mfaPool, ClientName: "mfa-web", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
    await apiOk(base, "AdminCreateUser", { UserPoolId: mfaPool, Username: "ola", MessageAction: "SUPPRESS" });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: mfaPool, Username: "ola", Password: password, Permanent: true });
    const tab = await context.newPage();
    tab.on("pageerror", (e) => pageErrors.push(e.message));
    await tab.goto(`${base}/`);
    await tab.getByRole("link", { name: `${poolName}-mfa` }).first().click();
    await tab.getByTestId("tab-clients").click();
    await tab.getByTestId("clients-table").getByRole("row").filter({ hasText: "mfa-web" }).getByTestId("try-signin-button").click();
    const try2 = tab.getByTestId("try-signin");
    await try2.getByTestId("try-username").fill("ola");
    await try2.getByTestId("try-password").fill(password);
    await try2.getByTestId("try-submit").click();
    const setup = try2.getByTestId("try-mfa-setup");
    await setup.getByRole("heading", { name: "2. Set up MFA" }).waitFor();
    await setup.getByLabel(/EMAIL_OTP/).check();
    await setup.getByTestId("try-mfa-email").fill("ola@example.com");
    await shot(tab, "developer-try-mfa-setup-email");
    await setup.getByTestId("try-mfa-email-send").click();
    const code = try2.getByTestId("try-mfa-code");
    await code.waitFor();
    const m = await apiOk(base, "ListOutboxMessages", { UserPoolId: mfaPool, Limit: 1 }, "Poolhouse");
    assert(m.Messages[0]?.Destination === "ola@example.com", `the code went to ${JSON.stringify(m.Messages[0])}`);
    const sent = (m.Messages[0]?.Body ?? "").replace(/\D/g, "");
    assert(/^\d{6}$/.test(sent), `no code in the outbox: ${JSON.stringify(m.Messages[0])}`);
    await code.getByTestId("try-mfa-code-input").fill(sent);
    await code.getByTestId("try-mfa-code-submit").click();
    await try2.getByTestId("try-tokens").waitFor();
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: mfaPool, Username: "ola" });
    assert((user.UserMFASettingList ?? []).includes("EMAIL_OTP"), `email MFA is not on: ${JSON.stringify(user.UserMFASettingList)}`);
    const email = (user.UserAttributes ?? []).find((a) => a.Name === "email")?.Value;
    assert(email === "ola@example.com", `the user's email is ${email}`);
    await tab.close();
  });

  await check("Inspect opens the ID token in the inspector, filled and verified, the verdict first", async () => {
    await tokens.getByTestId("id-token-inspect").click();
    await page.getByTestId("tokens-screen").waitFor();
    assert(new URL(page.url()).hash === "#/tokens", `the address is ${page.url()}`);
    const value = await input.inputValue();
    assert(value.split(".").length === 3, `the inspector holds "${value.slice(0, 40)}"`);
    assert(JSON.parse(fromB64url(value.split(".")[1])).jti === signedIn.jti, "the inspector holds another token");
    assert(!page.url().includes(value.split(".")[2]), "the token is in the URL");
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-verdict"]')?.getAttribute("data-verdict") === "Valid");
    const first = await page.evaluate(() => document.querySelector(".inspector")?.firstElementChild?.getAttribute("data-testid"));
    assert(first === "inspector-verdict", `the first thing on the inspector is ${first}`);
    assert(await inView(page, topVerdict), "the verdict is not in view");
    assert(/^Valid/.test((await topVerdict.innerText()).trim()), `the verdict reads "${await topVerdict.innerText()}"`);
    assert((await page.getByTestId("inspect-section").getByText("Decoded, not verified").count()) === 0, "'Decoded, not verified' contradicts the verdict");
    assert((await page.getByTestId("verdict").getAttribute("data-verdict")) === "Valid", "the checklist's verdict is not Valid");
    await shot(page, "developer-inspect-from-try-signin");
  });

  await check("the inspector in the three looks: no serious axe finding, nothing cut off sideways", async () => {
    await looks(page, "inspector", ['[data-testid="tokens-screen"]'], () => topVerdict.waitFor());
  });

  await check("back: Try sign-in is open again with the same tokens, not a sign-in form", async () => {
    await page.goBack();
    await tokens.waitFor();
    const again = JSON.parse(await tokens.getByTestId("id-token-payload").innerText());
    assert(again.jti === signedIn.jti, "other tokens are shown");
    assert((await panel.getByTestId("try-password").count()) === 0, "the sign-in form is shown again");
    await shot(page, "developer-back-to-try-signin");
    await panel.getByRole("button", { name: "Close" }).click();
  });

  await check("garbage pasted in the inspector is not kept in the history", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Token inspector" }).click();
    await page.getByTestId("tokens-screen").waitFor();
    const items = page.getByTestId("history-item");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-item"]').length === 1);
    // Not a token at all; three dots of base64 around `{}`; a signed text that is not a JWT.
    for (const garbage of ["garbage garbage", "e30.e30.e30", "eyJhbGciOiJIUzI1NiJ9.aGVsbG8.c2ln"]) {
      await input.fill(garbage);
      await page.getByTestId("decoded").or(page.getByTestId("token-problem")).first().waitFor();
      await page.waitForTimeout(1200);
    }
    const texts = await items.allInnerTexts();
    assert(texts.length === 1 && /ID token/.test(texts[0]), `the history lists ${JSON.stringify(texts)}`);
    await shot(page, "developer-history-without-garbage");
  });

  await check("results scroll into view: the verify result and the encoded test token", async () => {
    await items0(page).click();
    await page.getByTestId("verify-submit").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.getAttribute("data-verdict") === "Valid");
    await page.waitForTimeout(300);
    assert(await inView(page, page.getByTestId("verify-result")), "the verify result is off-screen");
    const encode = page.getByTestId("encode-section");
    await encode.getByTestId("encode-pool").selectOption(poolId);
    await encode.getByTestId("encode-submit").click();
    await encode.getByTestId("encode-result").waitFor();
    await page.waitForTimeout(300);
    assert(await inView(page, encode.getByTestId("encode-result")), "the encoded token is off-screen");
    await shot(page, "developer-encoded-in-view");
  });

  const usersUrl = `${base}/#/pools/${encodeURIComponent(poolId)}/users`;
  await check("the server stops: a banner names the command with the store and address, the users stay shown as stale", async () => {
    await page.goto(usersUrl);
    await page.getByTestId("user-row").first().waitFor();
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    await server.stop();
    await page.getByRole("button", { name: "Refresh users" }).click();
    const banner = page.getByTestId("offline-banner");
    await banner.waitFor();
    const command = await banner.getByTestId("offline-command").innerText();
    assert(command.includes(`--addr ${server.addr}`), `the command does not name the address: ${command}`);
    assert(command.includes(server.db), `the command does not name the store ${server.db}: ${command}`);
    assert(command.endsWith(` --ui ${DIST}`), `the command does not name the --ui folder ${DIST}: ${command}`);
    assert(/^poolhouse --db \S+ serve --addr \S+ --ui /.test(command), `the command reads "${command}"`);
    assert(/Showing data from \d{1,2}:\d{2}/.test(await banner.innerText()), `the banner does not date the data: ${await banner.innerText()}`);
    assert((await page.getByTestId("user-row").count()) >= 1, "the users are gone");
    const footer = await page.getByTestId("user-count").innerText();
    assert(!/^0 users/.test(footer), `the footer claims "${footer}"`);
    await shot(page, "developer-offline");
  });

  await check("offline in the three looks: no serious axe finding, nothing cut off sideways", async () => {
    await looks(page, "offline", ['[data-testid="offline-banner"]', ".table-footer"], () => page.getByTestId("offline-banner").waitFor());
  });

  await check("the server is started again on the same address and store: the page recovers by itself, without a reload", async () => {
    const posts = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.headers()["x-amz-target"] ?? "");
    });
    const again = await server.restart();
    assert(again === base, `restarted at ${again}, not ${base}`);
    await page.getByTestId("offline-banner").waitFor({ state: "detached", timeout: 15_000 });
    assert(await page.evaluate(() => window.__sameDocument === true), "the page was reloaded");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="user-row"]').length >= 1);
    await page.waitForTimeout(500);
    assert(posts.some((t) => /Users/.test(t)), `the users were not fetched again: ${JSON.stringify(posts)}`);
    const footer = await page.getByTestId("user-count").innerText();
    assert(/^1 user/.test(footer), `the footer reads "${footer}"`);
    await shot(page, "developer-recovered");
  });

  await check("the page logged no errors but the failed requests of the stopped server", async () => {
    const real = pageErrors.filter((e) => !/status of 4\d\d|ERR_CONNECTION_REFUSED|Failed to load resource|Failed to fetch/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

function items0(page) {
  return page.getByTestId("history-item").first();
}

await s.run(main);
