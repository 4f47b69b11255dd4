#!/usr/bin/env python3
"""Where `poolhouse serve` spends its CPU under one operation's load: a diagnosis, not a benchmark.

    python3 bench/profile_endpoint.py [OP] [CONNECTIONS]
    # OP: AdminGetUser (default) | ListUsers | DescribeWorkspace | GetUser | RefreshTokenAuth |
    #     UserPasswordAuth | GetId | GetCredentialsForIdentity | IdentityNoOp;
    # CONNECTIONS: wrk's -c (default 8)

Starts `poolhouse serve` (release build) on the cached 1M data set on 127.0.0.1 (on a scratch copy
for the sign-in operations, which write, after giving 50 users a password and signing each in
once, as bench/endpoint.py does), drives it with `wrk -t1 -c8 -d10s` (bench/lua/cognito.lua),
records 5 s of the server with `perf record --call-graph dwarf`, and sorts the samples into
buckets by what they were doing: resolving the pool (`require_pool`: the pool row and its JSON
configuration), reading the workspace settings, the user lookup itself, argon2, RSA, page
faults, the blocking-pool hand-off, HTTP. Also prints the server's minor page faults and CPU per
request. GetId and GetCredentialsForIdentity run on a fresh store set up as
bench/identity_endpoint.py sets it up (a user pool, a signed-in user, an identity pool, a role),
their samples sorted by the steps of an identity call (token check, authorisation, role mapping,
trust, minting, the credential and audit rows, BEGIN/COMMIT, the writer's lock). IdentityNoOp is
the no-op (`DescribeWorkspace`) on that same fresh store: the other side of IP1's and IP2's
ratios, without the 1M data set. Needs `perf` (linux-perf) and a kernel that lets this user profile its own processes.
"""

import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
import endpoint  # noqa: E402  (bench/endpoint.py: the sign-in set-up and /proc readers)

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
DATA = Path(os.environ.get("BENCH_DATA_DIR") or TARGET / "bench-data")
BIN = Path(os.environ.get("POOLHOUSE_BIN") or TARGET / "release" / "poolhouse")

# Buckets by any frame in the stack (first match wins): what the request was doing.
BUCKETS = [
    ("dispatch: require_pool (pool row + PoolConfig JSON)", ["require_pool"]),
    ("workspace settings read (signature_policy / load_workspace)",
     ["signature_policy", "load_workspace", "read_workspace"]),
    ("dispatch: the user lookup (resolve / users::get)", ["users::resolve", "storage::users::get"]),
    ("dispatch: the listing (users::list / page)", ["user_pools::users::list", "storage::users::page"]),
    ("dispatch: parse request", ["parse_request"]),
    ("dispatch: encode response / DTOs", ["encode_response", "user_type", "attributes"]),
    ("dispatch: BEGIN/COMMIT of the read", ["execute_batch"]),
    ("dispatch: other", ["dispatch_json"]),
]
# Otherwise by the frame nearest the leaf that matches (tokio's worker threads are themselves
# started by its blocking pool, so "blocking::pool" is at the root of every stack).
MACHINERY = [
    ("blocking-pool hand-off (spawn_blocking)", ["spawn_blocking", "Spawner::spawn_task"]),
    ("threads parking and waking (condvar, unpark, epoll)",
     ["Condvar", "Unparker", "Parker", "park", "epoll"]),
    ("HTTP (hyper/axum/httparse, socket I/O)",
     ["hyper::", "axum::", "httparse", "TcpStream", "mio::", "tower"]),
    ("tokio runtime, other", ["tokio::"]),
]


# The sign-in operations: by any frame in the stack, first match wins.
SIGNIN_BUCKETS = [
    ("page faults on fresh memory (kernel zeroing pages)",
     ["asm_exc_page_fault", "clear_page", "do_anonymous_page"]),
    ("memset / mmap / munmap (in a password sign-in: argon2's 19 MiB of fresh blocks)",
     ["__memset", "memset_avx", "alloc::vec::from_elem", "__libc_calloc", "munmap", "mmap"]),
    ("argon2id: hashing", ["argon2::"]),
    ("RS256 signing (two tokens)", ["sign_claims", "RsaKeyPair::sign", "sign_jwt"]),
    ("RS256 verify", ["Verifier::verify"]),
    ("unverified decode of the token (claimed_pool)", ["claimed_pool", "decode_unverified"]),
    ("SQLite (reads, the write transaction, commit)", ["sqlite3", "rusqlite::"]),
    ("dispatch: parse request", ["parse_request"]),
    ("dispatch: encode response / DTOs", ["encode_response"]),
    ("dispatch: other", ["dispatch_json"]),
]
SIGNIN_OPS = ("GetUser", "RefreshTokenAuth", "UserPasswordAuth")

