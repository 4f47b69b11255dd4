#!/usr/bin/env python3
"""Prints the benchmarks' summary table from the result rows the benches wrote.

    python3 bench/summary.py [RESULTS_DIR]

Each bench writes TSV rows (target, what, measured, bound, PASS/MISS/info) to
target/bench-results/<bench>.tsv; this adds T13's cross-bench ratio (the generator's rate over the
raw rusqlite insert, both measured in this run) and prints one table, also saved as summary.md.
It reports; it does not gate (the exit status is 0 whatever the verdicts).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
RESULTS = Path(sys.argv[1] if len(sys.argv) > 1 else
               os.environ.get("BENCH_RESULTS_DIR") or TARGET / "bench-results")
ORDER = ["tokens-jwt", "identity-pools", "console-signin", "console-oauth", "console-generate", "storage-users", "console-users",
         "storage-insert", "console-admin-create", "endpoint", "identity-endpoint", "errors"]


def load(name):
    p = RESULTS / f"{name}.tsv"
    if not p.is_file():
        return []
    return [l.rstrip("\n").split("\t") for l in p.read_text().splitlines() if l.strip()]


def main():
    rows = []
    for name in ORDER:
        rows += [r + [""] * (5 - len(r)) for r in load(name)]
    base, gen = RESULTS / "insert-baseline.json", RESULTS / "generate-rate.json"
    if base.is_file() and gen.is_file():
        b, g = json.loads(base.read_text()), json.loads(gen.read_text())
        if b["users"] == g["users"]:
            r = g["users_per_cpu_s"] / b["raw_min_users_per_cpu_s"]
            rw = g["users_per_s"] / b["raw_min_users_per_s"]
            rs = g["users_per_cpu_s"] / b["raw_same_users_per_cpu_s"]
            rows.append(["T13", f"generator ÷ raw rusqlite (3-index schema), {g['users']} users, "
                         "users/cpu-s", f"{r:.2f} (wall {rw:.2f}; ÷ raw insert into the same "
                         f"12-index schema: {rs:.2f})", "≥ 0.5", "PASS" if r >= 0.5 else "MISS"])
    rows.sort(key=lambda r: (int(r[0][1:]) if r[0][1:].isdigit() else 99))
    head = ["#", "measured", "value", "target", "result"]
    w = [max(len(head[i]), *(len(r[i]) for r in rows)) if rows else len(head[i])
         for i in range(5)]
    w[2] = min(w[2], 90)
    w[1] = min(w[1], 70)

    def line(r):
        return " | ".join(str(r[i])[:w[i]].ljust(w[i]) if i < 4 else str(r[i])
                          for i in range(5))

    print("\nBenchmark summary (reports only; a MISS does not fail the run)\n")
    print(line(head))
    print("-+-".join("-" * x for x in w))
    for r in rows:
        print(line(r))
    n = {v: sum(1 for r in rows if r[4] == v) for v in ("PASS", "MISS")}
    print(f"\n{n['PASS']} PASS, {n['MISS']} MISS, {len(rows) - n['PASS'] - n['MISS']} info "
          f"(full rows: {RESULTS}/summary.md)")
    with open(RESULTS / "summary.md", "w") as f:
        f.write("| # | measured | value | target | result |\n|---|---|---|---|---|\n")
        for r in rows:
            f.write("| " + " | ".join(c.replace("|", "\\|") for c in r[:5]) + " |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
