"""`rettesnor analyse`: the signals of a text without any pack, on the CLI, the API and in Python.
All names and numbers in the fixtures are invented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rettesnor.analyse import analyse_text
from rettesnor.item import InputError
from support.clisupport import run_cli
from support.webapp import TestClient, api_token, demo_engine, make_app

TEXT = "Min nabo Jens Pedersen larmer hver nat, og kommunen gør intet ved det. Hans CPR er 120385-1234."


def _categories(doc: dict[str, Any]) -> set[str]:
    return {s["category"] for s in doc["signals"]}


def test_python_api_gives_signals_and_language() -> None:
    doc = analyse_text(TEXT).to_dict()
    assert doc["language"]["code"] == "da" and 0.5 < doc["language"]["confidence"] <= 1.0
    assert {"person_name", "national_id"} <= _categories(doc)
    name = next(s for s in doc["signals"] if s["category"] == "person_name")
    assert name["text"] == "Jens Pedersen" and TEXT[name["start"] : name["end"]] == "Jens Pedersen"
    assert name["detector"].startswith("names.") and name["score"] >= 0.6
    assert "probability" in name["evidence"] and name["evidence"]["explanation"]
    starts = [s["start"] for s in doc["signals"]]
    assert starts == sorted(starts)


def test_a_given_language_is_used_and_bad_values_are_refused() -> None:
    doc = analyse_text("Eg vil takke Ingrid Haugland for hjelpa", language="nn").to_dict()
    assert doc["language"] == {"code": "nn", "confidence": 1.0}
    with pytest.raises(InputError, match="unknown language"):
        analyse_text("Hej", language="de")
    with pytest.raises(InputError, match="unknown kind"):
        analyse_text("Hej", kind="tweet")


def test_cli_text_json_and_jsonl(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(TEXT, "utf-8")
    code, out, _ = run_cli(capsys, "analyse", str(draft), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {"person_name", "national_id"} <= _categories(doc) and doc["language"]["code"] == "da"
    code, out, _ = run_cli(capsys, "analyse", str(draft))
    assert code == 0 and "person_name" in out and "Jens Pedersen" in out and "language: da" in out
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        json.dumps({"id": "a", "text": "Tack till Kalle Svensson på förvaltningen", "language": "sv"})
        + "\nnot json\n"
        + json.dumps({"id": "c", "text": "Ingen namn här alls"})
        + "\n",
        "utf-8",
    )
    code, out, err = run_cli(capsys, "analyse", "--jsonl", str(lines))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and "line 2" in err
    assert rows[0]["id"] == "a" and any(s["text"] == "Kalle Svensson" for s in rows[0]["signals"])
    assert rows[1] == {"line": 2, "error": rows[1]["error"]} and "JSON" in rows[1]["error"]
    assert rows[2]["id"] == "c" and "person_name" not in _categories(rows[2])


def test_cli_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "analyse", str(tmp_path / "missing.txt"))
    assert code == 2 and err.count("\n") == 1 and "no such file" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("  ", "utf-8")
    code, _, err = run_cli(capsys, "analyse", str(empty))
    assert code == 2 and "empty" in err


def test_api_analyse() -> None:
    client = TestClient(make_app())
    auth = {"Authorization": f"Bearer {api_token(demo_engine(), 'hjorring')}"}
    r = client.post("/api/v1/analyse", json={"text": TEXT}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json() == analyse_text(TEXT).to_dict()
    bad = client.post("/api/v1/analyse", json={"text": "Hej", "kind": "tweet"}, headers=auth)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert client.post("/api/v1/analyse", json={"text": TEXT}).status_code == 401