# GetId / GetCredentialsForIdentity: by any frame in the stack, first match wins (the more
# specific steps first: the credential row's INSERT runs inside the vend, inside the write).
IDENTITY_BUCKETS = [
    ("waiting for the writer (lock, futex)", ["futex_wait", "Mutex<T>::lock", "lock_contended"]),
    ("credential row (INSERT, expiry sweep)", ["storage::credentials::insert",
                                               "credentials::insert"]),
    ("audit row (INSERT)", ["storage::audit::insert", "audit::insert"]),
    ("minting (randomness, HMAC, digests, JSON of the row)", ["credentials::mint",
                                                              "random_base32", "getrandom"]),
    ("trust: role row + policy parse", ["roles::load", "roles::parsed", "parse_policy",
                                        "get_by_arn"]),
    ("trust: evaluation", ["evaluate_web_identity", "check_trust"]),
    ("role mapping (resolve, stored mappings decoded)", ["mapping::resolve", "vend::plan"]),
    ("COMMIT (WAL frames, write(2))", ["sqlite3WalFrames", "sqlite3PagerCommitPhaseOne",
                                       "Transaction::commit", "commit"]),
    ("BEGIN IMMEDIATE", ["transaction_with_behavior", "sqlite3BeginTransaction"]),
    ("token check (RS256 verify, claims)", ["Verifier::verify", "verify_all", "ConsoleLogins",
                                            "decode_unverified", "ring::", "aws_lc"]),
    ("authorisation reads (identity, pool, logins)", ["identities::identity", "authorize_in",
                                                      "identities::known", "identities::pool",
                                                      "identity_pools::get"]),
    ("workspace settings read", ["signature_policy", "load_workspace", "read_workspace",
                                 "Console::workspace"]),
    ("SQLite, other", ["sqlite3", "rusqlite::"]),
    ("dispatch: parse request", ["parse_request"]),
    ("dispatch: encode response", ["encode_response"]),
    ("dispatch: other", ["dispatch_json"]),
]
IDENTITY_OPS = ("GetId", "GetCredentialsForIdentity", "IdentityNoOp")


def classify(stack, buckets=BUCKETS):
    joined = " ".join(stack)
    for label, keys in buckets:
        if any(k in joined for k in keys):
            return label
    for frame in stack:  # leaf first
        for label, keys in MACHINERY:
            if any(k in frame for k in keys):
                return label
    return "other (kernel, allocator, ...)"


def stacks(perf_data):
    out = subprocess.run(["perf", "script", "-i", perf_data], capture_output=True, text=True,
                         errors="replace").stdout
    cur = []
    for line in out.splitlines():
        if not line.strip():
            if cur:
                yield cur
            cur = []
        elif line[:1] in ("\t", " "):
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                cur.append(parts[1].rsplit(" (", 1)[0].split("+0x")[0])
    if cur:
        yield cur


