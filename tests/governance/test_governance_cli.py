"""The governance commands end to end, in-process, on a fresh database of each backend."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rettesnor.cli import main
from support.dbsupport import FreshDatabase

TODAY = dt.date.today().isoformat()
LONG_AGO = (dt.date.today() - dt.timedelta(days=800)).isoformat()


@pytest.fixture(scope="module")
def cli_db(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshDatabase]:
    fresh = FreshDatabase(backend, tmp_path_factory.mktemp(f"cli-{backend}"))
    try:
        yield fresh
    finally:
        fresh.drop()


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        captured = self.capsys.readouterr()
        return int(exc.value.code or 0), captured.out, captured.err

    def json(self, *args: str) -> object:
        code, out, err = self(*args, "--format", "json")
        assert code == 0, err
        return json.loads(out)

    def error(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 2 and out == "", (code, out, err)
        assert err.startswith("rettesnor: error: ") and err.count("\n") == 1, err
        return err


@pytest.fixture
def cli(cli_db: FreshDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv("RETTESNOR_DATABASE_URL", cli_db.url)
    return Cli(capsys)


def test_governance_cli_end_to_end(cli: Cli) -> None:
    # Start-up refuses a database with pending migrations, and says what to run.
    assert "run `rettesnor db upgrade`" in cli.error("org", "list")
    code, out, _ = cli("db", "current")
    assert code == 1 and "pending" in out
    assert cli("db", "upgrade")[0] == 0
    assert cli("db", "current")[0] == 0

    org = ["--org", "klinte"]
    cli.json(
        "org",
        "add",
        "klinte",
        "--name",
        "Klinte Kommune",
        "--country",
        "DK",
        "--pack",
        "dk-norddjurs",
        "--service-office",
        "borgerservice@klinte.example",
    )
    cli.json("org", "add-unit", "bfo", *org, "--name", "Børne- og Familieområdet")
    unit = cli.json(
        "org",
        "add-unit",
        "tand",
        *org,
        "--name",
        "Tandplejen",
        "--parent",
        "bfo",
        "--pack",
        "dk-norddjurs-tandplejen",
    )
    assert isinstance(unit, dict) and unit["pack"] == "dk-norddjurs-tandplejen"
    assert "must extend" in cli.error("org", "add-unit", "x", *org, "--name", "X", "--pack", "dk-hjorring")

    def person(name: str, *extra: str) -> int:
        row = cli.json(
            "people", "add", *org, "--name", name, "--unit", "tand", "--started-on", LONG_AGO, *extra
        )
        assert isinstance(row, dict)
        return int(row["id"])

    leader = person("Gry Tofteby")
    cli.json("people", "grant-role", str(leader), "unit_leader", *org, "--unit", "tand")
    writer = person("Jens Mølbak", "--manager", str(leader))
    assert "invalid date for started on" in cli.error(
        "people", "add", *org, "--name", "X", "--unit", "tand", "--started-on", "2025-02-30"
    )

    apply = [
        "accounts",
        "apply",
        *org,
        "--unit",
        "tand",
        "--platform",
        "instagram",
        "--handle",
        "tandplejen.klinte",
        "--name",
        "Tandplejen",
        "--url",
        "https://www.instagram.com/tandplejen.klinte",
        "--purpose",
        "Fortælle familier om tandpleje og åbningstider.",
        "--target-group",
        "Forældre til børn og unge i kommunen.",
        "--dialogue",
        "Vi svarer på hverdage og henviser sager til Digital Post.",
        "--privacy",
        "Ingen billeder af børn uden forældrenes skriftlige samtykke.",
        "--confidentiality",
        "Vi skriver aldrig om enkelte patienter.",
        "--resources",
        "To medarbejdere, to timer om ugen.",
        "--applied-by",
        str(writer),
        "--responsible",
        str(writer),
        "--dms",
        "off",
        "--password-attested",
        "--profile-text",
        "Officiel side for Tandplejen i Norddjurs Kommune.",
    ]
    account = cli.json(*apply)
    assert isinstance(account, dict) and account["status"] == "applied"
    acc = str(account["id"])
    err = cli.error("accounts", "approve", acc, *org, "--by", str(writer))
    assert "is not a leader of the account's unit" in err
    assert "no account 999" in cli.error("accounts", "approve", "999", *org, "--by", str(leader))
    assert "no organisation 'nowhere'" in cli.error("accounts", "list", "--org", "nowhere")
    cli.json("accounts", "approve", acc, *org, "--by", str(leader), "--on", TODAY)
    assert cli.json("accounts", "activate", acc, *org)["status"] == "active"  # type: ignore[index]

    second = cli.json(
        "people", "add", *org, "--name", "Ane Skjold", "--unit", "tand", "--started-on", LONG_AGO
    )
    assert isinstance(second, dict)
    err = cli.error(
        "accounts", "assign", acc, str(second["id"]), *org, "--role", "responsible", "--by", str(leader)
    )
    assert "exactly one" in err

    code, out, _ = cli("accounts", "check", *org, "--format", "json")
    problems = json.loads(out)
    assert code == 0 and {p["code"] for p in problems} <= {"inactive", "no-service-assignment"}
    doc = cli.json("accounts", "public-list", *org)
    assert isinstance(doc, dict) and [a["handle"] for a in doc["accounts"]] == ["tandplejen.klinte"]
    code, html, _ = cli("accounts", "public-list", *org, "--format", "html")
    assert code == 0 and "tandplejen.klinte" in html and "Mølbak" not in html

    consent = cli.json(
        "consents",
        "add",
        *org,
        "--media",
        "klinik.jpg",
        "--subject",
        "Personalet",
        "--basis",
        "management_approval",
        "--unit",
        "tand",
        "--by",
        str(leader),
    )
    assert isinstance(consent, dict)
    assert cli("consents", "lookup", "klinik.jpg", *org)[0] == 0
    task = cli.json("consents", "withdraw", str(consent["id"]), *org)
    assert isinstance(task, dict) and task["kind"] == "takedown"
    assert cli("consents", "lookup", "klinik.jpg", *org)[0] == 1
    assert [t["id"] for t in cli.json("tasks", "list", *org)] == [f"T{task['id']}"]  # type: ignore[union-attr]

    code, out, _ = cli("reviews", "overdue", *org, "--format", "json")
    assert code == 1 and {r["kind"] for r in json.loads(out)} == {"onboarding"}

    incident = cli.json(
        "incidents",
        "open",
        str(writer),
        *org,
        "--by",
        str(leader),
        "--category",
        "work_environment",
        "--description",
        "Lukket gruppechat uden en kollega.",
    )
    assert isinstance(incident, dict)
    assert cli.json("incidents", "list", *org, "--as", str(second["id"])) == []
    assert "no incident" in cli.error(
        "incidents", "show", str(incident["id"]), *org, "--as", str(second["id"])
    )

    log = cli.json("audit", "list", *org, "--type", "account", "--id", acc)
    assert isinstance(log, list)
    assert {"status"} <= {e["referanseMetadata"] for e in log}
    assert all(e["endretAv"] == "cli" for e in log)
    assert "[restricted]" in json.dumps(cli.json("audit", "list", *org, "--type", "incident"))


def test_demo_load_creates_a_municipality_per_seed(cli: Cli, cli_db: FreshDatabase, tmp_path: Path) -> None:
    if cli("db", "current")[0] != 0:
        cli("db", "upgrade")
    summary = cli.json("demo", "load")
    assert isinstance(summary, list)
    by_slug = {row["organisation"]: row for row in summary}
    assert set(by_slug) == {"hjorring", "sonderborg", "norddjurs", "hustadvika", "norsjo"}
    assert all(row["created"] and row["accounts"] >= 2 and row["people"] >= 15 for row in summary)
    assert by_slug["hustadvika"]["overdue"] > 0 and by_slug["norddjurs"]["overdue"] > 0
    again = cli.json("demo", "load")
    assert isinstance(again, list) and not any(row["created"] for row in again)
    # the archive is filled once, in each seed's language, with threads, a hidden insult and tasks
    assert all(row["archived_messages"] >= 10 for row in summary)
    assert not any(row["archived_messages"] for row in again)
    tasks = cli.json("tasks", "list", "--org", "norsjo")
    assert isinstance(tasks, list) and {"complaint", "case_inquiry"} <= {t["kind"] for t in tasks}
    found = cli.json("archive", "search", "--org", "norsjo", "skidbacken")
    assert isinstance(found, list) and found
    units = cli.json("org", "units", "--org", "norddjurs")
    assert isinstance(units, list)
    tand = next(u for u in units if u["slug"] == "tandplejen")
    assert tand["path"] == "Norddjurs Kommune → Børne- og Familieområdet → Tandplejen"
    assert tand["applies"] == "dk-norddjurs-tandplejen"
    _, out, _ = cli("accounts", "check", "--org", "hjorring", "--format", "json")
    codes = {p["code"] for p in json.loads(out)}
    assert "undesignated-author" in codes  # the demo shows the checks at work
