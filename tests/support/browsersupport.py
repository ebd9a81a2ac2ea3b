"""The real application in a real browser, for tests/browser_journeys/ and scripts/screenshots.py.

:class:`Server` runs ``rettesnor serve`` (uvicorn, one worker) in a subprocess on a free loopback port, on
a fresh SQLite database with the demo loaded. :func:`launch` starts Debian's Chromium
(``/usr/bin/chromium``) through Playwright; a browser is never downloaded (``make test`` installs the
Debian package). :func:`axe_violations` runs axe-core (``tests/browser``, installed by ``npm ci``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "rettesnor-demo"
SERIOUS = ("serious", "critical")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is not installed (make test installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Server:
    """``with Server() as server:`` the application with the demo loaded, at ``server.url``."""

    def __init__(self, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self.args = args  # more options of `rettesnor serve`
        self.folder = Path(tempfile.mkdtemp(prefix="rettesnor-browser-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "RETTESNOR_DATA_DIR": str(self.folder / "data"), **(extra_env or {})}
        self.env.pop("RETTESNOR_DATABASE_URL", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def database_url(self) -> str:
        return f"sqlite:///{self.folder / 'data' / 'rettesnor.db'}"

    def _load_demo(self) -> None:
        from rettesnor import demo as governance_demo
        from rettesnor.records import migrate
        from rettesnor.records.db import make_engine, unit_of_work
        from rettesnor.web import demo

        engine = make_engine(self.database_url())
        try:
            migrate.upgrade(engine)
            with unit_of_work(engine, actor="test") as session:
                governance_demo.load(session)
                demo.load(session)
        finally:
            engine.dispose()

    def __enter__(self) -> Server:
        self._load_demo()
        exe = Path(sys.executable).parent / "rettesnor"
        log = (self.folder / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the server did not start: {self.log()[-2000:]}")

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations of the page as it is (WCAG 2.x A and AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        },
        "resultTypes": ["violations"],
    }
    result = page.evaluate("async (options) => await window.axe.run(document, options)", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [", ".join(map(str, n["target"])) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v.get("impact") in SERIOUS
    ]
