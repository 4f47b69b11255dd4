"""SAML sign-in into a user pool, from the outside: boto3 sets up the pool, a SAML provider
(metadata with a certificate the test makes, an HTTP-Redirect SSO URL) and an app client;
`requests` plays the browser. The authorize request goes to the IdP with an AuthnRequest
(read back here: the pool's SP entity id, its ACS URL); the test signs an assertion for it
with its own key, as an IdP does (enveloped XML signature, exclusive c14n, RSA-SHA256), posts it
to `/saml2/idpresponse`, lands at the app with a code and redeems it for tokens that carry the
`identities` claim. The same response again is refused, and so is an unsigned one.

With `EncryptedResponses`, the test encrypts the signed assertion as an IdP does (XML
Encryption with Python's `cryptography`: RSA-OAEP wrapping an AES-GCM or AES-CBC key) to the
certificate DescribeIdentityProvider shows as `ActiveEncryptionCertificate`, which boto3 may not
send; a plain assertion is refused then.

The signed XML is written here already in exclusive canonical form (declarations where used,
attributes in order, no empty-element tags), so its digest is that of its own text: no XML
security library is needed, and the server's c14n is checked against an independent writer.
"""

from __future__ import annotations

import base64
import json
import datetime
import hashlib
import os
import uuid
import zlib
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as block_padding
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

CALLBACK = "https://app.test/callback"
SSO = "https://idp.peers.test/sso"
ENTITY = "https://idp.peers.test/metadata"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


