"""A person declines a service assignment offered to them, from the command line: only they can, and
it can no longer be accepted (``rettesnor permissions decline``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from support.clisupport import run_cli

LONG_AGO = (dt.date.today() - dt.timedelta(days=800)).isoformat()


def test_a_person_declines_a_service_assignment_and_cannot_accept_it_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)

    def json_of(*args: str) -> dict[str, object]:
        code, out, err = run_cli(capsys, *args, "--format", "json")
        assert code == 0, err
        value = json.loads(out)
        assert isinstance(value, dict)
        return value

    assert run_cli(capsys, "db", "upgrade")[0] == 0
    org = ["--org", "vesterby"]
    new_org = ["org", "add", "vesterby", "--name", "Vesterby Kommune", "--country", "DK"]
    json_of(*new_org, "--pack", "dk-norddjurs", "--service-office", "borgerservice@vesterby.example")
    json_of("org", "add-unit", "kultur", *org, "--name", "Kultur")
    people = [
        json_of("people", "add", *org, "--name", name, "--unit", "kultur", "--started-on", LONG_AGO)["id"]
        for name in ("Tove Lindelund", "Asger Brøndum")
    ]
    leader, staff = (str(p) for p in people)
    json_of("people", "grant-role", leader, "unit_leader", *org, "--unit", "kultur")
    offered = json_of("permissions", "grant", staff, *org, "--kind", "service_assignment", "--by", leader)

    code, out, err = run_cli(capsys, "permissions", "decline", str(offered["id"]), *org, "--as", leader)
    assert code == 2 and out == "" and f"only person {staff} can decline" in err and err.count("\n") == 1

    declined = json_of("permissions", "decline", str(offered["id"]), *org, "--as", staff)
    assert declined["declined_at"] is not None and declined["accepted_at"] is None

    code, _, err = run_cli(capsys, "permissions", "accept", str(offered["id"]), *org, "--as", staff)
    assert code == 2 and "not waiting for an answer" in err
    code, out, _ = run_cli(capsys, "permissions", "list", *org, "--person", staff, "--format", "json")
    [row] = json.loads(out)
    assert row["declined_at"] is not None and row["accepted_at"] is None
