"""Smoke test of bench/web_load.py: a short, slow run end to end (server, generator, queue page, JSON)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "web_load.py"


def test_web_load_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "web_load.json"
    args = ["--rate", "20", "--duration", "1", "--pending", "30", "--page-requests", "3", "--out", str(out)]
    done = subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["check_api"]["n"] == 20 and result["check_api"]["errors"] == 0
    assert result["setup"]["pending_comments"] >= 30 and result["moderation_page"]["comments_on_a_page"] > 0
    assert result["baseline"]["healthz_same_rate"]["n"] > 0 and "check_p99_met" in result["targets"]
