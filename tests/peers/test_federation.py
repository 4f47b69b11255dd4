"""boto3's `cognito-identity` client against `poolhouse serve` with an OpenID Connect provider
the test runs on the loopback: the provider is recorded with Poolhouse's
CreateOpenIDConnectProvider, an identity pool trusts its ARN, and GetId (unsigned, as the SDKs
call it) takes the provider's ID tokens — verified against its discovery document and JWKS —
and refuses an expired token, a token for another client, an unsigned (`alg: none`) token, an
HS256 token keyed with the provider's public key, and a token of a provider that is down.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.config
import botocore.exceptions
import jwt
import pytest
from botocore import UNSIGNED
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """An OIDC provider: `/idp/.well-known/openid-configuration` and `/idp/jwks`."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/idp/.well-known/openid-configuration":
                    body = {"issuer": provider.issuer, "jwks_uri": f"{provider.issuer}/jwks"}
                elif self.path == "/idp/jwks":
                    body = {"keys": [jwk]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}/idp"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def login_key(self) -> str:
        return self.issuer.removeprefix("http://")

    def token(self, **claims) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": "app", "sub": "user-1", "iat": now, "exp": now + 300}
        body.update(claims)
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": "k1"})

    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@pytest.fixture(scope="module")
def provider():
    p = Provider()
    yield p
    p.httpd.shutdown()


def unsigned(server):
    return boto3.session.Session().client(
        "cognito-identity",
        endpoint_url=server.url,
        region_name="us-east-1",
        config=botocore.config.Config(
            signature_version=UNSIGNED, retries={"max_attempts": 1}, proxies={}
        ),
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused(public, pool, logins) -> tuple[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as e:
        public.get_id(IdentityPoolId=pool, Logins=logins)
    err = e.value.response["Error"]
    return err["Code"], err["Message"]


def test_get_id_verifies_an_oidc_providers_tokens(server, provider):
    arn = server.poolhouse(
        "CreateOpenIDConnectProvider", {"Url": provider.issuer, "ClientIDList": ["app"]}
    )["OpenIDConnectProviderArn"]
    dead = f"http://127.0.0.1:{closed_port()}/down"
    dead_arn = server.poolhouse(
        "CreateOpenIDConnectProvider", {"Url": dead, "ClientIDList": ["app"]}
    )["OpenIDConnectProviderArn"]
    admin = server.client(service="cognito-identity")
    pool = admin.create_identity_pool(
        IdentityPoolName=f"fed-{uuid.uuid4().hex[:6]}",
        AllowUnauthenticatedIdentities=False,
        OpenIdConnectProviderARNs=[arn, dead_arn],
    )["IdentityPoolId"]
    public = unsigned(server)
    key = provider.login_key

    first = public.get_id(IdentityPoolId=pool, Logins={key: provider.token()})["IdentityId"]
    again = public.get_id(IdentityPoolId=pool, Logins={key: provider.token()})["IdentityId"]
    assert first == again
    other = public.get_id(IdentityPoolId=pool, Logins={key: provider.token(sub="user-2")})
    assert other["IdentityId"] != first

    code, msg = refused(public, pool, {key: provider.token(exp=int(time.time()) - 3600)})
    assert code == "NotAuthorizedException" and "Token expired" in msg
    code, msg = refused(public, pool, {key: provider.token(aud="someone-else")})
    assert code == "NotAuthorizedException" and "audience" in msg
    code, msg = refused(public, pool, {key: provider.token(iss="https://evil.example.com")})
    assert code == "NotAuthorizedException" and "Issuer" in msg

    claims = {"iss": provider.issuer, "aud": "app", "sub": "admin", "exp": int(time.time()) + 300}
    none = f"{b64url(json.dumps({'alg': 'none', 'kid': 'k1'}).encode())}.{b64url(json.dumps(claims).encode())}."
    code, msg = refused(public, pool, {key: none})
    assert code == "NotAuthorizedException" and "alg none" in msg
    signing_input = f"{b64url(json.dumps({'alg': 'HS256', 'kid': 'k1'}).encode())}.{b64url(json.dumps(claims).encode())}"
    mac = hmac.new(provider.public_pem(), signing_input.encode(), hashlib.sha256).digest()
    code, msg = refused(public, pool, {key: f"{signing_input}.{b64url(mac)}"})
    assert code == "NotAuthorizedException" and "HS256" in msg

    down_key = dead.removeprefix("http://")
    code, msg = refused(public, pool, {down_key: provider.token(iss=dead)})
    assert code == "ExternalServiceException" and "/down/.well-known/openid-configuration" in msg


def test_provider_records_refuse_bad_input_by_member(server):
    status, _, out = server.call(
        "Poolhouse.CreateOpenIDConnectProvider",
        {"Url": "http://login.example.com"},
        {"X-Poolhouse-Console": server.console_secret},
    )
    assert status == 400
    assert out["__type"] == "InvalidParameterException"
    assert out["message"].startswith("Url:")
    status, _, out = server.call(
        "Poolhouse.GetSAMLProvider",
        {"SAMLProviderArn": "arn:aws:iam::000000000000:saml-provider/nobody"},
        {"X-Poolhouse-Console": server.console_secret},
    )
    assert status == 400
    assert out["__type"] == "NoSuchEntity"
