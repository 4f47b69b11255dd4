"""The real desktop app (debug build) under Xvfb, driven over WebDriver by tauri-driver.

Started by tests/desktop/run.sh, which provides: DESKTOP_BIN (absolute path of the binary),
WEBDRIVER_URL (tauri-driver), POOLHOUSE_DB (a store path the app must NOT open: every test
gives the app its own store with `--db`, which wins over the environment), OUT_DIR
(screenshots).

Each test starts its own app on its own fresh store, so the tests do not depend on each other
or on their order.
"""

import http.server
import os
import re
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BIN = os.environ.get("DESKTOP_BIN", "/work/main/target/debug/poolhouse-desktop")
WEBDRIVER_URL = os.environ.get("WEBDRIVER_URL", "http://127.0.0.1:4444")
# The store named by the environment; --db names another, and the app must use that one.
ENV_STORE = os.environ.get("POOLHOUSE_DB", "")
# The default store (poolhouse.db in the data directory), which --db must not fall back to
# either; run.sh points XDG_DATA_HOME into its scratch directory.
XDG_DATA_HOME = os.environ.get("XDG_DATA_HOME")
DEFAULT_STORE = Path(XDG_DATA_HOME) / "poolhouse" / "poolhouse.db" if XDG_DATA_HOME else None
OUT_DIR = Path(os.environ.get("OUT_DIR", Path(__file__).resolve().parents[1] / "out"))

POOL_NAME = "Staff directory"
POOL_ID = re.compile(r"^[a-z]{2}-[a-z]+-\d_[0-9A-Za-z]{9}$")
WAIT = 20  # seconds for any one thing to show up


def css(selector: str):
    return (By.CSS_SELECTOR, selector)


def by_testid(name: str):
    return css(f'[data-testid="{name}"]')


@pytest.fixture
def store(tmp_path):
    """A fresh store path for this test's app, not the one the environment names."""
    path = tmp_path / "store" / "poolhouse.db"
    assert ENV_STORE, "POOLHOUSE_DB must name a store path for the app to ignore"
    assert os.path.abspath(ENV_STORE) != str(path)
    yield path
    assert not os.path.exists(ENV_STORE), (
        f"the app opened the store named by POOLHOUSE_DB ({ENV_STORE}) instead of --db"
    )
    assert DEFAULT_STORE is None or not DEFAULT_STORE.exists(), (
        f"the app opened the default store ({DEFAULT_STORE}) instead of --db"
    )


@pytest.fixture
def driver(store):
    """The app, started on `store` with `--db`, in a WebDriver session of its own."""
    assert os.path.isabs(BIN) and os.access(BIN, os.X_OK), f"no executable at {BIN}"
    assert not store.exists(), f"the store {store} is not fresh"
    opts = ArgOptions()
    opts.set_capability("browserName", "wry")
    # The environment (inherited through the drivers) names ENV_STORE; the flag names `store`
    # and wins. The `store` fixture checks afterwards that ENV_STORE was never created.
    opts.set_capability("tauri:options", {"application": BIN, "args": ["--db", str(store)]})
    started = time.monotonic()
    connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=WEBDRIVER_URL, timeout=30))
    drv = webdriver.Remote(command_executor=connection, options=opts)
    drv.started_at = started
    drv.set_script_timeout(10)
    try:
        yield drv
    finally:
        try:
            drv.quit()
        except WebDriverException:
            pass


INVOKE = (
    "const [cmd, args, done] = arguments;"
    "window.__TAURI_INTERNALS__.invoke(cmd, args).then("
    "  (ok) => done({ ok }), (err) => done({ err }));"
)


def invoke(drv, command, request):
    """One command over the app's IPC, as the UI calls it: {"ok": response} or {"err": ApiError}."""
    return drv.execute_async_script(INVOKE, command, {"input": request})


