"""STS against `poolhouse serve`: credentials vended for an identity pool's role prove
themselves to botocore's `sts` client (GetCallerIdentity signed with them), and the wrong
secret, an unknown session token, an expired credential and an unsigned call are refused with
STS's codes in STS's XML error shape."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import pytest
from botocore.exceptions import ClientError

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ACCOUNT = "000000000000"
USER_POOL = "cognito-idp.us-east-1.amazonaws.com/us-east-1_StsPeer"


def _trust(pool_id: str, amr: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
            },
        }],
    })


@pytest.fixture
def vended(server):
    """An identity pool whose authenticated role trusts it, and a function vending credentials
    for a signed-in user of it (VendTestCredentials: claims typed in)."""
    cid = server.client(service="cognito-identity")
    pool = cid.create_identity_pool(
        IdentityPoolName="sts peers",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": USER_POOL, "ClientId": "peerclient"}],
    )["IdentityPoolId"]
    role = f"Sts_{uuid.uuid4().hex[:8]}"
    server.poolhouse("CreateRole", {"RoleName": role, "AssumeRolePolicyDocument": _trust(pool, "authenticated")})
    cid.set_identity_pool_roles(
        IdentityPoolId=pool, Roles={"authenticated": f"arn:aws:iam::{ACCOUNT}:role/{role}"}
    )

    def vend(**extra):
        return server.poolhouse("VendTestCredentials", {
            "IdentityPoolId": pool,
            "Provider": USER_POOL,
            "Claims": {"sub": "u-1", "aud": "peerclient", "token_use": "id"},
            **extra,
        })

    return pool, role, vend


def _sts(server, creds: dict, secret: str | None = None, token: str | None = None):
    """botocore's `sts` client signing with the vended credentials."""
    return boto3.session.Session().client(
        "sts",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=secret or creds["SecretKey"],
        aws_session_token=token or creds["SessionToken"],
        config=botocore.config.Config(retries={"max_attempts": 1}, proxies={}),
    )


