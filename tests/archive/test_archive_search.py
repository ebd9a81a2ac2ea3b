"""Search with filters on SQLite FTS5 and PostgreSQL full text; the access-request export redacts the
engine's personal-data findings and lists the redactions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.search import Filters, access_request, redact, search
from rettesnor.intake import ingest
from rettesnor.records.archive_models import ArchiveRecord
from support.archivedata import CPR_DA, FRIENDLY_DA, INSULT_DA, comment, post, town_with_account


def _town(db: Session, slug: str = "alpha") -> object:
    town = town_with_account(db, slug)
    assert town.account is not None
    acc = town.account.id
    ingest(
        db,
        town.org,
        [
            post("p1", "Sommerfesten flyttes til idrætshallen.", acc),
            comment("c1", FRIENDLY_DA, acc),
            comment("c2", CPR_DA, acc, author="Aske Melby"),
            comment("c3", INSULT_DA, acc),
            comment("c4", "Kommer der også en sommerfest næste år?", acc, author="Aske Melby"),
        ],
    )
    return town


def _ids(rows: list[ArchiveRecord]) -> list[str]:
    return sorted(r.platform_id for r in rows)


def test_full_text_with_filters(db: Session) -> None:
    town = _town(db)
    other = _town(db, "beta")
    org = town.org  # type: ignore[attr-defined]
    assert _ids(search(db, org, "sommerfest")) == ["c1", "c4", "p1"]  # prefix / danish stemming
    assert _ids(search(db, org, "sommerfest", Filters(author="Aske Melby"))) == ["c4"]
    assert _ids(search(db, org, None, Filters(category="insult"))) == ["c3"]
    assert _ids(search(db, org, "hjælp", Filters(kind="comment"))) == ["c2"]
    assert _ids(search(db, org, "hjælp", Filters(until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))) == []
    assert _ids(search(db, org, None, Filters(account_id=other.account.id))) == []  # type: ignore[attr-defined]
    assert len(search(db, other.org, "sommerfest")) == 3  # type: ignore[attr-defined]


def test_access_request_redacts_personal_data_and_lists_it(db: Session) -> None:
    town = _town(db)
    ids = list(
        db.scalars(
            select(ArchiveRecord.id)
            .where(ArchiveRecord.platform_id.in_(["c1", "c2"]))
            .order_by(ArchiveRecord.id)
        )
    )
    out = access_request(db, town.org, ids)  # type: ignore[attr-defined]
    friendly, cpr = out["records"]
    assert friendly["object"]["content"] == FRIENDLY_DA
    assert "030578-1010" not in cpr["object"]["content"] and "[national_id]" in cpr["object"]["content"]
    assert {
        "category": "national_id",
        "start": CPR_DA.index("030578"),
        "end": CPR_DA.index("030578") + 11,
    } in [{k: x.get(k) for k in ("category", "start", "end")} for x in cpr["redactions"]]
    assert cpr["object"]["attributedTo"]["name"] == "[person_name]"


def test_access_request_redacts_contact_data_the_pack_does_not_flag_in_comments(db: Session) -> None:
    # No pack rule flags a citizen's own phone number in a comment, so the stored findings hold none;
    # the access request must still not hand it out in clear.
    town = town_with_account(db, "gamma")
    acc = town.account.id  # type: ignore[union-attr]
    text = "Ring til mig på 23 45 67 89 eller skriv til aske.melby@example.dk om sommerfesten."
    ingest(db, town.org, [comment("c9", text, acc, author="Aske Melby")])
    rid = db.scalar(select(ArchiveRecord.id).where(ArchiveRecord.platform_id == "c9"))
    assert rid is not None
    (record,) = access_request(db, town.org, [rid])["records"]
    content = record["object"]["content"]
    assert "23 45 67 89" not in content and "aske.melby@example.dk" not in content
    assert "[phone]" in content and "[email]" in content and content.endswith("om sommerfesten.")
    assert {r["category"] for r in record["redactions"]} >= {"phone", "email", "person_name"}


def test_redact_merges_overlapping_spans() -> None:
    text = "CPR 030578-1010 her"
    findings = [
        {"category": "phone", "spans": [[4, 10]]},
        {"category": "national_id", "spans": [[4, 15]]},
    ]
    content, listed = redact(text, findings)
    assert content == "CPR [national_id] her"
    assert "1010" not in content and len(listed) == 1 and listed[0]["end"] == 15
