"""boto3 (a real AWS SDK, with botocore's own request signing, serialisation, validation and
error parsing) against `poolhouse serve`.

Each test makes its own pool, so they share one server. Every test asserts what Amazon
Cognito does; none is expected to fail.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid

import botocore.exceptions
import pytest

POOL_ID = re.compile(r"^us-east-1_[0-9A-Za-z]{9}$")
CLIENT_ID = re.compile(r"^[0-9a-z]{26}$")
SUB = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
GOOD_PASSWORD = "Correct-Horse-9"


def attrs(user: dict, key: str = "Attributes") -> dict:
    return {a["Name"]: a.get("Value") for a in user[key]}


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def new_user(idp, pool: str, username: str, **attributes) -> dict:
    ua = [{"Name": k.replace("__", ":"), "Value": v} for k, v in attributes.items()]
    return idp.admin_create_user(
        UserPoolId=pool, Username=username, UserAttributes=ua, MessageAction="SUPPRESS"
    )["User"]


# ----- user pools -------------------------------------------------------------------------


def test_create_pool_with_a_password_policy_and_a_custom_attribute(idp):
    created = idp.create_user_pool(
        PoolName="policy-and-schema",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 10,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        Schema=[
            {
                "Name": "tier",
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "20"},
            }
        ],
        AutoVerifiedAttributes=["email"],
        MfaConfiguration="OFF",
    )["UserPool"]
    assert POOL_ID.match(created["Id"]), "SDKs and IAM policies expect <region>_<9 alphanumerics>"
    assert created["Arn"].endswith(":userpool/" + created["Id"])
    assert isinstance(created["CreationDate"], datetime.datetime), "botocore parsed the epoch seconds"

    pool = idp.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 10
    assert policy["RequireSymbols"] is False
    assert policy["TemporaryPasswordValidityDays"] == 3
    schema = {a["Name"]: a for a in pool["SchemaAttributes"]}
    assert "custom:tier" in schema, "custom attributes are stored with Cognito's custom: prefix"
    assert schema["custom:tier"]["AttributeDataType"] == "String"
    assert schema["custom:tier"]["Mutable"] is True
    assert {"sub", "email", "name"} <= schema.keys(), "the standard attributes are part of every schema"
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["EstimatedNumberOfUsers"] == 0


def test_email_as_username_attribute_gives_users_a_uuid_username(idp):
    pool = idp.create_user_pool(PoolName="email-login", UsernameAttributes=["email"])["UserPool"]
    assert pool["UsernameAttributes"] == ["email"]
    user = idp.admin_create_user(
        UserPoolId=pool["Id"], Username="carol@example.com", MessageAction="SUPPRESS"
    )["User"]
    # Cognito: with email as the username attribute, the email becomes the `email` attribute
    # and the username is an opaque id (the sub).
    assert attrs(user)["email"] == "carol@example.com"
    assert SUB.match(user["Username"]), user["Username"]
    got = idp.admin_get_user(UserPoolId=pool["Id"], Username="carol@example.com")
    assert got["Username"] == user["Username"], "the email signs the user in, so it finds them"
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.admin_create_user(UserPoolId=pool["Id"], Username="not-an-email", MessageAction="SUPPRESS")


def test_update_user_pool_changes_settings_and_resets_the_ones_left_out(idp):
    pid = idp.create_user_pool(
        PoolName="updatable", Policies={"PasswordPolicy": {"MinimumLength": 12}}
    )["UserPool"]["Id"]
    idp.update_user_pool(
        UserPoolId=pid,
        MfaConfiguration="OFF",
        DeletionProtection="ACTIVE",
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )
    pool = idp.describe_user_pool(UserPoolId=pid)["UserPool"]
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    # Cognito's UpdateUserPool: "If you don't provide a value for an attribute, Amazon Cognito
    # sets it to its default value" -- the policy left out goes back to the default 8.
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert pool["LastModifiedDate"] >= pool["CreationDate"]
    with pytest.raises(idp.exceptions.InvalidParameterException) as e:
        idp.delete_user_pool(UserPoolId=pid)
    assert "eletion" in str(e.value), "deletion protection refuses DeleteUserPool"


def test_update_user_pool_refuses_a_member_fixed_at_creation(idp, pool_id):
    # boto3's UpdateUserPool shape has no UsernameAttributes (it is immutable in Cognito), so
    # the member is added to the serialised body before signing, as a hand-written client would.
    def inject(request, **_):
        body = json.loads(request.body)
        body["UsernameAttributes"] = ["email"]
        request.data = json.dumps(body).encode()

    idp.meta.events.register("before-sign.cognito-idp.UpdateUserPool", inject)
    try:
        with pytest.raises(idp.exceptions.InvalidParameterException) as e:
            idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OFF")
    finally:
        idp.meta.events.unregister("before-sign.cognito-idp.UpdateUserPool", inject)
    assert "UsernameAttributes" in e.value.response["Error"]["Message"]
    assert "UsernameAttributes" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def test_update_user_pool_renames_the_pool(idp, pool_id):
    idp.update_user_pool(UserPoolId=pool_id, PoolName="renamed")
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Name"] == "renamed"


def test_bad_password_policy_is_an_invalid_parameter(idp):
    # 100 passes botocore's client-side validation (it checks only minimums); Cognito's range
    # is 6..99.
    with pytest.raises(idp.exceptions.InvalidParameterException) as e:
        idp.create_user_pool(PoolName="bad", Policies={"PasswordPolicy": {"MinimumLength": 100}})
    assert "MinimumLength" in e.value.response["Error"]["Message"]
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.create_user_pool(
            PoolName="bad", Policies={"PasswordPolicy": {"TemporaryPasswordValidityDays": 366}}
        )


def test_list_user_pools_pages_with_max_results_and_next_token(idp):
    ids = {idp.create_user_pool(PoolName=f"lp-{i}")["UserPool"]["Id"] for i in range(3)}
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxResults": 2} | ({"NextToken": token} if token else {})
        out = idp.list_user_pools(**kwargs)
        assert len(out["UserPools"]) <= 2
        seen += [p["Id"] for p in out["UserPools"]]
        pages += 1
        token = out.get("NextToken")
        if not token:
            break
        assert pages < 100
    assert ids <= set(seen), "every pool is listed"
    assert len(seen) == len(set(seen)), "and only once"


def test_unknown_pool_is_resource_not_found(idp):
    missing = "us-east-1_AAAAAAAAA"
    for call in (
        lambda: idp.describe_user_pool(UserPoolId=missing),
        lambda: idp.list_users(UserPoolId=missing),
        lambda: idp.admin_create_user(UserPoolId=missing, Username="x", MessageAction="SUPPRESS"),
        lambda: idp.create_group(UserPoolId=missing, GroupName="g"),
    ):
        with pytest.raises(idp.exceptions.ResourceNotFoundException):
            call()


# ----- app clients ------------------------------------------------------------------------


def test_app_client_with_a_secret(idp, pool_id):
    created = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="backend",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=30,
        TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]
    assert CLIENT_ID.match(created["ClientId"]), "Cognito client ids are 26 lowercase alphanumerics"
    assert created["ClientSecret"], "GenerateSecret=True makes a secret"
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"])[
        "UserPoolClient"
    ]
    assert described["ClientSecret"] == created["ClientSecret"], "DescribeUserPoolClient shows the secret"
    assert described["ClientName"] == "backend"
    assert set(described["ExplicitAuthFlows"]) == {
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert described["AccessTokenValidity"] == 30

    public = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")["UserPoolClient"]
    assert "ClientSecret" not in public, "no secret unless asked for"
    listed = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10)["UserPoolClients"]
    assert {c["ClientId"] for c in listed} == {created["ClientId"], public["ClientId"]}

    updated = idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=public["ClientId"], ClientName="spa-2"
    )["UserPoolClient"]
    assert updated["ClientName"] == "spa-2"
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=public["ClientId"])
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=public["ClientId"])


def test_unknown_client_is_resource_not_found(idp, pool_id):
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId="a" * 26)


# ----- users ------------------------------------------------------------------------------


def test_user_lifecycle(idp):
    pid = idp.create_user_pool(
        PoolName="lifecycle",
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    user = new_user(idp, pid, "dave", email="dave@example.com", name="Dave", custom__tier="gold")
    assert user["Username"] == "dave"
    assert user["Enabled"] is True
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD", "an admin-created user must change the temporary password"
    a = attrs(user)
    assert a["email"] == "dave@example.com" and a["custom:tier"] == "gold"
    assert SUB.match(a["sub"])

    got = idp.admin_get_user(UserPoolId=pid, Username="dave")
    assert attrs(got, "UserAttributes") == a
    assert isinstance(got["UserCreateDate"], datetime.datetime)

    idp.admin_update_user_attributes(
        UserPoolId=pid,
        Username="dave",
        UserAttributes=[{"Name": "name", "Value": "David"}, {"Name": "family_name", "Value": "Jones"}],
    )
    a = attrs(idp.admin_get_user(UserPoolId=pid, Username="dave"), "UserAttributes")
    assert a["name"] == "David" and a["family_name"] == "Jones" and a["email"] == "dave@example.com"

    idp.admin_delete_user_attributes(UserPoolId=pid, Username="dave", UserAttributeNames=["family_name"])
    a = attrs(idp.admin_get_user(UserPoolId=pid, Username="dave"), "UserAttributes")
    assert "family_name" not in a and a["name"] == "David"

    idp.admin_disable_user(UserPoolId=pid, Username="dave")
    assert idp.admin_get_user(UserPoolId=pid, Username="dave")["Enabled"] is False
    disabled = idp.list_users(UserPoolId=pid, Filter='status = "Disabled"')["Users"]
    assert [u["Username"] for u in disabled] == ["dave"], "a disabled user is still listed, and filterable"
    idp.admin_enable_user(UserPoolId=pid, Username="dave")
    assert idp.admin_get_user(UserPoolId=pid, Username="dave")["Enabled"] is True

    idp.admin_set_user_password(UserPoolId=pid, Username="dave", Password=GOOD_PASSWORD, Permanent=True)
    assert idp.admin_get_user(UserPoolId=pid, Username="dave")["UserStatus"] == "CONFIRMED"
    idp.admin_set_user_password(UserPoolId=pid, Username="dave", Password=GOOD_PASSWORD + "x", Permanent=False)
    assert idp.admin_get_user(UserPoolId=pid, Username="dave")["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    idp.admin_delete_user(UserPoolId=pid, Username="dave")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pid, Username="dave")


def test_sub_is_immutable(idp, pool_id):
    new_user(idp, pool_id, "erin")
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.admin_update_user_attributes(
            UserPoolId=pool_id, Username="erin", UserAttributes=[{"Name": "sub", "Value": str(uuid.uuid4())}]
        )


def test_duplicate_username_is_username_exists(idp, pool_id):
    new_user(idp, pool_id, "frank")
    with pytest.raises(idp.exceptions.UsernameExistsException) as e:
        new_user(idp, pool_id, "frank")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert code(e) == "UsernameExistsException"


def test_unknown_user_is_user_not_found(idp, pool_id):
    for call in (
        lambda: idp.admin_get_user(UserPoolId=pool_id, Username="ghost"),
        lambda: idp.admin_disable_user(UserPoolId=pool_id, Username="ghost"),
        lambda: idp.admin_delete_user(UserPoolId=pool_id, Username="ghost"),
        lambda: idp.admin_update_user_attributes(
            UserPoolId=pool_id, Username="ghost", UserAttributes=[{"Name": "name", "Value": "x"}]
        ),
    ):
        with pytest.raises(idp.exceptions.UserNotFoundException):
            call()


def test_weak_password_is_invalid_password(idp):
    pid = idp.create_user_pool(
        PoolName="pw", Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": True}}
    )["UserPool"]["Id"]
    new_user(idp, pid, "gina")
    for weak in ("Short1!", "longenough1!", "LONGENOUGH1!", "NoDigitsHere!", "NoSymbols123"):
        with pytest.raises(idp.exceptions.InvalidPasswordException):
            idp.admin_set_user_password(UserPoolId=pid, Username="gina", Password=weak, Permanent=True)
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.admin_create_user(UserPoolId=pid, Username="hank", TemporaryPassword="weak", MessageAction="SUPPRESS")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pid, Username="hank")  # refused creation leaves nothing


def test_alias_pool_refuses_a_second_user_with_the_same_verified_email(idp):
    pid = idp.create_user_pool(PoolName="aliases", AliasAttributes=["email"])["UserPool"]["Id"]
    new_user(idp, pid, "ivan", email="shared@example.com", email_verified="true")
    with pytest.raises(idp.exceptions.AliasExistsException):
        new_user(idp, pid, "judy", email="shared@example.com", email_verified="true")
    assert idp.admin_get_user(UserPoolId=pid, Username="shared@example.com")["Username"] == "ivan", (
        "a verified email alias finds its user"
    )
    # Moving the alias to another user is refused the same way.
    new_user(idp, pid, "kate", email="kate@example.com", email_verified="true")
    with pytest.raises(idp.exceptions.AliasExistsException):
        idp.admin_update_user_attributes(
            UserPoolId=pid,
            Username="kate",
            UserAttributes=[
                {"Name": "email", "Value": "shared@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )


def test_admin_get_user_finds_a_user_by_sub(idp, pool_id):
    sub = attrs(new_user(idp, pool_id, "oscar"))["sub"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username=sub)["Username"] == "oscar", (
        "Cognito's AdminGetUser takes the username, an alias or the sub"
    )


def test_custom_attributes_keep_their_constraints(idp):
    pid = idp.create_user_pool(
        PoolName="constraints",
        Schema=[
            {"Name": "tier", "AttributeDataType": "String", "Mutable": True,
             "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "5"}},
            {"Name": "age", "AttributeDataType": "Number", "Mutable": True},
            {"Name": "origin", "AttributeDataType": "String", "Mutable": False},
        ],
    )["UserPool"]["Id"]
    new_user(idp, pid, "pia", custom__origin="web", custom__age="41")
    for name, value in (("custom:tier", "platinum"), ("custom:age", "forty"), ("custom:nope", "x")):
        with pytest.raises(idp.exceptions.InvalidParameterException):
            idp.admin_update_user_attributes(
                UserPoolId=pid, Username="pia", UserAttributes=[{"Name": name, "Value": value}]
            )
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.admin_update_user_attributes(
            UserPoolId=pid, Username="pia", UserAttributes=[{"Name": "custom:origin", "Value": "app"}]
        )
    a = attrs(idp.admin_get_user(UserPoolId=pid, Username="pia"), "UserAttributes")
    assert (a["custom:origin"], a["custom:age"]) == ("web", "41"), "refused updates change nothing"
    idp.add_custom_attributes(UserPoolId=pid, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
    idp.admin_update_user_attributes(
        UserPoolId=pid, Username="pia", UserAttributes=[{"Name": "custom:plan", "Value": "pro"}]
    )
    assert attrs(idp.admin_get_user(UserPoolId=pid, Username="pia"), "UserAttributes")["custom:plan"] == "pro"


def test_case_insensitive_pool_treats_case_variants_as_one_user(idp):
    pid = idp.create_user_pool(PoolName="ci", UsernameConfiguration={"CaseSensitive": False})["UserPool"]["Id"]
    new_user(idp, pid, "Quinn")
    with pytest.raises(idp.exceptions.UsernameExistsException):
        new_user(idp, pid, "quinn")
    assert idp.admin_get_user(UserPoolId=pid, Username="QUINN")["Username"] == "Quinn"


def test_case_sensitive_pool_keeps_case_variants_apart(idp):
    pid = idp.create_user_pool(PoolName="cs", UsernameConfiguration={"CaseSensitive": True})["UserPool"]["Id"]
    new_user(idp, pid, "Rita")
    new_user(idp, pid, "rita")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pid, Username="RITA")


def test_pool_created_without_username_configuration_is_case_sensitive(idp, pool_id):
    new_user(idp, pool_id, "Sam")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="sam")


def test_deleted_pool_is_gone(idp):
    pid = idp.create_user_pool(PoolName="doomed")["UserPool"]["Id"]
    new_user(idp, pid, "tom")
    idp.delete_user_pool(UserPoolId=pid)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool(UserPoolId=pid)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.admin_get_user(UserPoolId=pid, Username="tom")


# ----- ListUsers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crowded_pool(idp):
    pid = idp.create_user_pool(PoolName="crowded")["UserPool"]["Id"]
    names = ["adam", "alba", "alex", "amos", "anna", "aria", "ava", "bea", "bo", "cy"]
    for n in names:
        new_user(idp, pid, n, email=f"{n}@example.com", name=n.title())
    return pid, names


def test_list_users_filters_by_email_prefix_and_pages_each_user_exactly_once(idp, crowded_pool):
    pid, names = crowded_pool
    expected = sorted(n for n in names if n.startswith("a"))
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"UserPoolId": pid, "Filter": 'email ^= "a"', "Limit": 3}
        if token:
            kwargs["PaginationToken"] = token
        out = idp.list_users(**kwargs)
        assert len(out["Users"]) <= 3, "Limit caps the page"
        seen += [u["Username"] for u in out["Users"]]
        pages += 1
        token = out.get("PaginationToken")
        if not token:
            break
        assert pages < 20, "paging ends"
    assert sorted(seen) == expected, "every matching user once, no others"
    assert len(seen) == len(set(seen))
    assert pages >= 3, "7 users at 3 a page take 3 pages"


def test_list_users_paginator(idp, crowded_pool):
    pid, names = crowded_pool
    pages = idp.get_paginator("list_users").paginate(
        UserPoolId=pid, PaginationConfig={"PageSize": 4}
    )
    seen = [u["Username"] for page in pages for u in page["Users"]]
    assert sorted(seen) == sorted(names), "botocore's paginator follows PaginationToken to the end"


def test_list_users_exact_filter_and_attributes_to_get(idp, crowded_pool):
    pid, _ = crowded_pool
    out = idp.list_users(UserPoolId=pid, Filter='email = "alex@example.com"', AttributesToGet=["email"])
    assert [u["Username"] for u in out["Users"]] == ["alex"]
    assert out["Users"][0]["Attributes"] == [{"Name": "email", "Value": "alex@example.com"}], (
        "AttributesToGet returns only those attributes"
    )
    out = idp.list_users(UserPoolId=pid, Filter='username = "bo"')
    assert [u["Username"] for u in out["Users"]] == ["bo"]
    assert idp.list_users(UserPoolId=pid, Filter='email ^= "zzz"')["Users"] == []
    out = idp.list_users(UserPoolId=pid, Filter='cognito:user_status = "FORCE_CHANGE_PASSWORD"', Limit=60)
    assert len(out["Users"]) == 10


def test_list_users_refuses_bad_filters_and_limits(idp, crowded_pool):
    pid, _ = crowded_pool
    for bad in ("email", 'email ~ "a"', 'custom:tier = "x"', 'email = "a" and name = "b"', 'nosuch = "a"'):
        with pytest.raises(idp.exceptions.InvalidParameterException):
            idp.list_users(UserPoolId=pid, Filter=bad)
    with pytest.raises(idp.exceptions.InvalidParameterException) as e:
        idp.list_users(UserPoolId=pid, Limit=61)
    assert code(e) == "InvalidParameterException"
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.list_users(UserPoolId=pid, PaginationToken="bm90LWEtdG9rZW4")
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.list_users(UserPoolId=pid, AttributesToGet=["custom:nope"])


# ----- groups -----------------------------------------------------------------------------


def test_groups(idp, pool_id):
    for u in ("lena", "mike"):
        new_user(idp, pool_id, u)
    g = idp.create_group(
        UserPoolId=pool_id,
        GroupName="admins",
        Description="Administrators",
        Precedence=1,
        RoleArn="arn:aws:iam::000000000000:role/admin",
    )["Group"]
    assert (g["GroupName"], g["Precedence"], g["UserPoolId"]) == ("admins", 1, pool_id)
    idp.create_group(UserPoolId=pool_id, GroupName="readers")

    got = idp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"]
    assert got["Description"] == "Administrators" and got["RoleArn"].endswith("role/admin")
    updated = idp.update_group(UserPoolId=pool_id, GroupName="admins", Description="Admins", Precedence=0)["Group"]
    assert (updated["Description"], updated["Precedence"]) == ("Admins", 0)
    assert updated["RoleArn"] == got["RoleArn"], "members left out of UpdateGroup keep their value"

    listed = idp.list_groups(UserPoolId=pool_id)["Groups"]
    assert {x["GroupName"] for x in listed} == {"admins", "readers"}

    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="lena", GroupName="admins")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="lena", GroupName="readers")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="mike", GroupName="readers")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="mike", GroupName="readers")  # idempotent, as in Cognito

    lena_groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="lena")["Groups"]
    assert {x["GroupName"] for x in lena_groups} == {"admins", "readers"}
    readers = idp.list_users_in_group(UserPoolId=pool_id, GroupName="readers")["Users"]
    assert sorted(u["Username"] for u in readers) == ["lena", "mike"]

    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username="lena", GroupName="readers")
    readers = idp.list_users_in_group(UserPoolId=pool_id, GroupName="readers")["Users"]
    assert [u["Username"] for u in readers] == ["mike"]
    assert [x["GroupName"] for x in idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="lena")["Groups"]] == [
        "admins"
    ]

    idp.delete_group(UserPoolId=pool_id, GroupName="readers")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.get_group(UserPoolId=pool_id, GroupName="readers")
    assert idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="mike")["Groups"] == [], (
        "deleting a group removes its memberships"
    )


def test_group_errors(idp, pool_id):
    idp.create_group(UserPoolId=pool_id, GroupName="ops")
    with pytest.raises(idp.exceptions.GroupExistsException):
        idp.create_group(UserPoolId=pool_id, GroupName="ops")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.get_group(UserPoolId=pool_id, GroupName="nope")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.list_users_in_group(UserPoolId=pool_id, GroupName="nope")
    new_user(idp, pool_id, "nina")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="nina", GroupName="nope")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ghost", GroupName="ops")


def test_groups_page_with_limit_and_next_token(idp, pool_id):
    for i in range(5):
        idp.create_group(UserPoolId=pool_id, GroupName=f"g{i}")
    pages = idp.get_paginator("list_groups").paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 2})
    names = [g["GroupName"] for p in pages for g in p["Groups"]]
    assert sorted(names) == [f"g{i}" for i in range(5)]


# ----- the workspace that requires signatures --------------------------------------------------


@pytest.fixture
def locked(fresh_server):
    """A fresh server whose workspace requires SigV4, and the key pair it issued."""
    key = fresh_server.poolhouse("CreateAccessKey")
    ws = fresh_server.poolhouse("UpdateWorkspace", {"RequireSignature": True})
    assert ws["Workspace"]["RequireSignature"] is True
    assert key["AccessKeyId"] in ws["Workspace"]["AccessKeyIds"]
    return fresh_server, key["AccessKeyId"], key["SecretAccessKey"]


def test_locked_workspace_accepts_boto3_signed_with_its_key(locked):
    server, key, secret = locked
    idp = server.client(key, secret)
    pid = idp.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    new_user(idp, pid, "olga")
    assert [u["Username"] for u in idp.list_users(UserPoolId=pid)["Users"]] == ["olga"]


def test_locked_workspace_refuses_a_wrong_secret(locked):
    server, key, secret = locked
    idp = server.client(key, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.list_user_pools(MaxResults=5)
    assert code(e) == "InvalidSignatureException"


def test_locked_workspace_refuses_an_unknown_key_and_unsigned_calls(locked):
    server, _, secret = locked
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client("AKIDEXAMPLE", "secret").list_user_pools(MaxResults=5)
    assert code(e) == "UnrecognizedClientException"
    status, headers, body = server.call("AWSCognitoIdentityProviderService.ListUserPools", {"MaxResults": 5})
    assert (status, body["__type"]) == (400, "MissingAuthenticationTokenException")
    assert {k.lower(): v for k, v in headers.items()}["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_unlocked_workspace_takes_any_credentials(fresh_server):
    # The default: a local endpoint takes boto3's dummy credentials.
    assert fresh_server.poolhouse("DescribeWorkspace")["Workspace"]["RequireSignature"] is False
    idp = fresh_server.client("anything", "at all")
    assert idp.list_user_pools(MaxResults=5)["UserPools"] == []
