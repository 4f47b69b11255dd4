#!/usr/bin/env python3
"""Instructions per call of `poolhouse serve`: the no-op against GetCredentialsForIdentity, counted
by callgrind. A diagnosis, not a benchmark: it resolves changes of a few percent in what a call
does that req/s on a shared machine cannot, but counts user-space instructions only (no kernel, no
waiting), and under valgrind SHA-256 and AES run without their CPU extensions.

    python3 bench/callgrind_endpoint.py [SECONDS]    # SECONDS of wrk per window (default 10)

Starts `poolhouse serve` (POOLHOUSE_BIN, default the release build) under
`valgrind --tool=callgrind` on a fresh store set up as bench/identity_endpoint.py sets it up (a
user pool, a signed-in user, an identity pool, a role), then for the no-op (DescribeWorkspace)
and GetCredentialsForIdentity, twice each: zeroes the counters (`callgrind_control -z`), drives
the server with `wrk -t1 -c8` (bench/lua/cognito.lua), dumps the counters (`callgrind_control
-d`) and divides the instructions of every thread by the calls wrk made. Prints the second
window of each. Needs valgrind; everything on 127.0.0.1, bounded in time.
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
import endpoint  # noqa: E402  (the release binary, the data folder, the store's removal)
import identity_endpoint  # noqa: E402  (the identity pool set-up)

ROOT = Path(__file__).resolve().parent.parent


def window(pid, port, env, out_dir, secs):
    """(calls, instructions per call) for `secs` of wrk against the server `pid`."""
    subprocess.run(["callgrind_control", "-z", str(pid)], capture_output=True, timeout=120)
    wrk = subprocess.run(["wrk", "-t1", "-c8", f"-d{secs}s", "-s",
                          str(ROOT / "bench" / "lua" / "cognito.lua"),
                          f"http://127.0.0.1:{port}/"],
                         env=env, capture_output=True, text=True, timeout=secs + 120).stdout
    before = set(glob.glob(f"{out_dir}/cg.out*"))
    subprocess.run(["callgrind_control", "-d", str(pid)], capture_output=True, timeout=300)
    time.sleep(1)
    instructions = 0
    for dump in set(glob.glob(f"{out_dir}/cg.out*")) - before:  # one file per thread
        with open(dump, errors="replace") as f:
            for line in f:
                if line.startswith("totals:"):
                    instructions += int(line.split()[1])
    m = re.search(r"(\d+) requests in", wrk)
    calls = int(m.group(1)) if m else 0
    return calls, instructions / max(calls, 1)


def main():
    secs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for tool in ("valgrind", "callgrind_control", "wrk"):
        if not shutil.which(tool):
            print(f"needs {tool}")
            return 2
    if not endpoint.BIN.is_file():
        print("needs the release binary: cargo build --release -p poolhouse")
        return 2
    (endpoint.DATA / "scratch").mkdir(parents=True, exist_ok=True)
    db = endpoint.DATA / "scratch" / "callgrind-identity.db"
    endpoint.remove_store(db)
    out_dir = tempfile.mkdtemp()
    p = subprocess.Popen(["valgrind", "--tool=callgrind", "--separate-threads=yes",
                          f"--callgrind-out-file={out_dir}/cg.out",
                          str(endpoint.BIN), "--db", str(db), "serve", "--addr", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
        key, token, ipool, ident = identity_endpoint.poolhouse_setup(port)
        found = {}
        for op in ("DescribeWorkspace", "GetCredentialsForIdentity") * 2:
            env = dict(os.environ, OP=op, IDENTITY_POOL_ID=ipool, LOGINS_KEY=key,
                       LOGIN_TOKEN=token, IDENTITY_ID=ident)
            found[op] = window(p.pid, port, env, out_dir, secs)
        (n_calls, noop), (g_calls, gcfi) = found["DescribeWorkspace"], found[
            "GetCredentialsForIdentity"]
        print(f"no-op (DescribeWorkspace): {noop / 1e3:.1f}k instructions per call ({n_calls} calls)")
        print(f"GetCredentialsForIdentity: {gcfi / 1e3:.1f}k instructions per call "
              f"({g_calls} calls)")
        print(f"no-op ÷ GetCredentialsForIdentity: {noop / gcfi:.3f}")
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=120)
        endpoint.remove_store(db)
        shutil.rmtree(out_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
