"""The token inspector against a real JWT peer: tokens minted by PyJWT and cryptography (RS, PS,
ES, EdDSA, HS) verify through `poolhouse jwt verify`; tampered ones fail with the right reason;
an algorithm-confusion token (HS256 keyed with the RSA public key's PEM) is flagged as an
attack; and the endpoint's `Poolhouse.VerifyToken` finds a pool's tokens by `iss`/`kid` alone.

The CLI runs without a store (keys are given), so nothing but the files of tmp_path is touched.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import time
from pathlib import Path

import botocore.exceptions
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from conftest import POOLHOUSE_BIN

EXIT_VALID, EXIT_INVALID, EXIT_NOT_A_TOKEN, EXIT_ATTACK = 0, 1, 2, 3


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_pem(private_key) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def verify(tmp_path: Path, token: str, *args: str, key_pem: bytes | None = None) -> tuple[int, dict]:
    """Runs `poolhouse jwt verify --json`, answering the exit code and the checklist."""
    cmd = [POOLHOUSE_BIN, "jwt", "verify", "--json", *args]
    if key_pem is not None:
        key_file = tmp_path / "key.pem"
        key_file.write_bytes(key_pem)
        cmd += ["--key", str(key_file)]
    env = {k: v for k, v in os.environ.items() if k != "POOLHOUSE_DB"}
    env["HOME"] = str(tmp_path)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    proc = subprocess.run(cmd + [token], capture_output=True, timeout=30, env=env)
    assert proc.stdout, f"no output; stderr: {proc.stderr.decode()}"
    return proc.returncode, json.loads(proc.stdout)


def check(report: dict, name: str) -> dict:
    return next(c for c in report["Checks"] if c["Name"] == name)


def claims() -> dict:
    now = int(time.time())
    return {"sub": "peer-user", "iss": "https://peer.example", "iat": now, "exp": now + 600}


def tamper(token: str) -> str:
    header, payload, sig = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["sub"] = "admin"
    return ".".join([header, b64url(json.dumps(body).encode()), sig])


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ASYMMETRIC = [
    ("RS256", RSA_KEY),
    ("RS384", RSA_KEY),
    ("RS512", RSA_KEY),
    ("PS256", RSA_KEY),
    ("PS384", RSA_KEY),
    ("PS512", RSA_KEY),
    ("ES256", ec.generate_private_key(ec.SECP256R1())),
    ("ES384", ec.generate_private_key(ec.SECP384R1())),
    ("EdDSA", ed25519.Ed25519PrivateKey.generate()),
]


@pytest.mark.parametrize("alg,key", ASYMMETRIC, ids=[a for a, _ in ASYMMETRIC])
def test_pyjwt_tokens_verify_and_tampered_ones_fail(tmp_path, alg, key):
    token = jwt.encode(claims(), key, algorithm=alg, headers={"kid": "peer-1"})
    code, report = verify(tmp_path, token, "--issuer", "https://peer.example", key_pem=public_pem(key))
    assert code == EXIT_VALID, report
    assert report["Verdict"] == "Valid"
    assert check(report, "signature")["Result"] == "pass"

    code, report = verify(tmp_path, tamper(token), key_pem=public_pem(key))
    assert code == EXIT_INVALID, report
    sig = check(report, "signature")
    assert sig["Result"] == "fail"
    assert sig["Reason"].startswith("bad signature"), sig


def test_pyjwt_jwks_with_kid_verifies_and_unknown_kid_is_named(tmp_path):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    jwk.update({"kid": "peer-1", "alg": "RS256", "use": "sig"})
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk]}))
    token = jwt.encode(claims(), RSA_KEY, algorithm="RS256", headers={"kid": "peer-1"})
    code, report = verify(tmp_path, token, "--jwks", str(jwks))
    assert code == EXIT_VALID, report
    assert check(report, "signature")["Key"] == "peer-1"

    other = jwt.encode(claims(), RSA_KEY, algorithm="RS256", headers={"kid": "rotated-away"})
    code, report = verify(tmp_path, other, "--jwks", str(jwks))
    assert code == EXIT_INVALID
    assert check(report, "signature")["Reason"].startswith("unknown kid"), report


def test_pyjwt_hmac_tokens_verify_with_the_secret(tmp_path):
    secret = "a-shared-secret-of-at-least-64-bytes-" + "x" * 30
    for alg in ("HS256", "HS384", "HS512"):
        token = jwt.encode(claims(), secret, algorithm=alg)
        code, report = verify(tmp_path, token, "--secret", secret)
        assert code == EXIT_VALID, report
        code, report = verify(tmp_path, token, "--secret", "not the secret")
        assert code == EXIT_INVALID
        assert check(report, "signature")["Reason"].startswith("bad signature")


def test_hs256_keyed_with_the_rsa_public_key_is_an_attack(tmp_path):
    # PyJWT itself refuses a PEM as an HMAC key (it knows the attack), so the forger's MAC is
    # made by hand, exactly as an attacker would.
    pem = public_pem(RSA_KEY)
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims() | {"sub": "admin"}).encode())
    signing_input = f"{header}.{payload}".encode()
    mac = hmac.new(pem, signing_input, hashlib.sha256).digest()
    forged = f"{header}.{payload}.{b64url(mac)}"
    code, report = verify(tmp_path, forged, key_pem=pem)
    assert code == EXIT_ATTACK, report
    alg = check(report, "algorithm")
    assert alg["IsAttack"] is True
    assert "ALGORITHM CONFUSION" in alg["Reason"]


def test_alg_none_is_an_attack(tmp_path):
    token = jwt.encode(claims(), None, algorithm="none")
    code, report = verify(tmp_path, token, key_pem=public_pem(RSA_KEY))
    assert code == EXIT_ATTACK, report
    assert report["Decoded"]["Kind"] == "Unsigned"


def test_pyjwt_verifies_a_poolhouse_test_token(tmp_path):
    # The other direction: the test-token marker in the header does not disturb a verifier.
    key_file = tmp_path / "private.pem"
    key_file.write_bytes(
        RSA_KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "POOLHOUSE_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    out = subprocess.run(
        [POOLHOUSE_BIN, "jwt", "encode", "--key", str(key_file), "--alg", "PS256",
         "--claims", json.dumps({"sub": "u", "aud": "app"}), "--expires-in", "+5m"],
        capture_output=True, timeout=30, check=True, env=env,
    )
    token = out.stdout.decode().strip()
    decoded = jwt.decode(token, RSA_KEY.public_key(), algorithms=["PS256"], audience="app")
    assert decoded["sub"] == "u"
    assert jwt.get_unverified_header(token)["poolhouse:test"] is True


def test_endpoint_verifies_pool_tokens_by_iss_and_kid(server, idp, pool_id):
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="inspect", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="inspected", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="inspected", Password="Correct-horse-9", Permanent=True)
    auth = idp.initiate_auth(
        ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "inspected", "PASSWORD": "Correct-horse-9"},
    )["AuthenticationResult"]
    for token, use in ((auth["IdToken"], "id"), (auth["AccessToken"], "access")):
        report = server.poolhouse("VerifyToken", {"Token": token, "ExpectedClientId": client, "ExpectedTokenUse": use})
        assert report["Verdict"] == "Valid", report
        assert report["UserPoolId"] == pool_id
    # PyJWT agrees with the pool's published JWKS.
    jwks = server.call_get(f"/{pool_id}/.well-known/jwks.json")
    kid = jwt.get_unverified_header(auth["AccessToken"])["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    jwt.decode(auth["AccessToken"], jwt.algorithms.RSAAlgorithm.from_jwk(key), algorithms=["RS256"])


def test_a_test_token_copying_a_live_sign_in_is_refused_by_get_user(server, idp, pool_id):
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="copied", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="copied", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="copied", Password="Correct-horse-9", Permanent=True)
    access = idp.initiate_auth(
        ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "copied", "PASSWORD": "Correct-horse-9"},
    )["AuthenticationResult"]["AccessToken"]
    claims = jwt.decode(access, options={"verify_signature": False})
    made = server.poolhouse("EncodeTestToken", {"UserPoolId": pool_id, "Claims": claims})
    assert made["Claims"]["origin_jti"] == claims["origin_jti"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.get_user(AccessToken=made["Token"])
    assert e.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert "test token" in e.value.response["Error"]["Message"]
    assert idp.get_user(AccessToken=access)["Username"] == "copied"


def test_jwks_url_and_discovery_against_serve(tmp_path, server, idp, pool_id):
    """The CLI fetches a pool's JWKS from serve's URL (no store: only what it fetched), finds
    it by discovery from iss when the workspace issues under serve's address, and says so
    plainly when the URL cannot be reached."""
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="by-url", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="fetched", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="fetched", Password="Correct-horse-9", Permanent=True)

    def sign_in():
        return idp.initiate_auth(
            ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "fetched", "PASSWORD": "Correct-horse-9"},
        )["AuthenticationResult"]["IdToken"]

    token = sign_in()
    code, report = verify(tmp_path, token, "--jwks", f"{server.url}/{pool_id}/.well-known/jwks.json")
    assert code == 0, report
    assert report["Verdict"] == "Valid"
    assert check(report, "signature")["Result"] == "pass"
    assert report["KeySource"].startswith(f"the JWKS fetched from {server.url}/"), report["KeySource"]

    server.poolhouse("UpdateWorkspace", {"IssuerBaseUrl": server.url})
    try:
        token = sign_in()
        code, report = verify(tmp_path, token, "--discover")
        assert code == 0, report
        assert check(report, "signature")["Result"] == "pass"
    finally:
        server.poolhouse("UpdateWorkspace", {"IssuerBaseUrl": ""})

    # Nothing listens on a port just released.
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "POOLHOUSE_DB"}
    env["HOME"] = str(tmp_path)
    proc = subprocess.run(
        [POOLHOUSE_BIN, "jwt", "verify", "--jwks", f"http://127.0.0.1:{port}/jwks.json", token],
        capture_output=True, timeout=30, env=env,
    )
    assert proc.returncode == 254, (proc.returncode, proc.stdout, proc.stderr)
    assert b"JwksUrl" in proc.stderr and b"could not be fetched" in proc.stderr, proc.stderr
