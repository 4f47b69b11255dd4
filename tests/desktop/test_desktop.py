"""The real desktop app (debug build) under Xvfb, driven over WebDriver by tauri-driver.

Started by tests/desktop/run.sh, which provides: DESKTOP_BIN (absolute path of the binary),
WEBDRIVER_URL (tauri-driver), POOLHOUSE_DB (a fresh store the app opens), OUT_DIR (screenshots).
"""

import os
import re
import subprocess
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
STORE = os.environ.get("POOLHOUSE_DB", "")
OUT_DIR = Path(os.environ.get("OUT_DIR", Path(__file__).resolve().parents[1] / "out"))

POOL_NAME = "Staff directory"
POOL_ID = re.compile(r"^[a-z]{2}-[a-z]+-\d_[0-9A-Za-z]{9}$")
WAIT = 20  # seconds for any one thing to show up


def css(selector: str):
    return (By.CSS_SELECTOR, selector)


def by_testid(name: str):
    return css(f'[data-testid="{name}"]')


@pytest.fixture(scope="module")
def driver():
    assert os.path.isabs(BIN) and os.access(BIN, os.X_OK), f"no executable at {BIN}"
    assert STORE, "POOLHOUSE_DB must name a fresh store"
    assert not os.path.exists(STORE), f"the store {STORE} is not fresh"
    opts = ArgOptions()
    opts.set_capability("browserName", "wry")
    # The store reaches the app both ways: the environment (inherited through the drivers) and
    # the flag, which wins; the test checks below that the app used it.
    opts.set_capability("tauri:options", {"application": BIN, "args": ["--db", STORE]})
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


def wait(drv, timeout=WAIT):
    return WebDriverWait(drv, timeout, poll_frequency=0.05)


def settle_frames(drv):
    """Two animation frames, so a screenshot shows what was last rendered."""
    drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
    )


def test_fresh_store_shows_the_empty_pool_list(driver):
    wait(driver).until(EC.visibility_of_element_located(by_testid("pool-list")))
    empty = wait(driver).until(
        EC.visibility_of_element_located(css('[data-testid="pool-list"] [data-testid="empty-state"]'))
    )
    ready = time.monotonic() - driver.started_at
    print(f"empty pool list interactive {ready:.2f}s after the session was requested")
    assert "first user pool" in empty.text
    assert driver.title == "Poolhouse"


def test_create_a_pool_through_the_ui_and_see_it_listed(driver):
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

    # The app wrote to the store it was given, not to a default one.
    assert os.path.getsize(STORE) > 0

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    shot = OUT_DIR / "desktop-pool-list.png"
    settle_frames(driver)
    assert driver.get_screenshot_as_file(str(shot)), "the screenshot was not written"
    assert shot.stat().st_size > 1000
    print(f"screenshot: {shot}")


def test_commands_answer_results_and_api_errors(driver):
    """The IPC contract the UI relies on: invoke(<method>, { input }) -> response | ApiError."""
    invoke = (
        "const [cmd, args, done] = arguments;"
        "window.__TAURI_INTERNALS__.invoke(cmd, args).then("
        "  (ok) => done({ ok }), (err) => done({ err }));"
    )
    listed = driver.execute_async_script(invoke, "list_user_pools", {"input": {"MaxResults": 10}})
    assert "err" not in listed, listed
    assert [p["Name"] for p in listed["ok"]["UserPools"]] == [POOL_NAME]

    missing = driver.execute_async_script(
        invoke, "describe_user_pool", {"input": {"UserPoolId": "us-east-1_000000000"}}
    )
    assert missing.get("err", {}).get("code") == "ResourceNotFoundException", missing

    empty_input = driver.execute_async_script(invoke, "describe_workspace", {"input": {}})
    assert "ok" in empty_input, empty_input

    audit = driver.execute_async_script(invoke, "list_audit_events", {"input": {}})
    assert "ok" in audit, audit
    created = [e for e in audit["ok"]["Events"] if e["Operation"] == "CreateUserPool"]
    assert [e["Actor"] for e in created] == ["console"], audit


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
