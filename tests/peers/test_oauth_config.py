"""boto3 against `poolhouse serve`: user pool domains, resource servers, app clients' OAuth
settings and client secret rotation, as Amazon Cognito answers them.

Each test makes its own pool on the session's server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.error
import urllib.request
import uuid

import botocore.exceptions
import pytest

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-feed"


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def secret_hash(secret: str, username: str, client_id: str) -> str:
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def host_status(server, host: str) -> int:
    """GET /health with this Host header: 200 when served, 421 when not."""
    req = urllib.request.Request(server.url + "/health", headers={"Host": host})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


# ----- domains ----------------------------------------------------------------------------


def test_a_prefix_domain_round_trips_and_shows_on_the_pool(idp, pool_id, server):
    prefix = unique("app")
    created = idp.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    assert created["ManagedLoginVersion"] == 1
    d = idp.describe_user_pool_domain(Domain=prefix)["DomainDescription"]
    assert d["UserPoolId"] == pool_id
    assert d["Domain"] == prefix
    assert d["Status"] == "ACTIVE"
    assert d["CloudFrontDistribution"] == f"{prefix}.auth.localhost"
    assert len(d["AWSAccountId"]) == 12
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"] == prefix

    port = server.url.rsplit(":", 1)[1]
    assert host_status(server, f"{prefix}.auth.localhost:{port}") == 200

    updated = idp.update_user_pool_domain(
        UserPoolId=pool_id, Domain=prefix, ManagedLoginVersion=2
    )
    assert updated["ManagedLoginVersion"] == 2
    assert idp.describe_user_pool_domain(Domain=prefix)["DomainDescription"][
        "ManagedLoginVersion"
    ] == 2

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=unique("second"))
    assert code(e) == "InvalidParameterException"
    assert "already has a prefix domain" in message(e)

    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    assert idp.describe_user_pool_domain(Domain=prefix)["DomainDescription"] == {}
    assert "Domain" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def test_domain_names_are_checked_and_unique_in_the_workspace(idp, pool_id):
    for bad in ["My-App", "-app", "my_app", "cognito-login", "aws1"]:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            idp.create_user_pool_domain(UserPoolId=pool_id, Domain=bad)
        assert code(e) == "InvalidParameterException", bad
        assert "Domain" in message(e), bad
    taken = unique("taken")
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=taken)
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_user_pool_domain(UserPoolId=other, Domain=taken)
    assert code(e) == "InvalidParameterException"
    assert "another user pool" in message(e)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.delete_user_pool_domain(UserPoolId=other, Domain=taken)
    assert code(e) == "InvalidParameterException"


def test_a_custom_domain_keeps_its_certificate_and_is_served_by_host(idp, pool_id, server):
    name = f"{unique('auth')}.example.com"
    assert host_status(server, name) == 421, "not served before it is registered"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    assert "CertificateArn" in message(e)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_user_pool_domain(
            UserPoolId=pool_id,
            Domain=name,
            CustomDomainConfig={"CertificateArn": "this-is-not-an-arn-at-all"},
        )
    assert code(e) == "InvalidParameterException"
    assert "CertificateArn" in message(e)
    routing = {
        "Failover": {"SecondaryRegion": "us-west-2", "PrimaryRoute53HealthCheckId": "hc-1234"}
    }
    created = idp.create_user_pool_domain(
        UserPoolId=pool_id,
        Domain=name,
        CustomDomainConfig={"CertificateArn": CERT, "SecurityPolicy": "TLS_V1_2_2021"},
        Routing=routing,
    )
    assert created["CloudFrontDomain"] == "localhost"
    assert created["Routing"] == routing
    d = idp.describe_user_pool_domain(Domain=name)["DomainDescription"]
    assert d["CustomDomainConfig"] == {"CertificateArn": CERT, "SecurityPolicy": "TLS_V1_2_2021"}
    assert d["Routing"] == routing
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["CustomDomain"] == name
    assert host_status(server, name) == 200
    renewed = CERT + "-renewed"
    idp.update_user_pool_domain(
        UserPoolId=pool_id, Domain=name, CustomDomainConfig={"CertificateArn": renewed}
    )
    d = idp.describe_user_pool_domain(Domain=name)["DomainDescription"]
    assert d["CustomDomainConfig"]["CertificateArn"] == renewed
    assert d["Routing"] == routing, "what the update leaves out is kept"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.update_user_pool_domain(
            UserPoolId=pool_id,
            Domain=name,
            Routing={"Failover": {"SecondaryRegion": "x" * 40, "PrimaryRoute53HealthCheckId": "h"}},
        )
    assert "Routing.Failover.SecondaryRegion" in message(e)
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=name)
    assert host_status(server, name) == 421, "not served once deleted"


# ----- resource servers -------------------------------------------------------------------


def scopes(*names: str) -> list[dict]:
    return [{"ScopeName": n, "ScopeDescription": f"{n} access"} for n in names]


def test_resource_servers_round_trip_and_page(idp, pool_id):
    made = idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.example.com",
        Name="Example API",
        Scopes=scopes("read", "write"),
    )["ResourceServer"]
    assert made == {
        "UserPoolId": pool_id,
        "Identifier": "https://api.example.com",
        "Name": "Example API",
        "Scopes": scopes("read", "write"),
    }
    idp.create_resource_server(UserPoolId=pool_id, Identifier="billing", Name="Billing")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="billing", Name="Again")
    assert code(e) == "InvalidParameterException"

    first = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=1)
    assert [r["Identifier"] for r in first["ResourceServers"]] == ["billing"]
    rest = idp.list_resource_servers(
        UserPoolId=pool_id, MaxResults=1, NextToken=first["NextToken"]
    )
    assert [r["Identifier"] for r in rest["ResourceServers"]] == ["https://api.example.com"]
    assert "NextToken" not in rest

    idp.update_resource_server(
        UserPoolId=pool_id, Identifier="billing", Name="Billing", Scopes=scopes("pay")
    )
    got = idp.describe_resource_server(UserPoolId=pool_id, Identifier="billing")
    assert got["ResourceServer"]["Scopes"] == scopes("pay")
    idp.delete_resource_server(UserPoolId=pool_id, Identifier="billing")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.describe_resource_server(UserPoolId=pool_id, Identifier="billing")
    assert code(e) == "ResourceNotFoundException"


def test_bad_resource_servers_are_refused_naming_the_member(idp, pool_id):
    cases = [
        ({"Identifier": "has space", "Name": "x"}, "Identifier"),
        ({"Identifier": "ok", "Name": "no/slash"}, "Name"),
        ({"Identifier": "ok", "Name": "x", "Scopes": scopes("a/b")}, "ScopeName"),
        ({"Identifier": "ok", "Name": "x", "Scopes": scopes("dup", "dup")}, "ScopeName"),
        (
            {"Identifier": "ok", "Name": "x", "Scopes": scopes(*[f"s{i}" for i in range(101)])},
            "Scopes",
        ),
    ]
    for kwargs, member in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            idp.create_resource_server(UserPoolId=pool_id, **kwargs)
        assert code(e) == "InvalidParameterException", kwargs
        assert member in message(e), (kwargs, message(e))


# ----- app clients' OAuth settings --------------------------------------------------------


def oauth_client(**overrides) -> dict:
    settings = {
        "ClientName": "web",
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email"],
        "CallbackURLs": ["https://app.example.com/cb", "http://localhost:3000/cb"],
        "LogoutURLs": ["https://app.example.com/bye"],
        "DefaultRedirectURI": "https://app.example.com/cb",
        "SupportedIdentityProviders": ["COGNITO"],
    }
    settings.update(overrides)
    return settings


def test_custom_scopes_must_exist_on_a_resource_server(idp, pool_id):
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.example.com/v1",
        Name="API",
        Scopes=scopes("read"),
    )
    made = idp.create_user_pool_client(
        UserPoolId=pool_id,
        **oauth_client(AllowedOAuthScopes=["openid", "https://api.example.com/v1/read"]),
    )["UserPoolClient"]
    assert made["AllowedOAuthScopes"] == ["openid", "https://api.example.com/v1/read"]
    assert made["AllowedOAuthFlows"] == ["code"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_user_pool_client(
            UserPoolId=pool_id,
            **oauth_client(AllowedOAuthScopes=["https://api.example.com/v1/write"]),
        )
    assert code(e) == "ScopeDoesNotExistException"
    assert "https://api.example.com/v1/write" in message(e)


def test_oauth_settings_are_checked_as_cognito_does(idp, pool_id):
    cases = [
        ({"CallbackURLs": ["http://app.example.com/cb"]}, "CallbackURLs"),
        ({"CallbackURLs": ["https://app.example.com/cb#frag"]}, "CallbackURLs"),
        ({"LogoutURLs": ["http://evil.example/"]}, "LogoutURLs"),
        ({"DefaultRedirectURI": "https://elsewhere.example/cb"}, "DefaultRedirectURI"),
        ({"AllowedOAuthFlows": ["code", "client_credentials"]}, "AllowedOAuthFlows"),
        ({"AllowedOAuthFlows": ["client_credentials"]}, "AllowedOAuthFlows"),
        ({"SupportedIdentityProviders": ["COGNITO", "Google"]}, "Google"),
        ({"AllowedOAuthScopes": []}, "AllowedOAuthScopes"),
    ]
    for overrides, named in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            idp.create_user_pool_client(UserPoolId=pool_id, **oauth_client(**overrides))
        assert code(e) == "InvalidParameterException", overrides
        assert named in message(e), (overrides, message(e))
    idp.create_resource_server(
        UserPoolId=pool_id, Identifier="m2m", Name="M2M", Scopes=scopes("jobs")
    )
    machine = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["m2m/jobs"],
    )["UserPoolClient"]
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]


# ----- client secrets ---------------------------------------------------------------------


def test_client_secrets_rotate_and_any_current_one_signs_in(idp, pool_id):
    made = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="server",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, first = made["ClientId"], made["ClientSecret"]
    listed = idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)
    assert len(listed["ClientSecrets"]) == 1
    assert "ClientSecretValue" not in listed["ClientSecrets"][0]
    first_id = listed["ClientSecrets"][0]["ClientSecretId"]

    added = idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)[
        "ClientSecretDescriptor"
    ]
    second, second_id = added["ClientSecretValue"], added["ClientSecretId"]
    assert added["ClientSecretCreateDate"].year >= 2024
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    assert code(e) == "LimitExceededException"

    idp.admin_create_user(UserPoolId=pool_id, Username="dave", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="dave", Password="Correct-Horse-9", Permanent=True
    )

    def sign_in(secret: str):
        return idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": "dave",
                "PASSWORD": "Correct-Horse-9",
                "SECRET_HASH": secret_hash(secret, "dave", client_id),
            },
        )

    assert "AccessToken" in sign_in(first)["AuthenticationResult"]
    assert "AccessToken" in sign_in(second)["AuthenticationResult"]

    idp.delete_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecretId=first_id
    )
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sign_in(first)
    assert code(e) == "NotAuthorizedException"
    assert "AccessToken" in sign_in(second)["AuthenticationResult"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.delete_user_pool_client_secret(
            UserPoolId=pool_id, ClientId=client_id, ClientSecretId=second_id
        )
    assert code(e) == "InvalidParameterException"
    assert "last remaining secret" in message(e)

    chosen = "my_own_secret_value_0123456789"
    added = idp.add_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecret=chosen
    )["ClientSecretDescriptor"]
    assert "ClientSecretValue" not in added
    assert "AccessToken" in sign_in(chosen)["AuthenticationResult"]


def test_a_public_client_cannot_get_a_secret(idp, pool_id):
    public = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")[
        "UserPoolClient"
    ]["ClientId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=public)
    assert code(e) == "InvalidParameterException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId="nosuchclient1")
    assert code(e) == "ResourceNotFoundException"
