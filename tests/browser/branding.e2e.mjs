#!/usr/bin/env node
// Browser end-to-end test of the Branding tab: the built UI (ui/dist) served by the real core
// (`poolhouse serve --ui`), driven in headless Debian chromium through playwright-core. The
// scenario edits a pool's hosted UI CSS and logo, reads the live preview (a script-less iframe
// styled through the CSSOM) in light and dark, sees what is left out and what is refused, saves,
// and fetches the saved logo as the hosted pages' <img> does. Each check prints PASS/FAIL,
// screenshots go to tests/out/branding-*.png, and the last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)

import { writeFileSync } from "node:fs";
import path from "node:path";

import { LOOKS, api, apiOk, assert, axe, png, scenario, setLook, shot, shotOf, sidewaysOverflow } from "./harness.mjs";

const s = scenario({ name: "branding-e2e", timeoutMs: 120_000 });
const { check, startServer, tmp } = s;

const CSS = `.banner-customizable {
  padding: 20px 0px 20px 0px;
  background-color: #0b7268;
}
.submitButton-customizable {
  background-color: #c8781e;
  color: #ffffff;
}
.label-customizable {
  font-weight: 700;
  color: red;
}
body { background: pink; }`;

/** The computed style of `selector` inside a preview iframe. */
function previewStyle(page, mode, selector, property) {
  return page.getByTestId(`branding-preview-${mode}`).evaluate(
    (frame, [sel, prop]) => {
      const el = frame.contentDocument?.querySelector(sel);
      return el ? getComputedStyle(el).getPropertyValue(prop) : null;
    },
    [selector, property],
  );
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
  });

  let poolId;
  let clientId;
  await check("a pool and an app client are created through the API", async () => {
    const pool = await apiOk(base, "CreateUserPool", { PoolName: "Lakeside" });
    poolId = pool.UserPool.Id;
    const client = await apiOk(base, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "web" });
    clientId = client.UserPoolClient.ClientId;
  });

  const { page, pageErrors } = await s.openBrowser();
  const tab = page.getByTestId("branding-tab");
  const cssField = page.getByTestId("branding-css");
  const cssError = page.locator('[data-field="CSS"]').getByTestId("field-error");

  await check("a pool without a domain says it needs one to be customized", async () => {
    // The tab's old address opens its section of the Sign-in experience tab.
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/branding`);
    await tab.waitFor();
    await page.waitForFunction((id) => window.location.hash === `#/pools/${id}/sign-in/branding`, encodeURIComponent(poolId));
    await page.getByTestId("branding-no-domain").waitFor();
    await apiOk(base, "CreateUserPoolDomain", { UserPoolId: poolId, Domain: `lakeside-${Date.now().toString(36)}` });
    await page.reload();
    await tab.waitFor();
    await page.getByTestId("branding-form").waitFor();
    assert((await page.getByTestId("branding-no-domain").count()) === 0, "the notice stayed after a domain was made");
  });

  await check("the classes Cognito lets a pool style are listed with their properties", async () => {
    await page.getByTestId("branding-classes").locator("summary").click();
    const text = await page.getByTestId("branding-classes").innerText();
    for (const c of [".submitButton-customizable:hover", ".inputField-customizable:focus", ".logo-customizable"]) {
      assert(text.includes(c), `${c} is not listed`);
    }
    await page.getByTestId("branding-classes").locator("summary").click();
  });

  await check("typed CSS restyles both previews; what is not Cognito's is listed, not served", async () => {
    await cssField.fill(CSS);
    await page.waitForFunction(() => document.querySelector('[data-testid="branding-dropped"]') !== null);
    for (const mode of ["light", "dark"]) {
      await page.waitForFunction(
        (m) => {
          const f = document.querySelector(`[data-testid="branding-preview-${m}"]`);
          const b = f?.contentDocument?.querySelector(".submitButton-customizable");
          return b && getComputedStyle(b).backgroundColor === "rgb(200, 120, 30)";
        },
        mode,
      );
      const banner = await previewStyle(page, mode, ".banner-customizable", "background-color");
      assert(banner === "rgb(11, 114, 104)", `${mode} banner is ${banner}`);
      const label = await previewStyle(page, mode, ".label-customizable", "color");
      assert(label !== "rgb(255, 0, 0)", `${mode}: the label's color (not Cognito's to set) was applied`);
      const bg = await previewStyle(page, mode, "body", "background-color");
      assert(bg !== "rgb(255, 192, 203)", `${mode}: a rule for body was applied`);
    }
    const dropped = await page.getByTestId("branding-dropped").innerText();
    assert(/line 11: \.label-customizable \{ color \}/.test(dropped), `dropped: ${dropped}`);
    assert(/line 13: body/.test(dropped), `dropped: ${dropped}`);
    const dark = await previewStyle(page, "dark", ".card", "background-color");
    const light = await previewStyle(page, "light", ".card", "background-color");
    assert(dark !== light, `the dark preview is not dark: ${dark}`);
  });

  await check("CSS that would load from elsewhere is refused on the field, and Save is refused too", async () => {
    await cssField.fill(`${CSS}\n.background-customizable { background-color: url(https://elsewhere.example/t.png); }`);
    const text = await cssError.innerText();
    assert(/line 14: url\(/.test(text), `the error reads "${text}"`);
    await page.getByTestId("save-branding").click();
    await cssError.waitFor();
    const got = await apiOk(base, "GetUICustomization", { UserPoolId: poolId });
    assert(got.UICustomization.CSS === undefined, `CSS was saved: ${JSON.stringify(got)}`);
    await shotOf(page, page.locator('[data-field="CSS"]'), "branding-01-refused");
    await cssField.fill(CSS);
    await page.waitForFunction(() => !document.querySelector('[data-field="CSS"] [data-testid="field-error"]'));
  });

  const logo = png(240, 80);
  await check("an uploaded logo shows in both previews; a GIF's bytes are refused by the core", async () => {
    const gif = path.join(tmp, "logo.png");
    writeFileSync(gif, Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"));
    await page.getByTestId("branding-logo-file").setInputFiles(gif);
    await page.getByTestId("save-branding").click();
    const refused = page.locator('[data-field="ImageFile"]').getByTestId("field-error");
    const text = await refused.innerText();
    assert(/PNG or JPEG/.test(text), `the logo error reads "${text}"`);
    const file = path.join(tmp, "lakeside.png");
    writeFileSync(file, logo);
    await page.getByTestId("branding-logo-file").setInputFiles(file);
    for (const mode of ["light", "dark"]) {
      await page.waitForFunction((m) => {
        const img = document.querySelector(`[data-testid="branding-preview-${m}"]`)?.contentDocument?.querySelector("img.logo-customizable");
        return img && img.complete && img.naturalWidth === 240;
      }, mode);
    }
  });

  await check("saving stores the CSS as typed and the logo; the logo is served as the hosted page fetches it", async () => {
    await page.getByTestId("save-branding").click();
    await page.getByTestId("toasts").getByText("Branding saved for every app client").waitFor();
    await page.getByTestId("branding-saved-at").waitFor();
    const got = await apiOk(base, "GetUICustomization", { UserPoolId: poolId });
    assert(got.UICustomization.CSS === CSS, `CSS: ${JSON.stringify(got.UICustomization.CSS)}`);
    const r = await fetch(`${base}${got.UICustomization.ImageUrl}`);
    assert(r.status === 200, `logo answered ${r.status}`);
    assert(r.headers.get("content-type") === "image/png", `type ${r.headers.get("content-type")}`);
    assert(r.headers.get("x-content-type-options") === "nosniff", "no nosniff");
    assert(Buffer.from(await r.arrayBuffer()).equals(logo), "the served logo is not the uploaded one");
    assert((await page.getByTestId("save-branding").isDisabled()), "Save is still on after saving");
  });

  await check("an app client without its own shows the pool's, and says so", async () => {
    await page.getByTestId("branding-scope").selectOption(clientId);
    await page.getByTestId("branding-inherited").waitFor();
    assert((await cssField.inputValue()) === CSS, "the client's editor does not start from the pool's CSS");
    await page.getByTestId("branding-scope").selectOption("ALL");
    await page.getByTestId("branding-saved-at").waitFor();
  });

  for (const look of LOOKS.filter((l) => l.width === 1024)) {
    await check(`the tab at 1024×700 ${look.colorScheme}: screenshot, nothing cut off, axe clean`, async () => {
      await setLook(page, look);
      await page.waitForFunction(() => {
        const b = document.querySelector('[data-testid="branding-preview-light"]')?.contentDocument?.querySelector(".submitButton-customizable");
        return b && getComputedStyle(b).backgroundColor === "rgb(200, 120, 30)";
      });
      await shot(page, `branding-02-${look.name}`);
      const cut = await sidewaysOverflow(page);
      assert(cut.length === 0, `cut off: ${cut.join("; ")}`);
      const minor = await axe(page, `branding ${look.name}`);
      if (minor.length > 0) console.log(`      axe (minor): ${minor.map((v) => v.id).join(", ")}`);
    });
  }

  await check("the page logged no errors but the refusals it asked for", async () => {
    // 400s are the refusals above (the preview's and the save's); axe tries to run its script
    // in every frame, and the preview's frames run none: that refusal is the sandbox working.
    const real = pageErrors.filter(
      (e) => !/status of 400/.test(e) && !/Blocked script execution in 'about:srcdoc'.*sandboxed/.test(e),
    );
    assert(real.length === 0, real.join("\n"));
  });

  // A refusal from the core over HTTP names the member, as the editor shows it.
  await check("SetUICustomization refuses @import over HTTP, naming CSS", async () => {
    const r = await api(base, "SetUICustomization", { UserPoolId: poolId, CSS: "@import 'x.css';" });
    assert(!r.ok && r.body.__type === "InvalidParameterException", `answered ${r.status}: ${JSON.stringify(r.body)}`);
    assert(String(r.body.message).startsWith("CSS: line 1: @import"), r.body.message);
  });
}

await s.run(main);
