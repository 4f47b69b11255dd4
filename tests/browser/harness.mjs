// What every browser scenario shares: the real core (`poolhouse serve --ui ui/dist`) started on
// 127.0.0.1:0, headless Debian chromium through playwright-core, PASS/FAIL checks with a last
// line "N passed, M failed", screenshots in tests/out/, and a bound on the whole run. A scenario
// that runs no check fails. The core, the browser and whatever a scenario registers with
// `onCleanup` are stopped in every case.
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (each scenario has its own default)
//   E2E_HEADED=1   show the browser (needs a display)

import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
const requireFromUi = createRequire(path.join(root, "ui/package.json"));
const { chromium } = requireFromUi("playwright-core");

export const BIN = process.env.POOLHOUSE_BIN ?? path.join(root, "target/debug/poolhouse");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const DIST = path.join(root, "ui/dist");
export const OUT = path.join(root, "tests/out");
/** How long one Playwright step may wait. */
export const STEP_MS = 10_000;

class StopScenario extends Error {}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function log(line) {
  process.stdout.write(`${line}\n`);
}

/** Two animation frames, so what follows sees the settled frame. */
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Runs `fn` with the toasts hidden. Through the CSSOM: the console's CSP refuses the `<style>`
 * element Playwright's `style` option would add.
 */
async function withoutToasts(page, fn) {
  const hide = (hidden) =>
    page.evaluate((h) => {
      for (const el of document.querySelectorAll(".toasts")) el.style.visibility = h ? "hidden" : "";
    }, hidden);
  await hide(true);
  try {
    return await fn();
  } finally {
    await hide(false).catch(() => {});
  }
}

/** A screenshot of the window, toasts hidden unless `showToasts`. */
export async function shot(page, name, { showToasts = false } = {}) {
  await settle(page);
  const take = () => page.screenshot({ path: path.join(OUT, `${name}.png`) });
  await (showToasts ? take() : withoutToasts(page, take));
}

/** A screenshot of one element, whole even when it is taller than the window. */
export async function shotOf(page, locator, name) {
  const before = page.viewportSize();
  const box = await locator.boundingBox();
  await page.setViewportSize({ width: before.width, height: Math.max(before.height, Math.ceil((box?.height ?? 0) + 400)) });
  try {
    await locator.evaluate((el) => el.scrollIntoView({ block: "center" }));
    await settle(page);
    await withoutToasts(page, () => locator.screenshot({ path: path.join(OUT, `${name}.png`) }));
  } finally {
    await page.setViewportSize(before);
  }
}

/**
 * The console secret the scenario's server is started with (`POOLHOUSE_CONSOLE_SECRET`): the
 * console's own operations (UpdateWorkspace, EncodeTestToken, ...) need it over HTTP.
 */
const CONSOLE_SECRET = randomBytes(32).toString("hex");

/**
 * One operation through the endpoint, as an SDK would send it, with the console secret the
 * operator's tools carry; resolves with the parsed body.
 */
