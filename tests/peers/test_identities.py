"""boto3's `cognito-identity` client against `poolhouse serve`: identities and the exchange —
GetId, GetOpenIdToken and GetCredentialsForIdentity (whose credentials sign STS's
GetCallerIdentity) for a user pool's ID token, guests on and off,
developer-authenticated identities (token, lookup, merge, unlink), ServerSideTokenCheck after
GlobalSignOut, and the identity pools' OpenID token verified by PyJWT against the key set and
discovery document the server publishes; DeleteIdentities' UnprocessedIdentityIds (an id whose
delete fails is reported, the others stand; an id that does not exist is already gone); and
Poolhouse's ListIdentityLogins naming an identity's user. The public operations are called
unsigned, as the AWS SDKs call them.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
import uuid

import boto3
import botocore.config
import botocore.exceptions
import jwt
import pytest
from botocore import UNSIGNED

PASSWORD = "Correct-horse-9"


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def unsigned(server):
    """A cognito-identity client that signs nothing: the SDKs' way to call GetId & co."""
    return boto3.session.Session().client(
        "cognito-identity",
        endpoint_url=server.url,
        region_name="us-east-1",
        config=botocore.config.Config(
            signature_version=UNSIGNED, retries={"max_attempts": 1}, proxies={}
        ),
    )


class World:
    """A user pool with a client and two users, and an identity pool trusting the client."""

    def __init__(self, server, guests: bool, server_side_check: bool = False):
        self.server = server
        self.idp = server.client()
        self.admin = server.client(service="cognito-identity")
        self.public = unsigned(server)
        self.user_pool = self.idp.create_user_pool(PoolName=f"up-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.user_pool,
            ClientName="web",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self.provider = f"cognito-idp.us-east-1.amazonaws.com/{self.user_pool}"
        self.developer = f"login.{uuid.uuid4().hex[:6]}"
        self.pool = self.admin.create_identity_pool(
            IdentityPoolName=f"ids {uuid.uuid4().hex[:6]}",
            AllowUnauthenticatedIdentities=guests,
            DeveloperProviderName=self.developer,
            CognitoIdentityProviders=[
                {
                    "ProviderName": self.provider,
                    "ClientId": self.client_id,
                    "ServerSideTokenCheck": server_side_check,
                }
            ],
        )["IdentityPoolId"]
        for name in ("alice", "bob"):
            self.idp.admin_create_user(UserPoolId=self.user_pool, Username=name, MessageAction="SUPPRESS")
            self.idp.admin_set_user_password(
                UserPoolId=self.user_pool, Username=name, Password=PASSWORD, Permanent=True
            )

    def sign_in(self, name: str) -> dict:
        return self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]

    def logins(self, id_token: str) -> dict:
        return {self.provider: id_token}


