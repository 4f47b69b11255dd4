"""Hooks in place of Lambda triggers, driven by boto3 against `poolhouse serve`: a small HTTP
server in the test plays the hook, refuses one sign-up, confirms another, and changes the claims
of the tokens, which PyJWT then verifies against the pool's JWKS URL.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.exceptions
import jwt
import pytest

PASSWORD = "Correct-Horse-9"


class _Hook(BaseHTTPRequestHandler):
    events: list = []

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).events.append(event)
        source = event["triggerSource"]
        status, body = 200, event
        if source == "PreSignUp_SignUp":
            email = event["request"]["userAttributes"].get("email", "")
            if email.endswith("@blocked.test"):
                status, body = 400, {"errorMessage": "this domain may not sign up"}
            else:
                event["response"]["autoConfirmUser"] = True
                event["response"]["autoVerifyEmail"] = True
        elif source == "DefineAuthChallenge_Authentication":
            rounds = event["request"]["session"]
            if any(not r["challengeResult"] for r in rounds):
                event["response"]["failAuthentication"] = True
            elif rounds:
                event["response"]["issueTokens"] = True
            else:
                event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        elif source == "CreateAuthChallenge_Authentication":
            event["response"]["publicChallengeParameters"] = {"hint": "the code in your email"}
            event["response"]["privateChallengeParameters"] = {"code": "314159"}
        elif source == "VerifyAuthChallengeResponse_Authentication":
            expected = event["request"]["privateChallengeParameters"]["code"]
            event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
        elif source.startswith("TokenGeneration_"):
            event["response"]["claimsAndScopeOverrideDetails"] = {
                "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}},
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"tenant": "acme"},
                    "scopesToAdd": ["orders:read"],
                },
            }
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def hook():
    _Hook.events = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_hooks_refuse_a_sign_up_confirm_another_and_change_claims(server, idp, hook):
    pool = idp.create_user_pool(
        PoolName=f"hooks-{uuid.uuid4().hex[:8]}",
        AutoVerifiedAttributes=["email"],
        LambdaConfig={
            "PreSignUp": f"{hook}/pre-sign-up",
            "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": f"{hook}/pre-token"},
        },
    )["UserPool"]["Id"]
    described = idp.describe_user_pool(UserPoolId=pool)["UserPool"]["LambdaConfig"]
    assert described["PreSignUp"] == f"{hook}/pre-sign-up"
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]

    with pytest.raises(botocore.exceptions.ClientError) as refused:
        idp.sign_up(
            ClientId=client, Username="mallory", Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "mallory@blocked.test"}],
        )
    assert refused.value.response["Error"]["Code"] == "UserLambdaValidationException"
    assert refused.value.response["Error"]["Message"] == "PreSignUp failed with error this domain may not sign up."

    up = idp.sign_up(
        ClientId=client, Username="nina", Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "nina@example.com"}],
        ClientMetadata={"source": "peers"},
    )
    assert up["UserConfirmed"] is True

    result = idp.initiate_auth(
        ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nina", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    jwks = jwt.PyJWKClient(f"{server.url}/{pool}/.well-known/jwks.json")
    id_claims = jwt.decode(
        result["IdToken"], jwks.get_signing_key_from_jwt(result["IdToken"]).key,
        algorithms=["RS256"], audience=client,
    )
    assert id_claims["tenant"] == "acme"
    assert id_claims["email_verified"] is True, "verified by the pre sign-up hook"
    access = jwt.decode(
        result["AccessToken"], jwks.get_signing_key_from_jwt(result["AccessToken"]).key,
        algorithms=["RS256"], options={"verify_aud": False},
    )
    assert access["tenant"] == "acme"
    assert access["scope"].split() == ["aws.cognito.signin.user.admin", "orders:read"]

    sources = [e["triggerSource"] for e in _Hook.events]
    assert sources == ["PreSignUp_SignUp", "PreSignUp_SignUp", "TokenGeneration_Authentication"]
    assert _Hook.events[1]["request"]["clientMetadata"] == {"source": "peers"}
    assert _Hook.events[2]["version"] == "2"

    # Every call is in the pool's invocation log, newest first.
    log = server.poolhouse("ListHookInvocations", {"UserPoolId": pool})["Invocations"]
    assert [i["Outcome"] for i in log] == ["Succeeded", "Succeeded", "Rejected"]


def test_custom_auth_asks_the_challenge_hooks(idp, hook):
    pool = idp.create_user_pool(
        PoolName=f"custom-{uuid.uuid4().hex[:8]}",
        LambdaConfig={
            "DefineAuthChallenge": f"{hook}/define",
            "CreateAuthChallenge": f"{hook}/create",
            "VerifyAuthChallengeResponse": f"{hook}/verify",
        },
    )["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="omar", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="omar", Password=PASSWORD, Permanent=True)

    def start():
        r = idp.initiate_auth(ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "omar"})
        assert r["ChallengeName"] == "CUSTOM_CHALLENGE"
        assert r["ChallengeParameters"] == {"hint": "the code in your email", "USERNAME": "omar"}
        return r["Session"]

    tokens = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName="CUSTOM_CHALLENGE", Session=start(),
        ChallengeResponses={"USERNAME": "omar", "ANSWER": "314159"},
    )["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "omar"

    with pytest.raises(botocore.exceptions.ClientError) as wrong:
        idp.respond_to_auth_challenge(
            ClientId=client, ChallengeName="CUSTOM_CHALLENGE", Session=start(),
            ChallengeResponses={"USERNAME": "omar", "ANSWER": "000000"},
        )
    assert wrong.value.response["Error"]["Code"] == "NotAuthorizedException"
