#!/usr/bin/env bash
# End-to-end test of the real desktop app: the debug binary under Xvfb, driven over WebDriver
# (tauri-driver + WebKitWebDriver) by tests/desktop/test_desktop.py; each test starts the app on
# a fresh temporary store of its own.
#
#   tests/desktop/run.sh                  # builds target/debug/poolhouse-desktop if needed, runs
#   DESKTOP_BIN=/abs/path tests/desktop/run.sh   # tests that binary, builds nothing
#
# Env: DESKTOP_BIN (binary; default target/debug/poolhouse-desktop, built here), VENV (python venv
# with selenium + pytest; default .venv-desktop at the repo root, created on first use),
# DESKTOP_TEST_TIMEOUT (seconds for the whole pytest run; default 300), PYTEST_ARGS.
# Writes screenshots to tests/out/desktop-*.png. Needs: Xvfb, WebKitWebDriver (apt webkit2gtk-driver),
# tauri-driver (cargo install, done here when missing), python3, and ui/dist for the build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
started=$SECONDS
log() { printf '[desktop-e2e %3ds] %s\n' "$((SECONDS - started))" "$*" >&2; }
die() { log "error: $*"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/poolhouse-desktop-e2e.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    # Each helper runs in its own process group (setsid): end it and whatever it started.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [[ $rc -ne 0 && -d "$WORK" ]]; then
    for f in "$WORK"/*.log; do
      [[ -s "$f" ]] || continue
      echo "---- $(basename "$f") (last 40 lines) ----" >&2
      tail -n 40 "$f" >&2
    done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- system packages (present on the project's machines; installed when missing) ----------
need_pkgs=()
for p in xvfb xauth webkit2gtk-driver; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  log "installing ${need_pkgs[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    die "missing packages: ${need_pkgs[*]} (apt-get install them as root)"
  fi
fi
command -v WebKitWebDriver >/dev/null || die "WebKitWebDriver not found (apt webkit2gtk-driver)"

# --- tauri-driver ---------------------------------------------------------------------------
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"
if ! command -v tauri-driver >/dev/null; then
  log "installing tauri-driver (cargo install, ~1 min)"
  timeout 900 cargo install tauri-driver --version '^2' --locked --quiet
fi

# --- the binary -------------------------------------------------------------------------------
if [[ -z "${DESKTOP_BIN:-}" ]]; then
  [[ -f ui/dist/index.html ]] || die "ui/dist is missing: build the UI first (npm --prefix ui run build)"
  log "cargo build -p poolhouse-desktop"
  timeout 1200 cargo build -p poolhouse-desktop --quiet
  DESKTOP_BIN="$ROOT/target/debug/poolhouse-desktop"
fi
[[ "$DESKTOP_BIN" = /* ]] || DESKTOP_BIN="$ROOT/$DESKTOP_BIN"
[[ -x "$DESKTOP_BIN" ]] || die "no executable at $DESKTOP_BIN"
export DESKTOP_BIN

# --- python venv with selenium + pytest -----------------------------------------------------
VENV="${VENV:-$ROOT/.venv-desktop}"
if ! "$VENV/bin/python" -c 'import selenium, pytest' >/dev/null 2>&1; then
  log "preparing $VENV (selenium, pytest)"
  python3 -m venv "$VENV"
  printf '*\n' >"$VENV/.gitignore"   # keep the venv out of git wherever it lives
  timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check 'selenium>=4.26,<5' 'pytest>=8,<9'
fi

# --- Xvfb on a free display -----------------------------------------------------------------
display=""
for n in $(seq 97 160); do
  if [[ ! -e /tmp/.X11-unix/X$n && ! -e /tmp/.X$n-lock ]]; then display=$n; break; fi
done
[[ -n "$display" ]] || die "no free X display between :97 and :160"
setsid Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [[ -e /tmp/.X11-unix/X$display ]] && break; sleep 0.1; done
[[ -e /tmp/.X11-unix/X$display ]] || die "Xvfb did not start on :$display"
export DISPLAY=":$display"

# --- tauri-driver on free ports -------------------------------------------------------------
ports="$(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
ports = [s.getsockname()[1] for s in socks]
for s in socks:
    s.close()  # before printing: the driver binds them next
print(*ports)
PY
)"
read -r port native_port <<<"$ports"
# A smaller WebKit (no GPU here anyway).
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1
# The app inherits these through the drivers. POOLHOUSE_DB names a store the app must NOT open:
# each test gives the app its own store with --db, which wins, and fails if this one appears.
# The data directory (where the default store would go) is scratch too.
export POOLHOUSE_DB="$WORK/env-store/poolhouse.db"
export XDG_DATA_HOME="$WORK/data"
# The app never starts a real browser here: its first launcher (xdg-open) is a stand-in that
# appends each address it is given to OPENED_RECORD, which the tests read.
mkdir -p "$WORK/bin"
export OPENED_RECORD="$WORK/opened.txt"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "$OPENED_RECORD"\n' >"$WORK/bin/xdg-open"
chmod 755 "$WORK/bin/xdg-open"
export PATH="$WORK/bin:$PATH"
setsid tauri-driver --port "$port" --native-port "$native_port" >"$WORK/tauri-driver.log" 2>&1 &
PIDS+=($!)
python3 - "$port" <<'PY' || die "tauri-driver did not listen on port $port"
import socket, sys, time
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
export WEBDRIVER_URL="http://127.0.0.1:$port"
export OUT_DIR="$ROOT/tests/out"
mkdir -p "$OUT_DIR"

log "Xvfb :$display, tauri-driver :$port, app $DESKTOP_BIN, a store per test (--db)"
# shellcheck disable=SC2086  # PYTEST_ARGS is a list of words
timeout --kill-after=10 "${DESKTOP_TEST_TIMEOUT:-300}" \
  "$VENV/bin/python" -m pytest -p no:cacheprovider -v -ra ${PYTEST_ARGS:-} "$ROOT/tests/desktop/test_desktop.py"
log "done"
