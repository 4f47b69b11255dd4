#!/usr/bin/env node
// Entry point of `npm run e2e` (from ui/): checks what the browser test needs, then runs it.
//   POOLHOUSE_BIN  the poolhouse binary (default: target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.POOLHOUSE_BIN ?? path.join(root, "target/debug/poolhouse");
const dist = path.join(root, "ui/dist/index.html");
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

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

await import("./e2e.mjs");
