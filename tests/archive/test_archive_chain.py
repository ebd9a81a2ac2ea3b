"""Tamper evidence: the hash chain per organisation names the first altered, removed or reordered entry;
an acknowledged record survives ``kill -9`` (a real subprocess is killed). On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from rettesnor.archive.chain import verify
from rettesnor.intake import ingest
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveEntry, ArchiveRecord
from support.archivedata import FRIENDLY_DA, comment, post, town_with_account
from support.dbsupport import FreshDatabase

ROOT = Path(__file__).resolve().parents[2]


def _filled(db: Session, slug: str = "alpha") -> tuple[object, list[ArchiveEntry]]:
    town = town_with_account(db, slug)
    assert town.account is not None
    acc = town.account.id
    events = [post("p1", "Skolen holder lukket fredag.", acc)]
    events += [comment(f"c{i}", f"{FRIENDLY_DA} ({i})", acc) for i in range(8)]
    ingest(db, town.org, events)
    entries = list(
        db.scalars(
            select(ArchiveEntry).where(ArchiveEntry.organisation_id == town.org.id).order_by(ArchiveEntry.seq)
        )
    )
    return town, entries


def _unlock(db: Session) -> None:
    """What an attacker with database access does first (rolled back with the test)."""
    if db.get_bind().dialect.name == "sqlite":
        db.execute(text("DROP TRIGGER archive_entry_no_update"))
        db.execute(text("DROP TRIGGER archive_entry_no_delete"))
    else:
        db.execute(text("ALTER TABLE archive_entry DISABLE TRIGGER USER"))


def test_an_intact_chain_verifies_and_names_its_head(db: Session) -> None:
    town, entries = _filled(db)
    result = verify(db, town.org)  # type: ignore[attr-defined]
    assert result.ok and result.entries == 9 and result.head == entries[-1].entry_hash


def test_the_chain_is_append_only_in_the_database(db: Session) -> None:
    _, entries = _filled(db)
    with pytest.raises(Exception, match="append-only"), db.begin_nested():
        db.execute(text("UPDATE archive_entry SET event = 'edit' WHERE id = :id"), {"id": entries[0].id})
    with pytest.raises(Exception, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM archive_entry WHERE id = :id"), {"id": entries[0].id})


def test_altered_content_is_named(db: Session) -> None:
    town, entries = _filled(db)
    db.execute(
        text("UPDATE archive_content SET body = replace(body, 'dejlig', 'elendig') WHERE entry_id = :id"),
        {"id": entries[4].id},
    )
    problem = verify(db, town.org).problem  # type: ignore[attr-defined]
    assert problem is not None and problem.seq == 5 and problem.what == "altered (content)"
    assert problem.platform_id == "c3"


def test_altered_entry_is_named(db: Session) -> None:
    town, entries = _filled(db)
    _unlock(db)
    db.execute(text("UPDATE archive_entry SET event = 'edit' WHERE id = :id"), {"id": entries[2].id})
    problem = verify(db, town.org).problem  # type: ignore[attr-defined]
    assert problem is not None and (problem.seq, problem.what, problem.platform_id) == (3, "altered", "c1")


def test_removed_entry_is_named(db: Session) -> None:
    town, entries = _filled(db)
    _unlock(db)
    db.execute(text("DELETE FROM archive_content WHERE entry_id = :id"), {"id": entries[6].id})
    db.execute(text("DELETE FROM archive_entry WHERE id = :id"), {"id": entries[6].id})
    problem = verify(db, town.org).problem  # type: ignore[attr-defined]
    assert problem is not None and problem.seq == 7 and problem.what.startswith("removed")
    # the last entry cut off: the record still says it has that version
    town2, entries2 = _filled(db, "beta")
    db.execute(text("DELETE FROM archive_content WHERE entry_id = :id"), {"id": entries2[-1].id})
    db.execute(text("DELETE FROM archive_entry WHERE id = :id"), {"id": entries2[-1].id})
    problem = verify(db, town2.org).problem  # type: ignore[attr-defined]
    assert problem is not None and problem.what == "removed" and problem.platform_id == "c7"


def test_reordered_entries_are_named(db: Session) -> None:
    town, entries = _filled(db)
    _unlock(db)
    a, b = entries[3], entries[4]
    db.execute(text("UPDATE archive_entry SET seq = -1 WHERE id = :id"), {"id": a.id})
    db.execute(text("UPDATE archive_entry SET seq = :s WHERE id = :id"), {"s": a.seq, "id": b.id})
    db.execute(text("UPDATE archive_entry SET seq = :s WHERE id = :id"), {"s": b.seq, "id": a.id})
    problem = verify(db, town.org).problem  # type: ignore[attr-defined]
    assert problem is not None and problem.seq == 4 and problem.what == "reordered"


def test_chains_are_per_organisation(db: Session) -> None:
    town_a, _ = _filled(db, "alpha")
    town_b, entries_b = _filled(db, "beta")
    assert entries_b[0].seq == 1
    db.execute(text("UPDATE archive_content SET body = 'x' WHERE entry_id = :id"), {"id": entries_b[1].id})
    assert verify(db, town_a.org).ok  # type: ignore[attr-defined]
    assert not verify(db, town_b.org).ok  # type: ignore[attr-defined]


CHILD = textwrap.dedent(
    """
    import sys, datetime as dt
    sys.path.insert(0, {tests!r})
    from rettesnor.records.db import make_engine, unit_of_work
    from rettesnor.governance import tenants
    from rettesnor.archive.ingest import Incoming
    from rettesnor.intake import ingest
    engine = make_engine({url!r})
    with unit_of_work(engine) as s:
        tenants.create_organisation(
            s, slug_="crash", name="Crash Kommune", country="DK", pack="dk-hjorring",
            service_office="service@crash.example", website=None,
        )
    i = 0
    while True:
        ids = [f"c{{k}}" for k in range(i, i + {batch})]
        with unit_of_work(engine) as s:
            org = tenants.get_organisation(s, "crash")
            ingest(s, org, [Incoming("facebook", c, "comment", f"Kommentar {{c}} om vejen.") for c in ids])
        print("ack " + " ".join(ids), flush=True)  # acknowledged to the caller only after the commit
        i += {batch}
    """
)


@pytest.mark.parametrize("batch", [1, 400])  # one event per transaction, and the batch path
def test_acknowledged_records_survive_kill_9(empty_db: FreshDatabase, batch: int) -> None:
    migrate.upgrade(empty_db.engine)
    script = CHILD.format(tests=str(ROOT / "tests"), url=empty_db.url, batch=batch)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    acked: list[str] = []
    try:
        assert child.stdout is not None
        lines = 0
        while len(acked) < 25 or lines < 3:  # killed while the next transaction is under way
            line = child.stdout.readline()
            assert line, "the ingesting process ended early"
            acked.extend(line.split()[1:])
            lines += 1
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Session(empty_db.engine) as s:
        from rettesnor.governance.tenants import get_organisation

        org = get_organisation(s, "crash")
        stored = set(
            s.scalars(select(ArchiveRecord.platform_id).where(ArchiveRecord.organisation_id == org.id))
        )
        assert set(acked) <= stored
        assert verify(s, org).ok
        assert s.scalar(select(func.count()).select_from(ArchiveEntry)) == len(stored)