def pool_names_in(path):
    """The pool names stored in the SQLite file at `path`, read beside the running app."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [name for (name,) in db.execute("SELECT name FROM user_pools ORDER BY name")]


def wait(drv, timeout=WAIT):
    return WebDriverWait(drv, timeout, poll_frequency=0.05)


def settle_frames(drv):
    """Two animation frames, so a screenshot shows what was last rendered."""
    drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
    )


# WebKitWebDriver answers a screenshot after the web view's next paint, and with compositing off
# (as under Xvfb) a page with nothing left to draw is never painted again: the call hangs on a
# still screen and works only while a transition happens to be running. So for the time of the
# call one pixel in a corner flickers between two invisible opacities, and is removed after.
REPAINT_WHILE_SHOOTING = """
const dot = document.createElement('div');
dot.dataset.screenshotRepaint = '';
dot.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;'
  + 'pointer-events:none;background:#888;opacity:0.01';
document.body.appendChild(dot);
let n = 0;
const tick = () => {
  if (!dot.isConnected) return;
  n += 1;
  dot.style.opacity = n % 2 ? '0.02' : '0.01';
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"""


def screenshot(drv, name):
    """The window as a PNG under OUT_DIR, written and non-trivial; returns its path."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    shot = OUT_DIR / name
    settle_frames(drv)
    drv.execute_script(REPAINT_WHILE_SHOOTING)
    try:
        assert drv.get_screenshot_as_file(str(shot)), "the screenshot was not written"
    finally:
        drv.execute_script("document.querySelectorAll('[data-screenshot-repaint]').forEach((d) => d.remove());")
    assert shot.stat().st_size > 1000, f"{shot} is nearly empty"
    print(f"screenshot: {shot}")
    return shot


def test_fresh_store_shows_the_empty_pool_list(driver):
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    empty = wait(driver).until(
        EC.visibility_of_element_located(css('[data-testid="pool-list"] [data-testid="empty-state"]'))
    )
    ready = time.monotonic() - driver.started_at
    print(f"empty pool list interactive {ready:.2f}s after the session was requested")
    assert "first user pool" in empty.text
    assert driver.title == "Poolhouse"


def test_create_a_pool_through_the_ui_and_see_it_listed(driver, store):
    wait(driver).until(
        EC.element_to_be_clickable(css('[data-testid="empty-state"] [data-testid="create-pool"]'))
    ).click()
    dialog = wait(driver).until(EC.visibility_of_element_located(by_testid("create-pool-dialog")))
    name = dialog.find_element(*by_testid("pool-name"))
    name.clear()
    name.send_keys(POOL_NAME)
    dialog.find_element(*by_testid("create-pool-submit")).click()

    # The UI opens the new pool; go back to the list through the sidebar.
    wait(driver).until(lambda d: re.search(r"#/pools/[^/]+", d.execute_script("return location.hash")))
    pool_id = driver.execute_script("return decodeURIComponent(location.hash.split('/')[2])")
    assert POOL_ID.match(pool_id), pool_id
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="#/pools"]').click()

    table = wait(driver).until(EC.visibility_of_element_located(by_testid("pool-table")))
    wait(driver).until(lambda d: POOL_NAME in table.text)
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1
    assert POOL_NAME in rows[0].text and pool_id in rows[0].text
    assert not driver.find_elements(*by_testid("empty-state"))

    # The app wrote to the store --db gave it (and, by the `store` fixture, not to the one
    # POOLHOUSE_DB names).
    assert pool_names_in(store) == [POOL_NAME]

    screenshot(driver, "desktop-pool-list.png")


def test_commands_answer_results_and_api_errors(driver):
    """The IPC contract the UI relies on: invoke(<method>, { input }) -> response | ApiError."""
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    created = invoke(driver, "create_user_pool", {"PoolName": POOL_NAME})
    assert "err" not in created, created
    assert POOL_ID.match(created["ok"]["UserPool"]["Id"]), created

    listed = invoke(driver, "list_user_pools", {"MaxResults": 10})
    assert "err" not in listed, listed
    assert [p["Name"] for p in listed["ok"]["UserPools"]] == [POOL_NAME]

    missing = invoke(driver, "describe_user_pool", {"UserPoolId": "us-east-1_000000000"})
    assert missing.get("err", {}).get("code") == "ResourceNotFoundException", missing

    empty_input = invoke(driver, "describe_workspace", {})
    assert "ok" in empty_input, empty_input

    audit = invoke(driver, "list_audit_events", {})
    assert "ok" in audit, audit
    creations = [e for e in audit["ok"]["Events"] if e["Operation"] == "CreateUserPool"]
    assert [e["Actor"] for e in creations] == ["console"], audit