def _signed(server, creds: dict, secret: str | None = None, body: bytes = b"Action=GetCallerIdentity&Version=2011-06-15"):
    """POSTs a form signed by botocore's SigV4Auth; answers (status, headers, XML root)."""
    req = botocore.awsrequest.AWSRequest(
        method="POST",
        url=server.url + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    if creds is not None:
        c = botocore.credentials.Credentials(
            creds["AccessKeyId"], secret or creds["SecretKey"], creds["SessionToken"]
        )
        botocore.auth.SigV4Auth(c, "sts", "us-east-1").add_auth(req)
    prepared = req.prepare()
    raw = urllib.request.Request(prepared.url, data=body, method="POST", headers=dict(prepared.headers))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(raw, timeout=10) as resp:
            return resp.status, resp.headers, ET.fromstring(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, ET.fromstring(e.read())


def _error(root) -> tuple[str, str, str]:
    assert root.tag == f"{{{NS}}}ErrorResponse", root.tag
    err = root.find(f"{{{NS}}}Error")
    assert err is not None
    assert root.find(f"{{{NS}}}RequestId").text
    return (
        err.find(f"{{{NS}}}Type").text,
        err.find(f"{{{NS}}}Code").text,
        err.find(f"{{{NS}}}Message").text,
    )


def test_vended_credentials_sign_get_caller_identity(server, vended):
    _, role, vend = vended
    got = vend()
    creds = got["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert len(creds["SecretKey"]) == 40
    assert got["Explanation"]["Trust"]["Outcome"] == "Allowed"
    who = _sts(server, creds).get_caller_identity()
    assert who["Account"] == ACCOUNT
    assert who["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/CognitoIdentityCredentials"
    assert who["UserId"].startswith("AROA") and who["UserId"].endswith(":CognitoIdentityCredentials")
    # The XML answer itself: STS's namespace, its Result and ResponseMetadata/RequestId.
    status, headers, root = _signed(server, creds)
    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    assert root.tag == f"{{{NS}}}GetCallerIdentityResponse"
    assert root.find(f"{{{NS}}}GetCallerIdentityResult/{{{NS}}}Arn").text == who["Arn"]
    request_id = root.find(f"{{{NS}}}ResponseMetadata/{{{NS}}}RequestId").text
    assert len(request_id) == 36 and headers["x-amzn-requestid"] == request_id


def test_a_wrong_secret_is_refused_with_signature_does_not_match(server, vended):
    creds = vended[2]()["Credentials"]
    wrong = "A" * 40
    with pytest.raises(ClientError) as e:
        _sts(server, creds, secret=wrong).get_caller_identity()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    status, _, root = _signed(server, creds, secret=wrong)
    assert status == 403
    kind, code, message = _error(root)
    assert (kind, code) == ("Sender", "SignatureDoesNotMatch")
    assert message.startswith("The request signature we calculated does not match")


def test_an_unknown_token_or_key_is_refused_with_invalid_client_token_id(server, vended):
    creds = vended[2]()["Credentials"]
    with pytest.raises(ClientError) as e:
        _sts(server, creds, token="not-the-session-token").get_caller_identity()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    unknown = {**creds, "AccessKeyId": "ASIA" + "A" * 16}
    status, _, root = _signed(server, unknown)
    assert status == 403
    assert _error(root)[1] == "InvalidClientTokenId"


def test_a_tampered_or_moved_token_and_another_workspaces_are_refused(server, fresh_server, vended):
    """A session token is the session sealed under the workspace's key, bound to its key id:
    an edited token, a cut one, another credential's token, and the credential shown to another
    workspace are all refused with InvalidClientTokenId."""
    creds = vended[2]()["Credentials"]
    other = vended[2]()["Credentials"]
    token = creds["SessionToken"]
    i = len(token) // 2
    edited = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
    for bad in (edited, token[:-4], other["SessionToken"]):
        with pytest.raises(ClientError) as e:
            _sts(server, creds, token=bad).get_caller_identity()
        assert e.value.response["Error"]["Code"] == "InvalidClientTokenId", bad
    with pytest.raises(ClientError) as e:
        _sts(fresh_server, creds).get_caller_identity()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    # The genuine token still proves the credential.
    assert _sts(server, creds).get_caller_identity()["Account"] == ACCOUNT


def test_an_expired_credential_is_refused_with_expired_token(server, vended):
    creds = vended[2](DurationSeconds=1)["Credentials"]
    time.sleep(1.2)
    with pytest.raises(ClientError) as e:
        _sts(server, creds).get_caller_identity()
    assert e.value.response["Error"]["Code"] == "ExpiredToken"
    assert e.value.response["Error"]["Message"] == "The security token included in the request is expired"


def test_an_unsigned_call_and_an_unknown_action_are_refused(server):
    status, _, root = _signed(server, None)
    assert status == 403
    assert _error(root)[:2] == ("Sender", "MissingAuthenticationToken")
    status, _, root = _signed(server, None, body=b"Action=AssumeRole&Version=2011-06-15")
    assert status == 400
    assert _error(root)[1] == "InvalidAction"


def test_a_trust_policy_that_refuses_says_which_condition_failed(server, vended):
    pool, role, vend = vended
    other = "us-east-1:00000000-0000-0000-0000-000000000000"
    server.poolhouse("UpdateRole", {"RoleName": role, "AssumeRolePolicyDocument": _trust(other, "authenticated")})
    status, _, out = server.call(
        "Poolhouse.VendTestCredentials",
        {"IdentityPoolId": pool, "Provider": USER_POOL, "Claims": {"sub": "u-1", "aud": "peerclient"}},
        {"X-Poolhouse-Console": server.console_secret},
    )
    assert status == 400
    assert out["__type"] == "InvalidIdentityPoolConfigurationException"
    assert "cognito-identity.amazonaws.com:aud" in out["message"], out


@pytest.fixture
def classic(server):
    """An identity pool with the basic flow and a developer provider, a role trusting it, and
    an identity-pool OpenID token for a developer user (GetOpenIdTokenForDeveloperIdentity)."""
    cid = server.client(service="cognito-identity")
    pool = cid.create_identity_pool(
        IdentityPoolName="sts classic",
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=True,
        DeveloperProviderName="login.peers",
    )["IdentityPoolId"]
    role = f"Classic_{uuid.uuid4().hex[:8]}"
    server.poolhouse("CreateRole", {"RoleName": role, "AssumeRolePolicyDocument": _trust(pool, "authenticated")})
    got = cid.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool, Logins={"login.peers": f"user-{uuid.uuid4().hex[:6]}"}
    )
    return pool, f"arn:aws:iam::{ACCOUNT}:role/{role}", got["Token"], got["IdentityId"]


def _anonymous_sts(server):
    """boto3 sends AssumeRoleWithWebIdentity unsigned whatever credentials it has."""
    return server.client(service="sts")


def test_assume_role_with_web_identity_takes_an_identity_pool_token(server, classic):
    pool, role_arn, token, identity = classic
    got = _anonymous_sts(server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="peer-session", WebIdentityToken=token, DurationSeconds=900
    )
    creds = got["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert got["SubjectFromWebIdentityToken"] == identity
    assert got["Audience"] == pool
    assert got["AssumedRoleUser"]["Arn"].endswith(":assumed-role/" + role_arn.split("/")[-1] + "/peer-session")
    left = creds["Expiration"].timestamp() - time.time()
    assert 800 < left <= 900, left
    who = _sts(server, {
        "AccessKeyId": creds["AccessKeyId"],
        "SecretKey": creds["SecretAccessKey"],
        "SessionToken": creds["SessionToken"],
    }).get_caller_identity()
    assert who["Arn"] == got["AssumedRoleUser"]["Arn"]


def test_assume_role_with_web_identity_refusals(server, classic):
    pool, role_arn, token, _ = classic
    sts = _anonymous_sts(server)

    def code(**kw):
        args = {"RoleArn": role_arn, "RoleSessionName": "peer", "WebIdentityToken": token, **kw}
        with pytest.raises(ClientError) as e:
            sts.assume_role_with_web_identity(**args)
        return e.value.response["Error"]

    assert code(WebIdentityToken="not.a.token")["Code"] == "InvalidIdentityToken"
    assert code(DurationSeconds=7200)["Code"] == "ValidationError"
    # A role whose trust policy names another pool: AccessDenied, naming the condition.
    other = f"Other_{uuid.uuid4().hex[:8]}"
    server.poolhouse("CreateRole", {
        "RoleName": other,
        "AssumeRolePolicyDocument": _trust("us-east-1:00000000-0000-0000-0000-000000000000", "authenticated"),
    })
    err = code(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{other}")
    assert err["Code"] == "AccessDenied"
    assert err["Message"].startswith("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    assert "cognito-identity.amazonaws.com:aud" in err["Message"]


COGNITO_UNAUTHED = "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy"


def test_a_session_policy_narrows_the_session_and_the_access_check_names_it(server, classic):
    pool, role_arn, token, _ = classic
    server.poolhouse("PutRolePolicy", {
        "RoleName": role_arn.split("/")[-1],
        "PolicyName": "all",
        "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    })
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Keep", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]})
    got = _anonymous_sts(server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="narrow", WebIdentityToken=token, Policy=policy
    )
    assert 0 < got["PackedPolicySize"] <= 100
    key = got["Credentials"]["AccessKeyId"]

    def check(action):
        return server.poolhouse("SimulateAccess", {
            "AccessKeyId": key, "Action": action, "Resource": "arn:aws:s3:::b/k"})

    assert check("s3:GetObject")["Decision"] == "Allowed"
    put = check("s3:PutObject")
    assert put["Decision"] == "ImplicitDeny"
    assert "session policy" in put["Summary"]
    delete = check("s3:DeleteObject")
    assert delete["Decision"] == "ExplicitDeny"
    assert delete["DecidingStatements"][0]["Kind"] == "Session"
    assert delete["DecidingStatements"][0]["Sid"] == "Keep"

    # The credential still signs as its role.
    who = _sts(server, {
        "AccessKeyId": key,
        "SecretKey": got["Credentials"]["SecretAccessKey"],
        "SessionToken": got["Credentials"]["SessionToken"],
    }).get_caller_identity()
    assert who["Arn"] == got["AssumedRoleUser"]["Arn"]


def test_bad_session_policies_get_stss_errors(server, classic):
    _, role_arn, token, _ = classic
    sts = _anonymous_sts(server)

    def error(**kw):
        with pytest.raises(ClientError) as e:
            sts.assume_role_with_web_identity(
                RoleArn=role_arn, RoleSessionName="bad", WebIdentityToken=token, **kw)
        return e.value.response["Error"]

    err = error(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject"}]}))
    assert err["Code"] == "MalformedPolicyDocument"
    assert "Resource" in err["Message"]
    unknown = f"arn:aws:iam::{ACCOUNT}:policy/ReadOnly"
    err = error(PolicyArns=[{"arn": COGNITO_UNAUTHED}, {"arn": unknown}])
    assert err["Code"] == "MalformedPolicyDocument"
    assert unknown in err["Message"]
    wide = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + "b" * 1800}]})
    err = error(Policy=wide, PolicyArns=[{"arn": COGNITO_UNAUTHED}] * 3)
    assert err["Code"] == "PackedPolicyTooLarge"
    # The one managed policy Poolhouse holds is accepted.
    got = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="managed", WebIdentityToken=token,
        PolicyArns=[{"arn": COGNITO_UNAUTHED}])
    assert got["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_assume_role_with_web_identity_takes_an_oidc_providers_token(server):
    from test_federation import Provider

    provider = Provider()
    try:
        arn = server.poolhouse(
            "CreateOpenIDConnectProvider", {"Url": provider.issuer, "ClientIDList": ["app"]}
        )["OpenIDConnectProviderArn"]
        name = provider.login_key
        role = f"Oidc_{uuid.uuid4().hex[:8]}"
        server.poolhouse("CreateRole", {"RoleName": role, "AssumeRolePolicyDocument": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{name}:aud": "app", f"{name}:sub": "user-1"}},
            }],
        })})
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        sts = _anonymous_sts(server)
        got = sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="oidc", WebIdentityToken=provider.token())
        assert got["SubjectFromWebIdentityToken"] == "user-1"
        assert got["Provider"] == provider.issuer
        assert got["Audience"] == "app"
        creds = got["Credentials"]
        who = _sts(server, {
            "AccessKeyId": creds["AccessKeyId"],
            "SecretKey": creds["SecretAccessKey"],
            "SessionToken": creds["SessionToken"],
        }).get_caller_identity()
        assert who["Arn"] == got["AssumedRoleUser"]["Arn"]

        def error(token):
            with pytest.raises(ClientError) as e:
                sts.assume_role_with_web_identity(
                    RoleArn=role_arn, RoleSessionName="oidc", WebIdentityToken=token)
            return e.value.response["Error"]

        err = error(provider.token(sub="user-2"))
        assert err["Code"] == "AccessDenied" and f"{name}:sub" in err["Message"]
        err = error(provider.token(aud="someone-else"))
        assert err["Code"] == "InvalidIdentityToken" and "audience" in err["Message"]
        err = error(provider.token(exp=int(time.time()) - 3600))
        assert err["Code"] == "ExpiredTokenException"
        err = error(provider.token(iss="https://unknown.example.com"))
        assert err["Code"] == "InvalidIdentityToken"
        assert "No OpenIDConnect provider found" in err["Message"]
    finally:
        provider.httpd.shutdown()
