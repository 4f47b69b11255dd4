"""Sign-in against `poolhouse serve` with boto3, and its tokens checked by PyJWT against the
pool's JWKS URL, as an application's backend would check them.
"""

from __future__ import annotations

import re
import uuid

import botocore.exceptions
import jwt
import pytest

PASSWORD = "Correct-Horse-9"


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


@pytest.fixture
def app(idp):
    """A pool, a client allowing the password flows, and a confirmed user."""
    pool = idp.create_user_pool(
        PoolName=f"signin-{uuid.uuid4().hex[:8]}", AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="web",
        ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
        EnableTokenRevocation=True,
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool,
        Username="alice",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    return pool, client


def sign_in(idp, client, username="alice", password=PASSWORD):
    return idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def test_pyjwt_verifies_id_and_access_tokens_against_the_jwks_url(server, idp, app):
    pool, client = app
    result = sign_in(idp, client)["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600

    jwks = jwt.PyJWKClient(f"{server.url}/{pool}/.well-known/jwks.json")
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"

    id_key = jwks.get_signing_key_from_jwt(result["IdToken"])
    claims = jwt.decode(
        result["IdToken"], id_key.key, algorithms=["RS256"], audience=client, issuer=issuer
    )
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == "alice"
    assert claims["email"] == "alice@example.com" and claims["email_verified"] is True

    access_key = jwks.get_signing_key_from_jwt(result["AccessToken"])
    access = jwt.decode(
        result["AccessToken"],
        access_key.key,
        algorithms=["RS256"],
        issuer=issuer,
        options={"verify_aud": False, "require": ["exp", "iat", "iss", "sub", "client_id"]},
    )
    assert access["token_use"] == "access" and access["client_id"] == client
    assert access["origin_jti"] == claims["origin_jti"]
    assert id_key.key_id != access_key.key_id, "ID and access tokens use separate keys"

    # A token whose payload was changed fails PyJWT's signature check.
    head, payload, sig = result["AccessToken"].split(".")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{head}.{payload}A.{sig}", access_key.key, algorithms=["RS256"],
                   options={"verify_aud": False})

    conf = server.call_get(f"/{pool}/.well-known/openid-configuration")
    assert conf["issuer"] == issuer
    assert conf["jwks_uri"] == f"{server.url}/{pool}/.well-known/jwks.json"


def test_refresh_get_user_and_global_sign_out(idp, app):
    pool, client = app
    first = sign_in(idp, client)["AuthenticationResult"]
    me = idp.get_user(AccessToken=first["AccessToken"])
    assert me["Username"] == "alice"
    assert {a["Name"]: a["Value"] for a in me["UserAttributes"]}["email"] == "alice@example.com"

    refreshed = idp.initiate_auth(
        ClientId=client,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    idp.get_user(AccessToken=refreshed["AccessToken"])

    idp.global_sign_out(AccessToken=refreshed["AccessToken"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.get_user(AccessToken=first["AccessToken"])
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Access Token has been revoked"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.initiate_auth(
            ClientId=client,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert code(e) == "NotAuthorizedException"

    # RevokeToken ends one sign-in.
    a = sign_in(idp, client)["AuthenticationResult"]
    b = sign_in(idp, client)["AuthenticationResult"]
    idp.revoke_token(Token=a["RefreshToken"], ClientId=client)
    with pytest.raises(botocore.exceptions.ClientError):
        idp.get_user(AccessToken=a["AccessToken"])
    idp.get_user(AccessToken=b["AccessToken"])
    idp.admin_user_global_sign_out(UserPoolId=pool, Username="alice")
    with pytest.raises(botocore.exceptions.ClientError):
        idp.get_user(AccessToken=b["AccessToken"])


def test_disabling_a_user_revokes_the_tokens_they_had(idp, app):
    # As Cognito: enabling the user again does not bring the old sign-in back.
    pool, client = app
    old = sign_in(idp, client)["AuthenticationResult"]
    idp.admin_disable_user(UserPoolId=pool, Username="alice")
    idp.admin_enable_user(UserPoolId=pool, Username="alice")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.get_user(AccessToken=old["AccessToken"])
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Access Token has been revoked"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.initiate_auth(
            ClientId=client,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": old["RefreshToken"]},
        )
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Refresh Token has been revoked"
    idp.get_user(AccessToken=sign_in(idp, client)["AuthenticationResult"]["AccessToken"])


def test_wrong_passwords_lock_the_user_out_and_an_admin_unlocks(server, idp, app):
    pool, client = app
    for _ in range(5):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            sign_in(idp, client, password="wrong-password-1")
        assert code(e) == "NotAuthorizedException"
        assert message(e) == "Incorrect username or password."
    # The right password waits out the lockout. This client hides who exists
    # (PreventUserExistenceErrors ENABLED), so the refusal reads like an unknown user's.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sign_in(idp, client)
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Incorrect username or password.", "a lockout must not reveal the user"
    # With LEGACY errors the lockout says what it is, as Cognito does.
    idp.update_user_pool_client(
        UserPoolId=pool,
        ClientId=client,
        ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
        EnableTokenRevocation=True,
        PreventUserExistenceErrors="LEGACY",
    )
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sign_in(idp, client)
    assert message(e) == "Password attempts exceeded", "the right password waits out the lockout"

    events = idp.admin_list_user_auth_events(UserPoolId=pool, Username="alice", MaxResults=10)
    responses = [ev["EventResponse"] for ev in events["AuthEvents"]]
    assert responses[:7] == ["Fail"] * 7
    assert all(ev["EventType"] == "SignIn" for ev in events["AuthEvents"])

    server.poolhouse("UnlockUser", {"UserPoolId": pool, "Username": "alice"})
    assert "AuthenticationResult" in sign_in(idp, client)


def test_new_password_required_and_admin_flows(idp, app):
    pool, client = app
    idp.admin_create_user(
        UserPoolId=pool, Username="bob", TemporaryPassword="Temp-Passw0rd", MessageAction="SUPPRESS"
    )
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Temp-Passw0rd"},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "bob"
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool,
        ClientId=client,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": "Brand-New-Passw0rd"},
    )
    assert "IdToken" in done["AuthenticationResult"]
    assert idp.admin_get_user(UserPoolId=pool, Username="bob")["UserStatus"] == "CONFIRMED"

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.initiate_auth(
            ClientId=client,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "bob", "SRP_A": "1"},
        )
    assert code(e) == "InvalidParameterException", "the client does not allow SRP"


def test_sign_up_confirm_and_forgot_password_through_the_outbox(server, idp, app):
    pool, client = app
    r = idp.sign_up(
        ClientId=client,
        Username="carol",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )
    assert r["UserConfirmed"] is False
    assert r["CodeDeliveryDetails"] == {
        "Destination": "c***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert re.fullmatch(r"[0-9a-f-]{36}", r["UserSub"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sign_in(idp, client, "carol")
    assert code(e) == "UserNotConfirmedException"

    def last_code() -> str:
        msgs = server.poolhouse("ListOutboxMessages", {"UserPoolId": pool, "Limit": 1})["Messages"]
        return re.search(r"\d{6}", msgs[0]["Body"]).group(0)

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.confirm_sign_up(ClientId=client, Username="carol",
                            ConfirmationCode="000000" if last_code() != "000000" else "111111")
    assert code(e) == "CodeMismatchException"
    idp.confirm_sign_up(ClientId=client, Username="carol", ConfirmationCode=last_code())
    assert "AuthenticationResult" in sign_in(idp, client, "carol")

    d = idp.forgot_password(ClientId=client, Username="carol")["CodeDeliveryDetails"]
    assert d["DeliveryMedium"] == "EMAIL"
    idp.confirm_forgot_password(
        ClientId=client, Username="carol", ConfirmationCode=last_code(), Password="Another-Horse-7"
    )
    assert "AuthenticationResult" in sign_in(idp, client, "carol", "Another-Horse-7")

    idp.admin_reset_user_password(UserPoolId=pool, Username="carol")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sign_in(idp, client, "carol", "Another-Horse-7")
    assert code(e) == "PasswordResetRequiredException"


def test_public_operations_need_no_signature_when_admin_ones_do(fresh_server):
    keys = fresh_server.poolhouse("CreateAccessKey")
    admin = fresh_server.client(keys["AccessKeyId"], keys["SecretAccessKey"])
    pool = admin.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    client = admin.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    admin.admin_create_user(UserPoolId=pool, Username="dan", MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId=pool, Username="dan", Password=PASSWORD, Permanent=True)
    fresh_server.poolhouse("UpdateWorkspace", {"RequireSignature": True})

    stranger = fresh_server.client("AKIDUNKNOWN", "nope")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        stranger.list_user_pools(MaxResults=1)
    assert code(e) == "UnrecognizedClientException"
    # botocore sends InitiateAuth unsigned (the model marks it noAuth): it must still work.
    tokens = sign_in(stranger, client, "dan")["AuthenticationResult"]
    assert stranger.get_user(AccessToken=tokens["AccessToken"])["Username"] == "dan"


def _srp_app(idp, username_attributes=None):
    kwargs = {"UsernameAttributes": username_attributes} if username_attributes else {}
    pool = idp.create_user_pool(PoolName=f"srp-{uuid.uuid4().hex[:8]}", **kwargs)["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="amplify-like",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool, client


def test_pycognito_signs_in_over_user_srp_auth(server, idp):
    from pycognito.aws_srp import AWSSRP

    pool, client = _srp_app(idp)
    idp.sign_up(ClientId=client, Username="erin", Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="erin")

    srp = AWSSRP(username="erin", password=PASSWORD, pool_id=pool, client_id=client, client=idp)
    tokens = srp.authenticate_user()["AuthenticationResult"]
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert claims["cognito:username"] == "erin"
    jwks = jwt.PyJWKClient(f"{server.url}/{pool}/.well-known/jwks.json")
    jwt.decode(
        tokens["AccessToken"],
        jwks.get_signing_key_from_jwt(tokens["AccessToken"]).key,
        algorithms=["RS256"],
        options={"verify_aud": False},
    )

    wrong = AWSSRP(username="erin", password="Wrong-Horse-9", pool_id=pool, client_id=client, client=idp)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        wrong.authenticate_user()
    assert code(e) == "NotAuthorizedException"
    assert message(e) == "Incorrect username or password."


def test_srp_with_email_as_username_and_a_changed_password(idp):
    from pycognito.aws_srp import AWSSRP

    pool, client = _srp_app(idp, ["email"])
    idp.admin_create_user(
        UserPoolId=pool,
        Username="fay@example.com",
        UserAttributes=[{"Name": "email", "Value": "fay@example.com"}],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(UserPoolId=pool, Username="fay@example.com", Password=PASSWORD, Permanent=True)
    ok = AWSSRP(username="fay@example.com", password=PASSWORD, pool_id=pool, client_id=client, client=idp)
    assert "AuthenticationResult" in ok.authenticate_user()

    idp.admin_set_user_password(
        UserPoolId=pool, Username="fay@example.com", Password="Changed-Horse-3", Permanent=True
    )
    stale = AWSSRP(username="fay@example.com", password=PASSWORD, pool_id=pool, client_id=client, client=idp)
    with pytest.raises(botocore.exceptions.ClientError):
        stale.authenticate_user()
    fresh = AWSSRP(username="fay@example.com", password="Changed-Horse-3", pool_id=pool, client_id=client, client=idp)
    assert "AuthenticationResult" in fresh.authenticate_user()


def totp(secret_b32: str, at: float) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 15
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_required_mfa_sets_up_an_authenticator_then_asks_for_its_codes(idp):
    import time

    pool = idp.create_user_pool(PoolName=f"mfa-{uuid.uuid4().hex[:8]}", MfaConfiguration="OFF")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    assert idp.get_user_pool_mfa_config(UserPoolId=pool)["MfaConfiguration"] == "ON"
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="gus", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="gus", Password=PASSWORD, Permanent=True)

    setup = sign_in(idp, client, "gus")
    assert setup["ChallengeName"] == "MFA_SETUP"
    assoc = idp.associate_software_token(Session=setup["Session"])
    secret = assoc["SecretCode"]
    verified = idp.verify_software_token(
        Session=assoc["Session"], UserCode=totp(secret, time.time()), FriendlyDeviceName="phone"
    )
    assert verified["Status"] == "SUCCESS"
    done = idp.respond_to_auth_challenge(
        ClientId=client,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "gus"},
    )
    assert "AccessToken" in done["AuthenticationResult"]
    user = idp.admin_get_user(UserPoolId=pool, Username="gus")
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    challenge = sign_in(idp, client, "gus")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.respond_to_auth_challenge(
            ClientId=client,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "gus", "SOFTWARE_TOKEN_MFA_CODE": "000000"
                                if totp(secret, time.time() + 30) != "000000" else "111111"},
        )
    assert code(e) == "CodeMismatchException"
    # The set-up used this 30-second step's code; the next step's is within the allowed skew.
    tokens = idp.respond_to_auth_challenge(
        ClientId=client,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "gus", "SOFTWARE_TOKEN_MFA_CODE": totp(secret, time.time() + 30)},
    )["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    # Support's "reset MFA": the next sign-in asks for set-up again.
    idp.admin_delete_software_token(UserPoolId=pool, Username="gus")
    assert sign_in(idp, client, "gus")["ChallengeName"] == "MFA_SETUP"


def test_required_mfa_sets_up_email_codes_with_an_address(server, idp):
    pool = idp.create_user_pool(PoolName=f"mfa-{uuid.uuid4().hex[:8]}", MfaConfiguration="OFF")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={},
        MfaConfiguration="ON",
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="hal", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="hal", Password=PASSWORD, Permanent=True)

    setup = sign_in(idp, client, "hal")
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]'
    # What Amplify's confirmSignIn sends for an email address at MFA_SETUP.
    otp = idp.respond_to_auth_challenge(
        ClientId=client,
        ChallengeName="MFA_SETUP",
        Session=setup["Session"],
        ChallengeResponses={"USERNAME": "hal", "EMAIL": "hal@example.com"},
    )
    assert otp["ChallengeName"] == "EMAIL_OTP"
    assert otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    message = server.poolhouse("ListOutboxMessages", {"UserPoolId": pool, "Limit": 1})["Messages"][0]
    assert message["Destination"] == "hal@example.com"
    sent = re.search(r"\d{6}", message["Body"]).group(0)
    tokens = idp.respond_to_auth_challenge(
        ClientId=client,
        ChallengeName="EMAIL_OTP",
        Session=otp["Session"],
        ChallengeResponses={"USERNAME": "hal", "EMAIL_OTP_CODE": sent},
    )["AuthenticationResult"]
    me = idp.get_user(AccessToken=tokens["AccessToken"])
    assert me["UserMFASettingList"] == ["EMAIL_OTP"]
    attrs = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    assert attrs["email"] == "hal@example.com" and attrs["email_verified"] == "true"
    assert sign_in(idp, client, "hal")["ChallengeName"] == "EMAIL_OTP"


def test_users_update_and_verify_their_own_email(server, idp, app):
    pool, client = app
    token = sign_in(idp, client)["AuthenticationResult"]["AccessToken"]
    out = idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "alice@new.example"}]
    )
    assert out["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    attrs = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attrs["email"] == "alice@new.example" and attrs["email_verified"] == "false"

    sent = idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    body = server.poolhouse("ListOutboxMessages", {"UserPoolId": pool, "Limit": 1})["Messages"][0]["Body"]
    otp = re.search(r"\d{6}", body).group(0)
    with pytest.raises(botocore.exceptions.ClientError) as wrong:
        idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code="000000")
    assert code(wrong) == "CodeMismatchException"
    idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=otp)
    attrs = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attrs["email_verified"] == "true"
