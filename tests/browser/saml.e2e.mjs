#!/usr/bin/env node
// Browser end-to-end test of SAML sign-in into a user pool, in Debian chromium: the app's
// authorize request naming the pool's SAML provider goes to the IdP (a page the test serves at
// http://localhost:<port>, another site than the pool's 127.0.0.1) with an AuthnRequest; the IdP's page posts a response it
// signed with its own key (an openssl certificate, XML written in exclusive canonical form) to
// the pool's /saml2/idpresponse: a cross-site POST, so no SameSite cookie comes with it and
// the sealed RelayState tells the sign-in. The browser lands at the app
// (http://localhost:<port>/callback) with a code, and keeps the session cookie set on that cross-site
// answer: the next authorize request goes straight back with a code, without a sign-in page.
// The same response posted again shows the refusal at the app; one whose RelayState is no
// sign-in of the pool's shows the pool's error page, never a redirect. Signing out at the
// pool's /logout (the provider has IDPSignout) goes to the IdP's SingleLogoutService with a
// LogoutRequest naming the sign-in's SessionIndex; the IdP's page posts its signed
// LogoutResponse to the pool's /saml2/logout, and the browser lands at the app's logout_uri,
// signed out. The console's form for the provider shows its encryption certificate
// (ProviderDetails.ActiveEncryptionCertificate) as PEM to copy or download, beside the
// "Require encrypted assertions" switch, in light and dark at 1024×700. Screenshots in
// tests/out/saml-*.png. Last line "N passed, M failed".
//
//   POOLHOUSE_BIN  the poolhouse binary (default: <repo>/target/debug/poolhouse)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   E2E_TIMEOUT_MS overall bound (default: 120000)

import { execFileSync } from "node:child_process";
import { createHash, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { inflateRawSync } from "node:zlib";

import { LOOKS, apiOk, assert, axe, scenario, setLook, shot, sidewaysOverflow } from "./harness.mjs";

const s = scenario({ name: "saml-e2e", timeoutMs: 120_000 });
const { check, startServer } = s;

const ENTITY = "https://idp.e2e.test/metadata";
const SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
const DS = "http://www.w3.org/2000/09/xmldsig#";

/** The IdP's key and its self-signed certificate (base64 DER), made with openssl. */
function idpKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyFile = path.join(s.tmp, "idp-key.pem");
  const certFile = path.join(s.tmp, "idp-cert.der");
  writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
  execFileSync("openssl", ["req", "-x509", "-new", "-key", keyFile, "-subj", "/CN=e2e idp", "-days", "2", "-outform", "DER", "-out", certFile]);
  return { privateKey, cert: readFileSync(certFile).toString("base64") };
}

function metadata(cert, SSO, SLO) {
  const redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
  return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${ENTITY}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleLogoutService Binding="${redirect}" Location="${SLO}"/><md:SingleSignOnService Binding="${redirect}" Location="${SSO}"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
}

/** What the IdP reads from the AuthnRequest of a redirect. */
function readRequest(url) {
  const q = new URL(url).searchParams;
  const xml = inflateRawSync(Buffer.from(q.get("SAMLRequest"), "base64")).toString();
  const attr = (name) => xml.match(new RegExp(` ${name}="([^"]*)"`))?.[1];
  const issuer = xml.match(/<saml:Issuer>([^<]*)<\/saml:Issuer>/)?.[1];
  return { id: attr("ID"), acs: attr("AssertionConsumerServiceURL"), issuer, relay: q.get("RelayState") };
}