def claims_of(token: str) -> dict:
    """The claims of a JWT, read without verifying (verification is its own test below)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_user_pool_login_gets_its_identity_and_an_open_id_token(server):
    w = World(server, guests=False)
    tokens = w.sign_in("alice")
    identity = w.public.get_id(IdentityPoolId=w.pool, Logins=w.logins(tokens["IdToken"]))["IdentityId"]
    assert identity.startswith("us-east-1:")
    # The same login, signed in again, finds the same identity; another user another one.
    again = w.public.get_id(IdentityPoolId=w.pool, Logins=w.logins(w.sign_in("alice")["IdToken"]))
    assert again["IdentityId"] == identity
    bob = w.public.get_id(IdentityPoolId=w.pool, Logins=w.logins(w.sign_in("bob")["IdToken"]))
    assert bob["IdentityId"] != identity

    described = w.admin.describe_identity(IdentityId=identity)
    assert described["Logins"] == [w.provider]
    assert described["CreationDate"].year >= 2024

    answer = w.public.get_open_id_token(IdentityId=identity, Logins=w.logins(tokens["IdToken"]))
    assert answer["IdentityId"] == identity
    claims = claims_of(answer["Token"])
    assert claims["sub"] == identity
    assert claims["aud"] == w.pool
    assert claims["amr"][:2] == ["authenticated", w.provider]
    assert claims["exp"] - claims["iat"] == 600

    # Without a login the identity is not the caller's; a guest is refused outright.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_open_id_token(IdentityId=identity)
    assert code(e) == "NotAuthorizedException"
    assert message(e) == f"Access to Identity '{identity}' is forbidden."
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_id(IdentityPoolId=w.pool)
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Unauthenticated access is not supported for this identity pool."

    listed = w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=60)
    assert sorted(i["IdentityId"] for i in listed["Identities"]) == sorted([identity, bob["IdentityId"]])


def test_bad_logins_are_refused_with_cognitos_codes(server):
    w = World(server, guests=False)
    tokens = w.sign_in("alice")
    cases = {
        "garbage": w.logins("not.a.token"),
        "access token": w.logins(tokens["AccessToken"]),
        "untrusted provider": {"cognito-idp.us-east-1.amazonaws.com/us-east-1_Nobody": tokens["IdToken"]},
        "alg none": w.logins(
            base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            + "."
            + tokens["IdToken"].split(".")[1]
            + "."
        ),
    }
    for what, logins in cases.items():
        with pytest.raises(botocore.exceptions.ClientError) as e:
            w.public.get_id(IdentityPoolId=w.pool, Logins=logins)
        assert code(e) == "NotAuthorizedException", what
        assert message(e).startswith("Invalid login token."), (what, message(e))
    eleven = {f"p{i}.example.com": "t" for i in range(11)}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_id(IdentityPoolId=w.pool, Logins=eleven)
    assert code(e) == "InvalidParameterException"
    assert "Logins" in message(e)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_id(IdentityPoolId="us-east-1:00000000-0000-0000-0000-000000000000")
    assert code(e) == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.admin.describe_identity(IdentityId="us-east-1:00000000-0000-0000-0000-000000000000")
    assert code(e) == "ResourceNotFoundException"
    # Nothing was stored by the refusals.
    assert w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=10)["Identities"] == []


def test_guests_on_and_off(server):
    w = World(server, guests=True)
    a = w.public.get_id(IdentityPoolId=w.pool)["IdentityId"]
    b = w.public.get_id(IdentityPoolId=w.pool)["IdentityId"]
    assert a != b, "each guest call makes an identity"
    token = w.public.get_open_id_token(IdentityId=a)["Token"]
    assert claims_of(token)["amr"] == ["unauthenticated"]
    # The guest signs in: its identity becomes the login's.
    id_token = w.sign_in("alice")["IdToken"]
    w.public.get_open_id_token(IdentityId=a, Logins=w.logins(id_token))
    assert w.public.get_id(IdentityPoolId=w.pool, Logins=w.logins(id_token))["IdentityId"] == a
    # And unlinks it again.
    w.public.unlink_identity(IdentityId=a, Logins=w.logins(id_token), LoginsToRemove=[w.provider])
    assert w.admin.describe_identity(IdentityId=a)["Logins"] == []

    # Guests turned off: refused, nothing made.
    pool = w.admin.describe_identity_pool(IdentityPoolId=w.pool)
    pool.pop("ResponseMetadata")
    pool["AllowUnauthenticatedIdentities"] = False
    w.admin.update_identity_pool(**pool)
    before = len(w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=60)["Identities"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_id(IdentityPoolId=w.pool)
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Unauthenticated access is not supported for this identity pool."
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_open_id_token(IdentityId=b)
    assert code(e) == "NotAuthorizedException"
    assert len(w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=60)["Identities"]) == before

    # Paged and deleted.
    page = w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=1)
    assert len(page["Identities"]) == 1 and "NextToken" in page
    rest = w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=1, NextToken=page["NextToken"])
    assert rest["Identities"][0]["IdentityId"] != page["Identities"][0]["IdentityId"]
    deleted = w.admin.delete_identities(IdentityIdsToDelete=[a, b])
    assert deleted["UnprocessedIdentityIds"] == []
    assert w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=60)["Identities"] == []


def test_developer_identities_lookup_merge_and_unlink(server):
    w = World(server, guests=False)
    first = w.admin.get_open_id_token_for_developer_identity(
        IdentityPoolId=w.pool,
        Logins={w.developer: "user-1"},
        PrincipalTags={"team": "blue"},
        TokenDuration=120,
    )
    one = first["IdentityId"]
    claims = claims_of(first["Token"])
    assert claims["exp"] - claims["iat"] == 120
    assert claims["amr"] == ["authenticated", w.developer, f"{w.developer}:{w.pool}:user-1"]
    assert claims["https://aws.amazon.com/tags"] == {"principal_tags": {"team": ["blue"]}}

    # The enhanced flow's login is the token under cognito-identity.amazonaws.com.
    login = {"cognito-identity.amazonaws.com": first["Token"]}
    assert w.public.get_id(IdentityPoolId=w.pool, Logins=login)["IdentityId"] == one
    assert w.public.get_open_id_token(IdentityId=one, Logins=login)["IdentityId"] == one

    two = w.admin.get_open_id_token_for_developer_identity(
        IdentityPoolId=w.pool, Logins={w.developer: "user-2"}
    )["IdentityId"]
    assert two != one
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.admin.get_open_id_token_for_developer_identity(
            IdentityPoolId=w.pool, IdentityId=one, Logins={w.developer: "user-2"}
        )
    assert code(e) == "DeveloperUserAlreadyRegisteredException"

    found = w.admin.lookup_developer_identity(IdentityPoolId=w.pool, DeveloperUserIdentifier="user-2")
    assert found["IdentityId"] == two
    assert found["DeveloperUserIdentifierList"] == ["user-2"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.admin.lookup_developer_identity(IdentityPoolId=w.pool, DeveloperUserIdentifier="nobody")
    assert code(e) == "ResourceNotFoundException"

    merged = w.admin.merge_developer_identities(
        IdentityPoolId=w.pool,
        DeveloperProviderName=w.developer,
        SourceUserIdentifier="user-2",
        DestinationUserIdentifier="user-1",
    )
    assert merged["IdentityId"] == one
    users = w.admin.lookup_developer_identity(IdentityPoolId=w.pool, IdentityId=one, MaxResults=60)
    assert users["DeveloperUserIdentifierList"] == ["user-1", "user-2"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.admin.describe_identity(IdentityId=two)
    assert code(e) == "ResourceNotFoundException"

    w.admin.unlink_developer_identity(
        IdentityId=one,
        IdentityPoolId=w.pool,
        DeveloperProviderName=w.developer,
        DeveloperUserIdentifier="user-2",
    )
    users = w.admin.lookup_developer_identity(IdentityPoolId=w.pool, IdentityId=one)
    assert users["DeveloperUserIdentifierList"] == ["user-1"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.admin.get_open_id_token_for_developer_identity(
            IdentityPoolId=w.pool, Logins={w.developer: "u"}, TokenDuration=86401
        )
    assert code(e) == "InvalidParameterException"
    assert "TokenDuration" in message(e)


def test_server_side_token_check_refuses_a_signed_out_session(server):
    checked = World(server, guests=False, server_side_check=True)
    tokens = checked.sign_in("alice")
    identity = checked.public.get_id(IdentityPoolId=checked.pool, Logins=checked.logins(tokens["IdToken"]))
    # Accepted twice before the sign-out: the second time from the verified tokens kept in
    # memory, which must not outlive the session behind them.
    for _ in range(2):
        checked.public.get_open_id_token(
            IdentityId=identity["IdentityId"], Logins=checked.logins(tokens["IdToken"])
        )
    checked.idp.global_sign_out(AccessToken=tokens["AccessToken"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        checked.public.get_open_id_token(
            IdentityId=identity["IdentityId"], Logins=checked.logins(tokens["IdToken"])
        )
    assert code(e) == "NotAuthorizedException"
    assert "revoked" in message(e)

    # Without the check, the signed-out ID token still stands until it expires (as on AWS).
    unchecked = World(server, guests=False, server_side_check=False)
    tokens = unchecked.sign_in("alice")
    unchecked.idp.global_sign_out(AccessToken=tokens["AccessToken"])
    assert unchecked.public.get_id(IdentityPoolId=unchecked.pool, Logins=unchecked.logins(tokens["IdToken"]))


def test_the_open_id_token_verifies_against_the_served_key_set(fresh_server):
    server = fresh_server
    server.poolhouse("UpdateWorkspace", {"IssuerBaseUrl": server.url})
    w = World(server, guests=True)
    identity = w.public.get_id(IdentityPoolId=w.pool)["IdentityId"]
    token = w.public.get_open_id_token(IdentityId=identity)["Token"]

    issuer = f"{server.url}/cognito-identity"
    discovery = server.call_get("/cognito-identity/.well-known/openid-configuration")
    assert discovery["issuer"] == issuer
    assert discovery["jwks_uri"] == f"{issuer}/.well-known/jwks_uri"
    jwks = server.call_get(discovery["jwks_uri"][len(server.url) :])
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=w.pool, issuer=issuer)
    assert claims["sub"] == identity
    assert claims["amr"] == ["unauthenticated"]

    # A token for another pool, or an edited one, does not pass.
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, key.key, algorithms=["RS256"], audience="us-east-1:other", issuer=issuer)
    head, body, sig = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged["sub"] = "us-east-1:00000000-0000-0000-0000-000000000000"
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{head}.{forged_body}.{sig}", key.key, algorithms=["RS256"], audience=w.pool)


def _trust(pool_id: str, amr: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ],
        }
    )


def test_the_enhanced_flow_vends_credentials_that_sign_get_caller_identity(server):
    w = World(server, guests=True)
    names = {kind: f"{kind}_{uuid.uuid4().hex[:8]}" for kind in ("authenticated", "unauthenticated")}
    for kind, name in names.items():
        server.poolhouse("CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": _trust(w.pool, kind)})
    w.admin.set_identity_pool_roles(
        IdentityPoolId=w.pool,
        Roles={kind: f"arn:aws:iam::000000000000:role/{name}" for kind, name in names.items()},
    )

    def caller(creds: dict) -> dict:
        sts = boto3.session.Session().client(
            "sts",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretKey"],
            aws_session_token=creds["SessionToken"],
            config=botocore.config.Config(retries={"max_attempts": 1}, proxies={}),
        )
        return sts.get_caller_identity()

    # A user pool login: GetId, then GetCredentialsForIdentity with the same login.
    id_token = w.sign_in("alice")["IdToken"]
    identity = w.public.get_id(IdentityPoolId=w.pool, Logins=w.logins(id_token))["IdentityId"]
    answer = w.public.get_credentials_for_identity(IdentityId=identity, Logins=w.logins(id_token))
    assert answer["IdentityId"] == identity
    creds = answer["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    left = creds["Expiration"].timestamp() - time.time()
    assert 3500 < left <= 3600, left
    who = caller(creds)
    assert who["Arn"].startswith(
        f"arn:aws:sts::000000000000:assumed-role/{names['authenticated']}/"
    ), who["Arn"]

    # A guest gets the unauthenticated role.
    guest = w.public.get_id(IdentityPoolId=w.pool)["IdentityId"]
    guest_creds = w.public.get_credentials_for_identity(IdentityId=guest)["Credentials"]
    assert f"assumed-role/{names['unauthenticated']}/" in caller(guest_creds)["Arn"]

    # The login's identity without the login, and a wrong secret, are refused.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_credentials_for_identity(IdentityId=identity)
    assert code(e) == "NotAuthorizedException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        caller({**creds, "SecretKey": "wrong" + creds["SecretKey"][5:]})
    assert code(e) == "SignatureDoesNotMatch"

    # A trust policy that refuses: Cognito's configuration error, naming the failed condition.
    w.admin.set_identity_pool_roles(
        IdentityPoolId=w.pool,
        Roles={"authenticated": f"arn:aws:iam::000000000000:role/{names['unauthenticated']}"},
    )
    with pytest.raises(botocore.exceptions.ClientError) as e:
        w.public.get_credentials_for_identity(IdentityId=identity, Logins=w.logins(id_token))
    assert code(e) == "InvalidIdentityPoolConfigurationException"
    assert "amr" in message(e)


MISSING_IDENTITY = "us-east-1:00000000-0000-0000-0000-000000000000"


def test_delete_identities_reports_the_ids_it_could_not_delete(server):
    w = World(server, guests=True)
    a, b, c = (w.public.get_id(IdentityPoolId=w.pool)["IdentityId"] for _ in range(3))
    # A trigger written beside the running server makes the delete of b fail.
    trigger = f"refuse_{uuid.uuid4().hex[:8]}"
    with sqlite3.connect(server.db, timeout=10) as db:
        db.execute(
            f"CREATE TRIGGER {trigger} BEFORE DELETE ON identities WHEN OLD.id = '{b}' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    try:
        answer = w.admin.delete_identities(IdentityIdsToDelete=[a, b, MISSING_IDENTITY, c])
    finally:
        with sqlite3.connect(server.db, timeout=10) as db:
            db.execute(f"DROP TRIGGER {trigger}")
    # botocore's shape: a list of {IdentityId, ErrorCode}; only b, whose delete failed. The id
    # that does not exist is not unprocessed: Cognito's DeleteIdentities has no not-found error.
    assert answer["UnprocessedIdentityIds"] == [{"IdentityId": b, "ErrorCode": "InternalServerError"}]
    left = w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=60)["Identities"]
    assert [i["IdentityId"] for i in left] == [b]
    # Tried again, it goes.
    assert w.admin.delete_identities(IdentityIdsToDelete=[b])["UnprocessedIdentityIds"] == []
    assert w.admin.list_identities(IdentityPoolId=w.pool, MaxResults=60)["Identities"] == []


def test_identity_logins_name_the_user_for_the_console_only(server):
    w = World(server, guests=False)
    w.idp.admin_update_user_attributes(
        UserPoolId=w.user_pool, Username="alice", UserAttributes=[{"Name": "email", "Value": "alice@example.com"}]
    )
    identity = w.public.get_id(IdentityPoolId=w.pool, Logins=w.logins(w.sign_in("alice")["IdToken"]))["IdentityId"]
    listed = server.poolhouse("ListIdentityLogins", {"IdentityPoolId": w.pool, "Search": "alice@"})
    assert [i["IdentityId"] for i in listed["Identities"]] == [identity]
    login = listed["Identities"][0]["Logins"][0]
    assert login["Provider"] == w.provider and login["ProviderType"] == "UserPool"
    assert login["User"]["Username"] == "alice" and login["User"]["Email"] == "alice@example.com"
    assert login["User"]["State"] == "Present"
    sub = next(a["Value"] for a in w.idp.admin_get_user(UserPoolId=w.user_pool, Username="alice")["UserAttributes"] if a["Name"] == "sub")
    assert login["Subject"] == sub
    # The console's own read: unsigned and without the console's launch secret it is refused.
    status, _, body = server.call("Poolhouse.ListIdentityLogins", {"IdentityPoolId": w.pool})
    assert 400 <= status < 500, (status, body)


def test_several_logins_decide_by_the_login_whose_role_mapping_chose(server):
    from test_federation import Provider

    w = World(server, guests=False)
    provider = Provider()
    try:
        oidc_arn = server.poolhouse(
            "CreateOpenIDConnectProvider", {"Url": provider.issuer, "ClientIDList": ["app"]}
        )["OpenIDConnectProviderArn"]
        pool = w.admin.create_identity_pool(
            IdentityPoolName=f"multi {uuid.uuid4().hex[:6]}",
            AllowUnauthenticatedIdentities=False,
            CognitoIdentityProviders=[{"ProviderName": w.provider, "ClientId": w.client_id}],
            OpenIdConnectProviderARNs=[oidc_arn],
        )["IdentityPoolId"]
        arns = {}
        for kind in ("Default", "Admin", "Reader"):
            name = f"{kind}_{uuid.uuid4().hex[:8]}"
            server.poolhouse("CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": _trust(pool, "authenticated")})
            arns[kind] = f"arn:aws:iam::000000000000:role/{name}"

        def rules(claim, value, role):
            return {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
                    "RulesConfiguration": {"Rules": [
                        {"Claim": claim, "MatchType": "Equals", "Value": value, "RoleARN": role}]}}

        oidc_key = provider.login_key
        user_pool_key = f"{w.provider}:{w.client_id}"
        logins = {w.provider: w.sign_in("alice")["IdToken"], oidc_key: provider.token(dept="ops")}
        identity = w.public.get_id(IdentityPoolId=pool, Logins=logins)["IdentityId"]

        def role_of(**kw):
            creds = w.public.get_credentials_for_identity(
                IdentityId=identity, Logins=logins, **kw)["Credentials"]
            return server.poolhouse("SimulateAccess", {
                "AccessKeyId": creds["AccessKeyId"], "Action": "s3:GetObject"})["RoleArn"]

        # Only the OIDC login has a role mapping: it decides, whatever the key order.
        w.admin.set_identity_pool_roles(
            IdentityPoolId=pool, Roles={"authenticated": arns["Default"]},
            RoleMappings={oidc_key: rules("dept", "ops", arns["Admin"])})
        assert role_of() == arns["Admin"]

        # Both mapped to different roles: refused, naming both; CustomRoleArn chooses.
        w.admin.set_identity_pool_roles(
            IdentityPoolId=pool, Roles={"authenticated": arns["Default"]},
            RoleMappings={oidc_key: rules("dept", "ops", arns["Admin"]),
                          user_pool_key: rules("cognito:username", "alice", arns["Reader"])})
        with pytest.raises(botocore.exceptions.ClientError) as e:
            role_of()
        assert code(e) == "InvalidParameterException"
        assert arns["Admin"] in message(e) and arns["Reader"] in message(e)
        assert role_of(CustomRoleArn=arns["Reader"]) == arns["Reader"]
    finally:
        provider.httpd.shutdown()


def test_an_identity_pool_lists_only_provider_records_that_exist(server):
    admin = server.client(service="cognito-identity")
    missing = "arn:aws:iam::000000000000:oidc-provider/nowhere.example.com"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        admin.create_identity_pool(
            IdentityPoolName="dangling",
            AllowUnauthenticatedIdentities=False,
            OpenIdConnectProviderARNs=[missing],
        )
    assert code(e) == "InvalidParameterException"
    assert missing in message(e)
    saml = "arn:aws:iam::000000000000:saml-provider/nobody"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        admin.create_identity_pool(
            IdentityPoolName="dangling",
            AllowUnauthenticatedIdentities=False,
            SamlProviderARNs=[saml],
        )
    assert code(e) == "InvalidParameterException"
    assert saml in message(e)