def test_the_window_may_invoke_the_operations_and_nothing_else(driver):
    """Least privilege: the operations' commands are granted to the main window; no core
    plugin is (the UI uses none), the prototypes are frozen, and the window does not leave the
    app's own origin."""
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    assert "ok" in invoke(driver, "list_user_pools", {"MaxResults": 1})
    for command, args in [
        ("plugin:event|listen", {"event": "x", "target": {"kind": "Any"}, "handler": 0}),
        ("plugin:window|set_title", {"label": "main", "value": "x"}),
        ("plugin:app|version", {}),
        ("plugin:path|resolve_directory", {"directory": 1}),
    ]:
        refused = driver.execute_async_script(INVOKE, command, args)
        assert "err" in refused and "not allowed" in str(refused["err"]), (command, refused)
    unknown = driver.execute_async_script(INVOKE, "drop_everything", {})
    assert "err" in unknown, unknown
    assert driver.execute_script("return Object.isFrozen(Object.prototype)"), "freezePrototype is off"

    # A page elsewhere that would load: the window must not even ask for it.
    asked = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            body = b"<html><body>elsewhere</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        own = driver.current_url
        driver.execute_script("window.location.href = arguments[0];", f"http://127.0.0.1:{server.server_port}/x")
        time.sleep(1.5)
        assert asked == [], f"the window navigated away: {asked}"
        assert driver.current_url == own, driver.current_url
    finally:
        server.shutdown()
    assert "ok" in invoke(driver, "list_user_pools", {"MaxResults": 1}), "the console still answers"


OPENED_RECORD = os.environ.get("OPENED_RECORD", "")


