#!/usr/bin/env bash
# boto3 against `poolhouse serve`: the peer suite.
#
# Creates (or reuses) a virtualenv with boto3 (botocore pinned), PyJWT, pycognito, pytest,
# moto's server (the exchange tester's independent backend) and Authlib (an OIDC relying party),
# then runs tests/peers; test_contract.py compares the operation list with botocore's models.
# Env:
#   VENV           the virtualenv (default: <repo>/.venv)
#   POOLHOUSE_BIN  the binary under test (default: <repo>/target/debug/poolhouse; built if missing)
# Extra arguments go to pytest (e.g. `tests/peers/run.sh -k alias -x`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${VENV:-$repo/.venv}"
export POOLHOUSE_BIN="${POOLHOUSE_BIN:-$repo/target/debug/poolhouse}"

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
# botocore is pinned: its service models are what test_contract.py holds Poolhouse to, and a
# new release adds members. Move the pin on purpose, with the contract test's lists.
botocore_version=1.44.8
if ! "$venv/bin/python" -c "import boto3, pytest, jwt, cryptography, pycognito, botocore, moto.server, authlib, requests
assert botocore.__version__ == '$botocore_version'" >/dev/null 2>&1; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        boto3 "botocore==$botocore_version" pytest 'pyjwt[crypto]' pycognito 'moto[server]' \
        authlib requests
fi

if [[ ! -x "$POOLHOUSE_BIN" ]]; then
    (cd "$repo" && cargo build -q -p poolhouse)
fi

cd "$repo"
# No proxies and no real AWS configuration may leak into the peers: the only host is 127.0.0.1.
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy AWS_PROFILE AWS_DEFAULT_PROFILE || true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" tests/peers
