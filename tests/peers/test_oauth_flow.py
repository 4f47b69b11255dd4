"""A real OpenID Connect relying party (Authlib) against `poolhouse serve`: authorization code
with PKCE through the pool's `/<poolId>/…` endpoints, found by discovery; the sign-in form
filled by `requests` like a browser; the ID token verified against the JWKS (signature, iss,
aud, nonce, times) with joserfc, Authlib's JOSE library; userInfo, refresh and revocation. And a machine-to-machine client with a custom
scope, whose access token the user operations refuse.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import botocore.exceptions
import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

CALLBACK = "https://app.test/callback"
PASSWORD = "Correct-Horse-1"


class _Form(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""


def _form(html: str) -> _Form:
    f = _Form()
    f.feed(html)
    assert f.action, html
    return f


def _discovery(server, pool_id: str) -> dict:
    return server.call_get(f"/{pool_id}/.well-known/openid-configuration")


def _browser_sign_in(server, authorize_url: str) -> str:
    """Follows the authorize URL as a browser would and fills the sign-in form; answers the
    callback URL the server redirects to."""
    browser = requests.Session()
    browser.trust_env = False
    r = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    login = urljoin(authorize_url, r.headers["Location"])
    page = browser.get(login, timeout=10)
    assert page.status_code == 200, page.text
    assert len(page.content) <= 30 * 1024
    form = _form(page.text)
    fields = dict(form.fields)
    fields.update(username="ana", password=PASSWORD)
    r = browser.post(urljoin(login, form.action), data=fields, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


@pytest.fixture
def oauth_pool(idp):
    pool_id = idp.create_user_pool(PoolName=f"oidc-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=True,
        CallbackURLs=[CALLBACK],
        LogoutURLs=["https://app.test/bye"],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"],
        EnableTokenRevocation=True,
    )["UserPoolClient"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ana",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "ana@example.com"},
            {"Name": "given_name", "Value": "Ana"},
        ],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ana", Password=PASSWORD, Permanent=True
    )
    return pool_id, client["ClientId"], client["ClientSecret"]


def test_authlib_runs_code_with_pkce_verifies_the_id_token_and_refreshes_and_revokes(
    server, idp, oauth_pool
):
    pool_id, client_id, client_secret = oauth_pool
    disc = _discovery(server, pool_id)
    assert disc["authorization_endpoint"] == f"{server.url}/{pool_id}/oauth2/authorize"

    rp = OAuth2Session(
        client_id,
        client_secret,
        scope="openid email",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    rp.trust_env = False
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = rp.create_authorization_url(
        disc["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    callback = _browser_sign_in(server, url)
    assert callback.startswith(CALLBACK + "?")
    assert parse_qs(urlsplit(callback).query)["state"] == [state]

    token = rp.fetch_token(
        disc["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    assert token["token_type"] == "Bearer"

    keys = KeySet.import_key_set(requests.get(disc["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": disc["issuer"]},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        token_use={"essential": True, "value": "id"},
    ).validate(claims)
    assert claims["nonce"] == nonce
    # The ID token names its access token (OpenID Connect Core 3.1.3.6), as Cognito's do.
    digest = hashlib.sha256(token["access_token"].encode("ascii")).digest()
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    assert claims["email"] == "ana@example.com"
    assert "given_name" not in claims  # profile was not asked for

    info = rp.get(disc["userinfo_endpoint"], timeout=10)
    assert info.status_code == 200, info.text
    assert info.json()["email"] == "ana@example.com"
    assert info.json()["sub"] == claims["sub"]

    # The access token carries the granted scopes only: GetUser needs
    # aws.cognito.signin.user.admin.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.get_user(AccessToken=token["access_token"])
    assert e.value.response["Error"]["Code"] == "NotAuthorizedException"

    refresh = token["refresh_token"]
    renewed = rp.refresh_token(disc["token_endpoint"], refresh_token=refresh)
    assert renewed["access_token"] != token["access_token"]
    assert "id_token" in renewed

    revoked = rp.revoke_token(
        disc["revocation_endpoint"], token=refresh, token_type_hint="refresh_token"
    )
    assert revoked.status_code == 200, revoked.text
    after = requests.get(
        disc["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {renewed['access_token']}"},
        timeout=10,
    )
    assert after.status_code == 401
    again = requests.post(
        disc["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": refresh},
        auth=(client_id, client_secret),
        timeout=10,
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_wrong_verifier_is_invalid_grant_and_the_code_still_redeems_once(server, oauth_pool):
    pool_id, client_id, client_secret = oauth_pool
    disc = _discovery(server, pool_id)
    rp = OAuth2Session(
        client_id, client_secret, scope="openid", redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    verifier = generate_token(48)
    url, _ = rp.create_authorization_url(disc["authorization_endpoint"], code_verifier=verifier)
    code = parse_qs(urlsplit(_browser_sign_in(server, url)).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    wrong = requests.post(
        disc["token_endpoint"], data={**form, "code_verifier": generate_token(48)},
        auth=(client_id, client_secret), timeout=10,
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    bad_secret = requests.post(
        disc["token_endpoint"], data={**form, "code_verifier": verifier},
        auth=(client_id, "not-the-secret"), timeout=10,
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    ok = requests.post(
        disc["token_endpoint"], data={**form, "code_verifier": verifier},
        auth=(client_id, client_secret), timeout=10,
    )
    assert ok.status_code == 200, ok.text
    reused = requests.post(
        disc["token_endpoint"], data={**form, "code_verifier": verifier},
        auth=(client_id, client_secret), timeout=10,
    )
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_client_credentials_with_a_custom_scope_and_get_user_refuses_its_token(server, idp):
    pool_id = idp.create_user_pool(PoolName=f"m2m-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.test",
        Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read things"}],
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="worker",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["https://api.test/read"],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    disc = _discovery(server, pool_id)
    m2m = OAuth2Session(client["ClientId"], client["ClientSecret"], scope="https://api.test/read")
    token = m2m.fetch_token(disc["token_endpoint"], grant_type="client_credentials")
    assert "refresh_token" not in token and "id_token" not in token
    keys = KeySet.import_key_set(requests.get(disc["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["access_token"], keys, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": disc["issuer"]}, exp={"essential": True}
    ).validate(claims)
    assert claims["sub"] == client["ClientId"]
    assert claims["client_id"] == client["ClientId"]
    assert claims["scope"] == "https://api.test/read"
    assert claims["token_use"] == "access"

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.get_user(AccessToken=token["access_token"])
    assert e.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert "scope" in e.value.response["Error"]["Message"]

    refused = requests.post(
        disc["token_endpoint"],
        data={"grant_type": "client_credentials", "scope": "openid"},
        auth=(client["ClientId"], client["ClientSecret"]),
        timeout=10,
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
