"""The credential-exchange tester against the built-in backend: Poolhouse's own endpoint, reached
over HTTP like any other — the running `serve` when the run comes through it, an endpoint
started in-process on 127.0.0.1 when `poolhouse exchange` runs on its own.

Every flow is run to its end: the sign-in through the user pool (InitiateAuth
USER_PASSWORD_AUTH), the enhanced, basic and developer flows and a guest, each proved by
GetCallerIdentity signed with the credentials Poolhouse vended; the identity is the one boto3
gets for the same ID token.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid

from conftest import POOLHOUSE_BIN

PASSWORD = "Exchange-Passw0rd!"


def user_pool_with_user(server):
    idp = server.client()
    pool = idp.create_user_pool(PoolName=f"x-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="tester", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    return pool, client


def roles(server, ipool):
    """An authenticated and an unauthenticated role trusting `ipool`, set as its roles."""
    account = server.poolhouse("DescribeWorkspace")["Workspace"]["AccountId"]
    arns = {}
    for kind in ("authenticated", "unauthenticated"):
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": ipool},
                          "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": kind}},
        }]}
        name = f"tester-{kind}"
        server.poolhouse("CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": json.dumps(trust)})
        arns[kind] = f"arn:aws:iam::{account}:role/{name}"
    server.client(service="cognito-identity").set_identity_pool_roles(IdentityPoolId=ipool, Roles=arns)
    return account, arns


def operations(run):
    return [s["Operation"] for s in run["Steps"]]


def test_every_flow_runs_to_a_proved_credential_through_serve(fresh_server):
    server = fresh_server
    pool, client = user_pool_with_user(server)
    key = f"cognito-idp.us-east-1.amazonaws.com/{pool}"
    cid = server.client(service="cognito-identity")
    ipool = cid.create_identity_pool(
        IdentityPoolName="flows", AllowUnauthenticatedIdentities=True, DeveloperProviderName="login.tester",
        CognitoIdentityProviders=[{"ProviderName": key, "ClientId": client}],
    )["IdentityPoolId"]
    account, arns = roles(server, ipool)
    alice = {"Type": "USER_PASSWORD", "UserPoolId": pool, "ClientId": client, "Username": "alice",
             "Password": PASSWORD}

    enhanced = server.poolhouse("RunExchange", {"IdentityPoolId": ipool, "Flow": "ENHANCED", "Source": alice})
    assert enhanced["Succeeded"], enhanced
    assert operations(enhanced) == ["InitiateAuth", "GetId", "GetCredentialsForIdentity", "GetCallerIdentity"]
    assert enhanced["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert enhanced["Caller"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/tester-authenticated/CognitoIdentityCredentials"

    basic = server.poolhouse("RunExchange", {"IdentityPoolId": ipool, "Flow": "BASIC", "Source": alice,
                                             "RoleArn": arns["authenticated"], "RoleSessionName": "alice-test"})
    assert basic["Succeeded"], basic
    assert operations(basic) == ["InitiateAuth", "GetId", "GetOpenIdToken", "AssumeRoleWithWebIdentity",
                                 "GetCallerIdentity"]
    assert basic["Caller"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/tester-authenticated/alice-test"
    assert basic["IdentityId"] == enhanced["IdentityId"]
    # The identity pool's OpenID token is kept for the inspector, and hidden in the steps.
    openid = next(t for t in basic["Tokens"] if t["Name"] == "Token")
    assert openid["Value"] not in json.dumps(basic["Steps"])

    guest = server.poolhouse("RunExchange", {"IdentityPoolId": ipool, "Flow": "ENHANCED", "Source": {"Type": "GUEST"}})
    assert guest["Succeeded"], guest
    assert "tester-unauthenticated" in guest["Caller"]["Arn"]

    developer = server.poolhouse("RunExchange", {"IdentityPoolId": ipool, "Flow": "DEVELOPER", "Source": {
        "Type": "DEVELOPER", "DeveloperProviderName": "login.tester", "DeveloperUserIdentifier": "user-1"}})
    assert developer["Succeeded"], developer
    assert operations(developer) == ["GetOpenIdTokenForDeveloperIdentity", "GetCredentialsForIdentity",
                                     "GetCallerIdentity"]
    looked = cid.lookup_developer_identity(IdentityPoolId=ipool, DeveloperUserIdentifier="user-1")
    assert looked["IdentityId"] == developer["IdentityId"]

    # No vended secret or session token is kept.
    for run in (enhanced, basic, guest, developer):
        kept = json.dumps(server.poolhouse("GetExchangeRun", {"RunId": run["RunId"]}))
        assert "(hidden:" in kept and PASSWORD not in kept


def test_a_user_signs_in_and_gets_an_identity_through_serve(fresh_server):
    server = fresh_server
    pool, client = user_pool_with_user(server)
    key = f"cognito-idp.us-east-1.amazonaws.com/{pool}"
    cid = server.client(service="cognito-identity")
    ipool = cid.create_identity_pool(
        IdentityPoolName="tester", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": key, "ClientId": client}],
    )["IdentityPoolId"]

    run = server.poolhouse("RunExchange", {
        "IdentityPoolId": ipool, "Flow": "ENHANCED",
        "Source": {"Type": "USER_PASSWORD", "UserPoolId": pool, "ClientId": client,
                   "Username": "alice", "Password": PASSWORD},
    })
    assert run["BackendName"] == "built-in"
    sign_in, get_id = run["Steps"][0], run["Steps"][1]
    # Over HTTP, to the server the run came through.
    assert sign_in["Request"]["Url"] == server.url + "/"
    assert sign_in["Operation"] == "InitiateAuth" and sign_in["Response"]["Status"] == 200
    assert get_id["Operation"] == "GetId" and get_id["Response"]["Status"] == 200, get_id
    # The password is never kept or answered; the ID token is, for the inspector.
    assert PASSWORD not in json.dumps(run)
    id_token = next(t["Value"] for t in run["Tokens"] if t["Name"] == "IdToken")
    # The identity is the one boto3 gets for the same login.
    assert cid.get_id(IdentityPoolId=ipool, Logins={key: id_token})["IdentityId"] == run["IdentityId"]
    described = cid.describe_identity(IdentityId=run["IdentityId"])
    assert described["Logins"] == [key]
    kept = server.poolhouse("GetExchangeRun", {"RunId": run["RunId"]})
    assert kept["Steps"][:2] == run["Steps"][:2]
    assert PASSWORD not in json.dumps(kept)
    # A re-run asks for the password again.
    status, _, refused = server.call(
        "Poolhouse.RunExchange", {"RerunOf": run["RunId"]},
        {"X-Poolhouse-Console": server.console_secret},
    )
    assert status == 400 and refused["field"] == "Password", refused


def test_the_cli_starts_the_built_in_endpoint_in_process(tmp_path):
    db = str(tmp_path / "cli.db")

    def ph(*args):
        done = subprocess.run([POOLHOUSE_BIN, "--db", db, *args], capture_output=True, text=True, timeout=60)
        return done

    made = ph("cognito-identity", "create-identity-pool", "--identity-pool-name", "guests",
              "--allow-unauthenticated-identities")
    assert made.returncode == 0, made.stderr
    ipool = json.loads(made.stdout)["IdentityPoolId"]
    done = ph("exchange", "--json", "--identity-pool-id", ipool)
    assert done.returncode in (0, 1), done.stderr
    run = json.loads(done.stdout)
    get_id = run["Steps"][0]
    assert get_id["Operation"] == "GetId" and get_id["Response"]["Status"] == 200, get_id
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", get_id["Request"]["Url"])
    listed = json.loads(ph("cognito-identity", "list-identities", "--identity-pool-id", ipool,
                           "--max-results", "10").stdout)
    assert [i["IdentityId"] for i in listed["Identities"]] == [run["IdentityId"]]
