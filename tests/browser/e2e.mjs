#!/usr/bin/env node
// Browser end-to-end test: the built UI (ui/dist) served by the real core (`poolhouse serve
// --ui`), driven in headless Debian chromium through playwright-core. One scenario, run in
// order; each check prints PASS/FAIL, screenshots go to tests/out/, and the last line is
// "N passed, M failed". Server and browser are stopped in every case; the whole run is bounded.
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)
//   E2E_HEADED=1   show the browser (needs a display)

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const requireFromUi = createRequire(path.join(root, "ui/package.json"));
const { chromium } = requireFromUi("playwright-core");

const BIN = process.env.POOLHOUSE_BIN ?? path.join(root, "target/debug/poolhouse");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const DIST = path.join(root, "ui/dist");
const OUT = path.join(root, "tests/out");
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 120_000);
const STEP_MS = 10_000;

const tmp = mkdtempSync(path.join(os.tmpdir(), "poolhouse-e2e-"));
mkdirSync(OUT, { recursive: true });

let server;
let context;
let passed = 0;
let failed = 0;
let finished = false;

function log(line) {
  process.stdout.write(`${line}\n`);
}

async function cleanup() {
  if (context) {
    await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    context = undefined;
  }
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill("SIGTERM");
    await Promise.race([
      new Promise((r) => server.once("exit", r)),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  }
  rmSync(tmp, { recursive: true, force: true });
}

async function finish(code) {
  if (finished) return;
  finished = true;
  await cleanup();
  log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed > 0 ? 1 : 0));
}

const watchdog = setTimeout(() => {
  log(`FAIL  the run took longer than ${TIMEOUT_MS / 1000} s`);
  failed += 1;
  void finish(1);
}, TIMEOUT_MS);
watchdog.unref();
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    failed += 1;
    void finish(130);
  });
}

/**
 * Runs one check. A failure stops the scenario (later steps depend on earlier ones) unless
 * `fatal` is false.
 */
async function check(name, fn, { fatal = true } = {}) {
  const started = Date.now();
  try {
    await fn();
    passed += 1;
    log(`PASS  ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed += 1;
    log(`FAIL  ${name}\n      ${String(e?.message ?? e).split("\n").slice(0, 6).join("\n      ")}`);
    if (fatal) throw new StopScenario();
  }
}

class StopScenario extends Error {}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function startServer() {
  return new Promise((resolve, reject) => {
    const db = path.join(tmp, "e2e.db");
    server = spawn(BIN, ["--db", db, "serve", "--addr", "127.0.0.1:0", "--ui", DIST], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20 s; stderr: ${err.slice(-500)}`)), 20_000);
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ""));
      }
    });
    server.stderr.on("data", (chunk) => {
      err += chunk;
    });
    server.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    server.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`poolhouse exited (${code ?? signal}) before listening; stderr: ${err.slice(-500)}`));
    });
  });
}

async function shot(page, name) {
  // Two animation frames so the screenshot shows the settled frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

async function main() {
  let base;
  await check("poolhouse serve starts and prints its address", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  const userDataDir = path.join(tmp, "chromium-profile");
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: process.env.E2E_HEADED !== "1",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ].filter((a) => a !== "--headless" || process.env.E2E_HEADED !== "1"),
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(STEP_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
  });

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

  await check("the audit log records the change", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    const row = page.getByTestId("audit-table").getByRole("row").filter({ hasText: "AdminDisableUser" });
    await row.first().waitFor();
    await shot(page, "07-audit");
  });

  await check("no uncaught errors in the page", async () => {
    // The deliberate bad inputs answer 4xx, which chromium logs as failed resources.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

try {
  await main();
} catch (e) {
  if (!(e instanceof StopScenario)) {
    failed += 1;
    log(`FAIL  ${e?.stack ?? e}`);
  }
}
clearTimeout(watchdog);
await finish();
