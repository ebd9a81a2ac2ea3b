"""``rettesnor serve`` starts a real server (bounded waits); ``demo load`` prints the demo logins;
``rettesnor web token`` shows a token once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rettesnor.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    return int(exit_.value.code or 0), capsys.readouterr().out


def test_demo_load_prints_logins_and_serve_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    assert _run(capsys, "db", "upgrade")[0] == 0
    code, out = _run(capsys, "demo", "load")
    assert code == 0 and "hjorring.komm" in out and "rettesnor-demo" in out
    code, out = _run(capsys, "demo", "load")  # again: nothing new, the logins printed again
    assert code == 0 and out.count("hjorring.komm") == 1
    code, out = _run(capsys, "web", "token", "--org", "hjorring", "--as", "1", "--scope", "check")
    assert code == 0 and out.strip().splitlines()[-1].startswith("rtn_")

    port = free_port()
    env = {**os.environ, "RETTESNOR_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "rettesnor"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    body = r.read().decode()
                    csp = r.headers["content-security-policy"]
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        assert "<h1>" in body and "script-src 'self'" in csp
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in out
