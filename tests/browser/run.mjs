#!/usr/bin/env node
// Entry point of `npm run e2e` (from ui/): checks what the browser tests need, then runs each
// scenario in its own node process, one after the other, passing their output through. The
// last line adds them up ("N passed, M failed"); the exit code is non-zero when any check
// failed, a scenario could not run to its end, or a scenario ran no check.
//   POOLHOUSE_BIN  the poolhouse binary (default: target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS each scenario's own bound (each has its default, 120 s to 240 s)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.POOLHOUSE_BIN ?? path.join(root, "target/debug/poolhouse");
const dist = path.join(root, "ui/dist/index.html");
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** The scenarios, in order; each bounds itself, and is stopped here if it overruns that. */
const SCENARIOS = [
  "e2e.mjs",
  "hooks.e2e.mjs",
  "workspace.e2e.mjs",
  "inspector.e2e.mjs",
  "looks.e2e.mjs",
  "admin.e2e.mjs",
  "developer.e2e.mjs",
  "support.e2e.mjs",
  "identity-pools.e2e.mjs",
  "exchange.e2e.mjs",
  "oauth.e2e.mjs",
  "branding.e2e.mjs",
  "clients.e2e.mjs",
  "idps.e2e.mjs",
  "signin.e2e.mjs",
  "hosted.e2e.mjs",
  "signup.e2e.mjs",
  "federation.e2e.mjs",
  "saml.e2e.mjs",
];
/** A scenario's own watchdog plus room to clean up; past this it is stopped from here. */
const OUTER_BOUND_MS = Number(process.env.E2E_TIMEOUT_MS ?? 240_000) + 60_000;

const missing = [];
if (!existsSync(bin)) missing.push(`the poolhouse binary at ${bin} (cargo build -p cli, or set POOLHOUSE_BIN)`);
if (!existsSync(dist)) missing.push(`the built UI at ${dist} (cd ui && npm run build)`);
if (!existsSync(chromium)) missing.push(`chromium at ${chromium} (apt-get install chromium)`);
if (!existsSync(path.join(root, "ui/node_modules/playwright-core"))) missing.push("ui/node_modules (cd ui && npm ci)");
if (missing.length > 0) {
  for (const m of missing) console.error(`missing: ${m}`);
  console.log("0 passed, 1 failed");
  process.exit(2);
}

/**
 * Runs one scenario, echoing its output line by line. Resolves with its counts (from its own
 * last "N passed, M failed" line) and whether it ran to its end with exit code 0.
 */
function runScenario(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, file)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    let summary;
    let pending = "";
    const onLine = (line) => {
      process.stdout.write(`${line}\n`);
      const m = line.match(/^(\d+) passed, (\d+) failed$/);
      if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) onLine(l);
    });
    child.stderr.on("data", (chunk) => process.stderr.write(chunk));

    let stopped = false;
    const bound = setTimeout(() => {
      stopped = true;
      process.stdout.write(`FAIL  ${file} still ran after ${OUTER_BOUND_MS / 1000} s; stopping it\n`);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    }, OUTER_BOUND_MS);

    child.once("error", (e) => {
      clearTimeout(bound);
      process.stdout.write(`FAIL  could not start ${file}: ${e.message}\n`);
      resolve({ passed: 0, failed: 1, ok: false });
    });
    child.once("close", (code, signal) => {
      clearTimeout(bound);
      if (pending !== "") onLine(pending);
      if (!summary) {
        process.stdout.write(`FAIL  ${file} ended (${code ?? signal}) without its summary line\n`);
        resolve({ passed: 0, failed: 1, ok: false });
        return;
      }
      // A scenario stopped from here, exiting non-zero with no failure counted, or running no
      // check at all, still failed.
      const empty = summary.passed + summary.failed === 0;
      if (empty) process.stdout.write(`FAIL  ${file} ran no check\n`);
      const extra = (stopped || code !== 0 || empty) && summary.failed === 0 ? 1 : 0;
      resolve({ passed: summary.passed, failed: summary.failed + extra, ok: code === 0 && !stopped && !empty });
    });
  });
}

let passed = 0;
let failed = 0;
let allOk = true;
for (const file of SCENARIOS) {
  console.log(`\n== ${file} ==`);
  const r = await runScenario(file);
  console.log(`== ${file}: ${r.passed} passed, ${r.failed} failed`);
  passed += r.passed;
  failed += r.failed;
  allOk &&= r.ok;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || !allOk ? 1 : 0);
