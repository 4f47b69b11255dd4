#!/usr/bin/env node
// Browser end-to-end test of the hosted pages beyond sign-in: from an app's authorize URL, a
// new user follows "Sign up", is refused a password the policy does not allow (each broken rule
// marked on the page), signs up, confirms with the code read from the outbox, signs in, sets up
// an authenticator on the MFA set-up page (its QR code shown, the code computed here from the
// secret the page writes out) and lands at the app's callback with a code and the state
// untouched. Then "Forgot your password?": a reset code from the outbox, a new password, and a
// sign-in with it and the authenticator. A pool that confirms with a link: the link read from
// the outbox confirms the account in the browser (and says so when opened again). A pool that
// requires MFA by authenticator or email codes: the set-up page offers both, and the email path
// (by keyboard) ends at the app. Every page carries the client's branding and passes
// axe in light and dark; screenshots go to tests/out/signup-*.png; the last line is
// "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 180000)

import { createHash, randomBytes } from "node:crypto";

import { apiOk, assert, inEveryLook, png, scenario, totp } from "./harness.mjs";

const s = scenario({ name: "signup-e2e", timeoutMs: 180_000 });
const { check, startServer } = s;

const CALLBACK = "https://app.test/callback";
const PASSWORD = "Correct-Horse-1";
const NEW_PASSWORD = "Battery-Staple-2";
const STATE = "x y&z=1/ü";
const LOGO = png(160, 48);
const BUTTON = "rgb(11, 94, 86)";

const b64url = (buf) => buf.toString("base64url");

