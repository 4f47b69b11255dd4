"""boto3 against `poolhouse serve`: a user pool's identity providers (Create, Describe, Update,
Delete, List, GetIdentityProviderByIdentifier), app clients that list them, and the links of
provider identities to users (AdminLinkProviderForUser, AdminDisableProviderForUser), with
each refusal as Amazon Cognito answers it.

An OIDC provider's discovery document is served by the test on the loopback; a SAML provider's
metadata carries a certificate the test makes. Each test makes its own pool.
"""

from __future__ import annotations

import base64
import datetime
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def google(pool_id: str, **extra) -> dict:
    body = {
        "UserPoolId": pool_id,
        "ProviderName": "Google",
        "ProviderType": "Google",
        "ProviderDetails": {
            "client_id": "google-client",
            "client_secret": "google-secret",
            "authorize_scopes": "openid email profile",
        },
        "AttributeMapping": {"email": "email", "name": "name"},
    }
    body.update(extra)
    return body


def saml_metadata(entity_id: str) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "peers idp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    der = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


class Issuer:
    """An OIDC provider's discovery document at `/idp/.well-known/openid-configuration`."""

    def __init__(self):
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/idp/.well-known/openid-configuration":
                    self.send_error(404)
                    return
                base = issuer.issuer
                data = json.dumps(
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "userinfo_endpoint": f"{base}/userinfo",
                        "jwks_uri": f"{base}/jwks",
                    }
                ).encode()
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


@pytest.fixture(scope="module")
def issuer():
    i = Issuer()
    yield i
    i.httpd.shutdown()


def test_a_google_provider_round_trips_with_the_details_cognito_sets(idp, pool_id):
    created = idp.create_identity_provider(**google(pool_id, IdpIdentifiers=["example.com"]))
    p = created["IdentityProvider"]
    assert p["ProviderName"] == "Google" and p["ProviderType"] == "Google"
    assert p["ProviderDetails"]["client_secret"] == "google-secret"
    assert p["ProviderDetails"]["oidc_issuer"] == "https://accounts.google.com"
    assert p["ProviderDetails"]["authorize_url"].startswith("https://accounts.google.com/")
    assert p["ProviderDetails"]["token_request_method"] == "POST"
    assert p["AttributeMapping"] == {"email": "email", "name": "name", "username": "sub"}
    assert isinstance(p["CreationDate"], datetime.datetime)

    d = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert d["IdentityProvider"]["IdpIdentifiers"] == ["example.com"]
    by_id = idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="example.com")
    assert by_id["IdentityProvider"]["ProviderName"] == "Google"

    updated = idp.update_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Google",
        AttributeMapping={"email": "email"},
        IdpIdentifiers=["example.org"],
    )["IdentityProvider"]
    assert updated["AttributeMapping"] == {"email": "email", "username": "sub"}
    assert updated["ProviderDetails"]["client_secret"] == "google-secret"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="example.com")
    assert code(e) == "ResourceNotFoundException"

    listed = idp.list_identity_providers(UserPoolId=pool_id)["Providers"]
    assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("Google", "Google")]

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_identity_provider(**google(pool_id))
    assert code(e) == "DuplicateProviderException"

    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert code(e) == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert code(e) == "ResourceNotFoundException"


