"""The archive finds a sender by part of the name, and an access request redacts every kind of personal
data the detectors find about third persons (names, addresses, health, identity numbers, phones,
e-mails), with a log of what was redacted and what found it. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.search import Filters, access_request, search
from rettesnor.intake import ingest
from rettesnor.records.archive_models import ArchiveRecord
from support.archivedata import comment, post, town_with_account

NEIGHBOUR = (
    "Min nabo Karen Jensen på Solvej 4 har fået kræft og kan ikke selv skrive. "
    "Ring til hende på 23 45 67 89 eller skriv til karen.jensen@example.dk. CPR 030578-1010."
)


def _town(db: Session) -> object:
    town = town_with_account(db, "delta")
    acc = town.account.id  # type: ignore[union-attr]
    ingest(
        db,
        town.org,
        [
            post("p1", "Hjemmeplejen får nye biler i januar.", acc),
            comment("c1", NEIGHBOUR, acc, author="Mette Hansen"),
            comment("c2", "Tak for beskeden, det er dejligt.", acc, author="Mette Kjærsgaard Olsen"),
            comment("c3", "Hvornår kommer bilerne?", acc, author="Hans Mettesen"),
        ],
    )
    return town


def _pids(rows: list[ArchiveRecord]) -> list[str]:
    return sorted(r.platform_id for r in rows)


def test_a_part_of_the_senders_name_finds_the_records(db: Session) -> None:
    org = _town(db).org  # type: ignore[attr-defined]
    assert _pids(search(db, org, None, Filters(author="Mette"))) == ["c1", "c2"]  # not "Mettesen"
    assert _pids(search(db, org, None, Filters(author="mette"))) == ["c1", "c2"]  # case ignored
    assert _pids(search(db, org, None, Filters(author="Hansen"))) == ["c1"]
    assert _pids(search(db, org, None, Filters(author="Olsen Mette"))) == ["c2"]  # every word, any order
    assert _pids(search(db, org, None, Filters(author="Mette Hansen"))) == ["c1"]  # the whole name still
    assert _pids(search(db, org, "kræft", Filters(author="Mette"))) == ["c1"]  # with words of the text
    assert search(db, org, None, Filters(author="Karen")) == []  # a name in the text is not the sender
    sender_id = db.scalar(select(ArchiveRecord.author_id).where(ArchiveRecord.platform_id == "c3"))
    assert sender_id and _pids(search(db, org, None, Filters(author=sender_id))) == ["c3"]  # platform id


def test_an_access_request_redacts_the_neighbours_name_address_health_and_contacts(db: Session) -> None:
    org = _town(db).org  # type: ignore[attr-defined]
    rid = db.scalar(select(ArchiveRecord.id).where(ArchiveRecord.platform_id == "c1"))
    assert rid is not None
    out = access_request(db, org, [rid], lambda c: f"<{c}>")
    (record,) = out["records"]
    content = record["object"]["content"]
    for secret in ("Karen Jensen", "Solvej 4", "kræft", "23 45 67 89", "karen.jensen@example.dk", "030578"):
        assert secret not in content, secret
    for placeholder in (
        "<person_name>",
        "<address>",
        "<special_category>",
        "<phone>",
        "<email>",
        "<national_id>",
    ):
        assert placeholder in content, (placeholder, content)
    assert content.startswith("Min nabo <person_name> på <address> har fået <special_category>")
    assert record["object"]["attributedTo"] == {"type": "Person", "name": "<person_name>"}
    log = record["redactions"]
    assert {x["category"] for x in log} >= {
        "person_name",
        "address",
        "special_category",
        "phone",
        "email",
        "national_id",
    }
    spans = [x for x in log if "start" in x]
    assert all(NEIGHBOUR[x["start"] : x["end"]] not in content for x in spans)  # the log points, never quotes
    assert all(x["detector"] for x in spans) and "Solvej" not in str(log) and "kræft" not in str(log)
    assert out["redacted"]["person_name"] == 2  # the neighbour in the text and the sender
    assert sum(out["redacted"].values()) == len(log)


def test_a_street_and_number_alone_is_redacted_but_is_no_check_finding() -> None:
    from rettesnor.analysis.contact import street_numbers

    found = [(s.start, s.end) for s in street_numbers("Vejarbejdet på Østergade 12 slutter fredag.")]
    assert found == [(15, 27)]
    assert list(street_numbers("Vi ses kl. 12 på torvet.")) == []


def test_a_street_in_the_organisations_own_post_stays(db: Session) -> None:
    town = town_with_account(db, "epsilon")
    acc = town.account.id  # type: ignore[union-attr]
    text = "Biblioteket på Østergade 12 holder åbent til kl. 21."
    ingest(
        db, town.org, [post("p9", text, acc), comment("c9", "Bor I ikke på Østergade 12?", acc, parent="p9")]
    )
    ids = list(
        db.scalars(
            select(ArchiveRecord.id)
            .where(ArchiveRecord.platform_id.in_(["p9", "c9"]))
            .order_by(ArchiveRecord.id)
        )
    )
    mine, theirs = access_request(db, town.org, ids)["records"]
    assert mine["object"]["content"] == text  # where the library is, not anyone's home
    assert "Østergade 12" not in theirs["object"]["content"]  # a citizen's words: redacted to be safe