function authorizeUrl(base, clientId, extra = {}) {
  const verifier = b64url(randomBytes(32));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: "openid email",
    state: STATE,
    code_challenge: b64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
    ...extra,
  });
  return `${base}/oauth2/authorize?${q}`;
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });

  let poolId;
  let clientId;
  await check("a pool that requires MFA, with a domain and a branded app client, is made through the API", async () => {
    poolId = (
      await apiOk(base, "CreateUserPool", {
        PoolName: "Harbour",
        AutoVerifiedAttributes: ["email"],
        Schema: [{ Name: "email", AttributeDataType: "String", Required: true, Mutable: true }],
      })
    ).UserPool.Id;
    await apiOk(base, "SetUserPoolMfaConfig", {
      UserPoolId: poolId,
      SoftwareTokenMfaConfiguration: { Enabled: true },
      MfaConfiguration: "ON",
    });
    await apiOk(base, "CreateUserPoolDomain", { UserPoolId: poolId, Domain: `harbour-${Date.now().toString(36)}` });
    const client = await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: poolId,
      ClientName: "web",
      CallbackURLs: [CALLBACK],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ["COGNITO"],
    });
    clientId = client.UserPoolClient.ClientId;
    await apiOk(base, "SetUICustomization", {
      UserPoolId: poolId,
      ClientId: clientId,
      CSS: ".submitButton-customizable { background-color: #0b5e56; color: #ffffff; }",
      ImageFile: LOGO.toString("base64"),
    });
  });

  const { context, page, pageErrors } = await s.openBrowser();
  const callbacks = [];
  await context.route("https://app.test/**", (route) => {
    callbacks.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>App</title><p>Back in the app" });
  });

  /** The newest outbox message's code for this pool. */
  const lastCode = async () => {
    const m = await apiOk(base, "ListOutboxMessages", { UserPoolId: poolId, Limit: 1 }, "Poolhouse");
    const code = (m.Messages[0]?.Body ?? "").replace(/\D/g, "");
    assert(/^\d{6}$/.test(code), `no code in the outbox's last message: ${JSON.stringify(m.Messages[0])}`);
    return code;
  };
  const branded = async (name) => {
    const bg = await page.getByRole("button", { name }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert(bg === BUTTON, `the "${name}" button's background is ${bg}, not the branding's`);
    const logo = await page.locator("img.logo-customizable").evaluate((img) => img.naturalWidth);
    assert(logo === 160, `the logo did not load (natural width ${logo})`);
  };

  await check("the sign-in page links to sign-up, which lists the email field and the password rules, branded", async () => {
    await page.goto(authorizeUrl(`${base}/${poolId}`, clientId));
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByRole("link", { name: "Need an account? Sign up" }).click();
    await page.getByRole("heading", { name: "Sign up" }).waitFor();
    assert(new URL(page.url()).pathname === `/${poolId}/signup`, `landed on ${page.url()}`);
    assert(new URL(page.url()).searchParams.get("state") === STATE, "the request's state was not carried");
    await page.getByLabel("Email").waitFor();
    const rules = await page.locator("#f-password-rules").innerText();
    for (const r of ["At least 8 characters", "A lowercase letter", "An uppercase letter", "A number", "A symbol"]) {
      assert(rules.includes(r), `the rules do not list "${r}": ${rules}`);
    }
    const describedBy = await page.getByLabel("Password").getAttribute("aria-describedby");
    assert(describedBy === "f-password-rules", `the password field is described by ${describedBy}`);
    await branded("Sign up");
    await inEveryLook(page, "signup", "01-sign-up");
  });

  const fillSignUp = async (password) => {
    await page.getByLabel("Username").fill("lena");
    await page.getByLabel("Email").fill("lena@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForLoadState("load");
  };

  await check("a password the policy refuses is told on its field, with each broken rule marked", async () => {
    await fillSignUp("harbour");
    const error = await page.locator("#f-password-error").innerText();
    assert(/did not conform with policy/i.test(error), `the error is ${error}`);
    const rules = await page.locator("#f-password-rules").innerText();
    assert(/Not met: An uppercase letter/.test(rules) && /Met: A lowercase letter/.test(rules), `rules: ${rules}`);
    assert((await page.getByLabel("Username").inputValue()) === "lena", "the username was not kept");
    const users = await apiOk(base, "ListUsers", { UserPoolId: poolId });
    assert(users.Users.length === 0, "a refused sign-up created a user");
    await inEveryLook(page, "signup", "02-password-refused");
  });

  await check("a good sign-up asks for the code sent by email, and the code from the outbox confirms the account", async () => {
    await fillSignUp(PASSWORD);
    await page.getByRole("heading", { name: "Confirm your account" }).waitFor();
    const text = await page.locator("main").innerText();
    assert(/l\*\*\*@e\*\*\*/.test(text), `the page does not say where the code went: ${text}`);
    await branded("Confirm account");
    await inEveryLook(page, "signup", "03-confirm");
    await page.getByLabel("Verification code").fill(await lastCode());
    await page.getByRole("button", { name: "Confirm account" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const notice = await page.getByRole("status").innerText();
    assert(/account is confirmed/i.test(notice), `the notice is ${notice}`);
    await inEveryLook(page, "signup", "04-confirmed");
  });

  let secret;
  let setupStep;
  await check("signing in shows the MFA set-up page: a QR code and the secret in text", async () => {
    await page.getByLabel("Username").fill("lena");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Set up your authenticator app" }).waitFor();
    const qr = page.locator("img.qr");
    const src = await qr.getAttribute("src");
    assert(src?.startsWith("data:image/svg+xml;base64,"), `the QR code is ${src?.slice(0, 40)}`);
    const svg = Buffer.from(src.split(",")[1], "base64").toString();
    assert(svg.includes("<svg"), "the QR code is not an SVG");
    assert((await qr.evaluate((img) => img.naturalWidth)) > 0, "the QR code did not render");
    secret = (await page.locator(".secret code").innerText()).replace(/\s/g, "");
    assert(/^[A-Z2-7]{16,}$/.test(secret), `the secret is ${secret}`);
    await inEveryLook(page, "signup", "05-mfa-setup");
  });

  await check("a wrong code is told on its field; the app's code ends at the callback with a code and the state", async () => {
    const right = totp(secret);
    await page.getByLabel("Code from your authenticator app").fill(right === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await page.locator("#f-code-error").waitFor();
    setupStep = Math.floor(Date.now() / 30_000);
    await page.getByLabel("Code from your authenticator app").fill(totp(secret));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    const url = new URL(callbacks.at(-1));
    assert(/^[\w-]{20,}$/.test(url.searchParams.get("code") ?? ""), `no code in ${url}`);
    assert(url.searchParams.get("state") === STATE, `state came back as ${url.searchParams.get("state")}`);
  });

  await check("forgot password: a code from the outbox and a new password lead back to sign-in", async () => {
    await page.goto(authorizeUrl(`${base}/${poolId}`, clientId, { prompt: "login" }));
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    await branded("Reset my password");
    await inEveryLook(page, "signup", "06-forgot");
    await page.getByLabel("Username").fill("lena");
    await page.getByRole("button", { name: "Reset my password" }).click();
    await page.getByRole("heading", { name: "Change your password" }).waitFor();
    await page.getByLabel("Code").fill(await lastCode());
    await page.getByLabel("New password").fill("weak");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.locator("#f-password-error").waitFor();
    await inEveryLook(page, "signup", "07-new-password-refused");
    // The code was not used up by a refused password.
    await page.getByLabel("Code").fill(await lastCode());
    await page.getByLabel("New password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const notice = await page.getByRole("status").innerText();
    assert(/password was changed/i.test(notice), `the notice is ${notice}`);
  });

  await check("the new password and the authenticator sign in, back to the app", async () => {
    await page.getByLabel("Username").fill("lena");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").waitFor();
    // A code is taken once per 30-second step: wait for the step after the set-up's.
    while (Math.floor(Date.now() / 30_000) <= setupStep) await new Promise((r) => setTimeout(r, 500));
    const before = callbacks.length;
    await page.getByLabel("Code").fill(totp(secret));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    assert(callbacks.length === before + 1, "the browser did not go back to the app");
    assert(new URL(callbacks.at(-1)).searchParams.get("state") === STATE, "the state was changed");
  });

  // A pool that confirms sign-ups with a link in the email (CONFIRM_WITH_LINK).
  let linkPool;
  let linkClient;
  await check("a pool that confirms with a link: the sign-up page says to open the email's link", async () => {
    linkPool = (
      await apiOk(base, "CreateUserPool", {
        PoolName: "Quay",
        AutoVerifiedAttributes: ["email"],
        Schema: [{ Name: "email", AttributeDataType: "String", Required: true, Mutable: true }],
        VerificationMessageTemplate: {
          DefaultEmailOption: "CONFIRM_WITH_LINK",
          EmailSubjectByLink: "Confirm your Quay account",
          EmailMessageByLink: "Welcome to Quay. {##Confirm my account##}",
        },
      })
    ).UserPool.Id;
    linkClient = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: linkPool,
        ClientName: "web",
        CallbackURLs: [CALLBACK],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO"],
      })
    ).UserPoolClient.ClientId;
    await page.goto(authorizeUrl(`${base}/${linkPool}`, linkClient));
    await page.getByRole("link", { name: "Need an account? Sign up" }).click();
    await page.getByLabel("Username").fill("rosa");
    await page.getByLabel("Email").fill("rosa@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    const text = await page.locator("main").innerText();
    assert(/link by email to r\*\*\*@e\*\*\*/.test(text), `the page does not say where the link went: ${text}`);
    await inEveryLook(page, "signup", "08-check-your-email");
  });

  await check("the link from the outbox confirms the account in the browser, and says so when opened again", async () => {
    const m = await apiOk(base, "ListOutboxMessages", { UserPoolId: linkPool, Limit: 1 }, "Poolhouse");
    const msg = m.Messages[0];
    assert(msg.Subject === "Confirm your Quay account", `the subject is ${msg.Subject}`);
    const href = /href="([^"]+)"/.exec(msg.Body)?.[1]?.replaceAll("&amp;", "&");
    assert(href, `no link in ${msg.Body}`);
    const link = new URL(href);
    assert(link.pathname === `/${linkPool}/confirmUser`, `the link goes to ${link}`);
    assert(link.searchParams.get("client_id") === linkClient && link.searchParams.get("user_name") === "rosa", `${link}`);
    assert(/^\d{6}$/.test(link.searchParams.get("confirmation_code") ?? ""), `${link}`);
    await page.goto(href);
    await page.getByRole("heading", { name: "Account confirmed" }).waitFor();
    assert(/registration has been confirmed/.test(await page.getByRole("status").innerText()), "no confirmation said");
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: linkPool, Username: "rosa" });
    assert(user.UserStatus === "CONFIRMED", `rosa is ${user.UserStatus}`);
    await inEveryLook(page, "signup", "09-link-confirmed");
    await page.goto(href);
    await page.getByRole("heading", { name: "Account confirmed" }).waitFor();
    assert(/already confirmed/.test(await page.getByRole("status").innerText()), "the second visit did not say so");
    const changed = new URL(href);
    changed.searchParams.set("confirmation_code", "0" + changed.searchParams.get("confirmation_code").slice(1, 5) + "x");
    // A changed link is a 400 page, which the browser logs: expected here, and only that.
    const logged = pageErrors.length;
    await page.goto(changed.toString());
    await page.getByRole("heading", { name: "Link not valid" }).waitFor();
    await inEveryLook(page, "signup", "10-link-not-valid");
    const added = pageErrors.splice(logged);
    assert(added.every((e) => /status of 400/.test(e)), `the changed link logged ${added.join("; ")}`);
  });

  // A pool that requires MFA by authenticator or email codes, and a user with no email yet.
  let mfaPool;
  let mfaClient;
  await check("MFA set-up offers an authenticator app or email codes", async () => {
    mfaPool = (await apiOk(base, "CreateUserPool", { PoolName: "Jetty" })).UserPool.Id;
    await apiOk(base, "SetUserPoolMfaConfig", {
      UserPoolId: mfaPool,
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: {},
      MfaConfiguration: "ON",
    });
    mfaClient = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: mfaPool,
        ClientName: "web",
        CallbackURLs: [CALLBACK],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO"],
      })
    ).UserPoolClient.ClientId;
    await apiOk(base, "AdminCreateUser", { UserPoolId: mfaPool, Username: "ola", MessageAction: "SUPPRESS" });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: mfaPool, Username: "ola", Password: PASSWORD, Permanent: true });
    await page.goto(authorizeUrl(`${base}/${mfaPool}`, mfaClient));
    await page.getByLabel("Username").fill("ola");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Set up multi-factor authentication" }).waitFor();
    await page.getByRole("heading", { name: "Authenticator app" }).waitFor();
    await page.getByRole("heading", { name: "Email" }).waitFor();
    assert((await page.locator("img.qr").evaluate((img) => img.naturalWidth)) > 0, "the QR code did not render");
    await inEveryLook(page, "signup", "11-mfa-choice");
    await inEveryLook(page, "signup", "11-mfa-choice-email", () =>
      page.getByLabel("Email address").scrollIntoViewIfNeeded(),
    );
  });

  await check("email codes, by keyboard: the address, the code sent there, and back at the app", async () => {
    // From the app's code field, Tab reaches the address field and Enter sends its form.
    await page.getByLabel("Code from your authenticator app").focus();
    let focused = "";
    for (let i = 0; i < 6 && focused !== "email"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.getAttribute("name") ?? "");
    }
    assert(focused === "email", `Tab did not reach the address field (at ${focused})`);
    await page.keyboard.type("not-an-address");
    await page.keyboard.press("Enter");
    await page.locator("#f-email-error").waitFor();
    await page.getByLabel("Email address").fill("ola@example.com");
    await page.keyboard.press("Enter");
    // Exact: "Code from your authenticator app" on the page being left matches "Code" too.
    await page.getByLabel("Code", { exact: true }).waitFor();
    const text = await page.locator("main").innerText();
    assert(/o\*\*\*@e\*\*\*/.test(text), `the page does not say where the code went: ${text}`);
    await inEveryLook(page, "signup", "12-email-code");
    const m = await apiOk(base, "ListOutboxMessages", { UserPoolId: mfaPool, Limit: 1 }, "Poolhouse");
    assert(m.Messages[0].Destination === "ola@example.com", `the code went to ${m.Messages[0].Destination}`);
    const before = callbacks.length;
    await page.getByLabel("Code").fill(m.Messages[0].Body.replace(/\D/g, ""));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    assert(callbacks.length === before + 1, "the browser did not go back to the app");
    assert(new URL(callbacks.at(-1)).searchParams.get("state") === STATE, "the state was changed");
    const user = await apiOk(base, "AdminGetUser", { UserPoolId: mfaPool, Username: "ola" });
    assert(JSON.stringify(user.UserMFASettingList) === '["EMAIL_OTP"]', `MFA: ${JSON.stringify(user.UserMFASettingList)}`);
  });

  await check("the pages logged no errors", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });
}

await s.run(main);