class Idp:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "peers saml idp")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .sign(self.key, hashes.SHA256())
        )
        self.cert_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()

    def metadata(self) -> str:
        return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{ENTITY}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data><ds:X509Certificate>{self.cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{SSO}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""

    def response(
        self, request: dict, name_id: str, mail: str, sign: bool = True,
        encrypt_to: bytes | None = None, gcm: bool = True,
    ) -> str:
        """A response to `request` (id, issuer, acs) of one assertion, signed when `sign`,
        encrypted to the certificate `encrypt_to` (DER) when given."""
        now = datetime.datetime.now(datetime.timezone.utc)
        t = lambda d: (now + datetime.timedelta(seconds=d)).strftime("%Y-%m-%dT%H:%M:%SZ")
        aid = "_" + uuid.uuid4().hex
        issuer = f"<saml:Issuer>{ENTITY}</saml:Issuer>"
        body = (
            "<saml:Subject>"
            '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
            f"{name_id}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData InResponseTo="{request["id"]}" '
            f'NotOnOrAfter="{t(300)}" Recipient="{request["acs"]}"></saml:SubjectConfirmationData>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{t(-60)}" NotOnOrAfter="{t(300)}">'
            f"<saml:AudienceRestriction><saml:Audience>{request['issuer']}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            '<saml:AttributeStatement><saml:Attribute Name="mail">'
            f"<saml:AttributeValue>{mail}</saml:AttributeValue></saml:Attribute>"
            "</saml:AttributeStatement>"
        )
        head = f'<saml:Assertion xmlns:saml="{SAML}" ID="{aid}" IssueInstant="{t(0)}" Version="2.0">'
        canonical = f"{head}{issuer}{body}</saml:Assertion>"
        signature = ""
        if sign:
            digest = base64.b64encode(hashlib.sha256(canonical.encode()).digest()).decode()
            signed_info = (
                f'<ds:SignedInfo xmlns:ds="{DS}">'
                '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod>'
                '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod>'
                f'<ds:Reference URI="#{aid}"><ds:Transforms>'
                '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>'
                '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform>'
                "</ds:Transforms>"
                '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod>'
                f"<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
            )
            value = self.key.sign(signed_info.encode(), padding.PKCS1v15(), hashes.SHA256())
            signature = (
                f'<ds:Signature xmlns:ds="{DS}">{signed_info}'
                f"<ds:SignatureValue>{base64.b64encode(value).decode()}</ds:SignatureValue>"
                "</ds:Signature>"
            )
        assertion = f"{head}{issuer}{signature}{body}</saml:Assertion>"
        if encrypt_to is not None:
            assertion = _encrypted(assertion, encrypt_to, gcm)
        xml = (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{t(0)}" '
            f'Destination="{request["acs"]}" InResponseTo="{request["id"]}">'
            f'<saml:Issuer xmlns:saml="{SAML}">{ENTITY}</saml:Issuer>'
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            f"</samlp:Status>{assertion}</samlp:Response>"
        )
        return base64.b64encode(xml.encode()).decode()


XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"


def _encrypted(assertion: str, cert_der: bytes, gcm: bool) -> str:
    """`assertion` as a saml:EncryptedAssertion to the holder of `cert_der`: AES-256-GCM with
    RSA-OAEP (SHA-256, MGF1 SHA-256) when `gcm`, else AES-128-CBC with rsa-oaep-mgf1p."""
    public = x509.load_der_x509_certificate(cert_der).public_key()
    b64 = lambda b: base64.b64encode(b).decode()
    if gcm:
        key, iv = os.urandom(32), os.urandom(12)
        data = iv + AESGCM(key).encrypt(iv, assertion.encode(), None)
        content = f"{XENC11}aes256-gcm"
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
        method = (
            f'<xenc:EncryptionMethod Algorithm="{XENC11}rsa-oaep">'
            f'<ds:DigestMethod xmlns:ds="{DS}" Algorithm="{XENC}sha256"/>'
            f'<xenc11:MGF xmlns:xenc11="{XENC11}" Algorithm="{XENC11}mgf1sha256"/>'
            "</xenc:EncryptionMethod>"
        )
    else:
        key, iv = os.urandom(16), os.urandom(16)
        padder = block_padding.PKCS7(128).padder()
        plain = padder.update(assertion.encode()) + padder.finalize()
        enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        data = iv + enc.update(plain) + enc.finalize()
        content = f"{XENC}aes128-cbc"
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
        method = f'<xenc:EncryptionMethod Algorithm="{XENC}rsa-oaep-mgf1p"/>'
    wrapped = public.encrypt(key, oaep)
    return (
        f'<saml:EncryptedAssertion xmlns:saml="{SAML}">'
        f'<xenc:EncryptedData xmlns:xenc="{XENC}" Type="{XENC}Element">'
        f'<xenc:EncryptionMethod Algorithm="{content}"/>'
        f'<ds:KeyInfo xmlns:ds="{DS}"><xenc:EncryptedKey>{method}'
        f"<xenc:CipherData><xenc:CipherValue>{b64(wrapped)}</xenc:CipherValue></xenc:CipherData>"
        "</xenc:EncryptedKey></ds:KeyInfo>"
        f"<xenc:CipherData><xenc:CipherValue>{b64(data)}</xenc:CipherValue></xenc:CipherData>"
        "</xenc:EncryptedData></saml:EncryptedAssertion>"
    )


def _authn_request(location: str) -> tuple[dict, str]:
    """What the IdP reads from the redirect: the AuthnRequest's id, issuer and ACS URL, and
    the RelayState to send back."""
    q = parse_qs(urlsplit(location).query)
    xml = zlib.decompress(base64.b64decode(q["SAMLRequest"][0]), -15).decode()
    root = ElementTree.fromstring(xml)
    assert root.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest", xml
    issuer = root.find(f"{{{SAML}}}Issuer").text
    return (
        {"id": root.get("ID"), "issuer": issuer, "acs": root.get("AssertionConsumerServiceURL")},
        q["RelayState"][0],
    )


def test_sp_initiated_saml_sign_in_ends_in_tokens_with_identities(server, idp):
    pool_id = idp.create_user_pool(PoolName=f"saml-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    saml_idp = Idp()
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Peers",
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": saml_idp.metadata()},
        AttributeMapping={"email": "mail"},
    )
    described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Peers")
    assert described["IdentityProvider"]["ProviderDetails"]["SSORedirectBindingURI"] == SSO
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["Peers"],
    )["UserPoolClient"]["ClientId"]

    browser = requests.Session()
    browser.trust_env = False
    r = browser.get(
        f"{server.url}/{pool_id}/oauth2/authorize",
        params={
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid email",
            "state": "s-1",
            "identity_provider": "Peers",
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 302, r.text
    assert r.headers["Location"].startswith(SSO + "?SAMLRequest="), r.headers["Location"]
    request, relay = _authn_request(r.headers["Location"])
    assert request["issuer"] == f"urn:amazon:cognito:sp:{pool_id}"
    assert request["acs"] == f"{server.url}/{pool_id}/saml2/idpresponse"

    # An unsigned response is refused back to the app, and creates nobody.
    unsigned = saml_idp.response(request, "eve@peers.test", "eve@peers.test", sign=False)
    r = browser.post(
        request["acs"], data={"SAMLResponse": unsigned, "RelayState": relay},
        allow_redirects=False, timeout=10,
    )
    assert r.status_code == 302, r.text
    back = parse_qs(urlsplit(r.headers["Location"]).query)
    assert back["error"] == ["invalid_request"] and back["state"] == ["s-1"], back
    assert "is signed" in back["error_description"][0]
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []

    signed = saml_idp.response(request, "ann@peers.test", "ann@peers.test")
    r = browser.post(
        request["acs"], data={"SAMLResponse": signed, "RelayState": relay},
        allow_redirects=False, timeout=10,
    )
    assert r.status_code == 302, r.text
    back = parse_qs(urlsplit(r.headers["Location"]).query)
    assert r.headers["Location"].startswith(CALLBACK), r.headers["Location"]
    assert back["state"] == ["s-1"] and "code" in back, back
    assert "poolhouse-session" in browser.cookies.get_dict()

    t = requests.post(
        f"{server.url}/{pool_id}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": back["code"][0],
            "redirect_uri": CALLBACK,
            "code_verifier": VERIFIER,
        },
        timeout=10,
    )
    assert t.status_code == 200, t.text
    payload = t.json()["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["cognito:username"] == "Peers_ann@peers.test"
    assert claims["email"] == "ann@peers.test"
    assert claims["identities"][0]["providerName"] == "Peers"
    assert claims["identities"][0]["providerType"] == "SAML"
    user = idp.admin_get_user(UserPoolId=pool_id, Username="Peers_ann@peers.test")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"

    # The same response again: replayed.
    r = browser.post(
        request["acs"], data={"SAMLResponse": signed, "RelayState": relay},
        allow_redirects=False, timeout=10,
    )
    back = parse_qs(urlsplit(r.headers["Location"]).query)
    assert back["error"] == ["invalid_request"], back
    assert "used before" in back["error_description"][0]


def test_encrypted_responses_are_decrypted_with_the_providers_certificate(server, idp):
    pool_id = idp.create_user_pool(PoolName=f"saml-enc-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    saml_idp = Idp()
    created = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Peers",
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": saml_idp.metadata(), "EncryptedResponses": "true"},
        AttributeMapping={"email": "mail"},
    )
    details = created["IdentityProvider"]["ProviderDetails"]
    assert details["EncryptedResponses"] == "true"
    cert_der = base64.b64decode(details["ActiveEncryptionCertificate"])
    x509.load_der_x509_certificate(cert_der)
    # Read-only: a request naming it is refused, as Cognito refuses it.
    try:
        idp.update_identity_provider(
            UserPoolId=pool_id,
            ProviderName="Peers",
            ProviderDetails={
                "MetadataFile": saml_idp.metadata(),
                "ActiveEncryptionCertificate": details["ActiveEncryptionCertificate"],
            },
        )
        raise AssertionError("ActiveEncryptionCertificate was accepted")
    except idp.exceptions.InvalidParameterException as e:
        assert "ActiveEncryptionCertificate" in str(e)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["Peers"],
    )["UserPoolClient"]["ClientId"]
    browser = requests.Session()
    browser.trust_env = False

    def start():
        r = browser.get(
            f"{server.url}/{pool_id}/oauth2/authorize",
            params={
                "client_id": client_id, "redirect_uri": CALLBACK, "response_type": "code",
                "scope": "openid email", "state": "s-2", "identity_provider": "Peers",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert r.status_code == 302, r.text
        return _authn_request(r.headers["Location"])

    def post(request, relay, response):
        r = browser.post(
            request["acs"], data={"SAMLResponse": response, "RelayState": relay},
            allow_redirects=False, timeout=10,
        )
        assert r.status_code == 302, r.text
        assert r.headers["Location"].startswith(CALLBACK), r.headers["Location"]
        return parse_qs(urlsplit(r.headers["Location"]).query)

    # A plain assertion is refused while the provider requires encryption.
    request, relay = start()
    back = post(request, relay, saml_idp.response(request, "ann@peers.test", "ann@peers.test"))
    assert back["error"] == ["invalid_request"], back
    assert "EncryptedResponses" in back["error_description"][0], back

    for gcm in (True, False):
        request, relay = start()
        encrypted = saml_idp.response(
            request, "ann@peers.test", "ann@peers.test", encrypt_to=cert_der, gcm=gcm
        )
        assert b"ann@peers.test" not in base64.b64decode(encrypted)
        back = post(request, relay, encrypted)
        assert "code" in back and back["state"] == ["s-2"], back
    users = idp.list_users(UserPoolId=pool_id)["Users"]
    assert [u["Username"] for u in users] == ["Peers_ann@peers.test"]

    # The SP metadata names the certificate for encryption.
    sp = requests.get(f"{server.url}/{pool_id}/saml2/metadata", timeout=10).text
    assert 'use="encryption"' in sp and details["ActiveEncryptionCertificate"] in sp
