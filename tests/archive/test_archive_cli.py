"""The archive, moderation, tasks and retention commands end to end on an SQLite file; the yearly
snapshot (Norsjö 4.8) as self-contained HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from rettesnor.archive import noark5
from rettesnor.archive.snapshot import snapshot_html
from rettesnor.intake import ingest
from support.archivedata import INSULT_DA, comment, post, town_with_account
from support.clisupport import run_cli

LINES = [
    {
        "platform": "facebook",
        "id": "p1",
        "kind": "post",
        "text": "Skidbacken öppnar på lördag.",
        "account": "norsjokommun",
        "published": "2026-01-10T09:00:00Z",
    },
    {
        "platform": "facebook",
        "id": "c1",
        "kind": "comment",
        "text": "Du är en idiot och en clown, hela kommunen är idioter.",
        "account": "norsjokommun",
        "parent": "p1",
        "author": {"id": "u1", "name": "Britt Fjällström"},
    },
    {
        "platform": "facebook",
        "id": "c2",
        "kind": "comment",
        "text": "Jag vill lämna ett klagomål på snöröjningen. Ingen har plogat på en vecka.",
        "account": "norsjokommun",
        "parent": "p1",
    },
]


def test_import_queue_decide_tasks_verify_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    assert run_cli(capsys, "db", "upgrade")[0] == 0
    assert run_cli(capsys, "demo", "load")[0] == 0
    source = tmp_path / "export.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in LINES), encoding="utf-8")
    code, out, _ = run_cli(capsys, "archive", "import", str(source), "--org", "norsjo", "--format", "json")
    assert code == 0 and json.loads(out)["records"] >= 3
    person = str(
        json.loads(run_cli(capsys, "people", "list", "--org", "norsjo", "--format", "json")[1])[0]["id"]
    )
    code, out, _ = run_cli(capsys, "moderation", "queue", "--org", "norsjo", "--format", "json")
    queued = {row["rule"]: row for row in json.loads(out)}
    insult = next(r for r in queued.values() if r["categories"] == "insult")
    decide = ["moderation", "decide", str(insult["record"]), "delete", "--org", "norsjo", "--by", person]
    code, out, err = run_cli(capsys, *decide, "--reason", "Personangrepp", "--ground", "third_person")
    assert code == 2 and "only on the grounds" in err and err.count("\n") == 1
    code, out, _ = run_cli(capsys, "tasks", "list", "--org", "norsjo", "--format", "json")
    # the imported complaint: the newest complaint task (the demo's own threads have some too)
    task = max((t for t in json.loads(out) if t["kind"] == "complaint"), key=lambda t: int(t["id"][1:]))
    code, _, err = run_cli(capsys, "tasks", "close", task["id"][1:], "--org", "norsjo", "--by", person)
    assert code == 2 and "--journal-ref" in err
    close = ["tasks", "close", task["id"][1:], "--org", "norsjo", "--by", person]
    assert run_cli(capsys, *close, "--journal-ref", "KS 2026/41")[0] == 0
    code, out, _ = run_cli(capsys, "archive", "verify", "--format", "json")
    assert code == 0 and all(r["ok"] for r in json.loads(out))
    code, out, _ = run_cli(capsys, "archive", "search", "--org", "norsjo", "snöröjningen", "--format", "json")
    assert [r["platform_id"] for r in json.loads(out)] == ["c2"]
    assert run_cli(capsys, "archive", "export", "--org", "norsjo", "--out", str(tmp_path / "x"))[0] == 0
    assert len((tmp_path / "x" / "norsjo-records.jsonl").read_text().splitlines()) >= 3
    n5 = ["archive", "export", "--org", "norsjo", "--format", "noark5", "--out", str(tmp_path / "n5")]
    code, out, _ = run_cli(capsys, *n5)
    assert code == 0 and "Noark 5 arkivuttrekk" in out and noark5.validate(tmp_path / "n5") == []
    code, out, _ = run_cli(capsys, "tasks", "export", task["id"][1:], "--org", "norsjo", "--format", "noark5")
    assert code == 0 and 'xsi:type="journalpost"' in out and "KS 2026/41" in out
    code, out, _ = run_cli(capsys, "retention", "run", "--org", "norsjo", "--format", "json")
    assert code == 0 and json.loads(out)["dry_run"] is True


def test_yearly_snapshot_is_self_contained_html(db: Session) -> None:
    town = town_with_account(db, "alpha", "se-norsjo")
    assert town.account is not None
    acc = town.account.id
    ingest(
        db, town.org, [post("p1", "Välkommen <b>till</b> skidbacken!", acc), comment("c1", INSULT_DA, acc)]
    )
    html = snapshot_html(db, town.org, acc, 2026)
    assert html.startswith("<!doctype html>") and "Välkommen &lt;b&gt;till&lt;/b&gt; skidbacken!" in html
    assert INSULT_DA in html and "Jonna Brask" in html
    assert "http" not in html.replace(town.account.url, "")  # nothing loaded from outside
    assert "1 posts, 2 records" in html
