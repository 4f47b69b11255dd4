"""The credential-exchange tester (`poolhouse exchange`) against a moto server.

moto is an independent implementation of Cognito identity pools and STS: the exchange's
client (reqwest + aws-sigv4, quick-xml for STS) must speak the real wire protocols to get
credentials from it, and moto's SigV4 checking (`POST /moto-api/reset-auth`) must accept the
signature made with the vended credentials — and refuse one made with a wrong secret. Then two
backends that misbehave: one that accepts connections and never answers (the run fails within
its timeout, naming the backend) and one answering an HTML 500.

moto routes unsigned Cognito calls to us-east-1, so everything here is in us-east-1. Its
"allow N more unchecked requests" switch is used to let the unsigned calls through (moto
crashes on unsigned GetCredentialsForIdentity and AssumeRoleWithWebIdentity once checking is
on) and check the signed ones after them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]
POOLHOUSE_BIN = os.environ.get("POOLHOUSE_BIN", str(REPO / "target" / "debug" / "poolhouse"))
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/exchange-auth"
READY_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(url: str, data: bytes | None = None, timeout: float = 5.0) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        req.add_header("Content-Type", "text/plain")
    with opener.open(req, timeout=timeout) as resp:
        return resp.read()


class Moto:
    def __init__(self, url: str, proc: subprocess.Popen):
        self.url = url
        self.proc = proc

    def checked_after(self, unchecked: int | str) -> None:
        """Checks SigV4 on every request after the next `unchecked` ones (`inf`: never)."""
        _http(self.url + "/moto-api/reset-auth", str(unchecked).encode())

    def client(self, service: str, key: str = "testing", secret: str = "testing"):
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    server = Path(sys.executable).parent / "moto_server"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT
    try:
        while True:
            try:
                _http(url + "/moto-api/data.json", timeout=1.0)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start: {log.read_text()}")
                time.sleep(0.2)
        yield Moto(url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "exchange.db"


def poolhouse(db: Path, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [POOLHOUSE_BIN, "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def add_backend(db: Path, name: str, url: str, *extra: str) -> dict:
    done = poolhouse(
        db, "create-backend", "--name", name, "--region", REGION, "--url", url, "--json", *extra
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def exchange(db: Path, *args: str, timeout: float = 60.0) -> tuple[int, dict, str]:
    done = poolhouse(db, "exchange", "--json", *args, timeout=timeout)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def identity_pool(moto: Moto, **extra) -> str:
    moto.checked_after("inf")
    cid = moto.client("cognito-identity")
    return cid.create_identity_pool(
        IdentityPoolName="exchange", AllowUnauthenticatedIdentities=True, **extra
    )["IdentityPoolId"]


def test_guest_enhanced_flow_gets_credentials_from_moto(moto, db):
    pool = identity_pool(moto)
    add_backend(db, "moto", moto.url)
    code, run, _ = exchange(db, "--backend", "moto", "--identity-pool-id", pool)
    assert code == 0, run
    ops = [s["Operation"] for s in run["Steps"]]
    assert ops == ["GetId", "GetCredentialsForIdentity", "GetCallerIdentity"]
    assert run["IdentityId"].startswith(f"{REGION}:")
    # moto's constant credentials; the secret is hidden in the kept answer.
    assert run["Credentials"]["AccessKeyId"] == "TESTACCESSKEY12345"
    answer = run["Steps"][1]["Response"]["Body"]
    assert "ABCSECRETKEY" not in answer and "(hidden: 12 characters)" in answer
    # The last call was SigV4-signed with the vended key, for sts in the backend's region.
    auth = {h["Name"]: h["Value"] for h in run["Steps"][2]["Request"]["Headers"]}["authorization"]
    assert f"TESTACCESSKEY12345/" in auth and f"/{REGION}/sts/aws4_request" in auth
    assert run["Caller"]["Account"] == "123456789012"


def test_basic_flow_credentials_pass_motos_signature_check(moto, db):
    pool = identity_pool(moto)
    add_backend(db, "moto", moto.url)
    # GetId, GetOpenIdToken and AssumeRoleWithWebIdentity go unsigned, as on AWS; the fourth
    # request, GetCallerIdentity signed with the STS credentials, is checked by moto.
    moto.checked_after(3)
    try:
        code, run, _ = exchange(
            db,
            "--backend", "moto",
            "--identity-pool-id", pool,
            "--flow", "basic",
            "--role-arn", ROLE_ARN,
            "--role-session-name", "tester",
        )
    finally:
        moto.checked_after("inf")
    assert code == 0, json.dumps(run, indent=1)
    ops = [s["Operation"] for s in run["Steps"]]
    assert ops == ["GetId", "GetOpenIdToken", "AssumeRoleWithWebIdentity", "GetCallerIdentity"]
    assert run["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert run["Caller"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/exchange-auth/tester"
    # The STS form body and XML answer are kept with the token shortened, the secret hidden.
    assume = run["Steps"][2]
    assert "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fexchange-auth" in assume["Request"]["Body"]
    assert "token+%231" in assume["Request"]["Body"]
    assert "<SecretAccessKey>(hidden:" in assume["Response"]["Body"]
    assert "<SessionToken>(hidden:" in assume["Response"]["Body"]
    # The history keeps it; the token moto issued can be opened again.
    got = poolhouse(db, "get-exchange-run", "--run-id", run["RunId"], "--json")
    assert got.returncode == 0, got.stderr
    kept = json.loads(got.stdout)
    assert kept["Succeeded"] and [t["Name"] for t in kept["Tokens"]] == ["Token"]
    assert kept["Tokens"][0]["Value"].startswith(f"{REGION}:")
    # Re-run from the kept parameters.
    moto.checked_after(3)
    try:
        code, again, _ = exchange(db, "--rerun", run["RunId"])
    finally:
        moto.checked_after("inf")
    assert code == 0 and again["RunId"] != run["RunId"]
    assert again["Caller"]["Arn"] == run["Caller"]["Arn"]
    listed = json.loads(poolhouse(db, "list-exchange-runs", "--json").stdout)
    assert [r["RunId"] for r in listed["Runs"]][:2] == [again["RunId"], run["RunId"]]


def test_a_wrong_secret_is_refused_by_moto(moto, db):
    pool = identity_pool(moto, DeveloperProviderName="login.exchange.test")
    iam = moto.client("iam")
    iam.create_user(UserName="exchange-admin")
    iam.put_user_policy(
        UserName="exchange-admin",
        PolicyName="all",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName="exchange-admin")["AccessKey"]
    right = add_backend(
        db, "moto-admin", moto.url,
        "--access-key-id", key["AccessKeyId"], "--secret-access-key", key["SecretAccessKey"],
    )
    assert "SecretAccessKey" not in right and right["AccessKeyId"] == key["AccessKeyId"]
    wrong_secret = key["SecretAccessKey"][:-4] + "AAAA"
    add_backend(
        db, "moto-wrong", moto.url,
        "--access-key-id", key["AccessKeyId"], "--secret-access-key", wrong_secret,
    )
    dev = ("--flow", "developer", "--developer-provider-name", "login.exchange.test",
           "--developer-user-identifier", "user-7", "--identity-pool-id", pool)
    moto.checked_after(0)
    try:
        code, refused, _ = exchange(db, "--backend", "moto-wrong", *dev)
        code_ok, accepted, _ = exchange(db, "--backend", "moto-admin", *dev)
    finally:
        moto.checked_after("inf")
    assert code == 1
    step = refused["Steps"][0]
    assert step["Operation"] == "GetOpenIdTokenForDeveloperIdentity"
    assert step["Error"]["Code"] == "SignatureDoesNotMatch", json.dumps(step, indent=1)
    assert refused["Failure"]["Step"] == 0
    # The right secret passes moto's check (moto then fails its own unsigned
    # GetCredentialsForIdentity while checking is on: an HTML 500, named as such).
    first = accepted["Steps"][0]
    assert first["Response"]["Status"] == 200 and "Error" not in first, first
    assert accepted["IdentityId"].startswith(f"{REGION}:")
    # Neither secret is kept anywhere in the runs.
    for run in (refused, accepted):
        text = json.dumps(run)
        assert key["SecretAccessKey"] not in text and wrong_secret not in text


def test_a_backend_that_hangs_fails_within_its_timeout(db):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                pass

    thread = threading.Thread(target=accept_and_hold, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        add_backend(db, "stuck", f"http://127.0.0.1:{port}")
        started = time.monotonic()
        code, run, _ = exchange(
            db, "--backend", "stuck", "--identity-pool-id", f"{REGION}:00000000-0000-0000-0000-000000000000",
            "--timeout", "2", timeout=30,
        )
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=5)
        for c in held:
            c.close()
        listener.close()
    assert code == 1
    assert elapsed < 15, elapsed
    error = run["Steps"][0]["Error"]
    assert error["Code"] == "Timeout"
    assert "backend 'stuck'" in error["Message"] and "did not answer within 2 s" in error["Message"]
    assert "Response" not in run["Steps"][0]


def test_a_backend_answering_html_500_is_named(db):
    class Html500(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            page = b"<!doctype html><html><title>502 Bad Gateway</title><h1>oops</h1></html>"
            self.send_response(500)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Html500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        add_backend(db, "html", f"http://127.0.0.1:{server.server_address[1]}")
        code, run, _ = exchange(
            db, "--backend", "html", "--identity-pool-id", f"{REGION}:00000000-0000-0000-0000-000000000000"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    step = run["Steps"][0]
    assert step["Response"]["Status"] == 500
    assert step["Error"]["Code"] == "NotAnAwsAnswer"
    assert step["Error"]["Message"] == (
        "backend 'html': HTTP 500 with an HTML page instead of an AWS answer ('502 Bad Gateway')"
    )


def test_backend_input_is_checked_by_field(db):
    bad = poolhouse(db, "create-backend", "--name", "x", "--region", REGION, "--url", "ftp://h")
    assert bad.returncode == 254 and "Url: must be http:// or https://" in bad.stderr
    bad = poolhouse(db, "create-backend", "--name", "x", "--region", "mars", "--url", "http://h")
    assert bad.returncode == 254 and "Region:" in bad.stderr
    bad = poolhouse(db, "create-backend", "--name", "built-in", "--region", REGION, "--url", "http://h")
    assert bad.returncode == 254 and "built-in backend" in bad.stderr
    listed = json.loads(poolhouse(db, "list-backends", "--json").stdout)
    assert [b["Name"] for b in listed["Backends"]] == ["built-in"]