export async function api(base, op, body, service = "AWSCognitoIdentityProviderService") {
  const r = await fetch(`${base}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `${service}.${op}`,
      "X-Poolhouse-Console": CONSOLE_SECRET,
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const parsed = text.trim() === "" ? {} : JSON.parse(text);
  return { ok: r.ok, status: r.status, body: parsed };
}

/** Like api(), but a refusal fails the check with the core's error. */
export async function apiOk(base, op, body, service) {
  const r = await api(base, op, body, service);
  assert(r.ok, `${op} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Seeds over HTTP what the identity scenarios start from: the user pool `poolName` with the app
 * client "web" (password sign-in, as a user and as an administrator), the `people` (username →
 * email) with `password` set for good, the `groups` (name → members) and, when
 * `identityPoolName` is given, an identity pool of that name trusting the app client (the
 * classic flow allowed, no guests). Resolves with the ids, the user pool's provider name and its
 * RoleMappings key (`<provider>:<client id>`), and `idToken(username)`, which signs a person in
 * with ADMIN_USER_PASSWORD_AUTH and answers the ID token.
 */
export async function seedIdentity(base, { poolName, people, password, groups = {}, identityPoolName }) {
  const userPoolId = (await apiOk(base, "CreateUserPool", { PoolName: poolName })).UserPool.Id;
  const clientId = (
    await apiOk(base, "CreateUserPoolClient", {
      UserPoolId: userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    })
  ).UserPoolClient.ClientId;
  for (const [username, email] of Object.entries(people)) {
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: email }],
    });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: userPoolId, Username: username, Password: password, Permanent: true });
  }
  for (const [group, members] of Object.entries(groups)) {
    await apiOk(base, "CreateGroup", { UserPoolId: userPoolId, GroupName: group });
    for (const username of members) {
      await apiOk(base, "AdminAddUserToGroup", { UserPoolId: userPoolId, Username: username, GroupName: group });
    }
  }
  const provider = `cognito-idp.${userPoolId.split("_")[0]}.amazonaws.com/${userPoolId}`;
  const identityPoolId =
    identityPoolName === undefined
      ? undefined
      : (
          await apiOk(
            base,
            "CreateIdentityPool",
            {
              IdentityPoolName: identityPoolName,
              AllowUnauthenticatedIdentities: false,
              AllowClassicFlow: true,
              CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }],
            },
            "AWSCognitoIdentityService",
          )
        ).IdentityPoolId;
  async function idToken(username) {
    const r = await apiOk(base, "AdminInitiateAuth", {
      UserPoolId: userPoolId,
      ClientId: clientId,
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    const token = r.AuthenticationResult?.IdToken;
    assert(typeof token === "string", `no ID token for ${username}`);
    return token;
  }
  return { userPoolId, clientId, provider, mappingKey: `${provider}:${clientId}`, identityPoolId, idToken };
}

/**
 * Starts `poolhouse serve` on the store `db` at `addr` (with the UI and the console secret):
 * the process, and a promise of its base URL once it prints "listening on" (refused if it
 * exits first or says nothing within 20 s).
 */
function spawnServer(db, addr) {
  const proc = spawn(BIN, ["--db", db, "serve", "--addr", addr, "--ui", DIST], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", POOLHOUSE_CONSOLE_SECRET: CONSOLE_SECRET },
  });
  const ready = new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20 s; stderr: ${err.slice(-500)}`)), 20_000);
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ""));
      }
    });
    proc.stderr.on("data", (chunk) => {
      err += chunk;
    });
    proc.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`poolhouse exited (${code ?? signal}) before listening; stderr: ${err.slice(-500)}`));
    });
  });
  return { proc, ready };
}

/**
 * A scenario: its scratch directory (`tmp`), its checks, the core and the browser it starts,
 * and its bound. `name` names the scratch directory and the store.
 */
export function scenario({ name, timeoutMs }) {
  const bound = Number(process.env.E2E_TIMEOUT_MS ?? timeoutMs);
  const tmp = mkdtempSync(path.join(os.tmpdir(), `poolhouse-${name}-`));
  mkdirSync(OUT, { recursive: true });
  const cleanups = [];
  let server;
  let context;
  /** What the pages reported breaking the Content-Security-Policy. */
  const cspViolations = [];
  let passed = 0;
  let failed = 0;
  let finished = false;

  async function cleanup() {
    if (context) {
      await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      context = undefined;
    }
    for (const fn of cleanups.splice(0).reverse()) {
      await Promise.race([Promise.resolve().then(fn).catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
    }
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      await Promise.race([new Promise((r) => server.once("exit", r)), new Promise((r) => setTimeout(r, 3000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
    rmSync(tmp, { recursive: true, force: true });
  }

  async function finish(code) {
    if (finished) return;
    finished = true;
    await cleanup();
    // A scenario that ran no check tested nothing: that is a failure, not a pass.
    if (passed + failed === 0) {
      log("FAIL  the scenario ran no check");
      failed += 1;
    }
    log(`${passed} passed, ${failed} failed`);
    process.exit(code ?? (failed > 0 ? 1 : 0));
  }

  const watchdog = setTimeout(() => {
    log(`FAIL  the run took longer than ${bound / 1000} s`);
    failed += 1;
    void finish(1);
  }, bound);
  watchdog.unref();
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      failed += 1;
      void finish(130);
    });
  }

  return {
    tmp,

    /** Runs `fn` when the scenario ends, however it ends (before the core is stopped). */
    onCleanup(fn) {
      cleanups.push(fn);
    },

    /** Runs one check. A failure stops the scenario unless `fatal` is false. */
    async check(title, fn, { fatal = true } = {}) {
      const started = Date.now();
      try {
        await fn();
        passed += 1;
        log(`PASS  ${title} (${Date.now() - started} ms)`);
      } catch (e) {
        failed += 1;
        log(`FAIL  ${title}\n      ${String(e?.message ?? e).split("\n").slice(0, 6).join("\n      ")}`);
        if (fatal) throw new StopScenario();
      }
    },

    /** Starts `poolhouse serve` on a fresh store; resolves with its base URL. */
    startServer() {
      const started = spawnServer(path.join(tmp, `${name}.db`), "127.0.0.1:0");
      server = started.proc;
      return started.ready;
    },

    /** Opens chromium on a scratch profile; the page and the errors it logs. */
    async openBrowser() {
      context = await chromium.launchPersistentContext(path.join(tmp, "chromium-profile"), {
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
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      // Every violation, also those the console does not print (a report per blocked thing).
      await page.exposeBinding("__cspViolation", (_source, v) => cspViolations.push(v));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          void window.__cspViolation(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
        });
      });
      return { context, page, pageErrors };
    },

    /** Runs the scenario's `main`, then stops everything and prints the tally. */
    async run(main) {
      try {
        await main();
      } catch (e) {
        if (!(e instanceof StopScenario)) {
          failed += 1;
          log(`FAIL  ${e?.stack ?? e}`);
        }
      }
      if (context) {
        // The console runs under the endpoint's CSP without breaking it anywhere.
        if (cspViolations.length === 0) {
          passed += 1;
          log("PASS  the pages broke no rule of the Content-Security-Policy");
        } else {
          failed += 1;
          log(`FAIL  the pages broke the Content-Security-Policy:\n      ${[...new Set(cspViolations)].slice(0, 6).join("\n      ")}`);
        }
      }
      clearTimeout(watchdog);
      await finish();
    },
  };
}

/**
 * The looks every screen is checked in: the usual window, the smallest supported one, and the
 * smallest in dark mode (the system setting, as the console follows it).
 */
export const LOOKS = [
  { name: "wide", width: 1280, height: 800, colorScheme: "light" },
  { name: "small", width: 1024, height: 700, colorScheme: "light" },
  { name: "dark", width: 1024, height: 700, colorScheme: "dark" },
];

/**
 * The screen in each of LOOKS: axe finds nothing serious (minor findings are printed), nothing
 * is cut off sideways, and a screenshot `tests/out/<prefix>-<name>-<look>.png`. `prepare` runs
 * after each look is set (to reopen what a resize closed). Ends in the first look.
 */
export async function inEveryLook(page, prefix, name, prepare) {
  for (const look of LOOKS) {
    await setLook(page, look);
    if (prepare) await prepare();
    const minor = await axe(page, `${name} (${look.name})`);
    if (minor.length > 0) log(`      axe (${look.name}) minor: ${minor.map((v) => v.id).join(", ")}`);
    const overflow = await sidewaysOverflow(page);
    assert(overflow.length === 0, `${name} (${look.name}) is cut off sideways: ${overflow.join("; ")}`);
    await shot(page, `${prefix}-${name}-${look.name}`);
  }
  await setLook(page, LOOKS[0]);
}

/** Puts the page in one of LOOKS. */
export async function setLook(page, look) {
  await page.setViewportSize({ width: look.width, height: look.height });
  await page.emulateMedia({ colorScheme: look.colorScheme });
  await settle(page);
}

const { AxeBuilder } = requireFromUi("@axe-core/playwright");

/**
 * Waits until no list is dimmed for a search in flight (its rows fade while the next answer
 * loads, which axe would measure as low contrast), then for a settled frame.
 */
async function untilSettled(page) {
  await page.waitForFunction(() => !document.querySelector(".dimmed"), null, { timeout: STEP_MS }).catch(() => {});
  // A list that stops being dimmed fades back in (a 0.15 s opacity transition): colours read
  // mid-fade are not the page's, so wait for running transitions (not endless animations) to end.
  await page
    .waitForFunction(
      () => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== "running"),
      null,
      { timeout: STEP_MS },
    )
    .catch(() => {});
  await settle(page);
}

/**
 * An axe-core pass over what the page shows (WCAG 2.x A and AA rules and best practices):
 * fails with each serious or critical violation, the rule and the elements it names. Minor and
 * moderate findings are returned for the caller to print, not failed on.
 */
export async function axe(page, label) {
  await untilSettled(page);
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0) {
    const lines = bad.map(
      (v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
    );
    throw new Error(`axe on ${label}:\n${lines.join("\n")}`);
  }
  return results.violations.filter((v) => v.impact !== "serious" && v.impact !== "critical");
}

/**
 * Whether anything on the page is cut off sideways: the document wider than the window, or an
 * element whose content overflows it horizontally while it does not scroll. Returns what it
 * found (selector-ish names), empty when the layout fits.
 */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const found = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) found.push(`document ${doc.scrollWidth}px > ${window.innerWidth}px`);
    for (const el of document.querySelectorAll("body *")) {
      const st = getComputedStyle(el);
      if (st.display === "none" || st.visibility === "hidden") continue;
      // Text kept for screen readers is clipped on purpose; a long value in a field scrolls
      // inside it, as fields do.
      if (el.classList.contains("sr-only") || el.tagName === "INPUT" || el.tagName === "TEXTAREA") continue;
      if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
      if (st.overflowX === "auto" || st.overflowX === "scroll") continue;
      if (st.overflowX === "hidden" && st.textOverflow === "ellipsis") continue;
      if (st.overflowX !== "hidden" && st.overflowX !== "clip") continue;
      const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""}`;
      found.push(`${name} ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
    return found.slice(0, 10);
  });
}

/**
 * A `poolhouse serve --ui` of the scenario's own that can be stopped and started again on the
 * same address and store, for the browser build's offline state (`startServer` above starts
 * the scenario's usual one, which runs to the end). Stopped when the scenario ends.
 * Resolves with { base, db, addr, stop(), restart() }; restart() resolves with the same base.
 */
export async function stoppableServer(s, name) {
  const db = path.join(s.tmp, `${name}.db`);
  let addr = "127.0.0.1:0";
  let child;
  const startOnce = () => {
    const { proc, ready } = spawnServer(db, addr);
    child = proc;
    return ready;
  };
  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    await Promise.race([new Promise((r) => proc.once("exit", r)), new Promise((r) => setTimeout(r, 3000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };
  /** Starts it again on the same address; the port may take a moment to be free. */
  const restart = async () => {
    let last;
    for (let i = 0; i < 10; i++) {
      try {
        return await startOnce();
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    throw last;
  };
  s.onCleanup(stop);
  const base = await startOnce();
  addr = new URL(base).host;
  return { base, db, addr, stop, restart };
}

/**
 * Like axe(), but over the elements `selectors` match only (a drawer, a screen, a banner): for
 * a scenario checking its own part of a page whose other parts are checked elsewhere.
 */
export async function axeOf(page, label, selectors) {
  await untilSettled(page);
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]);
  for (const sel of selectors) builder = builder.include(sel);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0) {
    const lines = bad.map(
      (v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
    );
    throw new Error(`axe on ${label}:\n${lines.join("\n")}`);
  }
  return results.violations.filter((v) => v.impact !== "serious" && v.impact !== "critical");
}

/** RFC 4648 base32 (the alphabet authenticator secrets use) to bytes. */
function base32Bytes(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const out = [];
  let bits = 0;
  let value = 0;
  for (const c of secret.replace(/[\s=]/g, "").toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${secret}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The RFC 6238 code of a base32 secret (HMAC-SHA1, 6 digits, 30 s steps), as an authenticator app shows it. */
export function totp(secret, atMs = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac("sha1", base32Bytes(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** A real PNG: `w`×`h` pixels, a teal band with a lighter stripe (a logo for the branding tests). */
export function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const stripe = y > h / 3 && y < (2 * h) / 3 && x > w / 6 && x < (5 * w) / 6;
      row.set(stripe ? [0xe0, 0xf5, 0xf2] : [0x0b, 0x72, 0x68], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