def opened_since(mark):
    """The addresses the stand-in xdg-open (run.sh) was given after `mark` bytes of its record."""
    try:
        with open(OPENED_RECORD, encoding="utf-8") as f:
            f.seek(mark)
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def test_the_window_opens_sign_in_pages_on_this_computer_and_nothing_else(driver):
    """The opener plugin in the real app: the main window may have the system browser open
    http(s) pages on 127.0.0.1, localhost or <prefix>.auth.localhost (the hosted sign-in), and
    nothing else. run.sh's stand-in xdg-open records what the app asked for."""
    assert OPENED_RECORD, "run.sh must set OPENED_RECORD (the stand-in browser's record)"
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    mark = os.path.getsize(OPENED_RECORD) if os.path.exists(OPENED_RECORD) else 0
    refused = [
        "file:///etc/passwd",
        "https://example.com/",
        "http://127.0.0.1:9229@example.com/",
        "http://example.com/x.auth.localhost:9229/",
        "javascript:alert(1)",
    ]
    for url in refused:
        answer = driver.execute_async_script(INVOKE, "plugin:opener|open_url", {"url": url})
        assert "err" in answer and "Not allowed to open url" in str(answer["err"]), (url, answer)
    answer = driver.execute_async_script(INVOKE, "plugin:opener|open_path", {"path": "/etc/passwd"})
    assert "err" in answer and "not allowed" in str(answer["err"]), answer

    sign_in = "http://shop.auth.localhost:9229/oauth2/authorize?response_type=code&client_id=7a1b&state=s1"
    answer = driver.execute_async_script(INVOKE, "plugin:opener|open_url", {"url": sign_in})
    assert "ok" in answer, answer
    deadline = time.monotonic() + WAIT
    while not opened_since(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened_since(mark) == [sign_in]


def test_support_opens_a_locked_out_users_security_tab(driver):
    """The support person's way in: a pool of an email-sign-in directory, a user locked out by
    failed sign-ins, found by email in the users list and opened on the Security tab, which
    names them by email and shows the failures."""
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    created = invoke(driver, "create_user_pool", {"PoolName": POOL_NAME, "UsernameAttributes": ["email"]})
    assert "err" not in created, created
    pool_id = created["ok"]["UserPool"]["Id"]
    client = invoke(
        driver,
        "create_user_pool_client",
        {"UserPoolId": pool_id, "ClientName": "desk", "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
    )
    assert "err" not in client, client
    client_id = client["ok"]["UserPoolClient"]["ClientId"]
    email = "ada@acme.example"
    user = invoke(
        driver,
        "admin_create_user",
        {
            "UserPoolId": pool_id,
            "Username": email,
            "MessageAction": "SUPPRESS",
            "TemporaryPassword": "Temp-pass-123!",
            "UserAttributes": [{"Name": "email", "Value": email}, {"Name": "name", "Value": "Ada Lovelace"}],
        },
    )
    assert "err" not in user, user
    username = user["ok"]["User"]["Username"]
    assert username != email, "an email pool names its users by a UUID"
    permanent = invoke(
        driver,
        "admin_set_user_password",
        {"UserPoolId": pool_id, "Username": username, "Password": "Right-pass-123!", "Permanent": True},
    )
    assert "err" not in permanent, permanent
    for _ in range(7):
        refused = invoke(
            driver,
            "admin_initiate_auth",
            {
                "UserPoolId": pool_id,
                "ClientId": client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": email, "PASSWORD": "wrong-pass-1!"},
            },
        )
        assert "err" in refused, refused

    driver.execute_script("window.location.hash = arguments[0];", f"#/pools/{pool_id}/users")
    search = wait(driver).until(EC.element_to_be_clickable(by_testid("user-search")))
    search.send_keys("ada@")
    row = wait(driver).until(
        EC.element_to_be_clickable((By.XPATH, f"//*[@data-testid='users-tab']//*[@role='row'][contains(., '{email}')]"))
    )
    row.click()
    wait(driver).until(EC.element_to_be_clickable(by_testid("user-tab-security"))).click()
    wait(driver).until(EC.visibility_of_element_located(by_testid("user-security")))
    # The first lockouts last seconds (they grow with each failure past the free ones), so what
    # the tab is held to is the count of failures in a row the wrong passwords left.
    failures = wait(driver).until(EC.visibility_of_element_located(by_testid("failed-attempts")))
    wait(driver).until(lambda d: failures.text.strip().isdigit() and int(failures.text) >= 5)
    drawer_title = driver.find_element(By.CSS_SELECTOR, ".drawer-title h2").text
    assert email in drawer_title, drawer_title
    assert username not in drawer_title, f"the drawer is titled by the UUID: {drawer_title}"

    screenshot(driver, "desktop-user-security.png")


def test_the_identity_pools_screen_lists_a_pool_and_its_identities(driver):
    """The administrator's second half: an identity pool made over IPC is listed by name under
    Identity pools, opens, and its Identities tab lists the guest identity GetId gave out."""
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    created = invoke(
        driver,
        "create_identity_pool",
        {"IdentityPoolName": "Shop app", "AllowUnauthenticatedIdentities": True},
    )
    assert "err" not in created, created
    pool_id = created["ok"]["IdentityPoolId"]
    assert re.match(r"^us-east-1:[0-9a-f-]{36}$", pool_id), pool_id
    guest = invoke(driver, "get_id", {"IdentityPoolId": pool_id})
    assert "err" not in guest, guest
    identity = guest["ok"]["IdentityId"]

    driver.find_element(By.CSS_SELECTOR, 'nav a[href="#/identity-pools"]').click()
    link = wait(driver).until(
        EC.element_to_be_clickable(
            (By.XPATH, "//*[@data-testid='identity-pool-table']//a[normalize-space()='Shop app']")
        )
    )
    screenshot(driver, "desktop-identity-pools.png")
    link.click()
    wait(driver).until(EC.visibility_of_element_located((By.XPATH, "//h1[normalize-space()='Shop app']")))
    driver.execute_script("window.location.hash = arguments[0];", f"#/identity-pools/{pool_id}/identities")
    row = wait(driver).until(EC.visibility_of_element_located(by_testid("identity-row")))
    assert identity in row.text, row.text
    screenshot(driver, "desktop-identities.png")



def test_an_unopenable_store_exits_non_zero_with_a_message(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    store = blocker / "poolhouse.db"
    proc = subprocess.run(
        [BIN, "--db", str(store)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode != 0
    assert proc.stderr.startswith("poolhouse-desktop: ") and str(store) in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "panicked" not in proc.stderr
    assert not os.path.exists(ENV_STORE), "--db wins over POOLHOUSE_DB even when it cannot be opened"
