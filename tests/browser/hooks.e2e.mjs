#!/usr/bin/env node
// Browser end-to-end test of the Hooks tab: the built UI (ui/dist) served by the real core
// (`poolhouse serve --ui`), a pre sign-up hook served by this script (node:http), and headless
// Debian chromium driven through playwright-core. The hook refuses sign-ups from @blocked.test
// and confirms everyone else; the scenario sets it in the Hooks tab, signs up twice over HTTP
// as an app would, and reads both calls in the tab. Each check prints PASS/FAIL, screenshots go
// to tests/out/hooks-*.png, and the last line is "N passed, M failed". Hook server, core and
// browser are stopped in every case; the whole run is bounded.
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)
//   E2E_HEADED=1   show the browser (needs a display)

import http from "node:http";

import { api, apiOk, assert, scenario, shot, shotOf } from "./harness.mjs";

/** What the hook says when it refuses; the core passes it on to the caller. */
const BLOCKED_MESSAGE = "Sign-ups from blocked.test are closed";

const s = scenario({ name: "hooks-e2e", timeoutMs: 120_000 });
const { check, startServer, tmp } = s;

let hookServer;
s.onCleanup(async () => {
  if (!hookServer) return;
  hookServer.closeAllConnections?.();
  await new Promise((r) => hookServer.close(r));
});

/**
 * The pre sign-up hook, as a Lambda function would answer: an error (HTTP 400 with
 * `errorMessage`) for an email at blocked.test, else the event back with the user confirmed and
 * the email verified. `calls` records the trigger source of every event received.
 */
