#!/usr/bin/env bash
# Poolhouse's benchmarks, one entry point (`make bench`). See docs/benchmarks.md.
#
# Runs, each step bounded in time (and each load loop inside bounded in count and time):
#   1. the data sets: 10k and 1M generated users under target/bench-data/ (made once, reused)
#   2. storage: bulk insert against raw rusqlite (T13), reads on 1M vs 10k (T8, T10-T12, T15)
#   3. console: operations through dispatch_json on 1M vs 10k (T9, T10, T15), generation (T13,
#      T14), AdminCreateUser (T16)
#   4. the sign-in engine: token verify and sign against raw aws-lc-rs (T1, T2), password sign-in
#      against one argon2id verify and the argon2 path against a reused buffer (T4, T5); the
#      identity pools' role mapping and policy check against one RS256 verify
#   5. the endpoint: `poolhouse serve` (release build) against cognito-local with wrk (T17, T9,
#      T18 GetUser, T19 REFRESH_TOKEN_AUTH, T6 password sign-ins against the argon2 bound), and
#      the identity pools' GetId and GetCredentialsForIdentity against the no-op and moto
# and prints a table of measured value, target and PASS/MISS per target.
#
# Benchmarks report; they do not gate. A MISS does not fail the run; the exit status is non-zero
# only when a step could not run at all (build failure, crash, time limit).
#
# Environment: BENCH_QUICK=1 (a smoke run: fewer rounds, smaller batches), BENCH_ROUNDS,
# BENCH_SKIP_ENDPOINT=1, CARGO_TARGET_DIR, BENCH_DATA_DIR, BENCH_RESULTS_DIR.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
CARGO=${CARGO:-cargo}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
RESULTS=${BENCH_RESULTS_DIR:-$TARGET/bench-results}
export BENCH_RESULTS_DIR=$RESULTS
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
errors=0

# step NAME SECONDS COMMAND...: runs COMMAND with a time limit, logging to $RESULTS/NAME.log.
step() {
	local name=$1 limit=$2
	shift 2
	echo
	echo "=== $name (time limit ${limit}s): $*"
	local start=$SECONDS
	if timeout -k 15 "$limit" "$@" 2>&1 | tee "$RESULTS/$name.log"; then
		echo "--- $name done in $((SECONDS - start)) s"
	else
		echo "--- $name FAILED after $((SECONDS - start)) s (see $RESULTS/$name.log)"
		printf -- '-\t%s\tdid not complete (see %s)\t\tMISS\n' "$name" "$RESULTS/$name.log" \
			>>"$RESULTS/errors.tsv"
		errors=$((errors + 1))
	fi
}

echo "machine: $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"

# wrk (Debian package) for the endpoint step.
if [[ -z ${BENCH_SKIP_ENDPOINT:-} ]] && ! command -v wrk >/dev/null; then
	SUDO=$([[ $(id -u) == 0 ]] || echo sudo)
	echo "installing wrk (apt-get)"
	$SUDO apt-get install -y -qq wrk >/dev/null 2>&1 ||
		{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; } ||
		echo "could not install wrk; the endpoint step will say so"
fi

# The first run generates 1,000,000 users (minutes); later runs reuse them.
step prepare 2400 "$CARGO" bench -p console-api --bench users -- --prepare-only
step storage-insert 900 "$CARGO" bench -p storage --bench insert -- --attribution
step storage-users 900 "$CARGO" bench -p storage --bench users -- --what-if
step console-users 900 "$CARGO" bench -p console-api --bench users -- --criterion
step console-admin-create 900 "$CARGO" bench -p console-api --bench admin_create
step tokens-jwt 600 "$CARGO" bench -p tokens --bench jwt -- --criterion
step identity-pools 600 "$CARGO" bench -p identity-pools --bench ratios
# Also writes argon2.json, from which the endpoint step takes T6's bound.
step console-signin 600 "$CARGO" bench -p console-api --bench signin
# H2: /oauth2/token's grants against the RSA signatures each makes.
step console-oauth 600 "$CARGO" bench -p console-api --bench oauth
if [[ -z ${BENCH_SKIP_ENDPOINT:-} ]]; then
	# A release build takes several minutes on 2 cores the first time.
	step build-release 2400 "$CARGO" build --release -p poolhouse
	step endpoint 1200 python3 bench/endpoint.py
	step identity-endpoint 900 python3 bench/identity_endpoint.py
fi

python3 bench/summary.py "$RESULTS"
if ((errors > 0)); then
	echo "$errors step(s) did not complete"
	exit 1
fi
exit 0