def minflt(pid):
    """Minor page faults of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def record(pid, port, env, connections, buckets, label):
    """wrk on `port` for 10 s, perf on `pid` for 5 s of it; prints the buckets."""
    wrk = subprocess.Popen(["wrk", "-t1", f"-c{connections}", "-d10s", "-s",
                            str(ROOT / "bench" / "lua" / "cognito.lua"),
                            f"http://127.0.0.1:{port}/"], env=env,
                           stdout=subprocess.PIPE, text=True)
    time.sleep(2)
    faults0, cpu0 = minflt(pid), endpoint.cpu_ticks(pid)
    with tempfile.TemporaryDirectory() as d:
        data = f"{d}/perf.data"
        subprocess.run(["perf", "record", "-q", "-F", "499", "--call-graph", "dwarf,32768",
                        "-p", str(pid), "-o", data, "--", "sleep", "5"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        faults, cpu = minflt(pid) - faults0, endpoint.cpu_ticks(pid) - cpu0
        wrk_out = wrk.communicate(timeout=30)[0]
        counts = collections.Counter()
        total = 0
        for s in stacks(data):
            total += 1
            counts[classify(s, buckets)] += 1
        if os.environ.get("PERF_KEEP"):
            shutil.copyfile(data, os.environ["PERF_KEEP"])
    rps = next((l for l in wrk_out.splitlines() if l.startswith("Requests/sec")), "")
    reqs = float(rps.split()[-1]) * 5 if rps else float("nan")  # about, for the 5 s window
    print(f"{label}, wrk -t1 -c{connections}: {rps.strip()}")
    print(f"server, during the 5 s recorded: {cpu / endpoint.CLK_TCK:.2f} s CPU, "
          f"{faults} minor page faults (≈ {faults / reqs:.0f} per request, "
          f"≈ {cpu / endpoint.CLK_TCK / reqs * 1e3:.3f} ms CPU per request)")
    print(f"server CPU samples: {total}")
    for name, n in counts.most_common():
        print(f"  {100 * n / max(total, 1):5.1f}%  {name}")


def identity(op, connections):
    """GetId / GetCredentialsForIdentity on a fresh store (bench/identity_endpoint.py's set-up)."""
    import identity_endpoint  # noqa: E402  (its set-up; imported here, it imports endpoint)
    if not BIN.is_file():
        print("needs the release binary: cargo build --release -p poolhouse")
        return 2
    (DATA / "scratch").mkdir(parents=True, exist_ok=True)
    db = DATA / "scratch" / "profile-identity.db"
    endpoint.remove_store(db)
    p = subprocess.Popen([str(BIN), "--db", str(db), "serve", "--addr", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
        key, token, ipool, ident = identity_endpoint.poolhouse_setup(port)
        wrk_op = "DescribeWorkspace" if op == "IdentityNoOp" else op
        env = dict(os.environ, OP=wrk_op, IDENTITY_POOL_ID=ipool, LOGINS_KEY=key,
                   LOGIN_TOKEN=token, IDENTITY_ID=ident)
        record(p.pid, port, env, connections, IDENTITY_BUCKETS, op)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
        endpoint.remove_store(db)
    return 0


def main():
    op = sys.argv[1] if len(sys.argv) > 1 else "AdminGetUser"
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    if op in IDENTITY_OPS:
        return identity(op, connections)
    metas = sorted(DATA.glob("users-1m-s*.json"), key=lambda m: m.stat().st_mtime)
    if not metas or not BIN.is_file():
        print("needs the 1M data set and the release binary: run bench/run.sh first")
        return 2
    meta = json.loads(metas[-1].read_text())
    db = metas[-1].with_suffix(".db")
    signin = op in SIGNIN_OPS
    if signin:  # these write: serve a scratch copy
        (DATA / "scratch").mkdir(parents=True, exist_ok=True)
        copy = DATA / "scratch" / "profile-1m.db"
        endpoint.remove_store(copy)
        shutil.copyfile(db, copy)
        shutil.copyfile(str(db) + ".key", str(copy) + ".key")
        db = copy
    p = subprocess.Popen([str(BIN), "--db", str(db), "serve", "--addr", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = p.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        env = dict(os.environ, OP=op, POOL_ID=meta["pool_id"], USERS=str(meta["users"]),
                   TOKENS=str(DATA / "users-1m-listusers-tokens.txt"))
        if signin:
            client, files = endpoint.prepare_signin(port, meta["pool_id"], "profile")
            env.update(CLIENT_ID=client, PASSWORD=endpoint.PASSWORD,
                       USERS=str(endpoint.SIGNIN_USERS),
                       TOKENS=str(files["refresh" if op == "RefreshTokenAuth" else "access"]))
        wrk = subprocess.Popen(["wrk", "-t1", f"-c{connections}", "-d10s", "-s",
                                str(ROOT / "bench" / "lua" / "cognito.lua"),
                                f"http://127.0.0.1:{port}/"], env=env,
                               stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        faults0, cpu0 = minflt(p.pid), endpoint.cpu_ticks(p.pid)
        with tempfile.TemporaryDirectory() as d:
            data = f"{d}/perf.data"
            subprocess.run(["perf", "record", "-q", "-F", "499", "--call-graph", "dwarf,32768",
                            "-p", str(p.pid), "-o", data, "--", "sleep", "5"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            faults, cpu = minflt(p.pid) - faults0, endpoint.cpu_ticks(p.pid) - cpu0
            wrk_out = wrk.communicate(timeout=30)[0]
            counts = collections.Counter()
            total = 0
            for s in stacks(data):
                total += 1
                counts[classify(s, SIGNIN_BUCKETS if signin else BUCKETS)] += 1
        rps = next((l for l in wrk_out.splitlines() if l.startswith("Requests/sec")), "")
        reqs = float(rps.split()[-1]) * 5 if rps else float("nan")  # about, for the 5 s window
        print(f"{op} on the 1M pool, wrk -t1 -c{connections}: {rps.strip()}")
        print(f"server, during the 5 s recorded: {cpu / endpoint.CLK_TCK:.2f} s CPU, "
              f"{faults} minor page faults (≈ {faults / reqs:.0f} per request, "
              f"≈ {cpu / endpoint.CLK_TCK / reqs * 1e3:.2f} ms CPU per request)")
        print(f"server CPU samples: {total}")
        for label, n in counts.most_common():
            print(f"  {100 * n / max(total, 1):5.1f}%  {label}")
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
        if signin:
            endpoint.remove_store(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
