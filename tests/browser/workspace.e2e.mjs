#!/usr/bin/env node
// Browser end-to-end test of the Workspace settings screen and email delivery: the built UI
// (ui/dist) served by the real core (`poolhouse serve --ui`), a small SMTP server run by this
// script (node:net), and headless Debian chromium driven through playwright-core. The scenario
// follows the Messages tab's link to Email delivery, is refused a server that is not host:port,
// sets this script's server, creates a user with an emailed invitation over HTTP as an app
// would, waits for the server to receive it and reads "Sent" in the Messages tab; a server that
// refuses connections gives "Failed" with the reason. It then creates an access key and reads
// its secret in the one dialog that shows it, and sets an SMTP login: refused in clear to another
// machine's server next to Security, saved with STARTTLS, its password never shown again, changed,
// and removed. Each check prints PASS/FAIL, screenshots go to
// tests/out/workspace-*.png, and the last line is "N passed, M failed". SMTP server, core and
// browser are stopped in every case; the whole run is bounded.
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)
//   E2E_HEADED=1   show the browser (needs a display)

import net from "node:net";
import path from "node:path";

import { apiOk, assert, scenario, shot, shotOf } from "./harness.mjs";

/** serve runs a delivery pass every 2 s; this leaves room for a slow machine. */
const DELIVERY_MS = 15_000;

const s = scenario({ name: "workspace-e2e", timeoutMs: 120_000 });
const { check, startServer, tmp } = s;

let smtpServer;
const smtpSockets = new Set();
s.onCleanup(async () => {
  if (!smtpServer) return;
  for (const socket of smtpSockets) socket.destroy();
  await new Promise((r) => smtpServer.close(r));
});

/**
 * A mail catcher speaking just enough SMTP: 220 on connect, 250 to EHLO/HELO/MAIL/RCPT (and
 * RSET/NOOP), 354 to DATA and everything up to a line "." collected as the message, 250, and
 * 221 to QUIT. Each received message is pushed to `received` as { from, to, data }.
 */
function startSmtpServer(received) {
  return new Promise((resolve, reject) => {
    smtpServer = net.createServer((socket) => {
      smtpSockets.add(socket);
      socket.on("close", () => smtpSockets.delete(socket));
      socket.on("error", () => {});
      socket.setEncoding("utf8");
      const reply = (line) => socket.write(`${line}\r\n`);
      let pending = "";
      let envelope = { from: "", to: [] };
      let data; // the message's lines while in DATA, else undefined
      const onLine = (line) => {
        if (data !== undefined) {
          if (line === ".") {
            received.push({ from: envelope.from, to: envelope.to, data: data.join("\n") });
            data = undefined;
            envelope = { from: "", to: [] };
            reply("250 2.0.0 Ok: queued");
          } else {
            data.push(line.startsWith("..") ? line.slice(1) : line);
          }
          return;
        }
        const verb = line.slice(0, 4).toUpperCase();
        switch (verb) {
          case "EHLO":
          case "HELO":
            reply("250 smtp.e2e.test");
            break;
          case "MAIL":
            envelope = { from: line.match(/<([^>]*)>/)?.[1] ?? "", to: [] };
            reply("250 2.1.0 Ok");
            break;
          case "RCPT":
            envelope.to.push(line.match(/<([^>]*)>/)?.[1] ?? "");
            reply("250 2.1.5 Ok");
            break;
          case "DATA":
            data = [];
            reply("354 End data with <CR><LF>.<CR><LF>");
            break;
          case "RSET":
            envelope = { from: "", to: [] };
            reply("250 2.0.0 Ok");
            break;
          case "NOOP":
            reply("250 2.0.0 Ok");
            break;
          case "QUIT":
            reply("221 2.0.0 Bye");
            socket.end();
            break;
          default:
            reply("502 5.5.2 Command not recognised");
        }
      };
      socket.on("data", (chunk) => {
        pending += chunk;
        let i;
        while ((i = pending.indexOf("\r\n")) >= 0) {
          const line = pending.slice(0, i);
          pending = pending.slice(i + 2);
          onLine(line);
        }
      });
      reply("220 smtp.e2e.test ESMTP");
    });
    smtpServer.once("error", reject);
    smtpServer.listen(0, "127.0.0.1", () => resolve(smtpServer.address().port));
  });
}

