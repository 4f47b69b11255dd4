#!/usr/bin/env python3
"""Endpoint benchmarks over loopback HTTP: `poolhouse serve` against cognito-local (npm), both
driven by wrk with the same script in the same run (targets T6, T9, T17, T18, T19; see
docs/benchmarks.md).

    python3 bench/endpoint.py            # bench/run.sh calls it after building the release binary

What it does, every step bounded in count and time, everything on 127.0.0.1:
  1. starts cognito-local 5.3.0 (installed with npm under target/bench-peers/, never committed)
     in a scratch working dir, with a pool of 2,000 users (seeded once; its data directory is
     kept as a pristine copy and restored at every start, so sign-ins of earlier runs do not
     grow its files);
  2. starts `poolhouse serve` on a fresh store and gives it the same 2,000 users through the same
     client (AdminCreateUser over HTTP, sequential, keep-alive), and a second `poolhouse serve` on
     a scratch copy of the cached 1,000,000-user data set (target/bench-data, made by the
     console-api users bench; the cached file itself is never served);
  3. for the sign-in targets, on cognito-local's pool and the 1M pool alike: an app client with
     USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, a permanent password for user0000000..0000049
     (AdminSetUserPassword), and one USER_PASSWORD_AUTH sign-in each, whose access and refresh
     tokens the GetUser and REFRESH_TOKEN_AUTH loads pick from at random;
  4. in each of ENDPOINT_ROUNDS rounds (default 3), runs `wrk -t1 -c8 -d8s`, back to back:
     AdminGetUser on cognito-local (2k), Poolhouse (2k), Poolhouse (1M) and Poolhouse's
     DescribeWorkspace (the cheapest operation through the whole dispatch: our "no-op");
     GetUser(AccessToken) and REFRESH_TOKEN_AUTH on cognito-local and Poolhouse (1M); and
     USER_PASSWORD_AUTH sign-ins on both (last, since they are the CPU-heaviest and the only
     load that writes cognito-local's file); ratios are per round, the median is reported;
  5. ListUsers pages of 60 at random PaginationTokens on the 1M pool with `wrk -t1 -c1` (latency,
     T9) and `-c8` (throughput).

T6's bound is 0.8 × cores ÷ the argon2id verify time that `cargo bench -p console-api --bench
signin` measured earlier in the same run (`$BENCH_RESULTS_DIR/argon2.json`).

Each wrk run also reads the server's CPU time from /proc/<pid>/stat before and after, and reports
requests per server-CPU-second: wrk and the server share 2 cores with other work, so req/s by
wall time is a lower bound and req/CPU-s is the steadier figure.

Environment: POOLHOUSE_BIN (default target/release/poolhouse), WRK_DURATION (8s), ENDPOINT_ROUNDS
(3), BENCH_QUICK=1 (1 round of 3s), CARGO_TARGET_DIR, BENCH_DATA_DIR, BENCH_RESULTS_DIR.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
DATA = Path(os.environ.get("BENCH_DATA_DIR") or TARGET / "bench-data")
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR") or TARGET / "bench-results")
PEERS = TARGET / "bench-peers"
LUA = ROOT / "bench" / "lua" / "cognito.lua"
BIN = Path(os.environ.get("POOLHOUSE_BIN") or TARGET / "release" / "poolhouse")
QUICK = os.environ.get("BENCH_QUICK") == "1"
DURATION = os.environ.get("WRK_DURATION") or ("3s" if QUICK else "8s")
ROUNDS = int(os.environ.get("ENDPOINT_ROUNDS") or (1 if QUICK else 3))
COGNITO_LOCAL_VERSION = "5.3.0"
SEED_USERS = 2000
# Users given a password for the sign-in loads, and the password.
SIGNIN_USERS = 50
PASSWORD = "Bench-Passw0rd!"
CLK_TCK = os.sysconf("SC_CLK_TCK")

GIVEN = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia",
         "Edsger", "Frances", "John", "Katherine", "Tim", "Hedy", "Donald", "Sophie", "Niklaus",
         "Shafi", "Leslie"]
FAMILY = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov",
          "Thompson", "Perlman", "Dijkstra", "Allen", "McCarthy", "Johnson", "Berners-Lee",
          "Lamarr", "Knuth", "Wilson", "Wirth", "Goldwasser", "Lamport"]

rows = []  # (id, what, value, target, verdict)
started = []  # (Popen, stop signal)


def row(tid, what, value, target, verdict):
    print(f"  [{verdict:<4}] {tid:<5} {what}: {value}  (target: {target})", flush=True)
    rows.append((tid, what, value, target, verdict))


def write_rows():
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "endpoint.tsv", "w") as f:
        for r in rows:
            f.write("\t".join(str(c).replace("\t", " ").replace("\n", " ") for c in r) + "\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop_all():
    for p, sig in reversed(started):
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
    started.clear()


def proc_stat(pid):
    """The fields of /proc/<pid>/stat after the command name (field 3 is index 0)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_ticks(pid):
    """utime + stime of a process (all its threads), in clock ticks."""
    fields = proc_stat(pid)
    return int(fields[11]) + int(fields[12])


