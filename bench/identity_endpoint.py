#!/usr/bin/env python3
"""Identity pools over loopback HTTP: `GetId` for a known login and `GetCredentialsForIdentity`
through `poolhouse serve`, against the endpoint's no-op (DescribeWorkspace) and against moto's
server (PyPI `moto[server]`) answering the same calls, driven by the same wrk script in the same
run (issue 12's targets: each ≥ 0.4 × the no-op and ≥ 20 × moto).

    python3 bench/identity_endpoint.py       # bench/run.sh calls it after the release build

What it does, every step bounded in count and time, everything on 127.0.0.1:
  1. moto's server from a virtualenv under target/bench-peers/moto (made once, never committed),
     started on a free port, with an identity pool;
  2. `poolhouse serve` on a fresh store: a user pool, an app client with USER_PASSWORD_AUTH, a
     user signed in once for an ID token, an identity pool trusting that client, a role whose
     trust policy admits the pool's authenticated identities as its authenticated role, and
     one GetId so that the login is known;
  3. in each of ENDPOINT_ROUNDS rounds, `wrk -t1 -c8`, back to back: DescribeWorkspace, GetId
     on Poolhouse and on moto, GetCredentialsForIdentity on Poolhouse and on moto (the same
     Logins map on both: moto does not verify tokens, Poolhouse does); ratios per round, the
     median reported.

An operation that Poolhouse cannot answer yet is reported as "not measured" with its error.
Environment: as bench/endpoint.py (POOLHOUSE_BIN, WRK_DURATION, ENDPOINT_ROUNDS, BENCH_QUICK).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint as E  # noqa: E402  (the same wrk client, server start-up and result rows)

MOTO_VERSION = "5.2.6"
REGION = "us-east-1"
ACCOUNT = "000000000000"
ROLE = "bench-identity-auth"
IDP = "AWSCognitoIdentityProviderService."
CID = "AWSCognitoIdentityService."
USERNAME = "bench-identity-user"


def ensure_moto():
    """moto_server from its virtualenv, made (once) with pip; None when it cannot be had."""
    venv = E.PEERS / "moto"
    server = venv / "bin" / "moto_server"
    if server.is_file():
        return server
    print(f"installing moto[server]=={MOTO_VERSION} into {venv} (once)", flush=True)
    r = subprocess.run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    if r.returncode == 0:
        r = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                            "--disable-pip-version-check", f"moto[server]=={MOTO_VERSION}"],
                           timeout=600)
    return server if r.returncode == 0 and server.is_file() else None


def start_moto(server):
    port = E.free_port()
    log = open(E.DATA / "scratch" / "moto.log", "w")
    p = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)],
                         stdout=log, stderr=subprocess.STDOUT)
    E.started.append((p, signal.SIGTERM))
    if not E.wait_port(port, 60):
        raise RuntimeError(f"moto did not start; see {log.name}")
    return p, port


def poolhouse_setup(port):
    """The user pool, client, user, ID token, identity pool and role; answers the Logins key,
    the token, the identity pool and the identity."""
    c = E.Client(port)
    pool = c.call(IDP + "CreateUserPool", {"PoolName": "bench-identity"})["UserPool"]["Id"]
    client = c.call(IDP + "CreateUserPoolClient", {
        "UserPoolId": pool, "ClientName": "bench",
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    })["UserPoolClient"]["ClientId"]
    c.call(IDP + "AdminCreateUser", {"UserPoolId": pool, "Username": USERNAME,
                                     "MessageAction": "SUPPRESS"})
    c.call(IDP + "AdminSetUserPassword", {"UserPoolId": pool, "Username": USERNAME,
                                          "Password": E.PASSWORD, "Permanent": True})
    auth = c.call(IDP + "InitiateAuth", {
        "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": USERNAME, "PASSWORD": E.PASSWORD},
    })
    token = auth["AuthenticationResult"]["IdToken"]
    key = f"cognito-idp.{REGION}.amazonaws.com/{pool}"
    ipool = c.call(CID + "CreateIdentityPool", {
        "IdentityPoolName": "bench", "AllowUnauthenticatedIdentities": False,
        "CognitoIdentityProviders": [{"ProviderName": key, "ClientId": client}],
    })["IdentityPoolId"]
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": ipool},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
        },
    }]}
    try:
        c.call("Poolhouse.CreateRole", {"RoleName": ROLE,
                                        "AssumeRolePolicyDocument": json.dumps(trust)})
        c.call(CID + "SetIdentityPoolRoles", {
            "IdentityPoolId": ipool,
            "Roles": {"authenticated": f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"},
        })
    except RuntimeError as e:
        print(f"  (no role for GetCredentialsForIdentity: {e})", flush=True)
    identity = c.call(CID + "GetId", {"IdentityPoolId": ipool, "Logins": {key: token}})
    c.close()
    return key, token, ipool, identity["IdentityId"]


def moto_setup(port, key, token):
    c = E.Client(port)
    ipool = c.call(CID + "CreateIdentityPool", {
        "IdentityPoolName": "bench", "AllowUnauthenticatedIdentities": False,
    })["IdentityPoolId"]
    identity = c.call(CID + "GetId", {"IdentityPoolId": ipool, "Logins": {key: token}})
    c.close()
    return ipool, identity["IdentityId"]


def probe(port, op, body):
    """None when `op` answers 200 once, else why not (so the load is not run on errors)."""
    c = E.Client(port)
    try:
        c.call(CID + op, body)
        return None
    except RuntimeError as e:
        return str(e)
    finally:
        c.close()


def load(port, pid, op, key, token, ipool, identity):
    os.environ.update(IDENTITY_POOL_ID=ipool, LOGINS_KEY=key, LOGIN_TOKEN=token,
                      IDENTITY_ID=identity)
    return E.wrk(port, op, "", 1, pid)


def main():
    if not shutil.which("wrk"):
        E.row("IP1", "GetId over HTTP", "not measured: wrk missing", "≥ 0.4× no-op, ≥ 20× moto",
              "MISS")
        return 1
    if not E.BIN.is_file():
        E.row("IP1", "GetId over HTTP", f"not measured: {E.BIN} missing", "", "MISS")
        return 1
    (E.DATA / "scratch").mkdir(parents=True, exist_ok=True)
    server = ensure_moto()
    db = E.DATA / "scratch" / "identity-bench.db"
    E.remove_store(db)
    E.scratch_stores.append(db)
    ph_proc, ph_port = E.start_poolhouse(db, "identity")
    key, token, ph_pool, ph_identity = poolhouse_setup(ph_port)
    moto = None
    if server:
        moto_proc, moto_port = start_moto(server)
        m_pool, m_identity = moto_setup(moto_port, key, token)
        moto = (moto_proc, moto_port, m_pool, m_identity)
    else:
        print("moto could not be installed: the moto ratios are not measured", flush=True)
    gcfi_body = {"IdentityId": ph_identity, "Logins": {key: token}}
    gcfi_error = probe(ph_port, "GetCredentialsForIdentity", gcfi_body)
    if gcfi_error:
        print(f"  Poolhouse GetCredentialsForIdentity: {gcfi_error}", flush=True)

    runs = {k: [] for k in ("noop", "ph_getid", "moto_getid", "ph_gcfi", "moto_gcfi")}
    for r in range(E.ROUNDS):
        print(f"round {r + 1}/{E.ROUNDS} (wrk -t1 -c8 -d{E.DURATION})", flush=True)
        runs["noop"].append(E.wrk(ph_port, "DescribeWorkspace", "", 1, ph_proc.pid))
        runs["ph_getid"].append(load(ph_port, ph_proc.pid, "GetId", key, token, ph_pool,
                                     ph_identity))
        if moto:
            runs["moto_getid"].append(load(moto[1], moto[0].pid, "GetId", key, token, moto[2],
                                           moto[3]))
        if not gcfi_error:
            runs["ph_gcfi"].append(load(ph_port, ph_proc.pid, "GetCredentialsForIdentity", key,
                                        token, ph_pool, ph_identity))
            if moto:
                runs["moto_gcfi"].append(load(moto[1], moto[0].pid, "GetCredentialsForIdentity",
                                              key, token, moto[2], moto[3]))

    def ratio(a, b):
        return E.med([x["rps"] / y["rps"] for x, y in zip(runs[a], runs[b])])

    def rps(key_):
        return f"{E.med([s['rps'] for s in runs[key_]]):.0f} req/s"

    E.row("IP0", "Poolhouse DescribeWorkspace (no-op), wrk -t1 -c8", rps("noop"), "", "info")
    for tid, op, ph, mo in (("IP1", "GetId (a known login)", "ph_getid", "moto_getid"),
                            ("IP2", "GetCredentialsForIdentity", "ph_gcfi", "moto_gcfi")):
        if not runs[ph]:
            E.row(tid, f"Poolhouse {op}", f"not measured: {gcfi_error}", "≥ 0.4× no-op", "MISS")
            continue
        r = ratio(ph, "noop")
        E.row(tid, f"Poolhouse {op} ÷ no-op, wrk -t1 -c8", f"{r:.2f}× ({rps(ph)})", "≥ 0.4×",
              "PASS" if r >= 0.4 else "MISS")
        if runs[mo]:
            m = ratio(ph, mo)
            E.row(tid, f"Poolhouse {op} ÷ moto's, same wrk client", f"{m:.1f}× (moto {rps(mo)})",
                  "≥ 20×", "PASS" if m >= 20 else "MISS")
        else:
            E.row(tid, f"Poolhouse {op} ÷ moto's", "not measured: moto unavailable", "≥ 20×",
                  "MISS")
    return 0


if __name__ == "__main__":
    code = 1
    try:
        code = main()
    except Exception as e:  # a broken run is reported, not hidden
        print(f"identity endpoint bench: {e}", file=sys.stderr, flush=True)
        E.row("IP1", "identity endpoint bench", f"ERROR: {e}", "", "MISS")
        code = 2
    finally:
        E.stop_all()
        for p in E.scratch_stores:
            E.remove_store(p)
        E.RESULTS.mkdir(parents=True, exist_ok=True)
        with open(E.RESULTS / "identity-endpoint.tsv", "w") as f:
            for r in E.rows:
                f.write("\t".join(str(c).replace("\t", " ") for c in r) + "\n")
    sys.exit(code)
