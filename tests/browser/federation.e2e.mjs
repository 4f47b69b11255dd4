#!/usr/bin/env node
// Browser end-to-end test of sign-in through an OIDC provider on the hosted pages: pool A's
// identity provider is pool B of the same `poolhouse serve` (found by discovery). In headless
// Debian chromium, the app's authorize URL shows A's sign-in page with a "Continue with PoolB"
// button and a corporate email field (B's identifier) beside the password form (axe, light and
// dark); the email's domain and the button lead to B's sign-in page;
// signing in there comes back through A's /oauth2/idpresponse to the app's callback with a
// code and the state untouched; the code redeems for tokens whose `identities` name B's user.
// Then "Continue with Google": Google's base URL is moved (POOLHOUSE_SOCIAL_ENDPOINTS) to a
// stand-in this script runs on the loopback (its consent page, discovery document, keys and
// token endpoint, the ID token signed RS256 with the nonce Poolhouse sent), and the click goes
// through it back to the app as the user `Google_<sub>`.
// Pool A is reached at http://localhost:<port> (B's client registers A's idpresponse there:
// Cognito allows http callbacks only for localhost). Screenshots go to
// tests/out/federation-*.png; the last line is "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)

import crypto from "node:crypto";
import http from "node:http";

import { apiOk, assert, inEveryLook, scenario, shot } from "./harness.mjs";

const s = scenario({ name: "federation-e2e", timeoutMs: 120_000 });
const { check, startServer } = s;

const CALLBACK = "https://app.test/callback";
const PASSWORD = "Correct-Horse-1";
const STATE = "a b&c=d/é";

/**
 * A stand-in for Google on 127.0.0.1: the paths of accounts.google.com and
 * www.googleapis.com under one base, as Poolhouse asks them once Google is moved there. The
 * consent page sends the browser back with a code bound to the request's client, redirect URI
 * and nonce; the token endpoint (form POST, client_secret_post) answers an ID token of issuer
 * https://accounts.google.com signed with the key its discovery document's JWKS publishes.
 */