def minor_faults(pid):
    """Minor page faults of a process so far (each a fresh page the kernel zeroed and mapped)."""
    return int(proc_stat(pid)[7])


class Client:
    """A keep-alive client for the JSON 1.1 protocol."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, target, body):
        data = json.dumps(body).encode()
        self.conn.request("POST", "/", body=data, headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": target,
        })
        resp = self.conn.getresponse()
        out = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{target}: HTTP {resp.status}: {out[:300]!r}")
        return json.loads(out) if out else {}

    def close(self):
        self.conn.close()


IDP = "AWSCognitoIdentityProviderService."


def seed(port, pool_id, count, max_seconds=300):
    """AdminCreateUser (SUPPRESS, no password) for user0000000.., with the attributes Poolhouse's
    generator gives. Sequential; returns latency figures."""
    c = Client(port)
    lat = []
    start = time.monotonic()
    for n in range(count):
        g = GIVEN[n % len(GIVEN)]
        fam = FAMILY[(n // len(GIVEN)) % len(FAMILY)]
        body = {
            "UserPoolId": pool_id,
            "Username": f"user{n:07d}",
            "MessageAction": "SUPPRESS",
            "UserAttributes": [
                {"Name": "email", "Value": f"{g.lower()}.{fam.lower()}{n}@example.com"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "given_name", "Value": g},
                {"Name": "family_name", "Value": fam},
            ],
        }
        t = time.perf_counter()
        c.call(IDP + "AdminCreateUser", body)
        lat.append(time.perf_counter() - t)
        if time.monotonic() - start > max_seconds:
            raise RuntimeError(f"seeding stopped after {n + 1} users ({max_seconds} s bound)")
    secs = time.monotonic() - start
    c.close()
    return {
        "created": count,
        "secs": secs,
        "rate": count / secs,
        "p50_ms": statistics.median(lat) * 1e3,
        "first200_p50_ms": statistics.median(lat[:200]) * 1e3,
        "last200_p50_ms": statistics.median(lat[-200:]) * 1e3,
    }


def start_poolhouse(db, label):
    log = open(DATA / "scratch" / f"serve-{label}.log", "w")
    p = subprocess.Popen([str(BIN), "--db", str(db), "serve", "--addr", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=log, text=True)
    started.append((p, signal.SIGINT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        if line.startswith("listening on http://"):
            port = int(line.strip().rsplit(":", 1)[1])
            return p, port
    raise RuntimeError(f"poolhouse serve ({label}) did not start; see {log.name}")


def ensure_cognito_local():
    """The installed cognito-local's start.js, installing it with npm if missing; None if it
    cannot be had."""
    d = PEERS / "cognito-local"
    start = d / "node_modules" / "cognito-local" / "lib" / "bin" / "start.js"
    if start.is_file():
        return start
    if not shutil.which("npm"):
        print("npm not found: cognito-local cannot be installed", flush=True)
        return None
    d.mkdir(parents=True, exist_ok=True)
    (d / "package.json").write_text('{"name":"bench-peers","private":true}\n')
    print(f"installing cognito-local@{COGNITO_LOCAL_VERSION} into {d} (once)", flush=True)
    r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        f"cognito-local@{COGNITO_LOCAL_VERSION}"], cwd=d, timeout=600)
    return start if r.returncode == 0 and start.is_file() else None


def start_cognito_local(start_js):
    """Starts cognito-local in its scratch dir with a 2,000-user pool (reused if there: its data
    directory is restored from the pristine copy taken right after seeding)."""
    work = PEERS / "cl-run"
    meta_path = work / "bench-pool.json"
    db, pristine = work / ".cognito" / "db", work / "pristine-db"
    meta = None
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("users") != SEED_USERS or not (db / f"{meta['pool_id']}.json").is_file():
            meta = None
    if meta is not None:
        if pristine.is_dir():
            shutil.rmtree(db)
            shutil.copytree(pristine, db)
        else:  # seeded by a run that kept no copy, and only read since
            shutil.copytree(db, pristine)
    if meta is None:
        shutil.rmtree(work, ignore_errors=True)
        (work / ".cognito").mkdir(parents=True)
        # Plain usernames: cognito-local's default pool makes email the username.
        (work / ".cognito" / "config.json").write_text(
            '{"UserPoolDefaults":{"UsernameAttributes":[]}}\n')
    port = free_port()
    log = open(work / "cognito-local.log", "w")
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port))
    p = subprocess.Popen(["node", str(start_js)], cwd=work, env=env, stdout=log, stderr=log)
    started.append((p, signal.SIGTERM))
    if not wait_port(port):
        raise RuntimeError(f"cognito-local did not start; see {log.name}")
    seeding = None
    if meta is None:
        c = Client(port)
        pool_id = c.call(IDP + "CreateUserPool", {"PoolName": "bench-2k"})["UserPool"]["Id"]
        c.close()
        print(f"cognito-local: seeding {SEED_USERS} users into {pool_id} (once; ~1 min)",
              flush=True)
        seeding = seed(port, pool_id, SEED_USERS)
        meta = {"pool_id": pool_id, "users": SEED_USERS, "seeding": seeding}
        meta_path.write_text(json.dumps(meta, indent=1))
        # stormdb writes each change at once; the copy is the seeded state.
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(db, pristine)
    return p, port, meta["pool_id"], seeding or meta.get("seeding"), seeding is None


def prepare_signin(port, pool_id, label, max_seconds=300):
    """An app client allowing password and refresh sign-ins, a permanent password for the first
    SIGNIN_USERS users, and one sign-in each: answers the client id and the files of access and
    refresh tokens the GetUser and REFRESH_TOKEN_AUTH loads pick from."""
    c = Client(port)
    client_id = c.call(IDP + "CreateUserPoolClient", {
        "UserPoolId": pool_id, "ClientName": "bench-signin",
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    })["UserPoolClient"]["ClientId"]
    start = time.monotonic()
    access, refresh = [], []
    for n in range(SIGNIN_USERS):
        username = f"user{n:07d}"
        c.call(IDP + "AdminSetUserPassword", {"UserPoolId": pool_id, "Username": username,
                                              "Password": PASSWORD, "Permanent": True})
        out = c.call(IDP + "InitiateAuth", {
            "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}})
        result = out.get("AuthenticationResult") or {}
        if not result.get("AccessToken") or not result.get("RefreshToken"):
            raise RuntimeError(f"{label}: the sign-in of {username} answered no tokens: {out}")
        access.append(result["AccessToken"])
        refresh.append(result["RefreshToken"])
        if time.monotonic() - start > max_seconds:
            raise RuntimeError(f"{label}: sign-in set-up stopped after {n + 1} users")
    c.close()
    files = {}
    for kind, tokens in (("access", access), ("refresh", refresh)):
        files[kind] = DATA / "scratch" / f"signin-{label}-{kind}.txt"
        files[kind].write_text("\n".join(tokens) + "\n")
    print(f"  {label}: {SIGNIN_USERS} users with a password and a sign-in each "
          f"({time.monotonic() - start:.1f} s)", flush=True)
    return client_id, files


def wrk(port, op, pool_id, users, pid, connections=8, duration=None, tokens=None, client=None):
    env = dict(os.environ, OP=op, POOL_ID=pool_id, USERS=str(users))
    if tokens:
        env["TOKENS"] = str(tokens)
    if client:
        env["CLIENT_ID"] = client
        env["PASSWORD"] = PASSWORD
    before, faults = cpu_ticks(pid), minor_faults(pid)
    t = time.monotonic()
    r = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration or DURATION}",
                        "--latency", "-s", str(LUA), f"http://127.0.0.1:{port}/"],
                       env=env, capture_output=True, text=True, timeout=120)
    wall = time.monotonic() - t
    after, faults = cpu_ticks(pid), minor_faults(pid) - faults
    line = next((l for l in r.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({r.returncode}): {r.stderr[:500]} {r.stdout[-500:]}")
    s = json.loads(line[len("WRKJSON "):])
    s["rps"] = s["requests"] / (s["duration_us"] / 1e6)
    cpu = (after - before) / CLK_TCK
    s["server_cpu_s"] = cpu
    s["req_per_server_cpu_s"] = s["requests"] / cpu if cpu > 0 else float("nan")
    s["wall_s"] = wall
    s["faults_per_req"] = faults / s["requests"] if s["requests"] else float("nan")
    bad = s["status_errors"] + s["socket_errors"]
    print(f"    {op:<17} :{port:<5} c{connections} {s['rps']:>9.0f} req/s  p50 "
          f"{s['p50_us'] / 1e3:6.2f} ms  p99 {s['p99_us'] / 1e3:6.2f} ms  server cpu "
          f"{cpu:5.2f} s = {s['req_per_server_cpu_s']:>8.0f} req/cpu-s  "
          f"{s['faults_per_req']:>6.0f} faults/req"
          + (f"  ERRORS {bad}" if bad else ""), flush=True)
    if bad:
        raise RuntimeError(f"{op} on :{port}: {bad} failed responses; the numbers are invalid")
    return s


scratch_stores = []  # scratch copies removed at the end


def remove_store(path):
    for suffix in ("", "-wal", "-shm", ".key"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def argon2_seconds():
    """The argon2id verify time the signin bench measured in this run (thread-CPU seconds), or
    None."""
    p = RESULTS / "argon2.json"
    if not p.is_file():
        return None, None
    a = json.loads(p.read_text())
    return a.get("verify_cpu_s"), a


def two_signs_seconds():
    """The thread-CPU time of two raw RSA-2048 signatures the signin bench measured in this
    run (T19's floor), or None."""
    p = RESULTS / "rsa.json"
    if not p.is_file():
        return None
    return json.loads(p.read_text()).get("two_signs_cpu_s")


def signin_rows(runs, summary, have_cl, load):
    """T18, T19 and T6 from the rounds' runs."""
    ratio = lambda a, b: med([x["rps"] / y["rps"] for x, y in zip(runs[a], runs[b])])
    busy = max(load) if load else float("nan")
    # T18: GetUser with signature verification.
    if have_cl:
        row("T18", "cognito-local GetUser (decodes the token, no signature check), 2k users",
            summary("cl_getuser"), "(baseline)", "info")
    row("T18", "Poolhouse GetUser (RS256 verify + session and user reads), 1M users",
        summary("ph_getuser"), "", "info")
    if have_cl:
        r = ratio("ph_getuser", "cl_getuser")
        cpu = med([x["req_per_server_cpu_s"] / y["req_per_server_cpu_s"]
                   for x, y in zip(runs["ph_getuser"], runs["cl_getuser"])])
        row("T18", "GetUser req/s, Poolhouse 1M (verified) ÷ cognito-local 2k (unverified)",
            f"{r:.1f}× (per server-CPU-second: {cpu:.1f}×)", "≥ 5×",
            "PASS" if r >= 5 else "MISS")
    else:
        row("T18", "GetUser ÷ cognito-local", "not measured (cognito-local missing)", "≥ 5×",
            "MISS")
    r = ratio("ph_getuser", "noop")
    row("T18", "GetUser ÷ no-op (DescribeWorkspace), same server", f"{r:.2f}", "≥ 0.30",
        "PASS" if r >= 0.30 else "MISS")
    # T19: REFRESH_TOKEN_AUTH.
    if have_cl:
        row("T19", "cognito-local REFRESH_TOKEN_AUTH, 2k users", summary("cl_refresh"),
            "(baseline)", "info")
    row("T19", "Poolhouse REFRESH_TOKEN_AUTH (reads + 2 RS256 signatures), 1M users",
        summary("ph_refresh"), "", "info")
    per_cpu = med([x["req_per_server_cpu_s"] for x in runs["ph_refresh"]])
    two_signs = two_signs_seconds()
    if two_signs:
        floor = 1 / two_signs
        row("T19", "REFRESH_TOKEN_AUTH per server-CPU-second ÷ the floor of two RSA-2048 "
                   f"signatures ({two_signs * 1e6:.0f} µs CPU, signin bench, this run)",
            f"{per_cpu / floor:.2f} ({per_cpu:.0f} of {floor:.0f} refreshes per CPU-second)",
            "≥ 0.9", "PASS" if per_cpu >= 0.9 * floor else "MISS")
    else:
        row("T19", "REFRESH_TOKEN_AUTH ÷ two RSA signatures", "not computed: no rsa.json in "
            "this run's results (cargo bench -p console-api --bench signin writes it)", "≥ 0.9",
            "MISS")
    if have_cl:
        r = ratio("ph_refresh", "cl_refresh")
        cpu = med([x["req_per_server_cpu_s"] / y["req_per_server_cpu_s"]
                   for x, y in zip(runs["ph_refresh"], runs["cl_refresh"])])
        row("T19", "REFRESH_TOKEN_AUTH per server-CPU-second, Poolhouse 1M ÷ cognito-local 2k, "
                   "same wrk client",
            f"{cpu:.1f}× (req/s: {r:.1f}×)", "≥ 10×", "PASS" if cpu >= 10 else "MISS")
    else:
        row("T19", "REFRESH_TOKEN_AUTH ÷ cognito-local", "not measured (cognito-local missing)",
            "≥ 10×", "MISS")
    # T6: password sign-ins against the argon2 bound.
    if have_cl:
        row("T6", "cognito-local USER_PASSWORD_AUTH (plaintext passwords), 2k users",
            summary("cl_signin"), "(peer)", "info")
    row("T6", "Poolhouse USER_PASSWORD_AUTH (argon2id m=19456,t=2,p=1), 1M users",
        summary("ph_signin"), "", "info")
    cores = os.cpu_count() or 1
    row("T6", f"Poolhouse USER_PASSWORD_AUTH, wrk -c{cores} (as many hashes at once as cores)",
        summary("ph_signin_c2"), "(context)", "info")
    verify_s, a = argon2_seconds()
    rps = med([x["rps"] for x in runs["ph_signin"]])
    per_cpu = med([x["req_per_server_cpu_s"] for x in runs["ph_signin"]])
    faults = med([x["faults_per_req"] for x in runs["ph_signin"]])
    faults2 = med([x["faults_per_req"] for x in runs["ph_signin_c2"]])
    if verify_s:
        bound = 0.9 * cores / verify_s
        par = (a or {}).get("parallel") or {}
        ceiling = (f"; the machine's own rate, {par['threads']} in-process threads hashing at "
                   f"once in the signin step: {par['verify_per_s']:.0f}/s, so "
                   f"{rps / par['verify_per_s']:.2f} of it") if par.get("verify_per_s") else ""
        row("T6", f"password sign-ins/s through serve vs 0.9 × {cores} cores ÷ argon2 verify "
                  f"({verify_s * 1e3:.1f} ms CPU, signin bench, this run)",
            f"{rps:.0f}/s = {rps / bound:.2f} of the bound {bound:.0f}/s (per server-CPU-second: "
            f"{per_cpu:.1f} sign-ins = {per_cpu * verify_s:.2f} of 1 ÷ argon2; {faults:.0f} "
            f"page faults per sign-in at -c8, {faults2:.0f} at -c{cores}{ceiling}; load average "
            f"up to {busy:.1f})", f"≥ {bound:.0f}/s", "PASS" if rps >= bound else "MISS")
    else:
        row("T6", "password sign-ins/s through serve", f"{rps:.0f}/s ({per_cpu:.1f} per "
            "server-CPU-second); bound not computed: no argon2.json in this run's results "
            "(cargo bench -p console-api --bench signin writes it)", "0.9 × cores ÷ argon2",
            "MISS")
    if have_cl:
        r = ratio("ph_signin", "cl_signin")
        row("T6", "USER_PASSWORD_AUTH req/s, Poolhouse ÷ cognito-local", f"{r:.1f}×",
            "(context: ≥ 2× expected, not 20×: cognito-local does not hash)", "info")


def med(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def main():
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian package `wrk`: apt-get install wrk); "
              "bench/run.sh installs it", flush=True)
        row("T17", "AdminGetUser over HTTP", "not measured: wrk missing", "≥ 10× cognito-local",
            "MISS")
        return 1
    if not BIN.is_file():
        raise RuntimeError(f"{BIN} not found: cargo build --release -p poolhouse")
    (DATA / "scratch").mkdir(parents=True, exist_ok=True)
    metas = sorted(DATA.glob("users-1m-s*.json"), key=lambda m: m.stat().st_mtime)
    schema = metas[-1] if metas else None
    if schema is None:
        raise RuntimeError("no 1M data set: cargo bench -p console-api --bench users -- "
                           "--prepare-only (bench/run.sh does it first)")
    big_meta = json.loads(schema.read_text())
    big_db = schema.with_suffix(".db")
    tokens = DATA / "users-1m-listusers-tokens.txt"

    # cognito-local (2k users).
    cl = None
    start_js = ensure_cognito_local()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    if start_js is None:
        row("T17", "cognito-local", "could not be installed: Poolhouse's numbers only",
            "", "info")
    else:
        cl_proc, cl_port, cl_pool, cl_seed, reused = start_cognito_local(start_js)
        cl = (cl_proc, cl_port, cl_pool)
        if cl_seed:
            row("T16", f"cognito-local {COGNITO_LOCAL_VERSION} (node {node}) AdminCreateUser "
                       f"over HTTP, {SEED_USERS} sequential"
                       + (" (when its pool was seeded, an earlier run)" if reused else ""),
                f"{cl_seed['rate']:.0f} creates/s; p50 first 200 "
                f"{cl_seed['first200_p50_ms']:.1f} ms, last 200 {cl_seed['last200_p50_ms']:.1f} ms",
                "(peer)", "info")

    # Poolhouse: a fresh 2k store, seeded the same way.
    small_db = DATA / "scratch" / "endpoint-2k.db"
    remove_store(small_db)
    ph2_proc, ph2_port = start_poolhouse(small_db, "2k")
    c = Client(ph2_port)
    ph2_pool = c.call(IDP + "CreateUserPool", {"PoolName": "bench-2k"})["UserPool"]["Id"]
    c.close()
    ph_seed = seed(ph2_port, ph2_pool, SEED_USERS)
    row("T16", f"Poolhouse AdminCreateUser over HTTP, {SEED_USERS} sequential (Python client)",
        f"{ph_seed['rate']:.0f} creates/s; p50 first 200 {ph_seed['first200_p50_ms']:.2f} ms, "
        f"last 200 {ph_seed['last200_p50_ms']:.2f} ms", "(client-bound; see T16 rows above)",
        "info")
    # The 1M pool: a scratch copy (sign-ins write), with the master key its signing keys need.
    copy_db = DATA / "scratch" / "endpoint-1m.db"
    remove_store(copy_db)
    t = time.monotonic()
    shutil.copyfile(big_db, copy_db)
    key = Path(str(big_db) + ".key")
    if key.is_file():
        shutil.copyfile(key, Path(str(copy_db) + ".key"))
    print(f"copied the 1M data set in {time.monotonic() - t:.1f} s", flush=True)
    scratch_stores.append(copy_db)
    ph1_proc, ph1_port = start_poolhouse(copy_db, "1m")
    ph1_pool = big_meta["pool_id"]

    # Sign-in set-up: the same client, users, passwords and sign-ins on both.
    print("sign-in set-up", flush=True)
    ph_signin = prepare_signin(ph1_port, ph1_pool, "poolhouse-1m")
    cl_signin = prepare_signin(cl[1], cl[2], "cognito-local") if cl else None

    # The same user, from both, to show they hold the same users.
    if cl:
        a = Client(cl[1]).call(IDP + "AdminGetUser", {"UserPoolId": cl[2], "Username": "user0000042"})
        b = Client(ph2_port).call(IDP + "AdminGetUser",
                                  {"UserPoolId": ph2_pool, "Username": "user0000042"})
        strip = lambda u: sorted((x["Name"], x["Value"]) for x in u["UserAttributes"]
                                 if x["Name"] != "sub")
        same = strip(a) == strip(b)
        print(f"  user0000042 has the same attributes on both: {same}", flush=True)

    # Warm up each server briefly.
    print("warm-up", flush=True)
    for port, pool, users, pid in ([(cl[1], cl[2], SEED_USERS, cl[0].pid)] if cl else []) + [
            (ph2_port, ph2_pool, SEED_USERS, ph2_proc.pid),
            (ph1_port, ph1_pool, big_meta["users"], ph1_proc.pid)]:
        wrk(port, "AdminGetUser", pool, users, pid, duration="1s")

    runs = {k: [] for k in ("cl", "ph2k", "ph1m", "noop", "cl_getuser", "ph_getuser",
                            "cl_refresh", "ph_refresh", "cl_signin", "ph_signin",
                            "ph_signin_c2")}
    load = [os.getloadavg()[0]]
    for r in range(ROUNDS):
        print(f"round {r + 1}/{ROUNDS} (wrk -t1 -c8 -d{DURATION})", flush=True)
        if cl:
            runs["cl"].append(wrk(cl[1], "AdminGetUser", cl[2], SEED_USERS, cl[0].pid))
        runs["ph2k"].append(wrk(ph2_port, "AdminGetUser", ph2_pool, SEED_USERS, ph2_proc.pid))
        runs["ph1m"].append(wrk(ph1_port, "AdminGetUser", ph1_pool, big_meta["users"],
                                ph1_proc.pid))
        runs["noop"].append(wrk(ph1_port, "DescribeWorkspace", ph1_pool, 1, ph1_proc.pid))
        if cl:
            runs["cl_getuser"].append(wrk(cl[1], "GetUser", cl[2], 1, cl[0].pid,
                                          tokens=cl_signin[1]["access"]))
        runs["ph_getuser"].append(wrk(ph1_port, "GetUser", ph1_pool, 1, ph1_proc.pid,
                                      tokens=ph_signin[1]["access"]))
        if cl:
            runs["cl_refresh"].append(wrk(cl[1], "RefreshTokenAuth", cl[2], 1, cl[0].pid,
                                          tokens=cl_signin[1]["refresh"], client=cl_signin[0]))
        runs["ph_refresh"].append(wrk(ph1_port, "RefreshTokenAuth", ph1_pool, 1, ph1_proc.pid,
                                      tokens=ph_signin[1]["refresh"], client=ph_signin[0]))
        if cl:
            runs["cl_signin"].append(wrk(cl[1], "UserPasswordAuth", cl[2], SIGNIN_USERS,
                                         cl[0].pid, client=cl_signin[0]))
        runs["ph_signin"].append(wrk(ph1_port, "UserPasswordAuth", ph1_pool, SIGNIN_USERS,
                                     ph1_proc.pid, client=ph_signin[0]))
        # As many connections as cores: as many hashes at once as there are cores to run them.
        runs["ph_signin_c2"].append(wrk(ph1_port, "UserPasswordAuth", ph1_pool, SIGNIN_USERS,
                                        ph1_proc.pid, client=ph_signin[0],
                                        connections=os.cpu_count() or 1))
        load.append(os.getloadavg()[0])

    def summary(key):
        xs = runs[key]
        return (f"{med([x['rps'] for x in xs]):.0f} req/s (p50 "
                f"{med([x['p50_us'] for x in xs]) / 1e3:.2f} ms, p99 "
                f"{med([x['p99_us'] for x in xs]) / 1e3:.2f} ms; "
                f"{med([x['req_per_server_cpu_s'] for x in xs]):.0f} req/server-cpu-s)")

    if cl:
        row("T17", "cognito-local AdminGetUser, 2k users, wrk -t1 -c8", summary("cl"),
            "(baseline)", "info")
    row("T17", "Poolhouse AdminGetUser, 2k users, wrk -t1 -c8", summary("ph2k"), "(same users)",
        "info")
    row("T17", "Poolhouse AdminGetUser, 1M users, wrk -t1 -c8", summary("ph1m"), "", "info")
    row("T17", "Poolhouse DescribeWorkspace (no-op through dispatch), wrk -t1 -c8",
        summary("noop"), "(baseline)", "info")
    if cl:
        ratio = med([a["rps"] / b["rps"] for a, b in zip(runs["ph1m"], runs["cl"])])
        ratio2k = med([a["rps"] / b["rps"] for a, b in zip(runs["ph2k"], runs["cl"])])
        cpu_ratio = med([a["req_per_server_cpu_s"] / b["req_per_server_cpu_s"]
                         for a, b in zip(runs["ph1m"], runs["cl"])])
        row("T17", "AdminGetUser req/s, Poolhouse 1M ÷ cognito-local 2k (median of rounds)",
            f"{ratio:.1f}× (2k ÷ 2k: {ratio2k:.1f}×; per server-CPU-second: {cpu_ratio:.1f}×)",
            "≥ 10×", "PASS" if ratio >= 10 else "MISS")
    else:
        row("T17", "AdminGetUser req/s ÷ cognito-local", "not measured (cognito-local missing)",
            "≥ 10×", "MISS")
    absolute = med([x["rps"] for x in runs["ph1m"]])
    row("T17", "AdminGetUser req/s, Poolhouse 1M (absolute)", f"{absolute:.0f} req/s",
        "≥ 13,000 req/s", "PASS" if absolute >= 13000 else "MISS")
    noop = med([a["rps"] / b["rps"] for a, b in zip(runs["ph1m"], runs["noop"])])
    row("T17", "AdminGetUser ÷ no-op (DescribeWorkspace), same server", f"{noop:.2f}",
        "≥ 0.8", "PASS" if noop >= 0.8 else "MISS")
    print(f"  load average (1 min) at the start of each round and at the end: "
          f"{', '.join(f'{x:.1f}' for x in load)}", flush=True)
    signin_rows(runs, summary, bool(cl), load)

    # T9: ListUsers over HTTP on the 1M pool.
    if tokens.is_file():
        print("ListUsers on the 1M pool, random PaginationTokens", flush=True)
        lat = wrk(ph1_port, "ListUsers", ph1_pool, 1, ph1_proc.pid, connections=1,
                  duration="3s" if QUICK else "5s", tokens=tokens)
        thr = wrk(ph1_port, "ListUsers", ph1_pool, 1, ph1_proc.pid, connections=8,
                  duration="3s" if QUICK else "5s", tokens=tokens)
        row("T9", "ListUsers page of 60 over HTTP, 1M pool, wrk -c1, p50",
            f"{lat['p50_us'] / 1e3:.2f} ms (p99 {lat['p99_us'] / 1e3:.2f} ms; "
            f"{thr['rps']:.0f} req/s at -c8)", "≤ 2 ms", "PASS" if lat["p50_us"] <= 2000 else "MISS")
        if cl:
            cll = wrk(cl[1], "ListUsersFirst", cl[2], 1, cl[0].pid, connections=1,
                      duration="3s")
            row("T9", "cognito-local ListUsers Limit=60 (answers all 2,000 users), wrk -c1, p50",
                f"{cll['p50_us'] / 1e3:.1f} ms ({cll['rps']:.0f} req/s)", "(peer)", "info")
    else:
        row("T9", "ListUsers over HTTP", f"not measured: {tokens} missing", "≤ 2 ms", "MISS")
    return 0


if __name__ == "__main__":
    code = 1
    try:
        code = main()
    except Exception as e:  # a broken run is reported, not hidden
        print(f"endpoint bench: {e}", file=sys.stderr, flush=True)
        row("T17", "endpoint bench", f"ERROR: {e}", "", "MISS")
        code = 2
    finally:
        stop_all()
        for p in scratch_stores:
            remove_store(p)
        write_rows()
    sys.exit(code)
