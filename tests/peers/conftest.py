"""Fixtures for the boto3 peer suite: a real `poolhouse serve` on 127.0.0.1, and boto3 clients
pointed at it.

The server is started by the test itself (`$POOLHOUSE_BIN --db <tmp>/peers.db serve --addr
127.0.0.1:0`); its port is read from the `listening on http://127.0.0.1:PORT` line it prints
when ready. Nothing leaves 127.0.0.1 and every wait is bounded. The test chooses the server's
console secret (`POOLHOUSE_CONSOLE_SECRET`), which `poolhouse()` sends as the console does:
the console's own operations (`CreateAccessKey`, `UpdateWorkspace`, ...) need it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import selectors
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.config
import pytest

REPO = Path(__file__).resolve().parents[2]
POOLHOUSE_BIN = os.environ.get("POOLHOUSE_BIN", str(REPO / "target" / "debug" / "poolhouse"))
READY_TIMEOUT = 20.0
HTTP_TIMEOUT = 10.0

# Never talk to real AWS or through a proxy, whatever the environment says.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "AWS_PROFILE"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

READY_LINE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


@dataclass
class Server:
    """A running `poolhouse serve`."""

    proc: subprocess.Popen
    url: str
    db: Path
    console_secret: str

    def call(self, target: str, body: dict | None = None, headers: dict | None = None):
        """POSTs one operation unsigned; answers (status, headers, parsed JSON body)."""
        data = json.dumps(body or {}).encode()
        req = urllib.request.Request(self.url + "/", data=data, method="POST")
        req.add_header("Content-Type", "application/x-amz-json-1.1")
        req.add_header("X-Amz-Target", target)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=HTTP_TIMEOUT) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = {"raw": raw.decode(errors="replace")}
            return e.code, dict(e.headers), parsed

    def call_get(self, path: str) -> dict:
        """GETs a JSON document (the well-known routes) that must exist."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(self.url + path, timeout=HTTP_TIMEOUT) as resp:
            assert resp.status == 200
            return json.loads(resp.read())

    def poolhouse(self, target: str, body: dict | None = None) -> dict:
        """Calls a `Poolhouse.<Op>` target that must succeed."""
        status, _, out = self.call(f"Poolhouse.{target}", body, {"X-Poolhouse-Console": self.console_secret})
        assert status == 200, f"Poolhouse.{target} failed: {status} {out}"
        return out

    def client(self, key: str = "AKIDEXAMPLE", secret: str = "secret", service: str = "cognito-idp"):
        """A boto3 client of `service` (cognito-idp unless told) on this server: dummy region,
        no retries, short timeouts."""
        return boto3.session.Session().client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=botocore.config.Config(
                retries={"max_attempts": 1},
                connect_timeout=5,
                read_timeout=HTTP_TIMEOUT,
                proxies={},
            ),
        )


def _start(db: Path, log: Path) -> Server:
    if not os.access(POOLHOUSE_BIN, os.X_OK):
        pytest.fail(f"{POOLHOUSE_BIN} is not built; run `cargo build -p poolhouse` (or tests/peers/run.sh)")
    errlog = open(log, "wb")
    console_secret = secrets.token_hex(32)
    proc = subprocess.Popen(
        [POOLHOUSE_BIN, "--db", str(db), "serve", "--addr", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=errlog,
        env={
            **os.environ,
            "POOLHOUSE_LOG": os.environ.get("POOLHOUSE_LOG", "warn"),
            "POOLHOUSE_CONSOLE_SECRET": console_secret,
        },
    )
    errlog.close()
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + READY_TIMEOUT
    line = b""
    try:
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or proc.poll() is not None:
                break
            if sel.select(timeout=left):
                chunk = os.read(proc.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
    finally:
        sel.close()
    m = READY_LINE.search(line.decode(errors="replace"))
    if not m:
        _stop(proc)
        pytest.fail(
            f"poolhouse serve did not print its address within {READY_TIMEOUT}s: {line!r}; "
            f"stderr: {log.read_text(errors='replace')[-2000:]}"
        )
    return Server(proc=proc, url=f"http://127.0.0.1:{m.group(1)}", db=db, console_secret=console_secret)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    """One server for the session; tests isolate themselves by creating their own pools."""
    d = tmp_path_factory.mktemp("peers")
    s = _start(d / "peers.db", d / "serve.log")
    yield s
    _stop(s.proc)


@pytest.fixture(scope="session")
def idp(server):
    """A boto3 cognito-idp client on the session's server (dummy credentials)."""
    return server.client()


@pytest.fixture
def fresh_server(tmp_path) -> Server:
    """A server of its own, for tests that change the workspace (e.g. RequireSignature)."""
    s = _start(tmp_path / "peers.db", tmp_path / "serve.log")
    yield s
    _stop(s.proc)


@pytest.fixture
def pool_id(idp) -> str:
    """A fresh pool with Cognito's default settings."""
    return idp.create_user_pool(PoolName=f"p-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