function startGoogle({ clientId, clientSecret, user }) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "standin-1", alg: "RS256", use: "sig" };
  const b64u = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const sign = (claims) => {
    const head = `${b64u({ alg: "RS256", kid: jwk.kid, typ: "JWT" })}.${b64u(claims)}`;
    return `${head}.${crypto.sign("RSA-SHA256", Buffer.from(head), privateKey).toString("base64url")}`;
  };
  const codes = new Map();
  const asked = [];
  let base = "";
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, base);
    asked.push(`${req.method} ${url.pathname}`);
    const json = (status, body) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer: "https://accounts.google.com",
        authorization_endpoint: `${base}/o/oauth2/v2/auth`,
        token_endpoint: `${base}/oauth2/v4/token`,
        jwks_uri: `${base}/oauth2/v3/certs`,
      });
    }
    if (url.pathname === "/oauth2/v3/certs") return json(200, { keys: [jwk] });
    if (url.pathname === "/o/oauth2/v2/auth") {
      const q = url.searchParams;
      if (q.get("client_id") !== clientId || q.get("response_type") !== "code") {
        res.writeHead(400, { "Content-Type": "text/plain" });
        return res.end("Error 401: invalid_client");
      }
      const code = crypto.randomBytes(16).toString("hex");
      codes.set(code, { redirectUri: q.get("redirect_uri"), nonce: q.get("nonce") });
      const back = new URL(q.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      const esc = (t) => t.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(
        `<!doctype html><html lang="en"><title>Sign in – Google stand-in</title>` +
          `<main><h1>Choose an account</h1><p>to continue to the app</p>` +
          `<a href="${esc(back.toString())}">${esc(user.name)} (${esc(user.email)})</a></main></html>`,
      );
    }
    if (url.pathname === "/oauth2/v4/token" && req.method === "POST") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const f = new URLSearchParams(body);
        const grant = codes.get(f.get("code"));
        codes.delete(f.get("code"));
        if (f.get("client_id") !== clientId || f.get("client_secret") !== clientSecret) {
          return json(401, { error: "invalid_client", error_description: "Unauthorized" });
        }
        if (!grant || f.get("grant_type") !== "authorization_code" || grant.redirectUri !== f.get("redirect_uri")) {
          return json(400, { error: "invalid_grant", error_description: "Bad Request" });
        }
        const now = Math.floor(Date.now() / 1000);
        json(200, {
          access_token: crypto.randomBytes(16).toString("hex"),
          expires_in: 3599,
          token_type: "Bearer",
          scope: "openid email profile",
          id_token: sign({
            iss: "https://accounts.google.com",
            azp: clientId,
            aud: clientId,
            iat: now,
            exp: now + 3600,
            nonce: grant.nonce,
            ...user,
          }),
        });
      });
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${server.address().port}`;
      resolve({ base, asked, close: () => server.close() });
    }),
  );
}

const GOOGLE_USER = {
  sub: "108200000000000000042",
  email: "gina@gmail.test",
  email_verified: true,
  name: "Gina Google",
  given_name: "Gina",
  family_name: "Google",
};

async function main() {
  let base;
  let aBase;
  const google = await startGoogle({ clientId: "lakeside.apps.googleusercontent.com", clientSecret: "g-secret", user: GOOGLE_USER });
  // `serve` inherits the environment: Google is asked at the stand-in.
  process.env.POOLHOUSE_SOCIAL_ENDPOINTS = `accounts.google.com=${google.base}`;
  s.onCleanup(() => google.close());
  await check("poolhouse serve starts", async () => {
    base = await startServer();
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `unexpected address ${base}`);
    aBase = base.replace("127.0.0.1", "localhost");
  });

  let a;
  let b;
  let clientId;
  await check("pool B is made pool A's OIDC provider through the API, by discovery", async () => {
    await apiOk(base, "UpdateWorkspace", { IssuerBaseUrl: base }, "Poolhouse");
    b = (await apiOk(base, "CreateUserPool", { PoolName: "Headquarters" })).UserPool.Id;
    await apiOk(base, "CreateUserPoolDomain", { UserPoolId: b, Domain: `hq-${Date.now().toString(36)}` });
    a = (await apiOk(base, "CreateUserPool", { PoolName: "Lakeside" })).UserPool.Id;
    const bClient = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: b,
        ClientName: "lakeside",
        GenerateSecret: true,
        CallbackURLs: [`${aBase}/${a}/oauth2/idpresponse`],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO"],
      })
    ).UserPoolClient;
    await apiOk(base, "AdminCreateUser", {
      UserPoolId: b,
      Username: "bob",
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: "bob@hq.example" }],
    });
    await apiOk(base, "AdminSetUserPassword", { UserPoolId: b, Username: "bob", Password: PASSWORD, Permanent: true });
    await apiOk(base, "CreateIdentityProvider", {
      UserPoolId: a,
      ProviderName: "PoolB",
      ProviderType: "OIDC",
      ProviderDetails: {
        client_id: bClient.ClientId,
        client_secret: bClient.ClientSecret,
        attributes_request_method: "GET",
        oidc_issuer: `${base}/${b}`,
        authorize_scopes: "openid email profile",
      },
      AttributeMapping: { email: "email" },
      IdpIdentifiers: ["hq.example"],
    });
    clientId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: a,
        ClientName: "web",
        CallbackURLs: [CALLBACK],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO", "PoolB"],
      })
    ).UserPoolClient.ClientId;
  });

  const { context, page, pageErrors } = await s.openBrowser();
  // The app's callback is not on this machine: the test stands in for it.
  const callbacks = [];
  await context.route("https://app.test/**", (route) => {
    callbacks.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>App</title><p>Back in the app" });
  });

  const authorize = () =>
    `${aBase}/${a}/oauth2/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: "openid email",
      state: STATE,
    })}`;

  await check("the app's sign-in page offers PoolB beside the password form", async () => {
    await page.goto(authorize());
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert(new URL(page.url()).pathname === `/${a}/login`, `landed on ${page.url()}`);
    await page.getByRole("link", { name: "Continue with PoolB" }).waitFor();
    await page.getByLabel("Password").waitFor();
    const html = await page.content();
    assert(html.length < 30 * 1024, `the page is ${html.length} bytes`);
  });

  await check("the page with the provider button passes axe and fits in every look", async () => {
    await inEveryLook(page, "federation", "01-sign-in-with-provider");
  });

  await check("a corporate email whose domain is PoolB's identifier leads to B", async () => {
    await page.getByLabel("Corporate email").fill("bob@hq.example");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => u.pathname === `/${b}/login`);
    await page.goBack();
    await page.goto(authorize());
    await page.getByLabel("Corporate email").fill("bob@elsewhere.example");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("No sign-in provider is set up for this email's domain.").waitFor();
    await inEveryLook(page, "federation", "03-unknown-domain");
    await page.goto(authorize());
  });

  await check("the button leads to pool B's own sign-in page", async () => {
    await page.getByRole("link", { name: "Continue with PoolB" }).click();
    await page.waitForURL((u) => u.pathname === `/${b}/login`);
    assert(new URL(page.url()).host === new URL(base).host, `B's page is at ${page.url()}`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot(page, "federation-02-provider-page");
  });

  let code;
  await check("signing in at B ends at the app's callback with a code and the state untouched", async () => {
    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    const url = new URL(callbacks.at(-1));
    code = url.searchParams.get("code") ?? "";
    assert(/^[\w-]{20,}$/.test(code), `no code in ${url}`);
    assert(url.searchParams.get("state") === STATE, `state came back as ${url.searchParams.get("state")}`);
  });

  await check("the code redeems for tokens naming B's user among the identities", async () => {
    const r = await fetch(`${base}/${a}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: clientId }),
    });
    const tokens = await r.json();
    assert(r.ok, `token answered ${r.status}: ${JSON.stringify(tokens)}`);
    const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url").toString());
    const bob = await apiOk(base, "AdminGetUser", { UserPoolId: b, Username: "bob" });
    const bobSub = bob.UserAttributes.find((x) => x.Name === "sub").Value;
    assert(claims["cognito:username"] === `PoolB_${bobSub}`, `username ${claims["cognito:username"]}`);
    assert(claims.email === "bob@hq.example", `email ${claims.email}`);
    assert(claims.identities?.[0]?.providerName === "PoolB", `identities ${JSON.stringify(claims.identities)}`);
    assert(claims.identities[0].userId === bobSub, "the identity is not bob's");
  });

  await check("the console names the federated user by email and says it signs in through PoolB", async () => {
    const consolePage = await context.newPage();
    await consolePage.goto(`${base}/index.html#/pools/${encodeURIComponent(a)}/users`);
    const row = consolePage.getByTestId("user-row").filter({ hasText: "bob@hq.example" });
    const via = row.getByTestId("user-signin-provider");
    await via.waitFor();
    assert((await via.textContent()) === "PoolB", `the row says ${await via.textContent()}`);
    await row.click();
    const signsInWith = consolePage.getByTestId("user-signs-in-with");
    await signsInWith.waitFor();
    assert(/PoolB/.test(await signsInWith.textContent()), `the user's page says ${await signsInWith.textContent()}`);
    await inEveryLook(consolePage, "federation", "04-console-federated-user");
    await consolePage.close();
  });

  await check("Continue with Google goes through Google (its stand-in) and back to the app", async () => {
    await apiOk(base, "CreateIdentityProvider", {
      UserPoolId: a,
      ProviderName: "Google",
      ProviderType: "Google",
      ProviderDetails: {
        client_id: "lakeside.apps.googleusercontent.com",
        client_secret: "g-secret",
        authorize_scopes: "openid email profile",
      },
      AttributeMapping: { email: "email", given_name: "given_name", family_name: "family_name" },
    });
    await apiOk(base, "UpdateUserPoolClient", {
      UserPoolId: a,
      ClientId: clientId,
      CallbackURLs: [CALLBACK],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ["COGNITO", "PoolB", "Google"],
    });
    // Signed in at A as B's user: without the cookies the sign-in page shows again.
    await context.clearCookies();
    await page.goto(authorize());
    const button = page.getByRole("link", { name: "Continue with Google" });
    await button.waitFor();
    await inEveryLook(page, "federation", "05-sign-in-with-google");
    await button.click();
    await page.waitForURL((u) => u.href.startsWith(`${google.base}/o/oauth2/v2/auth?`));
    await page.getByRole("heading", { name: "Choose an account" }).waitFor();
    await shot(page, "federation-06-google-stand-in");
    const before = callbacks.length;
    await page.getByRole("link", { name: /Gina Google/ }).click();
    await page.waitForURL(/^https:\/\/app\.test\/callback/);
    assert(callbacks.length === before + 1, "the app's callback was not reached");
    const url = new URL(callbacks.at(-1));
    assert(url.searchParams.get("state") === STATE, `state came back as ${url.searchParams.get("state")}`);
    const r = await fetch(`${base}/${a}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: url.searchParams.get("code") ?? "",
        redirect_uri: CALLBACK,
        client_id: clientId,
      }),
    });
    const tokens = await r.json();
    assert(r.ok, `token answered ${r.status}: ${JSON.stringify(tokens)}`);
    const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url").toString());
    assert(claims["cognito:username"] === `Google_${GOOGLE_USER.sub}`, `username ${claims["cognito:username"]}`);
    assert(claims.email === GOOGLE_USER.email, `email ${claims.email}`);
    assert(claims.identities?.[0]?.providerType === "Google", `identities ${JSON.stringify(claims.identities)}`);
    assert(claims.identities[0].userId === GOOGLE_USER.sub, "the identity is not Gina's");
    const gina = await apiOk(base, "AdminGetUser", { UserPoolId: a, Username: `Google_${GOOGLE_USER.sub}` });
    const given = gina.UserAttributes.find((x) => x.Name === "given_name")?.Value;
    assert(given === "Gina", `given_name ${given}`);
    // Everything went to the stand-in: the keys through its discovery document, the exchange.
    for (const hit of ["GET /.well-known/openid-configuration", "GET /oauth2/v3/certs", "POST /oauth2/v4/token"]) {
      assert(google.asked.includes(hit), `the stand-in was not asked ${hit}: ${google.asked.join(", ")}`);
    }
  });

  await check("a client with PoolB only goes straight to it from its sign-in page", async () => {
    await apiOk(base, "UpdateUserPoolClient", {
      UserPoolId: a,
      ClientId: clientId,
      CallbackURLs: [CALLBACK],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ["PoolB"],
    });
    // This browser is signed in at A and B now: without its cookies it meets the redirect.
    await context.clearCookies();
    await page.goto(authorize());
    await page.waitForURL((u) => u.pathname === `/${b}/login`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });

  await check("the pages logged no errors", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });
}

await s.run(main);
