#!/usr/bin/env node
// Browser end-to-end test of the token inspector (Tools > Token inspector): the built UI
// (ui/dist) served by the real core (`poolhouse serve --ui`) and headless Debian chromium driven
// through playwright-core. The scenario makes a pool, an app client and a user over HTTP, signs
// in (InitiateAuth USER_PASSWORD_AUTH) for real tokens, and then in the browser: decodes the ID
// token pasted with a Bearer prefix, verifies it with the pool found by iss/kid (Valid),
// tampers with one character of its payload (Invalid, bad signature), pastes garbage (not a
// token, and where reading stopped), verifies an HS256 token whose MAC key is the pool's public
// key PEM against that PEM (an attack), shows bad input next to its field, encodes a test token
// with the pool's key and opens it in the inspector, reads and clears the history, and opens a
// token with Inspect from an app client's Try sign-in. Each check prints PASS/FAIL, screenshots
// go to tests/out/inspector-*.png, and the last line is "N passed, M failed". Core and browser
// are stopped in every case; the whole run is bounded.
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 150000)
//   E2E_HEADED=1   show the browser (needs a display)

import { createHmac, createPublicKey } from "node:crypto";

import { apiOk, assert, scenario, shot, shotOf } from "./harness.mjs";

const HISTORY_KEY = "poolhouse.inspector.history";

const s = scenario({ name: "inspector-e2e", timeoutMs: 150_000 });
const { check, startServer, tmp } = s;

const b64url = (s) => Buffer.from(s).toString("base64url");
const fromB64url = (s) => Buffer.from(s, "base64url").toString("utf8");

/** The token with one character of its payload's `sub` changed: still JSON, no longer signed. */
function tamper(token) {
  const [h, p, s] = token.split(".");
  const json = fromB64url(p);
  const i = json.indexOf('"sub":"') + '"sub":"'.length;
  const changed = json.slice(0, i) + (json[i] === "a" ? "b" : "a") + json.slice(i + 1);
  return [h, b64url(changed), s].join(".");
}

