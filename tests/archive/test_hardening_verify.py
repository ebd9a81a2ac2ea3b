"""Issue 15, finding 9: ``archive verify`` covers what people read.

Direct UPDATE/DELETE in the database (as someone with database access would do): a record's text, author or
state changed, a version's content deleted without a disposal, a moderation decision's reason, decider or
action changed, a decision deleted. Each is named as the first mismatch; the untouched archive verifies.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from rettesnor.archive import retention
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.chain import verify
from rettesnor.archive.ingest import Incoming
from rettesnor.intake import ingest
from rettesnor.moderation import queue
from rettesnor.moderation.platform import FakePlatform
from rettesnor.records.archive_models import ArchiveEntry, ArchiveRecord, ModerationDecision
from support.archivedata import INSULT_DA, comment, post, town_with_account
from support.clisupport import run_cli


def _archive(db: Session, tmp_path: Path, slug: str) -> tuple[object, dict[str, ArchiveRecord]]:
    """Threads with an edit, a hide through the platform (its evidence from the platform's copy), a keep,
    and a disposed comment."""
    town = town_with_account(db, slug)
    assert town.account is not None
    acc = town.account.id
    blobs = BlobStore(tmp_path / f"blobs-{slug}")
    ingest(
        db,
        town.org,
        [
            post("p1", "Sommerfest fredag.", acc),
            comment("c1", "Tak for festen.", acc),
            comment("c2", INSULT_DA, acc, author="Bent Holm"),
            comment("c3", "Hvornår åbner biblioteket?", acc, author="Lise Dam"),
            post("p9", "Vinterferie.", acc, minutes=2),
            comment("old", "En gammel kommentar.", acc, parent="p9", author="Ole Krag", minutes=3),
            Incoming("facebook", "c1", "comment", "Tak for festen!", event="edit", account=acc),
        ],
        blobs=blobs,
    )
    records = {
        r.platform_id: r
        for r in db.scalars(select(ArchiveRecord).where(ArchiveRecord.organisation_id == town.org.id))
    }
    fb = FakePlatform()
    fb.add("c2", INSULT_DA, "u2-platform", "Bent H.")  # the platform's copy names the author differently
    queue.decide(
        db,
        town.org,
        records["c2"].id,
        "hide",
        by=town.comms.id,
        reason="Personangreb",
        platform=fb,
        blobs=blobs,
    )
    queue.decide(db, town.org, records["c3"].id, "keep", by=town.comms.id, reason="Et spørgsmål")
    retention.set_rule(db, town.org, "post", keep=True)
    retention.set_rule(db, town.org, "comment", dispose_after_days=30, decision_ref="Bevaringsplan 2024")
    retention.place_hold(db, town.org, reason="Klagesag", by="arkiv", thread_id=records["c2"].thread_id)
    retention.run(
        db, town.org, by="arkivarie", dry_run=False, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
    )
    for r in records.values():
        db.refresh(r)
    return town, records


def _problem(db: Session, town: object) -> tuple[str, str, int | None]:
    result = verify(db, town.org)  # type: ignore[attr-defined]
    assert result.problem is not None, "verify said ok"
    return result.problem.code, result.problem.detail, result.problem.record_id


def test_an_untouched_archive_verifies_with_decisions_sealed(db: Session, tmp_path: Path) -> None:
    town, records = _archive(db, tmp_path, "vok")
    assert records["old"].disposed_at is not None and records["c2"].state == "hidden"
    result = verify(db, town.org)  # type: ignore[attr-defined]
    assert result.ok, result.problem
    assert len(result.decisions_head) == 64
    seals = db.scalars(
        select(ModerationDecision.seal).where(
            ModerationDecision.record_id.in_([records["c2"].id, records["c3"].id])
        )
    ).all()
    assert len(seals) == 2 and all(s and len(s) == 64 for s in seals)


@pytest.mark.parametrize(
    ("column", "value", "detail"),
    [
        ("text", "Noget helt andet", "text"),
        ("author_name", "Nogen Andre", "author_name"),
        ("author_id", "u-999", "author_id"),
        ("state", "published", "state"),
    ],
)
def test_a_changed_record_projection_is_named(
    db: Session, tmp_path: Path, column: str, value: str, detail: str
) -> None:
    town, records = _archive(db, tmp_path, f"vp{detail.replace('_', '')}")
    target = records["c2"] if column == "state" else records["c1"]
    db.execute(text(f"UPDATE archive_record SET {column} = :v WHERE id = :id"), {"v": value, "id": target.id})
    assert _problem(db, town) == ("projection", detail, target.id)


def test_content_deleted_without_a_disposal_is_named(db: Session, tmp_path: Path) -> None:
    town, records = _archive(db, tmp_path, "vcontent")
    entry = db.scalars(select(ArchiveEntry.id).where(ArchiveEntry.record_id == records["c3"].id)).first()
    db.execute(text("DELETE FROM archive_content WHERE entry_id = :id"), {"id": entry})
    assert _problem(db, town) == ("content_removed", "", records["c3"].id)
    # and the disposed one: its log says so, so it counts as disposed, not as a problem
    assert records["old"].text is None


def test_a_disposal_without_its_log_is_named(db: Session, tmp_path: Path) -> None:
    town, records = _archive(db, tmp_path, "vlog")
    if db.get_bind().dialect.name == "sqlite":  # what someone with database access does first
        db.execute(text("DROP TRIGGER disposal_log_no_delete"))
    else:
        db.execute(text("ALTER TABLE disposal_log DISABLE TRIGGER USER"))
    db.execute(text("DELETE FROM disposal_log WHERE record_id = :id"), {"id": records["old"].id})
    assert _problem(db, town) == ("content_removed", "", records["old"].id)


@pytest.mark.parametrize(
    ("change", "values"),
    [
        ("reason = :v", {"v": "Noget andet"}),
        ("action = :v", {"v": "delete"}),
        ("decided_by_id = :v", {"v": None}),
    ],
)
def test_a_changed_decision_is_named(
    db: Session, tmp_path: Path, change: str, values: dict[str, object]
) -> None:
    town, records = _archive(db, tmp_path, f"vd{change[:4]}")
    if values["v"] is None:
        values = {"v": town.leader.id}  # type: ignore[attr-defined]
    decision = db.scalars(
        select(ModerationDecision).where(ModerationDecision.record_id == records["c2"].id)
    ).one()
    db.execute(text(f"UPDATE moderation_decision SET {change} WHERE id = :id"), {**values, "id": decision.id})
    assert _problem(db, town) == ("decision_altered", str(decision.id), records["c2"].id)


def test_a_deleted_decision_is_named(db: Session, tmp_path: Path) -> None:
    town, _ = _archive(db, tmp_path, "vddel")
    first, second = db.scalars(
        select(ModerationDecision)
        .where(ModerationDecision.organisation_id == town.org.id)
        .order_by(ModerationDecision.id)
    ).all()  # type: ignore[attr-defined]
    db.execute(text("DELETE FROM moderation_decision WHERE id = :id"), {"id": first.id})
    assert _problem(db, town) == ("decision_removed", str(second.id), second.record_id)


def test_the_cli_names_the_mismatch_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rettesnor.records.db import make_engine

    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    assert run_cli(capsys, "db", "upgrade")[0] == 0
    assert run_cli(capsys, "demo", "load")[0] == 0
    code, out, _ = run_cli(capsys, "archive", "verify")
    assert code == 0, out
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'rettesnor.db'}")
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE archive_record SET author_name = 'Falsk Navn' WHERE id = "
                "(SELECT min(id) FROM archive_record WHERE author_name IS NOT NULL)"
            )
        )
    engine.dispose()
    code, out, _ = run_cli(capsys, "archive", "verify")
    assert code == 1 and "BROKEN" in out and "author_name" in out


@pytest.mark.parametrize(
    ("lang", "code", "expected"),
    [
        ("da", "projection", "blev vist anderledes end i kæden (postens author_name)."),
        ("sv", "decision_altered", "blev ändrad (modereringsbeslut 7 stämmer inte längre med sitt sigill)."),
        ("nb", "content_removed", "ble fjernet (innholdet er borte uten en kassasjon i loggen)."),
        ("en", "decision_removed", "was removed (a moderation decision before decision author_name)."),
    ],
)
def test_the_verify_page_names_a_derived_mismatch_in_the_readers_language(
    lang: str, code: str, expected: str
) -> None:
    from rettesnor import labels
    from rettesnor.archive.chain import Problem, Verification
    from rettesnor.i18n import translator
    from rettesnor.web.render import ENV

    detail = "7" if code == "decision_altered" else "author_name"
    result = Verification("hjorring", 11, "ab" * 32, 0, Problem(5, 12, "c3", code, detail))
    html = ENV.get_template("archive_verify.html").render(
        _=translator(lang),
        lang=lang,
        languages=[],
        user=None,
        csrf="",
        path="/archive/verify",
        messages=[],
        result=result,
        checked_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
        problems=labels.CHAIN_PROBLEMS,
    )
    assert expected in html
