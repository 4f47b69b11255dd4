"""boto3 against `poolhouse serve`: hosted UI branding, as Amazon Cognito answers it.

Classic customization (SetUICustomization / GetUICustomization: CSS for Cognito's
`-customizable` classes and a logo, pool-wide as ALL or per app client), the logo as the hosted
pages' <img> fetches it, and managed login branding styles (one per app client). Each refusal
names the member at fault and leaves nothing written.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid

import botocore.exceptions
import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
CSS = ".submitButton-customizable { background-color: #0b7268; }\n.label-customizable { font-weight: 700; }"


def error(excinfo) -> tuple[str, str]:
    e = excinfo.value.response["Error"]
    return e["Code"], e["Message"]


@pytest.fixture
def branded(idp, pool_id):
    """A pool with a domain (classic customization needs one) and an app client."""
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=f"brand-{uuid.uuid4().hex[:10]}")
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]["ClientId"]
    return pool_id, client


def get(server, path: str):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(server.url + path, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_ui_customization_pool_wide_then_per_client(server, idp, branded):
    pool, client = branded
    r = idp.set_ui_customization(UserPoolId=pool, ClientId="ALL", CSS=CSS, ImageFile=PNG)["UICustomization"]
    assert r["UserPoolId"] == pool and r["ClientId"] == "ALL"
    assert r["CSS"] == CSS
    assert r["CSSVersion"]
    # botocore parses Cognito's epoch seconds into datetimes.
    assert r["CreationDate"].year >= 2024 and r["LastModifiedDate"] >= r["CreationDate"]

    # The client has none of its own: the pool's applies.
    g = idp.get_ui_customization(UserPoolId=pool, ClientId=client)["UICustomization"]
    assert g["ClientId"] == "ALL" and g["CSS"] == CSS

    # The logo, as the hosted page's <img> fetches it: its checked type, nosniff.
    status, headers, body = get(server, r["ImageUrl"])
    assert status == 200 and body == PNG
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"

    # The sheet the hosted pages link: Cognito's classes only, as the core rewrote them.
    status, headers, body = get(server, f"/{pool}/branding/style.css?client_id={client}")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert body.decode() == (
        ".submitButton-customizable {\n  background-color: #0b7268;\n}\n"
        ".label-customizable {\n  font-weight: 700;\n}\n"
    )

    own = idp.set_ui_customization(UserPoolId=pool, ClientId=client, CSS=".label-customizable{font-weight:400}",
                                   ImageFile=JPEG)["UICustomization"]
    assert own["ClientId"] == client
    status, headers, body = get(server, f"/{pool}/branding/logo?client_id={client}")
    assert status == 200 and body == JPEG and headers["Content-Type"] == "image/jpeg"
    status, _, body = get(server, f"/{pool}/branding/logo")
    assert status == 200 and body == PNG, "the pool's logo stays"
    g = idp.get_ui_customization(UserPoolId=pool, ClientId=client)["UICustomization"]
    assert g["ClientId"] == client and g["CSS"] == ".label-customizable{font-weight:400}"

    # CSS and logo are set together: leaving the logo out removes it.
    idp.set_ui_customization(UserPoolId=pool, ClientId=client, CSS="")
    status, _, _ = get(server, f"/{pool}/branding/logo?client_id={client}")
    assert status == 404
    assert get(server, "/us-east-1_NoSuchPool/branding/logo")[0] == 404


@pytest.mark.parametrize(
    "css,says",
    [
        ("@import url(https://elsewhere.example/x.css);", "@import"),
        (".background-customizable {\n  background-color: url(https://elsewhere.example/t.png);\n}", "line 2: url("),
        (".label-customizable { font-weight: 700 }</style><script>alert(1)</script>", "</style>"),
        (".inputField-customizable { width: expression(alert(1)) }", "expression("),
        ("@media (max-width: 600px) { .label-customizable { font-weight: 700 } }", "@media"),
    ],
)
def test_css_that_could_load_or_run_anything_is_refused(idp, branded, css, says):
    pool, _ = branded
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.set_ui_customization(UserPoolId=pool, CSS=css)
    code, msg = error(e)
    assert code == "InvalidParameterException"
    assert msg.startswith("CSS: line "), msg
    assert says in msg, msg
    assert "CSSVersion" not in idp.get_ui_customization(UserPoolId=pool)["UICustomization"]


def test_logo_and_pool_refusals_name_the_member(idp, pool_id, branded):
    pool, _ = branded
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.set_ui_customization(UserPoolId=pool, ImageFile=b"GIF89a\x01\x00\x01\x00")
    assert error(e)[0] == "InvalidParameterException" and error(e)[1].startswith("ImageFile:")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.set_ui_customization(UserPoolId=pool, ImageFile=PNG + b"\x00" * (100 * 1024))
    assert error(e)[1].startswith("ImageFile:") and "100 KB" in error(e)[1]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.set_ui_customization(UserPoolId=pool, ClientId="nosuchclient0000000000000", CSS="")
    assert error(e)[0] == "ResourceNotFoundException"
    # A pool without a domain cannot be customized (Cognito's rule).
    bare = idp.create_user_pool(PoolName=f"bare-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.set_ui_customization(UserPoolId=bare, CSS=CSS)
    assert error(e)[0] == "InvalidParameterException" and error(e)[1].startswith("UserPoolId:")


def test_managed_login_branding_lifecycle(idp, branded):
    pool, client = branded
    settings = {"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "0b7268ff"}}}}}
    b = idp.create_managed_login_branding(
        UserPoolId=pool,
        ClientId=client,
        Settings=settings,
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG}],
    )["ManagedLoginBranding"]
    bid = b["ManagedLoginBrandingId"]
    assert uuid.UUID(bid).version == 4
    assert b["Settings"] == settings and b["UseCognitoProvidedValues"] is False
    assert b["Assets"][0]["Bytes"] == PNG

    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_managed_login_branding(UserPoolId=pool, ClientId=client, UseCognitoProvidedValues=True)
    assert error(e)[0] == "ManagedLoginBrandingExistsException"

    by = idp.describe_managed_login_branding_by_client(UserPoolId=pool, ClientId=client)["ManagedLoginBranding"]
    assert by["ManagedLoginBrandingId"] == bid
    merged = idp.describe_managed_login_branding(
        UserPoolId=pool, ManagedLoginBrandingId=bid, ReturnMergedResources=True
    )["ManagedLoginBranding"]["Settings"]
    assert merged["components"]["primaryButton"]["lightMode"]["defaults"]["backgroundColor"] == "0b7268ff"
    assert "form" in merged["components"], "the defaults are merged under the style's own"

    u = idp.update_managed_login_branding(
        UserPoolId=pool,
        ManagedLoginBrandingId=bid,
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "DARK", "Extension": "JPEG", "Bytes": JPEG}],
    )["ManagedLoginBranding"]
    assert [a["ColorMode"] for a in u["Assets"]] == ["DARK"] and u["Settings"] == settings
    u = idp.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=bid, UseCognitoProvidedValues=True)
    assert u["ManagedLoginBranding"]["UseCognitoProvidedValues"] is True
    assert u["ManagedLoginBranding"]["Assets"] == []

    idp.delete_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=bid)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.describe_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=bid)
    assert error(e)[0] == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.describe_managed_login_branding_by_client(UserPoolId=pool, ClientId=client)
    assert error(e)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"UseCognitoProvidedValues": True, "Settings": {}}, "UseCognitoProvidedValues"),
        ({"Settings": {"theme": "dark"}}, "Settings.theme"),
        ({"Settings": {"components": {"form": {"lightMode": {"backgroundColor": "#ffffff"}}}}},
         "Settings.components.form.lightMode.backgroundColor"),
        ({"Assets": [{"Category": "FAVICON_ICO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG}]},
         "Assets[0].Extension"),
        ({"Assets": [{"Category": "PAGE_BACKGROUND", "ColorMode": "DARK", "Extension": "PNG", "Bytes": JPEG}]},
         "Assets[0].Bytes"),
        ({"Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG},
                     {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "JPEG", "Bytes": JPEG}]},
         "Assets[1]"),
    ],
)
def test_managed_login_refusals_name_the_member(idp, branded, extra, field):
    pool, client = branded
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.create_managed_login_branding(UserPoolId=pool, ClientId=client, **extra)
    code, msg = error(e)
    assert code == "InvalidParameterException"
    assert msg.startswith(field + ":"), msg
    with pytest.raises(botocore.exceptions.ClientError) as e:
        idp.describe_managed_login_branding_by_client(UserPoolId=pool, ClientId=client)
    assert error(e)[0] == "ResourceNotFoundException", "nothing was created"


def test_the_console_preview_reports_what_is_dropped(server):
    out = server.poolhouse("PreviewUICustomization", {"CSS": "body { color: red }\n.label-customizable { font-weight: 400 }"})
    assert out["CSS"] == ".label-customizable {\n  font-weight: 400;\n}\n"
    assert [(d["Line"], d["What"]) for d in out["Dropped"]] == [(1, "body")]
    assert "Cognito" in out["Dropped"][0]["Reason"]
    assert any(c["Selector"] == ".submitButton-customizable:hover" for c in out["Classes"])
    status, _, body = server.call("Poolhouse.PreviewUICustomization", {"CSS": "@import 'x.css';"},
                                  {"X-Poolhouse-Console": server.console_secret})
    assert status == 400 and body["__type"].endswith("InvalidParameterException"), body
    assert json.dumps(body).find("@import") > 0