async function main() {
  let base;
  await check("poolhouse serve starts and prints its address", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  const password = "Correct-horse-42!";
  let poolId;
  let clientId;
  let idToken;
  await check("a pool, an app client and a user are made, and the user signs in for real tokens", async () => {
    const pool = await apiOk(base, "CreateUserPool", { PoolName: `inspector-e2e-${Date.now().toString(36)}` });
    poolId = pool.UserPool.Id;
    const client = await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    clientId = client.UserPoolClient.ClientId;
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: poolId,
      Username: "alice",
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: "alice@example.com" }],
    });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: poolId, Username: "alice", Password: password, Permanent: true });
    const auth = await apiOk(base, "InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "alice", PASSWORD: password },
    });
    idToken = auth.AuthenticationResult?.IdToken;
    assert(typeof idToken === "string" && idToken.split(".").length === 3, `no ID token: ${JSON.stringify(auth)}`);
  });
  const idPayload = JSON.parse(fromB64url(idToken.split(".")[1]));
  const idHeader = JSON.parse(fromB64url(idToken.split(".")[0]));

  const { page, pageErrors } = await s.openBrowser();
  // The history stays in the browser: every request must go to the Poolhouse endpoint.
  const elsewhere = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${base}/`)) elsewhere.push(r.url());
  });

  const input = page.getByTestId("token-input");
  const claimRow = (name) => page.getByTestId("claims-table").locator(`[data-testid="claim-row"][data-claim="${name}"]`);
  const claimValue = (name) => claimRow(name).getByTestId("claim-value");
  const verdict = page.getByTestId("verdict");
  const checkRow = (name) => page.getByTestId("checklist").locator(`[data-check="${name}"]`);
  const verifySection = page.getByTestId("verify-section");
  const inspectSection = page.getByTestId("inspect-section");
  const historySection = page.getByTestId("history-section");
  const encodeSection = page.getByTestId("encode-section");
  const fieldError = (scope, member) => scope.locator(`[data-field="${member}"]`).getByTestId("field-error");
  /** Waits for the verdict to be `v` for the token now in the box (not a stale one). */
  const verdictIs = (v) =>
    page.waitForFunction(
      (want) =>
        document.querySelector('[data-testid="verdict"]')?.getAttribute("data-verdict") === want &&
        !document.querySelector('[data-testid="verify-stale"]'),
      v,
    );

  await check("the sidebar opens the token inspector, empty and explaining itself", async () => {
    await page.goto(`${base}/index.html#/pools`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Token inspector" }).click();
    await page.getByTestId("tokens-screen").waitFor();
    assert(new URL(page.url()).hash === "#/tokens", `the address is ${page.url()}`);
    await page.getByTestId("history-empty").waitFor();
    await page.getByTestId("verify-placeholder").waitFor();
    assert(await page.getByTestId("verify-submit").isDisabled(), "Verify is on with no token");
    await shot(page, "inspector-01-empty");
  });

  await check("a pasted ID token with a Bearer prefix is decoded: claims, meanings, times and header", async () => {
    await input.fill(`Bearer ${idToken}`);
    await claimRow("token_use").waitFor();
    assert((await claimValue("token_use").innerText()) === "id", "token_use is not id");
    assert((await claimValue("sub").innerText()) === idPayload.sub, "sub differs from the token's");
    assert((await claimValue("email").innerText()) === "alice@example.com", "email differs");
    assert(/Cognito/.test(await claimRow("token_use").locator(".claim-meaning").innerText()), "token_use has no meaning");
    const exp = claimRow("exp");
    assert(/^expires in (59|60) min$/.test((await exp.getByTestId("claim-relative").innerText()).trim()), "exp is not relative");
    assert(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/.test(await exp.getByTestId("claim-utc").innerText()), "exp has no UTC time");
    assert(/ local$/.test(await exp.getByTestId("claim-local").innerText()), "exp has no local time");
    const header = JSON.parse(await page.getByTestId("decoded-header").innerText());
    assert(header.kid === idHeader.kid && header.alg === "RS256", `header: ${JSON.stringify(header)}`);
    const payload = JSON.parse(await page.getByTestId("decoded-payload").innerText());
    assert(payload.sub === idPayload.sub, "the payload JSON differs");
    assert((await page.getByTestId("token-notes").locator('[data-code="BearerPrefix"]').count()) === 1, "the Bearer prefix is not mentioned");
    assert((await inspectSection.getByRole("button", { name: "Copy header" }).count()) === 1, "no copy button for the header");
    assert((await inspectSection.getByRole("button", { name: "Copy payload" }).count()) === 1, "no copy button for the payload");
    await shot(page, "inspector-02-decoded");
    await shotOf(page, inspectSection, "inspector-02b-decoded-section");
  });

  await check("verifying with the pool found by iss/kid says Valid and explains each check", async () => {
    await page.getByTestId("verify-submit").click();
    await verdictIs("Valid");
    assert((await checkRow("signature").getAttribute("data-result")) === "pass", "the signature did not pass");
    assert((await checkRow("revoked").getAttribute("data-result")) === "pass", "the sign-in was not found active");
    assert((await checkRow("aud").getAttribute("data-result")) === "skipped", "aud was checked with nothing expected");
    const source = await page.getByTestId("verify-key-source").innerText();
    assert(source.includes(poolId) && source.includes("found by iss"), `keys: ${source}`);
    await shotOf(page, verifySection, "inspector-03-valid");
  });

  const tampered = tamper(idToken);
  await check("one character of the payload changed: verified again as it changes, Invalid for a bad signature", async () => {
    await input.fill(tampered);
    await verdictIs("Invalid");
    assert((await checkRow("signature").getAttribute("data-result")) === "fail", "the signature did not fail");
    const reason = await checkRow("signature").getByTestId("check-reason").innerText();
    assert(/bad signature/i.test(reason), `signature reason: ${reason}`);
    assert((await claimValue("sub").innerText()) !== idPayload.sub, "the decoded sub did not change");
    assert((await page.getByTestId("check-row").locator('[data-attack="true"]').count()) === 0, "a tampered token is called an attack");
    assert(/signature/.test(await verdict.innerText()), "the verdict does not say what failed");
    await shotOf(page, verifySection, "inspector-04-tampered");
  });

  await check("a JWKS URL is fetched by Poolhouse and verifies the token; a bad URL is named next to its field", async () => {
    await input.fill(idToken);
    await page.getByTestId("verify-source-url").check();
    await page.getByTestId("verify-jwks-url").fill("ftp://nowhere/jwks.json");
    await page.getByTestId("verify-submit").click();
    const urlError = page.locator('[data-testid="field-error"]').first();
    await urlError.waitFor();
    assert(/http/.test(await urlError.innerText()), `the error reads "${await urlError.innerText()}"`);
    await page.getByTestId("verify-jwks-url").fill(`${base}/${poolId}/.well-known/jwks.json`);
    await page.getByTestId("verify-submit").click();
    await verdictIs("Valid");
    assert((await checkRow("signature").getAttribute("data-result")) === "pass", "the signature did not pass");
    await shotOf(page, verifySection, "inspector-04b-jwks-url");
    await page.getByTestId("verify-source-pool").check();
  });

  await check("garbage is not a token, and the message says where reading stopped", async () => {
    await input.fill("eyJhbGciOiJSUzI1NiJ9.not*base64.c2ln");
    const problem = page.getByTestId("token-problem");
    await problem.waitFor();
    const text = await problem.innerText();
    assert(/Not a token/.test(text) && /part 2/.test(text) && /offset 3/.test(text), `the problem reads "${text}"`);
    assert((await problem.getAttribute("data-code")) === "Base64", "not the base64 problem");
    await verdictIs("NotAToken");
    assert((await page.getByTestId("claims-table").count()) === 0, "a claims table is shown for garbage");
    await shot(page, "inspector-05-garbage");
  });

  let pem;
  let attackToken;
  await check("an HS256 token keyed with the pool's public key PEM, verified with that PEM, is flagged as an attack", async () => {
    const jwks = await (await fetch(`${base}/${poolId}/.well-known/jwks.json`)).json();
    const jwk = jwks.keys.find((k) => k.kid === idHeader.kid);
    assert(jwk, `the JWKS has no key ${idHeader.kid}: ${JSON.stringify(jwks)}`);
    pem = createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" });
    const signingInput = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: jwk.kid }))}.${idToken.split(".")[1]}`;
    attackToken = `${signingInput}.${createHmac("sha256", pem).update(signingInput).digest("base64url")}`;
    await input.fill(attackToken);
    await claimRow("sub").waitFor();
    await page.getByTestId("verify-source-key").check();
    await page.getByTestId("verify-key").fill(pem);
    await page.getByTestId("verify-submit").click();
    await verdictIs("Attack");
    assert((await page.getByTestId("verify-key-source").innerText()).includes("the key given"), "the PEM was not the key used");
    assert(/^attack: algorithm confusion/i.test((await verdict.innerText()).trim()), `the banner reads "${await verdict.innerText()}"`);
    const algorithm = checkRow("algorithm");
    assert((await algorithm.getAttribute("data-attack")) === "true", "the algorithm check is not marked as the attack");
    assert(/^Attack$/i.test((await algorithm.locator(".check-badge").innerText()).trim()), "the badge does not say Attack");
    assert(/ALGORITHM CONFUSION/.test(await algorithm.getByTestId("check-reason").innerText()), "the reason does not name algorithm confusion");
    await shotOf(page, verifySection, "inspector-06-attack");
  });

  await check("bad input gets its message next to its field: a key that is not one, a skew that is not a number", async () => {
    await page.getByTestId("verify-key").fill("not a key");
    await page.getByTestId("verify-submit").click();
    const keyError = fieldError(verifySection, "Key");
    await keyError.waitFor();
    assert(/not a key/i.test(await keyError.innerText()), `the key error reads "${await keyError.innerText()}"`);
    await shotOf(page, verifySection.getByTestId("verify-form"), "inspector-07a-key-error");
    await page.getByTestId("verify-skew").fill("soon");
    await page.getByTestId("verify-submit").click();
    const skewError = fieldError(verifySection, "SkewSeconds");
    await skewError.waitFor();
    assert(/whole number/.test(await skewError.innerText()), `the skew error reads "${await skewError.innerText()}"`);
    await page.getByTestId("verify-skew").fill("100000");
    await page.getByTestId("verify-key").fill(pem);
    await page.getByTestId("verify-submit").click();
    await skewError.waitFor();
    assert(/86400/.test(await skewError.innerText()), `the core's skew error reads "${await skewError.innerText()}"`);
    await shotOf(page, verifySection.getByTestId("verify-form"), "inspector-07-field-errors");
    await page.getByTestId("verify-skew").fill("");
  });

  let testToken;
  await check("a test token signed with the pool's key is marked as a test token, opens in the inspector and verifies", async () => {
    await encodeSection.getByTestId("encode-claims").fill("{");
    await encodeSection.getByTestId("encode-submit").click();
    assert(/Not valid JSON/.test(await fieldError(encodeSection, "Claims").innerText()), "no JSON error on the claims");
    await encodeSection.getByTestId("encode-claims").fill(
      JSON.stringify({ sub: "test-user", token_use: "access", client_id: clientId, iss: idPayload.iss }, null, 2),
    );
    await encodeSection.getByTestId("encode-expires-in").fill("+30q");
    await encodeSection.getByTestId("encode-pool").selectOption(poolId);
    await encodeSection.getByTestId("encode-submit").click();
    const durationError = fieldError(encodeSection, "ExpiresIn");
    await durationError.waitFor();
    assert(/not a duration/.test(await durationError.innerText()), `the duration error reads "${await durationError.innerText()}"`);
    await shotOf(page, encodeSection, "inspector-08a-encode-error");
    await encodeSection.getByTestId("encode-expires-in").fill("+30m");
    await encodeSection.getByTestId("encode-submit").click();
    const result = encodeSection.getByTestId("encode-result");
    await result.waitFor();
    testToken = (await result.getByTestId("encode-token").innerText()).trim();
    assert(/Test token/.test(await result.innerText()), "the result is not marked as a test token");
    assert(/expires in 30 min/.test(await result.innerText()), "the expiry is not shown");
    await shotOf(page, encodeSection, "inspector-08-encoded");
    await result.getByTestId("encode-inspect").click();
    assert((await input.inputValue()) === testToken, "the test token is not in the inspector");
    await page.getByTestId("token-test-badge").waitFor();
    await page.getByTestId("verify-source-pool").check();
    await page.getByTestId("verify-submit").click();
    await verdictIs("Valid");
    const source = await page.getByTestId("verify-key-source").innerText();
    assert(source.includes(poolId), `keys: ${source}`);
    assert((await checkRow("revoked").getAttribute("data-result")) === "skipped", "a test token's sign-in was looked up");
    await shot(page, "inspector-09-test-token");
  });

  await check("the history lists the tokens inspected, newest first, without the garbage; one click reloads one", async () => {
    const items = historySection.getByTestId("history-item");
    await page
      .waitForFunction(() => document.querySelectorAll('[data-testid="history-item"]').length === 4)
      .catch(async (e) => {
        throw new Error(`${e.message}; the history lists ${JSON.stringify(await items.allInnerTexts())}`);
      });
    const texts = await items.allInnerTexts();
    assert(/Test/.test(texts[0]) && /test-user/.test(texts[0]), `newest: ${texts[0]}`);
    assert(/HS256/.test(texts[1]) && /RS256/.test(texts[2]), `the forged copy is not told apart: ${JSON.stringify(texts)}`);
    assert(texts.every((t) => t.includes(poolId)), `not every entry names the pool: ${JSON.stringify(texts)}`);
    assert(/ID token/.test(texts[3]) && texts[3].includes(idPayload.sub) && /expires in/.test(texts[3]), `oldest: ${texts[3]}`);
    // Kept in memory, not in the browser's storage (raw bearer tokens would be on disk).
    assert((await page.evaluate((k) => localStorage.getItem(k), HISTORY_KEY)) === null, "the history was stored");
    await shotOf(page, historySection, "inspector-10-history");
    await items.nth(3).click();
    assert((await input.inputValue()) === idToken, "the ID token was not reloaded (without its Bearer prefix)");
    await page.waitForFunction(
      (sub) => document.querySelector('[data-claim="sub"] [data-testid="claim-value"]')?.textContent === sub,
      idPayload.sub,
    );
  });

  await check("clearing the history asks first, then forgets it; it was never stored", async () => {
    // The history is in memory only: no bearer token reaches the browser's storage.
    const stored = await page.evaluate(() => Object.keys(localStorage));
    assert(stored.length === 0, `localStorage holds ${stored.join(", ")}`);
    await historySection.getByTestId("history-clear").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    assert(/4 tokens/.test(await dialog.innerText()), "the dialog does not say how many");
    await shotOf(page, dialog, "inspector-11-clear-confirm");
    await dialog.getByTestId("confirm-button").click();
    await historySection.getByTestId("history-empty").waitFor();
    assert((await page.evaluate((k) => localStorage.getItem(k), HISTORY_KEY)) === null, "the stored history is still there");
  });

  let trySignInToken;
  await check("Inspect next to a Try sign-in token opens it in the inspector, not through the URL", async () => {
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/clients`);
    await page.getByTestId("clients-table").getByRole("row").filter({ hasText: "web" }).getByTestId("try-signin-button").click();
    const panel = page.getByTestId("try-signin");
    await panel.getByTestId("try-username").fill("alice");
    await panel.getByTestId("try-password").fill(password);
    await panel.getByTestId("try-submit").click();
    const tokens = panel.getByTestId("try-tokens");
    await tokens.waitFor();
    trySignInToken = JSON.parse(await tokens.getByTestId("id-token-payload").innerText());
    await shotOf(page, tokens.getByTestId("id-token").locator("header"), "inspector-12-try-signin-inspect");
    await tokens.getByTestId("id-token-inspect").click();
    await page.getByTestId("tokens-screen").waitFor();
    assert(new URL(page.url()).hash === "#/tokens", `the address is ${page.url()}`);
    const value = await input.inputValue();
    assert(value.split(".").length === 3 && !page.url().includes(value.split(".")[2]), "the token is in the URL");
    await page.waitForFunction(
      (jti) => document.querySelector('[data-claim="jti"] [data-testid="claim-value"]')?.textContent === jti,
      trySignInToken.jti,
    );
    // Handed over to be inspected, it is verified at once with the pool found by iss/kid.
    await verdictIs("Valid");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-item"]').length === 1);
    await shot(page, "inspector-13-from-try-signin");
    await shotOf(page, verifySection, "inspector-13b-from-try-signin-verified");
  });

  await check("a link with ?endpoint= elsewhere sends nothing there and says why", async () => {
    const elsewhereBefore = elsewhere.length;
    const attacker = "https://attacker.example";
    await page.goto(`${base}/index.html?endpoint=${encodeURIComponent(`${attacker}/collect`)}#/pools`);
    const banner = page.getByText(/neither this page's origin nor this computer/).first();
    await banner.waitFor();
    assert((await banner.innerText()).includes(attacker), "the refusal does not name the origin");
    await shot(page, "inspector-14-endpoint-refused");
    assert(elsewhere.length === elsewhereBefore, `requests elsewhere: ${elsewhere.join(", ")}`);
    await page.goto(`${base}/index.html#/pools`);
  });

  await check("every request went to the Poolhouse endpoint, and the page logged no errors", async () => {
    assert(elsewhere.length === 0, `requests elsewhere: ${elsewhere.join(", ")}`);
    // The deliberate bad input answers 400, which chromium logs as a failed resource.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

await s.run(main);