def test_oidc_endpoints_come_from_discovery_when_not_given(idp, pool_id, issuer):
    name = unique("Corp")
    details = {
        "client_id": "corp-client",
        "client_secret": "corp-secret",
        "attributes_request_method": "GET",
        "oidc_issuer": issuer.issuer,
        "authorize_scopes": "openid email",
    }
    p = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName=name, ProviderType="OIDC", ProviderDetails=details
    )["IdentityProvider"]
    assert p["ProviderDetails"]["oidc_issuer"] == issuer.issuer
    assert "authorize_url" not in p["ProviderDetails"]
    assert p["AttributeMapping"] == {"username": "sub"}

    # A provider whose issuer does not answer must give its endpoints.
    dead = dict(details, oidc_issuer="http://127.0.0.1:9/nobody")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_identity_provider(
            UserPoolId=pool_id, ProviderName=unique("Dead"), ProviderType="OIDC",
            ProviderDetails=dead,
        )
    assert code(e) == "InvalidParameterException"
    assert "oidc_issuer" in message(e)
    given = dict(
        dead,
        authorize_url="https://idp.example/authorize",
        token_url="https://idp.example/token",
        attributes_url="https://idp.example/userinfo",
        jwks_uri="https://idp.example/jwks",
    )
    p = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName=unique("Given"), ProviderType="OIDC",
        ProviderDetails=given,
    )["IdentityProvider"]
    assert p["ProviderDetails"]["jwks_uri"] == "https://idp.example/jwks"


def test_a_saml_provider_needs_metadata_that_reads(idp, pool_id):
    name = unique("Saml")
    p = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": saml_metadata("https://idp.example/saml"), "IDPSignout": "true"},
        AttributeMapping={"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
        IdpIdentifiers=["corp.example"],
    )["IdentityProvider"]
    assert p["ProviderDetails"]["IDPSignout"] == "true"
    # Read from the metadata, as Cognito shows it.
    assert p["ProviderDetails"]["SSORedirectBindingURI"] == "https://idp.example/sso"
    assert "SLORedirectBindingURI" not in p["ProviderDetails"]
    assert "username" not in p["AttributeMapping"]

    cases = [
        ({"MetadataFile": "<html/>"}, "MetadataFile"),
        ({"IDPSignout": "true"}, "MetadataFile"),
        ({"MetadataFile": saml_metadata("x"), "IDPSignout": "yes"}, "IDPSignout"),
        ({"MetadataFile": saml_metadata("x"), "RequestSigningAlgorithm": "rsa-sha1"}, "RequestSigningAlgorithm"),
    ]
    for details, field in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            idp.create_identity_provider(
                UserPoolId=pool_id, ProviderName=unique("Bad"), ProviderType="SAML",
                ProviderDetails=details,
            )
        assert code(e) == "InvalidParameterException", details
        assert field in message(e), (details, message(e))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_identity_provider(
            UserPoolId=pool_id, ProviderName=unique("Other"), ProviderType="SAML",
            ProviderDetails={"MetadataFile": saml_metadata("y")},
            IdpIdentifiers=["corp.example"],
        )
    assert code(e) == "DuplicateProviderException"


def test_bad_requests_are_refused_naming_the_member(idp, pool_id):
    cases = [
        (dict(google(pool_id), ProviderName="MyGoogle"), "ProviderName"),
        (dict(google(pool_id), ProviderType="LDAP"), "ProviderType"),
        (
            dict(google(pool_id), ProviderDetails={"client_id": "a", "authorize_scopes": "email"}),
            "client_secret",
        ),
        (dict(google(pool_id), AttributeMapping={"custom:tenant": "hd"}), "custom:tenant"),
        (dict(google(pool_id), IdpIdentifiers=["a/b"]), "IdpIdentifiers[0]"),
        (
            {
                "UserPoolId": pool_id, "ProviderName": "SignInWithApple",
                "ProviderType": "SignInWithApple",
                "ProviderDetails": {"client_id": "a", "team_id": "t", "key_id": "k",
                                    "private_key": "not a key", "authorize_scopes": "email"},
            },
            "private_key",
        ),
    ]
    for body, member in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            idp.create_identity_provider(**body)
        assert code(e) == "InvalidParameterException", body
        assert member in message(e), (member, message(e))
    assert idp.list_identity_providers(UserPoolId=pool_id)["Providers"] == []

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_identity_provider(**google("us-east-1_nothere00"))
    assert code(e) == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.update_identity_provider(UserPoolId=pool_id, ProviderName="COGNITO", ProviderDetails={})
    assert code(e) == "UnsupportedIdentityProviderException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="COGNITO")
    assert code(e) == "UnsupportedIdentityProviderException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.list_identity_providers(UserPoolId=pool_id, MaxResults=61)
    assert code(e) == "InvalidParameterException"