/** A signed response to `req` for `nameId`, base64: the assertion written canonical, so its digest is its text's. */
function signedResponse(key, req, nameId) {
  const t = (d) => new Date(Date.now() + d * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const id = `_${randomUUID().replaceAll("-", "")}`;
  const issuer = `<saml:Issuer>${ENTITY}</saml:Issuer>`;
  const body =
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${req.id}" NotOnOrAfter="${t(300)}" Recipient="${req.acs}"></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${t(-60)}" NotOnOrAfter="${t(300)}"><saml:AudienceRestriction><saml:Audience>${req.issuer}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${t(0)}" SessionIndex="session-of-${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement><saml:Attribute Name="mail"><saml:AttributeValue>${nameId}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`;
  const head = `<saml:Assertion xmlns:saml="${SAML}" ID="${id}" IssueInstant="${t(0)}" Version="2.0">`;
  const digest = createHash("sha256").update(`${head}${issuer}${body}</saml:Assertion>`).digest("base64");
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${DS}"><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod><ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const value = createSign("RSA-SHA256").update(signedInfo).sign(key, "base64");
  const signature = `<ds:Signature xmlns:ds="${DS}">${signedInfo}<ds:SignatureValue>${value}</ds:SignatureValue></ds:Signature>`;
  const xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r${id}" Version="2.0" IssueInstant="${t(0)}" Destination="${req.acs}" InResponseTo="${req.id}">` +
    `<saml:Issuer xmlns:saml="${SAML}">${ENTITY}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `${head}${issuer}${signature}${body}</saml:Assertion></samlp:Response>`;
  return Buffer.from(xml).toString("base64");
}

/** What the IdP reads from the LogoutRequest of a sign-out redirect. */
function readLogoutRequest(url) {
  const q = new URL(url).searchParams;
  const xml = inflateRawSync(Buffer.from(q.get("SAMLRequest"), "base64")).toString();
  return {
    root: xml.match(/^<samlp:(\w+)/)?.[1],
    id: xml.match(/ ID="([^"]*)"/)?.[1],
    nameId: xml.match(/<saml:NameID[^>]*>([^<]*)<\/saml:NameID>/)?.[1],
    sessionIndex: xml.match(/<samlp:SessionIndex>([^<]*)<\/samlp:SessionIndex>/)?.[1],
    relay: q.get("RelayState"),
    signed: q.get("SigAlg") === "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" && Boolean(q.get("Signature")),
  };
}

/** The IdP's signed LogoutResponse to `req`, posted to `destination`, base64: written canonical, so its digest is its text's. */
function signedLogoutResponse(key, req, destination) {
  const id = `_${randomUUID().replaceAll("-", "")}`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const head =
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" Destination="${destination}" ID="${id}" InResponseTo="${req.id}" IssueInstant="${now}" Version="2.0">` +
    `<saml:Issuer xmlns:saml="${SAML}">${ENTITY}</saml:Issuer>`;
  const rest = `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"></samlp:StatusCode></samlp:Status></samlp:LogoutResponse>`;
  const digest = createHash("sha256").update(`${head}${rest}`).digest("base64");
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${DS}"><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod><ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const value = createSign("RSA-SHA256").update(signedInfo).sign(key, "base64");
  const signature = `<ds:Signature xmlns:ds="${DS}">${signedInfo}<ds:SignatureValue>${value}</ds:SignatureValue></ds:Signature>`;
  return Buffer.from(`${head}${signature}${rest}`).toString("base64");
}

const esc = (v) => v.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

/** The IdP's sign-out page: a form that posts its LogoutResponse and the RelayState to the pool's /saml2/logout. */
function idpSignOutPage(action, relay, samlResponse, nameId) {
  return `<!doctype html><html lang="en"><title>Corp IdP</title><h1>Corp IdP: signed out</h1><p>${esc(nameId)} is signed out of Corp.</p><form method="post" action="${esc(action)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><input type="hidden" name="RelayState" value="${esc(relay)}"><button id="back">Back to the app</button></form></html>`;
}

/** The IdP's page: a form that posts `samlResponse` and the RelayState to the ACS URL. */
function idpPage(req, samlResponse) {
  return `<!doctype html><html lang="en"><title>Corp IdP</title><h1>Corp IdP</h1><form method="post" action="${esc(req.acs)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><input type="hidden" name="RelayState" value="${esc(req.relay)}"><button id="continue">Continue to the app</button></form></html>`;
}

async function main() {
  let base;
  await check("poolhouse serve starts", async () => {
    base = await startServer();
  });
  const key = idpKey();
  // The IdP and the app, on localhost: another site than the pool's 127.0.0.1.
  let seen;
  let posted;
  let replay = false;
  let forged = false;
  let logoutSeen;
  let sloAction;
  const sites = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    res.setHeader("Content-Type", "text/html");
    if (url.pathname === "/sso") {
      // Replaying, the IdP's page posts the first response again, with its RelayState.
      if (!replay) {
        seen = readRequest(`http://localhost${req.url}`);
        posted = signedResponse(key.privateKey, seen, "ann@corp.e2e.test");
      }
      res.end(idpPage(forged ? { ...seen, relay: "forged-relay-state" } : seen, posted));
    } else if (url.pathname === "/slo") {
      logoutSeen = readLogoutRequest(`http://localhost${req.url}`);
      res.end(idpSignOutPage(sloAction, logoutSeen.relay, signedLogoutResponse(key.privateKey, logoutSeen, sloAction), logoutSeen.nameId ?? ""));
    } else if (url.pathname === "/signed-out") {
      res.end('<!doctype html><html lang="en"><title>App</title><h1>Signed out of the app</h1></html>');
    } else {
      res.end('<!doctype html><html lang="en"><title>App</title><h1>Signed in to the app</h1></html>');
    }
  });
  await new Promise((r) => sites.listen(0, "127.0.0.1", r));
  s.onCleanup(() => sites.close());
  const sitesPort = sites.address().port;
  const SSO = `http://localhost:${sitesPort}/sso`;
  const CALLBACK = `http://localhost:${sitesPort}/callback`;
  const SLO = `http://localhost:${sitesPort}/slo`;
  const SIGNED_OUT = `http://localhost:${sitesPort}/signed-out`;
  let poolId;
  let clientId;
  await check("a pool with a SAML provider and an app client that supports it is created through the API", async () => {
    poolId = (await apiOk(base, "CreateUserPool", { PoolName: `saml-${Date.now().toString(36)}` })).UserPool.Id;
    await apiOk(base, "CreateIdentityProvider", {
      UserPoolId: poolId,
      ProviderName: "Corp",
      ProviderType: "SAML",
      ProviderDetails: { MetadataFile: metadata(key.cert, SSO, SLO), IDPSignout: "true" },
      AttributeMapping: { email: "mail" },
    });
    clientId = (
      await apiOk(base, "CreateUserPoolClient", {
        UserPoolId: poolId,
        ClientName: "web",
        CallbackURLs: [CALLBACK],
        LogoutURLs: [SIGNED_OUT],
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ["COGNITO", "Corp"],
      })
    ).UserPoolClient.ClientId;
  });

  const { page } = await s.openBrowser();
  const authorize = (extra) =>
    `${base}/${poolId}/oauth2/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: CALLBACK, response_type: "code", scope: "openid email", state: "e2e", ...extra })}`;

  await check("authorize naming the provider goes to the IdP with an AuthnRequest for this pool", async () => {
    await page.goto(authorize({ identity_provider: "Corp" }));
    await page.getByRole("heading", { name: "Corp IdP" }).waitFor();
    assert(seen.issuer === `urn:amazon:cognito:sp:${poolId}`, `the request's issuer is ${seen.issuer}`);
    assert(seen.acs === `${base}/${poolId}/saml2/idpresponse`, `the ACS URL is ${seen.acs}`);
  });

  await check("the IdP's cross-site POST lands at the app with a code and the state", async () => {
    await page.locator("#continue").click();
    await page.getByRole("heading", { name: "Signed in to the app" }).waitFor();
    const url = new URL(page.url());
    assert(url.origin === `http://localhost:${sitesPort}` && url.searchParams.get("code"), `landed at ${page.url()}`);
    assert(url.searchParams.get("state") === "e2e", `the state came back as ${url.searchParams.get("state")}`);
    const users = (await apiOk(base, "ListUsers", { UserPoolId: poolId })).Users.map((u) => u.Username);
    assert(users.join() === "Corp_ann@corp.e2e.test", `the pool's users are ${users.join()}`);
    await shot(page, "saml-landed");
  });

  await check("the session cookie set on the cross-site answer is kept: the next authorize goes straight back with a code", async () => {
    const cookies = await page.context().cookies(`${base}/${poolId}/`);
    const session = cookies.find((c) => c.name === "poolhouse-session");
    assert(session && session.httpOnly && session.sameSite === "Lax", `cookies: ${JSON.stringify(cookies.map((c) => [c.name, c.sameSite]))}`);
    await page.goto(authorize({}));
    await page.getByRole("heading", { name: "Signed in to the app" }).waitFor();
    assert(new URL(page.url()).searchParams.get("code"), `landed at ${page.url()}`);
  });

  await check("the same response posted again is refused at the app, and nobody new is made", async () => {
    replay = true;
    await page.goto(authorize({ identity_provider: "Corp" }));
    await page.locator("#continue").click();
    await page.getByRole("heading", { name: "Signed in to the app" }).waitFor();
    const url = new URL(page.url());
    assert(url.searchParams.get("error") === "invalid_request" && !url.searchParams.get("code"), `landed at ${page.url()}`);
    assert(/used before/.test(url.searchParams.get("error_description")), url.searchParams.get("error_description"));
    const users = (await apiOk(base, "ListUsers", { UserPoolId: poolId })).Users.length;
    assert(users === 1, `the pool has ${users} users`);
  });

  await check("a RelayState that is no sign-in of the pool's shows the pool's error page, not a redirect", async () => {
    forged = true;
    await page.goto(authorize({ identity_provider: "Corp" }));
    const answer = page.waitForResponse((r) => r.url().endsWith("/saml2/idpresponse"));
    await page.locator("#continue").click();
    const r = await answer;
    assert(r.status() === 400 && !r.headers().location, `the answer is ${r.status()} ${r.headers().location ?? ""}`);
    await page.getByText("RelayState").first().waitFor();
    await shot(page, "saml-error-page");
  });

  await check("sign-out goes to the IdP with a signed LogoutRequest, and its LogoutResponse lands at the app's logout_uri, signed out", async () => {
    sloAction = `${base}/${poolId}/saml2/logout`;
    await page.goto(`${base}/${poolId}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: SIGNED_OUT })}`);
    await page.getByRole("heading", { name: "Corp IdP: signed out" }).waitFor();
    assert(logoutSeen.root === "LogoutRequest" && logoutSeen.signed, `the IdP got ${JSON.stringify(logoutSeen)}`);
    assert(logoutSeen.nameId === "ann@corp.e2e.test", `the request names ${logoutSeen.nameId}`);
    const signedIn = Buffer.from(posted, "base64").toString().match(/SessionIndex="([^"]*)"/)[1];
    assert(logoutSeen.sessionIndex === signedIn, `the request names the session ${logoutSeen.sessionIndex}, the sign-in was ${signedIn}`);
    await shot(page, "saml-idp-signed-out");
    const back = page.waitForResponse((r) => r.url().endsWith("/saml2/logout"));
    await page.locator("#back").click();
    const r = await back;
    assert(r.status() === 302 && r.headers().location === SIGNED_OUT, `the pool answered ${r.status()} ${r.headers().location ?? ""}`);
    await page.getByRole("heading", { name: "Signed out of the app" }).waitFor();
    const cookies = await page.context().cookies(`${base}/${poolId}/`);
    assert(!cookies.some((c) => c.name === "poolhouse-session"), `cookies: ${cookies.map((c) => c.name).join()}`);
    // Signed out: authorize asks for a sign-in again instead of going straight back with a code.
    await page.goto(authorize({}));
    assert(!new URL(page.url()).searchParams.get("code"), `landed at ${page.url()}`);
    await shot(page, "saml-signed-out-sign-in");
  });

  await check("the console's provider form shows the encryption certificate to give the IdP, in light and dark", async () => {
    const described = await apiOk(base, "DescribeIdentityProvider", { UserPoolId: poolId, ProviderName: "Corp" });
    const cert = described.IdentityProvider.ProviderDetails.ActiveEncryptionCertificate;
    assert(/^MII[A-Za-z0-9+/=]+$/.test(cert ?? ""), `ActiveEncryptionCertificate is base64 DER: ${cert}`);
    await setLook(
      page,
      LOOKS.find((l) => l.name === "small"),
    );
    await page.goto(`${base}/index.html#/pools/${encodeURIComponent(poolId)}/overview`);
    await page.getByTestId("tab-sign-in").click();
    await page.getByTestId("signin-tab-idps").click();
    await page.getByTestId("idps-tab").getByRole("button", { name: "Corp", exact: true }).click();
    const dialog = page.getByTestId("idp-dialog");
    const block = dialog.getByTestId("idp-encryption-certificate");
    await block.getByRole("heading", { name: "Encryption certificate" }).waitFor();
    const pem = await block.getByRole("textbox", { name: "Encryption certificate (PEM)" }).inputValue();
    assert(pem.startsWith("-----BEGIN CERTIFICATE-----\n") && pem.replace(/-----[A-Z ]+-----|\s/g, "") === cert, "the PEM is the described certificate");
    const href = await block.getByTestId("idp-encryption-download").getAttribute("href");
    assert(Buffer.from(href.split(",")[1], "base64").toString() === pem, "the download is the PEM");
    await dialog.getByText("Require encrypted assertions", { exact: true }).click();
    await block.getByText("plain assertions are refused").waitFor();
    await block.scrollIntoViewIfNeeded();
    await shot(page, "saml-encryption-certificate-light");
    await axe(page, "SAML provider form with its encryption certificate");
    const over = await sidewaysOverflow(page);
    assert(over.length === 0, `cut off sideways: ${over.join(", ")}`);
    await setLook(
      page,
      LOOKS.find((l) => l.name === "dark"),
    );
    await block.scrollIntoViewIfNeeded();
    await shot(page, "saml-encryption-certificate-dark");
    await axe(page, "SAML provider form with its encryption certificate (dark)");
    await dialog.getByTestId("idp-save").click();
    await dialog.waitFor({ state: "detached" });
    const after = await apiOk(base, "DescribeIdentityProvider", { UserPoolId: poolId, ProviderName: "Corp" });
    const d = after.IdentityProvider.ProviderDetails;
    assert(d.EncryptedResponses === "true" && d.ActiveEncryptionCertificate === cert, `saved: ${JSON.stringify(d)}`);
    const sp = await fetch(`${base}/${poolId}/saml2/metadata`).then((r) => r.text());
    assert(sp.includes('use="encryption"') && sp.includes(cert), "the SP metadata lists the certificate for encryption");
  });
}

await s.run(main);
