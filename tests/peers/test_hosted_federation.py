"""Sign-in through an OIDC provider on the hosted pages, end to end: a real relying party
(Authlib) signs in to pool A, whose OIDC identity provider is pool B of the same `poolhouse
serve` (discovered from B's issuer; A exchanges B's code with client_secret_post and verifies
B's ID token). `requests` plays the browser through both pools' pages, cookies and all. The
app's ID token is verified against A's JWKS with joserfc and carries the `identities` claim and
the provider's group.
"""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

CALLBACK = "https://app.test/callback"
PASSWORD = "Correct-Horse-1"


class _Form(HTMLParser):
    """The sign-in form of a page (the one with a password): its action and inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", {}))
        elif tag == "input" and a.get("name") and self.forms:
            self.forms[-1][1][a["name"]] = a.get("value") or ""


def _password_form(html: str) -> tuple[str, dict[str, str]]:
    f = _Form()
    f.feed(html)
    found = [form for form in f.forms if "password" in form[1]]
    assert found, html
    return found[0]


def _federation(server):
    """Pool B (the provider: a user bob, a confidential client whose callback is pool A's
    idpresponse) and pool A (its OIDC provider PoolB, an app client supporting it)."""
    idp = server.client()
    # B's issuer must be reachable for discovery: the workspace's issuer base is this server.
    server.poolhouse("UpdateWorkspace", {"IssuerBaseUrl": server.url})
    port = urlsplit(server.url).port
    # Cognito allows http callbacks only for localhost: the app's browser reaches pool A there.
    a_base = f"http://localhost:{port}"
    b = idp.create_user_pool(PoolName=f"b-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=b, Domain=f"b-{uuid.uuid4().hex[:8]}")
    a = idp.create_user_pool(PoolName=f"a-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    b_client = idp.create_user_pool_client(
        UserPoolId=b,
        ClientName="pool-a",
        GenerateSecret=True,
        CallbackURLs=[f"{a_base}/{a}/oauth2/idpresponse"],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    idp.admin_create_user(
        UserPoolId=b,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "bob@corp.example"}],
    )
    idp.admin_set_user_password(UserPoolId=b, Username="bob", Password=PASSWORD, Permanent=True)
    idp.create_identity_provider(
        UserPoolId=a,
        ProviderName="PoolB",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": b_client["ClientId"],
            "client_secret": b_client["ClientSecret"],
            "attributes_request_method": "GET",
            "oidc_issuer": f"{server.url}/{b}",
            "authorize_scopes": "openid email profile",
        },
        AttributeMapping={"email": "email"},
    )
    client = idp.create_user_pool_client(
        UserPoolId=a,
        ClientName="web",
        GenerateSecret=True,
        CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO", "PoolB"],
    )["UserPoolClient"]
    return idp, a, b, a_base, client


def test_authlib_signs_in_through_pool_b_and_the_id_token_names_the_identity(fresh_server):
    server = fresh_server
    idp, a, b, a_base, client = _federation(server)
    disc = server.call_get(f"/{a}/.well-known/openid-configuration")
    rp = OAuth2Session(
        client["ClientId"],
        client["ClientSecret"],
        scope="openid email",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )
    rp.trust_env = False
    verifier = generate_token(48)
    nonce = generate_token(20)
    authorize = disc["authorization_endpoint"].replace(server.url, a_base)
    url, state = rp.create_authorization_url(
        authorize, code_verifier=verifier, nonce=nonce, identity_provider="PoolB"
    )

    browser = requests.Session()
    browser.trust_env = False
    to_b = browser.get(url, allow_redirects=False, timeout=10)
    assert to_b.status_code == 302, to_b.text
    b_authorize = to_b.headers["Location"]
    assert b_authorize.startswith(f"{server.url}/{b}/oauth2/authorize?"), b_authorize
    sent = parse_qs(urlsplit(b_authorize).query)
    assert sent["redirect_uri"] == [f"{a_base}/{a}/oauth2/idpresponse"]
    assert sent["response_type"] == ["code"]
    assert sent["nonce"][0] != nonce  # pool A's own nonce, not the app's
    login = browser.get(b_authorize, allow_redirects=False, timeout=10)
    assert login.status_code == 302, login.text
    login_url = urljoin(b_authorize, login.headers["Location"])
    page = browser.get(login_url, timeout=10)
    assert page.status_code == 200, page.text
    action, fields = _password_form(page.text)
    fields.update(username="bob", password=PASSWORD)
    back = browser.post(urljoin(login_url, action), data=fields, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    idpresponse = back.headers["Location"]
    assert idpresponse.startswith(f"{a_base}/{a}/oauth2/idpresponse?"), idpresponse
    done = browser.get(idpresponse, allow_redirects=False, timeout=10)
    assert done.status_code == 302, done.text
    callback = done.headers["Location"]
    assert callback.startswith(CALLBACK + "?"), callback
    assert parse_qs(urlsplit(callback).query)["state"] == [state]

    token = rp.fetch_token(
        disc["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    keys = KeySet.import_key_set(requests.get(disc["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": disc["issuer"]},
        aud={"essential": True, "value": client["ClientId"]},
        nonce={"essential": True, "value": nonce},
        token_use={"essential": True, "value": "id"},
    ).validate(claims)
    bob = idp.admin_get_user(UserPoolId=b, Username="bob")
    bob_sub = next(x["Value"] for x in bob["UserAttributes"] if x["Name"] == "sub")
    assert claims["cognito:username"] == f"PoolB_{bob_sub}"
    assert claims["email"] == "bob@corp.example"
    assert claims["cognito:groups"] == [f"{a}_PoolB"]
    [identity] = claims["identities"]
    assert identity["userId"] == bob_sub
    assert identity["providerName"] == "PoolB"
    assert identity["providerType"] == "OIDC"
    assert identity["issuer"] == f"{server.url}/{b}"
    assert identity["primary"] == "true"

    user = idp.admin_get_user(UserPoolId=a, Username=f"PoolB_{bob_sub}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    info = rp.get(disc["userinfo_endpoint"], timeout=10)
    assert info.status_code == 200, info.text
    assert info.json()["email"] == "bob@corp.example"


def test_the_providers_refusal_goes_back_to_the_app_and_nothing_is_created(fresh_server):
    server = fresh_server
    idp, a, _b, a_base, client = _federation(server)
    browser = requests.Session()
    browser.trust_env = False
    url = (
        f"{a_base}/{a}/oauth2/authorize?client_id={client['ClientId']}"
        f"&redirect_uri={CALLBACK}&response_type=code&scope=openid&state=s1"
        "&identity_provider=PoolB"
    )
    to_b = browser.get(url, allow_redirects=False, timeout=10)
    assert to_b.status_code == 302, to_b.text
    state = parse_qs(urlsplit(to_b.headers["Location"]).query)["state"][0]
    back = browser.get(
        f"{a_base}/{a}/oauth2/idpresponse",
        params={"error": "access_denied", "state": state},
        allow_redirects=False,
        timeout=10,
    )
    assert back.status_code == 302, back.text
    q = parse_qs(urlsplit(back.headers["Location"]).query)
    assert back.headers["Location"].startswith(CALLBACK)
    assert q["error"] == ["access_denied"]
    assert q["state"] == ["s1"]
    # The same answer from a browser that did not start the sign-in: a page, no redirect.
    stranger = requests.get(
        f"{a_base}/{a}/oauth2/idpresponse",
        params={"code": "x", "state": state},
        allow_redirects=False,
        timeout=10,
    )
    assert stranger.status_code == 403
    assert "Location" not in stranger.headers
    assert idp.list_users(UserPoolId=a)["Users"] == []