def test_apples_private_key_is_never_answered(idp, pool_id):
    p = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="SignInWithApple",
        ProviderType="SignInWithApple",
        ProviderDetails={
            "client_id": "com.example.app", "team_id": "TEAM123", "key_id": "KEY123",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIGTAgEA\n-----END PRIVATE KEY-----",
            "authorize_scopes": "email name",
        },
    )["IdentityProvider"]
    assert "private_key" not in p["ProviderDetails"]
    d = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="SignInWithApple")
    assert "private_key" not in d["IdentityProvider"]["ProviderDetails"]
    assert d["IdentityProvider"]["ProviderDetails"]["team_id"] == "TEAM123"


def test_listing_pages_through_providers(idp, pool_id):
    names = sorted(unique(f"P{i}") for i in range(5))
    for n in names:
        idp.create_identity_provider(
            UserPoolId=pool_id, ProviderName=n, ProviderType="SAML",
            ProviderDetails={"MetadataFile": saml_metadata(f"https://{n}.example")},
        )
    seen, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        page = idp.list_identity_providers(UserPoolId=pool_id, MaxResults=2, **kw)
        seen += [p["ProviderName"] for p in page["Providers"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names


def test_app_clients_list_providers_and_lose_a_deleted_one(idp, pool_id):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", SupportedIdentityProviders=["COGNITO", "Google"]
        )
    assert code(e) == "InvalidParameterException"
    assert "Google" in message(e)
    idp.create_identity_provider(**google(pool_id))
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", SupportedIdentityProviders=["COGNITO", "Google"]
    )["UserPoolClient"]
    assert client["SupportedIdentityProviders"] == ["COGNITO", "Google"]
    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    after = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])
    assert after["UserPoolClient"]["SupportedIdentityProviders"] == ["COGNITO"]


def test_linking_and_disabling_a_provider_identity(idp, pool_id):
    idp.create_identity_provider(**google(pool_id))
    idp.admin_create_user(UserPoolId=pool_id, Username="ana", MessageAction="SUPPRESS")

    def link(dest="ana", attr="Cognito_Subject", provider="Google"):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id,
            DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": dest},
            SourceUser={"ProviderName": provider, "ProviderAttributeName": attr,
                        "ProviderAttributeValue": "108234"},
        )

    for kw, want in [
        ({"dest": "nobody"}, "UserNotFoundException"),
        ({"attr": "email"}, "InvalidParameterException"),
        ({"provider": "Facebook"}, "InvalidParameterException"),
        ({"provider": "Cognito"}, "InvalidParameterException"),
    ]:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            link(**kw)
        assert code(e) == want, (kw, message(e))

    link()
    attrs = {
        a["Name"]: a["Value"]
        for a in idp.admin_get_user(UserPoolId=pool_id, Username="ana")["UserAttributes"]
    }
    identities = json.loads(attrs["identities"])
    assert identities[0]["userId"] == "108234"
    assert identities[0]["providerName"] == "Google"
    assert identities[0]["providerType"] == "Google"
    assert "dateCreated" in identities[0]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        link()
    assert code(e) == "AliasExistsException"

    user = {"ProviderName": "Google", "ProviderAttributeName": "Cognito_Subject",
            "ProviderAttributeValue": "108234"}
    idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=user)
    attrs = {
        a["Name"]: a["Value"]
        for a in idp.admin_get_user(UserPoolId=pool_id, Username="ana")["UserAttributes"]
    }
    assert "identities" not in attrs
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=user)
    assert code(e) == "UserNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.admin_disable_provider_for_user(
            UserPoolId=pool_id, User=dict(user, ProviderName="Nobody")
        )
    assert code(e) == "InvalidParameterException"
