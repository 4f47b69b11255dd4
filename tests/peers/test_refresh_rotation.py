"""Refresh-token rotation with boto3 against `poolhouse serve`: `RefreshTokenRotation` on the
app client, `GetTokensFromRefreshToken`, the grace period (on the server's real clock: a
1-second grace and a short wait) and the refusals, as an application's SDK meets them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

import botocore.exceptions
import pytest

PASSWORD = "Correct-Horse-9"


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def pool(idp):
    pool = idp.create_user_pool(PoolName=f"rot-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    return pool


def rotating_client(idp, pool, grace, **extra):
    return idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="rotating",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace},
        **extra,
    )["UserPoolClient"]


def sign_in(idp, client):
    return idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]


def refresh(idp, client, token, **extra):
    return idp.get_tokens_from_refresh_token(ClientId=client, RefreshToken=token, **extra)[
        "AuthenticationResult"
    ]


def test_the_setting_round_trips_and_is_off_by_default(idp, pool):
    plain = idp.create_user_pool_client(UserPoolId=pool, ClientName="plain")["UserPoolClient"]
    assert plain["RefreshTokenRotation"] == {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}
    c = rotating_client(idp, pool, 15)
    shown = idp.describe_user_pool_client(UserPoolId=pool, ClientId=c["ClientId"])["UserPoolClient"]
    assert shown["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 15}

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.update_user_pool_client(
            UserPoolId=pool,
            ClientId=c["ClientId"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            RefreshTokenRotation={"Feature": "ENABLED"},
        )
    assert code(e) == "InvalidParameterException"
    assert "ALLOW_REFRESH_TOKEN_AUTH" in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.update_user_pool_client(
            UserPoolId=pool,
            ClientId=c["ClientId"],
            RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 61},
        )
    assert code(e) == "InvalidParameterException"
    assert "RetryGracePeriodSeconds" in e.value.response["Error"]["Message"]


def test_a_rotating_client_refreshes_with_a_new_token_and_refuses_the_old_one(idp, pool):
    client = rotating_client(idp, pool, 0)["ClientId"]
    first = sign_in(idp, client)
    second = refresh(idp, client, first["RefreshToken"])
    assert second["TokenType"] == "Bearer" and second["ExpiresIn"] == 3600
    assert second["RefreshToken"] != first["RefreshToken"]
    assert idp.get_user(AccessToken=second["AccessToken"])["Username"] == "alice"
    third = refresh(idp, client, second["RefreshToken"])

    with pytest.raises(idp.exceptions.RefreshTokenReuseException):
        refresh(idp, client, first["RefreshToken"])
    # The reuse revoked the sign-in: its newest tokens end too.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=third["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        refresh(idp, client, third["RefreshToken"])

    # REFRESH_TOKEN_AUTH is not the way for a rotating client.
    fresh = sign_in(idp, client)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.initiate_auth(
            ClientId=client,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": fresh["RefreshToken"]},
        )
    assert code(e) == "InvalidParameterException"
    assert "GetTokensFromRefreshToken" in e.value.response["Error"]["Message"]


def test_the_grace_period_lets_a_retry_through_and_then_closes(idp, pool):
    client = rotating_client(idp, pool, 1)["ClientId"]
    t = sign_in(idp, client)
    refresh(idp, client, t["RefreshToken"])  # its answer "lost"
    retried = refresh(idp, client, t["RefreshToken"])
    assert "RefreshToken" in retried
    time.sleep(1.2)
    with pytest.raises(idp.exceptions.RefreshTokenReuseException):
        refresh(idp, client, t["RefreshToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=retried["AccessToken"])


def test_without_rotation_the_same_token_refreshes_again(idp, pool):
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="classic",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    t = sign_in(idp, client)
    for _ in range(2):
        r = refresh(idp, client, t["RefreshToken"])
        assert "RefreshToken" not in r
        assert idp.get_user(AccessToken=r["AccessToken"])["Username"] == "alice"


def test_a_client_secret_is_required_and_tokens_stay_with_their_client(idp, pool):
    c = rotating_client(idp, pool, 0, GenerateSecret=True)
    client, secret = c["ClientId"], c["ClientSecret"]
    digest = hmac.new(secret.encode(), ("alice" + client).encode(), hashlib.sha256).digest()
    t = idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "alice",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": base64.b64encode(digest).decode(),
        },
    )["AuthenticationResult"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        refresh(idp, client, t["RefreshToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        refresh(idp, client, t["RefreshToken"], ClientSecret="x" * 52)
    r = refresh(idp, client, t["RefreshToken"], ClientSecret=secret, ClientMetadata={"app": "web"})
    assert r["RefreshToken"] != t["RefreshToken"]

    other = rotating_client(idp, pool, 0)["ClientId"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        refresh(idp, other, r["RefreshToken"])
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        refresh(idp, "nosuchclient000000000000", r["RefreshToken"])
    with pytest.raises(botocore.exceptions.ParamValidationError):
        idp.get_tokens_from_refresh_token(ClientId=client)


def test_a_resource_servers_removed_scopes_leave_its_clients(idp, pool):
    idp.create_resource_server(
        UserPoolId=pool,
        Identifier="orders",
        Name="orders",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "read"},
            {"ScopeName": "write", "ScopeDescription": "write"},
        ],
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read", "orders/write"],
    )["UserPoolClient"]["ClientId"]

    def scopes():
        c = idp.describe_user_pool_client(UserPoolId=pool, ClientId=client)["UserPoolClient"]
        return c.get("AllowedOAuthScopes", [])

    idp.update_resource_server(
        UserPoolId=pool,
        Identifier="orders",
        Name="orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}],
    )
    assert scopes() == ["orders/read"]
    idp.delete_resource_server(UserPoolId=pool, Identifier="orders")
    assert scopes() == []