function startHookServer(calls) {
  return new Promise((resolve, reject) => {
    hookServer = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        let event;
        try {
          event = JSON.parse(body);
        } catch {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ errorMessage: "the hook expected a JSON event" }));
          return;
        }
        calls.push({ path: req.url, source: event.triggerSource, header: req.headers["x-poolhouse-trigger-source"] });
        const email = String(event.request?.userAttributes?.email ?? "");
        if (email.endsWith("@blocked.test")) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ errorMessage: BLOCKED_MESSAGE }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ...event, response: { ...event.response, autoConfirmUser: true, autoVerifyEmail: true } }));
      });
    });
    hookServer.once("error", reject);
    hookServer.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${hookServer.address().port}`));
  });
}

/**
 * Waits until a save is over and the form has started afresh from the saved pool: Save is off
 * and not busy (while the request runs it is off too, but busy).
 */
async function savedAndReset(page) {
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid="save-hooks"]');
    return b?.disabled === true && !b.hasAttribute("aria-busy");
  });
}

async function main() {
  let base;
  const hookCalls = [];
  let hookBase;
  await check("poolhouse serve starts and the hook server listens", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
    hookBase = await startHookServer(hookCalls);
  });
  const hookUrl = `${hookBase}/pre-sign-up`;

  // The pool has settings beyond the defaults, so a save that forgot to resend them would show.
  let poolId;
  let clientId;
  await check("a pool and an app client are created through the API", async () => {
    const pool = await apiOk(base, "CreateUserPool", {
      PoolName: `hooks-e2e-${Date.now().toString(36)}`,
      Policies: { PasswordPolicy: { MinimumLength: 10 } },
      AutoVerifiedAttributes: ["email"],
      MfaConfiguration: "OPTIONAL",
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
    });
    poolId = pool.UserPool.Id;
    const client = await apiOk(base, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "web" });
    clientId = client.UserPoolClient.ClientId;
    assert(poolId && clientId, "no pool or client id");
  });

  const { page, pageErrors } = await s.openBrowser();

  const tab = page.getByTestId("hooks-tab");
  const config = page.getByTestId("hooks-config");
  const calls = page.getByTestId("hook-invocations");
  const row = (member) => config.locator(`[data-field="LambdaConfig.${member}"]`);
  const urlInput = (member) => row(member).getByRole("textbox");
  const rowError = (member) => row(member).getByTestId("field-error");

  await check("the Hooks tab lists every trigger and explains the empty call log", async () => {
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/overview`);
    await page.getByTestId("tab-hooks").click();
    await tab.waitFor();
    const rows = await config.locator("[data-field^='LambdaConfig.']").count();
    assert(rows === 10, `${rows} trigger rows, expected 10`);
    await calls.getByText("No hook calls yet").waitFor();
    const placeholder = await urlInput("PreSignUp").getAttribute("placeholder");
    assert(placeholder === "http://127.0.0.1:8080/pre-sign-up", `placeholder "${placeholder}"`);
    await page.getByLabel("Pre sign-up").waitFor();
    assert((await page.getByTestId("save-hooks").isDisabled()), "Save is on before any change");
    await shot(page, "hooks-01-empty");
    await shotOf(page, calls, "hooks-01b-no-calls");
  });

  await check("a Lambda ARN is refused on its row before anything is sent", async () => {
    await urlInput("PreSignUp").fill("arn:aws:lambda:us-east-1:000000000000:function:pre-sign-up");
    await page.getByTestId("save-hooks").click();
    const text = await rowError("PreSignUp").innerText();
    assert(/not a Lambda ARN/.test(text), `the error reads "${text}"`);
    const focused = await urlInput("PreSignUp").evaluate((el) => el === document.activeElement);
    assert(focused, "the invalid input does not have focus");
    const pool = await apiOk(base, "DescribeUserPool", { UserPoolId: poolId });
    assert(!pool.UserPool.LambdaConfig?.PreSignUp, `the hook was saved: ${JSON.stringify(pool.UserPool.LambdaConfig)}`);
    await shotOf(page, row("PreSignUp").locator(".."), "hooks-02-local-error");
  });

  await check("the core's error about the pre token hook shows on the pre token row", async () => {
    await urlInput("PreSignUp").fill("");
    await urlInput("PreTokenGeneration").fill("http://");
    await row("PreTokenGeneration").getByTestId("token-hook-version").selectOption("V2_0");
    await page.getByTestId("save-hooks").click();
    const text = await rowError("PreTokenGeneration").innerText();
    assert(/host/i.test(text), `the error reads "${text}"`);
    assert((await rowError("PreSignUp").count()) === 0, "an error is on another row");
    await shotOf(page, row("PreTokenGeneration").locator(".."), "hooks-03-core-error");
    await urlInput("PreTokenGeneration").fill("");
    assert((await rowError("PreTokenGeneration").count()) === 0, "the error stayed after editing the row");
  });

  await check("saving the pre sign-up hook stores it and keeps the pool's other settings", async () => {
    await urlInput("PreSignUp").fill(hookUrl);
    await page.getByTestId("save-hooks").click();
    await page.getByTestId("toasts").getByText("Hooks saved").waitFor();
    const { UserPool: pool } = await apiOk(base, "DescribeUserPool", { UserPoolId: poolId });
    assert(pool.LambdaConfig?.PreSignUp === hookUrl, `LambdaConfig: ${JSON.stringify(pool.LambdaConfig)}`);
    assert(!pool.LambdaConfig?.PreTokenGenerationConfig, `the cleared pre token hook was saved: ${JSON.stringify(pool.LambdaConfig)}`);
    assert(pool.MfaConfiguration === "OPTIONAL", `MFA is now ${pool.MfaConfiguration}`);
    assert(pool.Policies?.PasswordPolicy?.MinimumLength === 10, `password policy: ${JSON.stringify(pool.Policies)}`);
    assert(JSON.stringify(pool.AutoVerifiedAttributes) === '["email"]', `auto-verified: ${JSON.stringify(pool.AutoVerifiedAttributes)}`);
    // The form starts afresh from the saved pool: nothing left to save.
    await savedAndReset(page);
    assert((await urlInput("PreSignUp").inputValue()) === hookUrl, "the input lost the saved URL");
    await shotOf(page, config, "hooks-04-saved");
  });

  const password = "Correct-horse-42";
  await check("a sign-up from blocked.test is refused with the hook's message", async () => {
    const r = await api(base, "SignUp", {
      ClientId: clientId,
      Username: "mallory",
      Password: password,
      UserAttributes: [{ Name: "email", Value: "mallory@blocked.test" }],
    });
    assert(!r.ok && r.body.__type === "UserLambdaValidationException", `SignUp answered ${r.status}: ${JSON.stringify(r.body)}`);
    assert(String(r.body.message).includes(BLOCKED_MESSAGE), `message: ${r.body.message}`);
    const users = await apiOk(base, "ListUsers", { UserPoolId: poolId });
    assert(users.Users.length === 0, `users: ${JSON.stringify(users.Users.map((u) => u.Username))}`);
  });

  await check("another sign-up is confirmed by the hook", async () => {
    const r = await apiOk(base, "SignUp", {
      ClientId: clientId,
      Username: "carol",
      Password: password,
      UserAttributes: [{ Name: "email", Value: "carol@example.com" }],
    });
    assert(r.UserConfirmed === true, `SignUp: ${JSON.stringify(r)}`);
    assert(
      hookCalls.length === 2 && hookCalls.every((c) => c.source === "PreSignUp_SignUp" && c.path === "/pre-sign-up"),
      `the hook received ${JSON.stringify(hookCalls)}`,
    );
  });

  await check("the call log shows both calls, newest first, with their outcomes", async () => {
    await page.getByTestId("hook-invocations-refresh").click();
    const rows = calls.getByTestId("hook-invocation-row");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="hook-invocation-row"]').length === 2);
    const outcomes = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-outcome")));
    assert(JSON.stringify(outcomes) === '["Succeeded","Rejected"]', `outcomes, newest first: ${outcomes}`);
    const rejected = rows.filter({ hasText: "mallory" });
    const cells = (await rejected.locator("td").allInnerTexts()).map((t) => t.trim());
    assert(cells[2] === "PreSignUp_SignUp" && cells[4] === "Rejected" && cells[5] === "400", `rejected row: ${JSON.stringify(cells)}`);
    const ok = (await rows.filter({ hasText: "carol" }).locator("td").allInnerTexts()).map((t) => t.trim());
    assert(ok[4] === "Succeeded" && ok[5] === "200" && /^\d+(\.\d)? (ms|s)$/.test(ok[6]), `succeeded row: ${JSON.stringify(ok)}`);
    assert((await calls.getByTestId("hook-invocation-count").innerText()).trim() === "2 calls", "the count is not 2 calls");
    await shot(page, "hooks-05-calls");
  });

  await check("expanding the rejected call shows why, the event and the answer", async () => {
    const rejected = calls.getByTestId("hook-invocation-row").filter({ hasText: "mallory" });
    // Its name turns from "Show…" to "Hide…", so it is found by what stays.
    const toggle = rejected.locator("button[aria-expanded]");
    assert(/^Show the call/.test((await toggle.getAttribute("aria-label")) ?? ""), "the toggle has no name to show the call");
    await toggle.focus();
    await page.keyboard.press("Enter");
    assert((await toggle.getAttribute("aria-expanded")) === "true", "the toggle is not expanded");
    const detail = calls.getByTestId("hook-invocation-detail");
    await detail.waitFor();
    const why = await detail.getByTestId("hook-detail-text").innerText();
    assert(why.includes(BLOCKED_MESSAGE), `the detail reads "${why}"`);
    const request = await detail.getByTestId("hook-request").innerText();
    const event = JSON.parse(request);
    assert(event.request.userAttributes.email === "mallory@blocked.test", `event: ${request.slice(0, 300)}`);
    assert(request.includes('\n  "callerContext"'), "the event is not indented");
    const response = JSON.parse(await detail.getByTestId("hook-response").innerText());
    assert(response.errorMessage === BLOCKED_MESSAGE, `answer: ${JSON.stringify(response)}`);
    assert((await detail.getByRole("button", { name: "Copy" }).count()) === 2, "no copy buttons for both bodies");
    await shotOf(page, calls, "hooks-06-rejected-detail");
  });

  await check("filtering by another trigger shows its own empty state", async () => {
    await calls.getByTestId("hook-trigger-filter").selectOption("PostConfirmation");
    await calls.getByText("No post confirmation calls yet").waitFor();
    await calls.getByTestId("hook-trigger-filter").selectOption("PreSignUp");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="hook-invocation-row"]').length === 2);
  });

  await check("clearing the URL turns the hook off", async () => {
    await urlInput("PreSignUp").fill("");
    await page.getByTestId("save-hooks").click();
    await savedAndReset(page);
    const { UserPool: pool } = await apiOk(base, "DescribeUserPool", { UserPoolId: poolId });
    assert(!pool.LambdaConfig?.PreSignUp, `LambdaConfig: ${JSON.stringify(pool.LambdaConfig)}`);
    const r = await apiOk(base, "SignUp", {
      ClientId: clientId,
      Username: "mallory",
      Password: password,
      UserAttributes: [{ Name: "email", Value: "mallory@blocked.test" }],
    });
    assert(r.UserConfirmed === false, `without the hook the user should wait for a code: ${JSON.stringify(r)}`);
    assert(hookCalls.length === 2, `the hook was called again: ${hookCalls.length} calls`);
  });

  await check("no uncaught errors in the page", async () => {
    // The deliberate bad input answers 400, which chromium logs as a failed resource.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

await s.run(main);
