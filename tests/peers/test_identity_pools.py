"""boto3's `cognito-identity` client against `poolhouse serve`: identity pools created,
described, updated, listed, given roles, tagged and deleted, with botocore's own request
serialisation, signing and error parsing. Each test makes its own pools on the shared server.
"""

from __future__ import annotations

import re
import uuid

import botocore.exceptions
import pytest

POOL_ID = re.compile(r"^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
AUTH = "arn:aws:iam::123456789012:role/Cognito_Auth"
UNAUTH = "arn:aws:iam::123456789012:role/Cognito_Unauth"


@pytest.fixture(scope="module")
def identity(server):
    """A boto3 cognito-identity client on the session's server (dummy credentials)."""
    return server.client(service="cognito-identity")


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def arn(pool_id: str) -> str:
    return f"arn:aws:cognito-identity:us-east-1:000000000000:identitypool/{pool_id}"


def test_identity_pool_lifecycle(identity, idp):
    user_pool = idp.create_user_pool(PoolName=f"up-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=user_pool, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    provider = f"cognito-idp.us-east-1.amazonaws.com/{user_pool}"
    name = f"app {uuid.uuid4().hex[:6]}"
    created = identity.create_identity_pool(
        IdentityPoolName=name,
        AllowUnauthenticatedIdentities=True,
        SupportedLoginProviders={"accounts.google.com": "123.apps.googleusercontent.com"},
        DeveloperProviderName="login.myapp",
        CognitoIdentityProviders=[
            {"ProviderName": provider, "ClientId": client_id, "ServerSideTokenCheck": False}
        ],
        IdentityPoolTags={"team": "web"},
    )
    pool_id = created["IdentityPoolId"]
    assert POOL_ID.match(pool_id), pool_id
    assert created["IdentityPoolName"] == name
    assert created["AllowUnauthenticatedIdentities"] is True

    described = identity.describe_identity_pool(IdentityPoolId=pool_id)
    described.pop("ResponseMetadata")
    created.pop("ResponseMetadata")
    assert described == created
    assert described["CognitoIdentityProviders"][0]["ClientId"] == client_id
    assert described["IdentityPoolTags"] == {"team": "web"}

    # Update replaces the configuration: what is left out is gone, the developer provider stays.
    updated = identity.update_identity_pool(
        IdentityPoolId=pool_id,
        IdentityPoolName=name + " v2",
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=True,
    )
    assert updated["IdentityPoolName"] == name + " v2"
    assert updated["AllowUnauthenticatedIdentities"] is False
    assert updated["AllowClassicFlow"] is True
    assert "SupportedLoginProviders" not in updated
    assert updated["DeveloperProviderName"] == "login.myapp"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        identity.update_identity_pool(
            IdentityPoolId=pool_id,
            IdentityPoolName=name,
            AllowUnauthenticatedIdentities=False,
            DeveloperProviderName="another",
        )
    assert code(e) == "InvalidParameterException"

    listed = []
    kwargs = {"MaxResults": 60}
    while True:
        page = identity.list_identity_pools(**kwargs)
        listed += page["IdentityPools"]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert {"IdentityPoolId": pool_id, "IdentityPoolName": name + " v2"} in listed

    # A role mapping may only name a provider the pool trusts: one named after the update
    # dropped the user pool is refused, and accepted once the pool trusts it again.
    mappings = {
        f"{provider}:{client_id}": {
            "Type": "Rules",
            "AmbiguousRoleResolution": "AuthenticatedRole",
            "RulesConfiguration": {
                "Rules": [
                    {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": AUTH}
                ]
            },
        }
    }
    with pytest.raises(botocore.exceptions.ClientError) as e:
        identity.set_identity_pool_roles(
            IdentityPoolId=pool_id,
            Roles={"authenticated": AUTH, "unauthenticated": UNAUTH},
            RoleMappings=mappings,
        )
    assert code(e) == "InvalidParameterException"
    assert "not a configured provider" in e.value.response["Error"]["Message"]
    identity.update_identity_pool(
        IdentityPoolId=pool_id,
        IdentityPoolName=name + " v2",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )
    identity.set_identity_pool_roles(
        IdentityPoolId=pool_id,
        Roles={"authenticated": AUTH, "unauthenticated": UNAUTH},
        RoleMappings=mappings,
    )
    roles = identity.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert roles["IdentityPoolId"] == pool_id
    assert roles["Roles"] == {"authenticated": AUTH, "unauthenticated": UNAUTH}
    assert roles["RoleMappings"] == mappings

    identity.tag_resource(ResourceArn=arn(pool_id), Tags={"env": "dev", "owner": "ops"})
    identity.untag_resource(ResourceArn=arn(pool_id), TagKeys=["owner"])
    tags = identity.list_tags_for_resource(ResourceArn=arn(pool_id))["Tags"]
    assert tags == {"team": "web", "env": "dev"}

    identity.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=provider, PrincipalTags={"client": "aud"}
    )
    got = identity.get_principal_tag_attribute_map(IdentityPoolId=pool_id, IdentityProviderName=provider)
    assert (got["UseDefaults"], got["PrincipalTags"]) == (False, {"client": "aud"})

    identity.delete_identity_pool(IdentityPoolId=pool_id)
    with pytest.raises(identity.exceptions.ResourceNotFoundException) as e:
        identity.describe_identity_pool(IdentityPoolId=pool_id)
    assert e.value.response["Error"]["Message"] == f"IdentityPool '{pool_id}' not found."


def test_bad_role_arn_is_an_invalid_parameter(identity):
    pool_id = identity.create_identity_pool(
        IdentityPoolName="roles", AllowUnauthenticatedIdentities=False
    )["IdentityPoolId"]
    with pytest.raises(identity.exceptions.InvalidParameterException) as e:
        identity.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={"authenticated": "arn:aws:iam::123456789012:user/bob"}
        )
    assert "Roles.authenticated" in e.value.response["Error"]["Message"]


def test_unknown_identity_pool_is_resource_not_found(identity):
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    with pytest.raises(identity.exceptions.ResourceNotFoundException):
        identity.get_identity_pool_roles(IdentityPoolId=missing)
    with pytest.raises(identity.exceptions.ResourceNotFoundException):
        identity.list_tags_for_resource(ResourceArn=arn(missing))


def test_a_locked_workspace_takes_identity_calls_signed_with_its_key_only(fresh_server):
    key = fresh_server.poolhouse("CreateAccessKey")
    fresh_server.poolhouse("UpdateWorkspace", {"RequireSignature": True})
    signed = fresh_server.client(key["AccessKeyId"], key["SecretAccessKey"], service="cognito-identity")
    pool_id = signed.create_identity_pool(IdentityPoolName="signed", AllowUnauthenticatedIdentities=False)[
        "IdentityPoolId"
    ]
    assert signed.describe_identity_pool(IdentityPoolId=pool_id)["IdentityPoolName"] == "signed"
    status, _, body = fresh_server.call("AWSCognitoIdentityService.ListIdentityPools", {"MaxResults": 5})
    assert (status, body["__type"]) == (400, "MissingAuthenticationTokenException")