/** A port nothing listens on: bound, then released. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function workspace(base) {
  return (await apiOk(base, "DescribeWorkspace", {}, "Poolhouse")).Workspace;
}

/** Polls `probe` until it returns something truthy, or fails after `ms` with `what`. */
async function eventually(probe, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  let base;
  let smtpPort;
  const mail = [];
  await check("poolhouse serve starts and the SMTP server listens", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
    smtpPort = await startSmtpServer(mail);
  });
  const smtpAddress = `127.0.0.1:${smtpPort}`;
  const sender = "e2e@poolhouse.test";

  let poolId;
  await check("a pool is created through the API", async () => {
    const pool = await apiOk(base, "CreateUserPool", { PoolName: `workspace-e2e-${Date.now().toString(36)}` });
    poolId = pool.UserPool.Id;
    assert(poolId, "no pool id");
  });

  const { page, pageErrors } = await s.openBrowser();

  const screen = page.getByTestId("workspace-screen");
  const email = page.getByTestId("workspace-email");
  const fieldError = (member) => page.locator(`[data-field="${member}"] [data-testid="field-error"]`);
  const messagesUrl = `${base}/index.html#/pools/${encodeURIComponent(poolId)}/messages`;

  await check("the Workspace settings screen is in the sidebar and shows the workspace", async () => {
    await page.goto(`${base}/index.html`);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByText("Workspace", { exact: true }).waitFor();
    await nav.getByRole("link", { name: "Settings" }).click();
    await screen.waitFor();
    const general = (await page.getByTestId("workspace-general").innerText()).replace(/\s+/g, " ");
    assert(general.includes("000000000000"), `no account id in "${general}"`);
    assert(general.includes("workspace-e2e.db"), `no store path in "${general}"`);
    assert((await page.getByTestId("ws-region").inputValue()) === "us-east-1", "the region is not us-east-1");
    assert((await page.getByTestId("email-delivery-state").innerText()).trim() === "Not sending", "email delivery is not off");
    assert(await page.getByTestId("save-email").isDisabled(), "Save is on before any change");
    assert(page.url().endsWith("#/workspace"), `the address is ${page.url()}`);
    await shot(page, "workspace-01-screen");
  });

  await check("with no SMTP server the Messages tab says nothing is sent and links to Email delivery", async () => {
    await page.goto(messagesUrl);
    const note = page.getByTestId("no-smtp-note");
    await note.waitFor();
    assert(/not sent anywhere/.test(await note.innerText()), "the note does not say messages are not sent");
    await shot(page, "workspace-02-messages-no-smtp");
    await note.getByRole("link").click();
    await email.waitFor();
    assert(page.url().endsWith("#/workspace/email"), `the link went to ${page.url()}`);
    // The link is for setting a server: its input has focus.
    await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "ws-smtp-server");
  });

  await check("a server that is not host:port is refused next to the SMTP server field", async () => {
    await page.getByTestId("ws-smtp-server").fill("localhost");
    await page.getByTestId("save-email").click();
    const text = await fieldError("SmtpServer").innerText();
    assert(/host:port/.test(text), `the error reads "${text}"`);
    assert(!text.startsWith("SmtpServer"), `the error repeats the member: "${text}"`);
    assert((await fieldError("SmtpFrom").count()) === 0, "an error is on the From field");
    const ws = await workspace(base);
    assert(ws.SmtpServer === undefined, `the server was saved: ${ws.SmtpServer}`);
    await shotOf(page, email, "workspace-03-smtp-error");
  });

  await check("saving the SMTP server and sender turns delivery on", async () => {
    await page.getByTestId("ws-smtp-server").fill(smtpAddress);
    assert((await fieldError("SmtpServer").count()) === 0, "the error stayed after editing the field");
    await page.getByTestId("ws-smtp-from").fill(`Poolhouse e2e <${sender}>`);
    await page.getByTestId("save-email").click();
    await page.getByTestId("toasts").getByText("Email delivery saved").waitFor();
    await email.getByText("Sending email", { exact: true }).waitFor();
    const ws = await workspace(base);
    assert(ws.SmtpServer === smtpAddress, `SmtpServer: ${ws.SmtpServer}`);
    assert(ws.SmtpFrom === `Poolhouse e2e <${sender}>`, `SmtpFrom: ${ws.SmtpFrom}`);
    assert(await page.getByTestId("save-email").isDisabled(), "Save is still on after saving");
    await shotOf(page, email, "workspace-04-smtp-saved");
  });

  const invited = "dana";
  const temporaryPassword = "Temp-Passw0rd!42";
  await check("an invitation made through the API reaches the SMTP server", async () => {
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: poolId,
      Username: invited,
      TemporaryPassword: temporaryPassword,
      UserAttributes: [{ Name: "email", Value: "dana@example.com" }],
      DesiredDeliveryMediums: ["EMAIL"],
    });
    const m = await eventually(
      () => mail.find((x) => x.to.includes("dana@example.com")),
      DELIVERY_MS,
      "the SMTP server received no invitation for dana@example.com",
    );
    assert(m.from === sender, `MAIL FROM <${m.from}>`);
    assert(m.data.includes(temporaryPassword), `the message lacks the temporary password:\n${m.data.slice(0, 600)}`);
    assert(/^From: .*e2e@poolhouse\.test/m.test(m.data), `no From header for the sender:\n${m.data.slice(0, 400)}`);
  });

  await check("the Messages tab shows the invitation as Sent", async () => {
    await page.goto(messagesUrl);
    await page.getByTestId("messages-tab").waitFor();
    assert((await page.getByTestId("no-smtp-note").count()) === 0, "the no-server note still shows");
    const row = page.getByTestId("message-row").filter({ hasText: invited });
    await eventually(
      async () => {
        await page.getByTestId("messages-tab").getByRole("button", { name: "Refresh" }).click();
        await row.first().waitFor();
        return (await row.first().getAttribute("data-delivery")) === "Sent";
      },
      DELIVERY_MS,
      "the invitation is not marked Sent",
    );
    const badge = (await row.getByTestId("message-delivery").innerText()).trim();
    assert(badge === "Sent", `the badge reads "${badge}"`);
  });

  await check("a server that refuses connections marks the message Failed, with the reason", async () => {
    const port = await closedPort();
    await apiOk(base, "UpdateWorkspace", { SmtpServer: `127.0.0.1:${port}` }, "Poolhouse");
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: poolId,
      Username: "erin",
      TemporaryPassword: temporaryPassword,
      UserAttributes: [{ Name: "email", Value: "erin@example.com" }],
      DesiredDeliveryMediums: ["EMAIL"],
    });
    const row = page.getByTestId("message-row").filter({ hasText: "erin" });
    await eventually(
      async () => {
        await page.getByTestId("messages-tab").getByRole("button", { name: "Refresh" }).click();
        await row.first().waitFor();
        return (await row.first().getAttribute("data-delivery")) === "Failed";
      },
      DELIVERY_MS,
      "the message to erin is not marked Failed",
    );
    const title = await row.getByTestId("message-delivery").getAttribute("title");
    const reason = await row.getByTestId("message-delivery-failure").innerText();
    assert(/^Not delivered: /.test(title ?? "") && title.length > "Not delivered: ".length, `the badge's title is "${title}"`);
    assert(reason.startsWith("Not delivered: ") && reason === title, `the reason reads "${reason}", the title "${title}"`);
    assert(!mail.some((x) => x.to.includes("erin@example.com")), "the message reached the catcher anyway");
    await shot(page, "workspace-05-messages-delivery");
  });

  await check("creating an access key shows its secret once, in a dialog", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const security = page.getByTestId("workspace-security");
    await security.getByTestId("no-access-keys").waitFor();
    await security.getByTestId("create-access-key").click();
    const dialog = page.getByTestId("access-key-dialog");
    await dialog.waitFor();
    const id = (await dialog.getByTestId("access-key-id").innerText()).trim();
    const secret = (await dialog.getByTestId("access-key-secret").innerText()).trim();
    assert(/^AKIA[A-Z0-9]{16}$/.test(id), `key id "${id}"`);
    assert(secret.length >= 30, `secret "${secret}"`);
    assert(/only this once/.test(await dialog.innerText()), "the dialog does not warn that the secret is shown once");
    assert((await dialog.getByRole("button", { name: "Copy" }).count()) === 2, "no copy buttons for the id and the secret");
    const ws = await workspace(base);
    assert(ws.AccessKeyIds.includes(id), `AccessKeyIds: ${JSON.stringify(ws.AccessKeyIds)}`);
    await shot(page, "workspace-06-access-key");
    await dialog.getByTestId("access-key-done").click();
    await dialog.waitFor({ state: "detached" });
    await security.getByTestId("access-keys").getByText(id).waitFor();
    const text = await page.locator("body").innerText();
    assert(!text.includes(secret), "the secret still shows after the dialog closed");
  });

  await check("requiring signatures from the browser asks first, and Cancel leaves it off", async () => {
    const security = page.getByTestId("workspace-security");
    const sw = security.getByRole("switch", { name: "Require SigV4 signatures" });
    await sw.click();
    assert((await sw.getAttribute("aria-checked")) === "true", "the switch did not turn on");
    await page.getByTestId("save-security").click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    // The way back names this store, since the browser can no longer turn the requirement off.
    const command = (await dialog.getByTestId("recovery-command").locator("code").innerText()).trim();
    const db = path.join(tmp, "workspace-e2e.db");
    assert(command === `poolhouse --db ${db} update-workspace --require-signature false`, `the command reads "${command}"`);
    await shot(page, "workspace-07-require-signature");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    assert((await workspace(base)).RequireSignature === false, "signatures are now required");
    await security.getByRole("button", { name: "Discard changes" }).click();
    assert((await sw.getAttribute("aria-checked")) === "false", "Discard did not turn the switch back off");
    await shotOf(page, page.getByTestId("workspace-sections"), "workspace-08-all-sections");
  });

  // The server is now this machine's closed port (set above), so nothing below leaves the machine.
  const smtpPassword = "Sm7p pass phrase";
  const passwordState = email.getByTestId("ws-smtp-password-state");
  let deliveryServer;
  await check("a login for another machine's server without TLS is refused next to Security", async () => {
    deliveryServer = (await workspace(base)).SmtpServer;
    await page.goto(`${base}/index.html#/workspace/email`);
    await email.waitFor();
    const security = email.getByLabel("Security", { exact: true });
    assert((await security.inputValue()) === "NONE", `Security reads ${await security.inputValue()}`);
    assert((await passwordState.count()) === 0, "a password shows as set before any login");
    await page.getByTestId("ws-smtp-server").fill("smtp.example.com:587");
    await email.getByLabel("User name", { exact: true }).fill("mailer");
    await email.getByLabel("Password", { exact: true }).fill(smtpPassword);
    await page.getByTestId("save-email").click();
    const text = await fieldError("SmtpSecurity").innerText();
    assert(/in clear/.test(text) && /STARTTLS or TLS/.test(text), `the error reads "${text}"`);
    await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "ws-smtp-security");
    const ws = await workspace(base);
    assert(ws.SmtpServer === deliveryServer && ws.SmtpUsername === undefined, `saved anyway: ${JSON.stringify(ws)}`);
    await shotOf(page, email, "workspace-09-smtp-security-error");
  });

  await check("with STARTTLS the login is saved, and its password is never shown again", async () => {
    await page.getByTestId("ws-smtp-server").fill(deliveryServer);
    await email.getByLabel("Security", { exact: true }).selectOption("STARTTLS");
    assert((await fieldError("SmtpSecurity").count()) === 0, "the error stayed after choosing STARTTLS");
    const hint = await email.locator('[data-field="SmtpSecurity"]').innerText();
    assert(/587/.test(hint), `the STARTTLS hint gives no port: "${hint}"`);
    await page.getByTestId("save-email").click();
    await passwordState.waitFor();
    const ws = await workspace(base);
    assert(ws.SmtpSecurity === "STARTTLS" && ws.SmtpUsername === "mailer", `saved ${JSON.stringify(ws)}`);
    assert(!JSON.stringify(ws).includes(smtpPassword), "DescribeWorkspace gives the password");
    assert((await passwordState.innerText()).trim() === "Set", `the password reads "${await passwordState.innerText()}"`);
    assert((await email.locator('input[type="password"]').count()) === 0, "a password input still shows");
    assert(!(await page.content()).includes(smtpPassword), "the page holds the password");
    assert(await page.getByTestId("save-email").isDisabled(), "Save is still on after saving");
    // At the smallest window the console is made for, the section's fields fit side by side.
    const before = page.viewportSize();
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await email.evaluate((el) => el.scrollIntoView({ block: "start" }));
      const change = await email.getByRole("button", { name: "Change password" }).boundingBox();
      assert(change && change.x + change.width <= 1024, `Change password is cut off at 1024 px: ${JSON.stringify(change)}`);
      await shot(page, "workspace-10-smtp-login-1024x700");
    } finally {
      await page.setViewportSize(before);
    }
  });

  await check("Change password saves a new one; Remove login removes the user name and the password", async () => {
    await email.getByRole("button", { name: "Change password" }).click();
    const fresh = email.getByLabel("New password", { exact: true });
    await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "ws-smtp-password");
    await fresh.fill("an0ther pass");
    await page.getByTestId("save-email").click();
    await passwordState.waitFor();
    assert((await workspace(base)).SmtpUsername === "mailer", "the login went with a new password");
    await email.getByRole("button", { name: "Remove login" }).click();
    assert((await passwordState.innerText()).trim() === "Will be removed", `the password reads "${await passwordState.innerText()}"`);
    assert((await email.getByLabel("User name", { exact: true }).inputValue()) === "", "the user name is still there");
    await page.getByTestId("save-email").click();
    await passwordState.waitFor({ state: "detached" });
    const ws = await workspace(base);
    assert(ws.SmtpUsername === undefined, `the login is still there: ${JSON.stringify(ws)}`);
    assert(ws.SmtpSecurity === "STARTTLS" && ws.SmtpServer === deliveryServer, `the rest changed: ${JSON.stringify(ws)}`);
    assert((await email.getByLabel("Password", { exact: true }).inputValue()) === "", "the password field is not empty");
  });

  await check("no uncaught errors in the page", async () => {
    // The deliberate bad input answers 400, which chromium logs as a failed resource.
    const real = pageErrors.filter((e) => !/status of 4\d\d/.test(e));
    assert(real.length === 0, real.join("\n"));
  });
}

await s.run(main);
