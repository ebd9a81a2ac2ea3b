"""The webhook queue and the worker on SQLite and PostgreSQL: parsing Meta's deliveries, exactly-once
archiving over Meta's retries, unrouted and malformed deliveries, page tokens encrypted at rest with key
rotation, page settings feeding the registry (Hjørring: direct messages off)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, MetaData, func, select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import Conflict, InvalidValue
from rettesnor.governance.registry import check_registry
from rettesnor.platforms import connector, events, tokens
from rettesnor.platforms.payload import parse, sign, signature_ok
from rettesnor.platforms.standin import GraphStandin
from rettesnor.records.archive_models import ArchiveEntry, ArchiveRecord, ModerationCase
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.models import Account
from support.govdata import live_account
from support.platformdata import APP_SECRET, KEY, PAGE_TOKEN, connected_town, settings


@pytest.fixture
def standin() -> Iterator[GraphStandin]:
    with GraphStandin(app_secret=APP_SECRET) as s:
        yield s


# --- signature and parsing (no database) ------------------------------------------------------------


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"object":"page","entry":[]}'
    header = sign(APP_SECRET, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert signature_ok(APP_SECRET, body, header)
    assert not signature_ok(APP_SECRET, body + b" ", header)  # one byte more
    assert not signature_ok(APP_SECRET, body, header.replace("sha256=", "sha1="))
    assert not signature_ok(APP_SECRET, body, None) and not signature_ok(None, body, header)
    assert not signature_ok(APP_SECRET, body, "sha256=" + "0" * 64)


def test_parse_feed_verbs_posts_replies_and_instagram(standin: GraphStandin) -> None:
    page = standin.add_page("Skovbo Skole", PAGE_TOKEN)
    post = standin.add_post(page, "Ny busplan fra 1. april.")
    c = standin.add_comment(post, "Hvorfor?", "u1", "Jonna Brask")
    answer = standin.add_comment(c, "Fordi ruten er ændret.", page.id, page.name)
    like = {
        "field": "feed",
        "value": {"item": "reaction", "verb": "add", "post_id": post.id, "reaction_type": "like"},
    }
    changes = [standin.feed_change(post), standin.feed_change(c), standin.feed_change(answer), like]
    changes += [standin.feed_change(c, v) for v in ("edited", "hide", "unhide", "remove")]
    parsed = parse(standin.delivery(page, changes))
    got = [(ch.event.kind, ch.event.event, ch.event.platform_id, ch.event.parent) for ch in parsed.changes]
    assert got == [
        ("post", "create", post.id, None),
        ("comment", "create", c.id, post.id),
        ("reply", "create", answer.id, c.id),
        ("comment", "edit", c.id, post.id),
        ("comment", "hide", c.id, post.id),
        ("comment", "unhide", c.id, post.id),
        ("comment", "delete", c.id, post.id),
    ]
    assert parsed.skipped == 1 and parsed.errors == []
    assert {ch.page_id for ch in parsed.changes} == {page.id}
    assert parsed.changes[1].event.author_name == "Jonna Brask" and parsed.changes[1].event.published_at

    ig = standin.add_page("skovbo.skole", PAGE_TOKEN + "ig", platform="instagram")
    media = standin.add_post(ig, "Sommerfest")
    ic = standin.add_comment(media, "Flot!", "178414", "jonna.b")
    [one] = parse(standin.delivery(ig, [standin.ig_change(ic)])).changes
    assert (one.platform, one.event.platform, one.event.kind, one.event.parent) == (
        "instagram",
        "instagram",
        "comment",
        media.id,
    )


def test_parse_refuses_what_is_not_a_delivery_with_one_line() -> None:
    for body in (b"not json", b"[1, 2]", b'{"object": "page"}'):
        with pytest.raises(InvalidValue):
            parse(body)
    parsed = parse(
        b'{"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": '
        b'{"item": "comment", "verb": "add", "message": "hej"}}]}, {"time": 1}]}'
    )
    assert parsed.changes == [] and len(parsed.errors) == 2


# --- the queue and the worker -------------------------------------------------------------------------


def _rows(engine: Engine) -> list[tuple[str, int | None, str | None]]:
    with engine.connect() as conn:
        t = events.EVENT_TABLE
        return [(r.status, r.events, r.error) for r in conn.execute(select(t).order_by(t.c.id))]


def test_retries_and_edits_are_archived_exactly_once(fresh_engine: Engine, standin: GraphStandin) -> None:
    cfg = settings(standin.base_url)
    with unit_of_work(fresh_engine, actor="test") as db:
        town = connected_town(db, standin, cfg)
    post = standin.add_post(town.page, "Ny busplan fra 1. april.")
    c = standin.add_comment(post, "Du er en idiot og en klovn.", "u9", "Birk Almind")
    first = standin.delivery(town.page, [standin.feed_change(post), standin.feed_change(c)])
    events.append(fresh_engine, first)
    events.append(fresh_engine, first)  # the same delivery again: stored once
    retry = json.loads(first)
    retry["entry"][0]["time"] += 3600  # Meta's retry an hour later: another body, the same changes
    events.append(fresh_engine, json.dumps(retry).encode())
    c.text = "Du er en idiot."
    events.append(fresh_engine, standin.delivery(town.page, [standin.feed_change(c, "edited")]))
    events.append(fresh_engine, standin.delivery(town.page, [standin.feed_change(c, "edited")] * 2))
    events.append(fresh_engine, standin.delivery(town.page, [standin.feed_change(c, "hide")]))
    report = events.drain(fresh_engine, batch=2)  # batches of two: the retry lands in another transaction
    assert (report.rows, report.changes, report.ingested, report.duplicates) == (5, 8, 4, 4)
    assert [s for s, _, _ in _rows(fresh_engine)] == ["done"] * 5
    with session_factory(fresh_engine)() as s:
        record = s.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == c.id)).one()
        assert (record.version, record.state, record.text) == (3, "hidden", "Du er en idiot.")
        assert s.scalar(select(func.count()).select_from(ArchiveRecord)) == 2
        assert s.scalar(select(func.count()).where(ArchiveEntry.record_id == record.id)) == 3
        assert s.scalar(select(func.count()).select_from(ModerationCase)) == 1
    assert events.drain(fresh_engine).rows == 0  # nothing left; a second run does nothing


def test_unrouted_deliveries_are_kept_and_replayed_after_connecting(
    fresh_engine: Engine, standin: GraphStandin
) -> None:
    cfg = settings(standin.base_url)
    stranger = standin.add_page("Ukendt Side", PAGE_TOKEN + "x")
    post = standin.add_post(stranger, "Velkommen")
    c = standin.add_comment(post, "Tak for info", "u1", "Signe Holmgaard")
    events.append(fresh_engine, standin.delivery(stranger, [standin.feed_change(c)]))
    events.append(fresh_engine, b'{"object": "page", "entry": 7}')  # verified but unreadable
    report = events.drain(fresh_engine)
    assert (report.unrouted, report.failed, report.ingested) == (1, 1, 0)
    assert [s for s, _, _ in _rows(fresh_engine)] == ["unrouted", "failed"]
    assert "no account is connected" in (_rows(fresh_engine)[0][2] or "")
    assert events.counts(fresh_engine) == {"unrouted": 1, "failed": 1}
    with unit_of_work(fresh_engine, actor="test") as db:
        town = connected_town(db, standin, cfg)
        db.execute(
            connector.PlatformConnection.__table__.update().values(page_id=stranger.id)  # type: ignore[attr-defined]
        )
        tokens.store(db, town.connection.id, stranger.token, cfg)
    assert events.replay(fresh_engine) == 1
    assert events.drain(fresh_engine).ingested == 1
    assert events.counts(fresh_engine) == {"done": 1, "failed": 1}


def test_tokens_are_encrypted_at_rest_never_in_plaintext_and_rotate(
    fresh_engine: Engine, standin: GraphStandin
) -> None:
    cfg = settings(standin.base_url)
    with unit_of_work(fresh_engine, actor="test") as db:
        town = connected_town(db, standin, cfg)
    secret = town.page.token
    with fresh_engine.connect() as conn:  # every value of every table: no plaintext token anywhere
        meta = MetaData()
        meta.reflect(conn)
        dump = " ".join(
            repr(row)
            for name, table in meta.tables.items()
            if not name.startswith("archive_fts")
            for row in conn.execute(table.select())
        )
        [ciphertext] = conn.execute(select(tokens.TOKEN_TABLE.c.ciphertext)).scalars().all()
    assert secret not in dump and secret.encode() not in bytes(ciphertext)
    assert tokens.fingerprint(secret) in dump  # only the fingerprint, to recognise it
    assert Fernet(KEY.encode()).decrypt(bytes(ciphertext)).decode() == secret

    newer = Fernet.generate_key().decode()
    rotated = settings(standin.base_url, token_keys=(newer, KEY))
    with unit_of_work(fresh_engine, actor="test") as db:
        assert tokens.rotate(db, rotated) == 1
    only_new = settings(standin.base_url, token_keys=(newer,))
    with session_factory(fresh_engine)() as db:
        assert tokens.load(db, town.connection.id, only_new) == secret
        with pytest.raises(tokens.TokenError, match="not in the key ring"):
            tokens.load(db, town.connection.id, cfg)  # the old key alone no longer opens it


def test_page_settings_feed_the_registry_check(db: Session, standin: GraphStandin) -> None:
    cfg = settings(standin.base_url)
    town = connected_town(db, standin, cfg, slug="hjdm")  # Hjørring: direct messages must be off
    account = db.get(Account, town.connection.account_id)
    assert account is not None and account.direct_messages == "off"
    assert not [p for p in check_registry(db, town.town.org) if p.code == "dms-on"]
    town.page.messaging = True  # someone turned messages on at Meta
    conn = connector.connector(db, town.connection, cfg)
    found = connector.sync_settings(db, town.town.org, town.connection, conn)
    assert found.messaging == "on" and account.direct_messages == "on"
    assert town.connection.messaging == "on" and town.connection.settings_read_at is not None
    assert [p.code for p in check_registry(db, town.town.org) if p.account_id == account.id] == ["dms-on"]
    town.page.messaging = False
    connector.sync_settings(db, town.town.org, town.connection, conn)
    assert account.direct_messages == "off"


def test_connecting_refuses_a_page_of_another_account_and_bad_ids(db: Session, standin: GraphStandin) -> None:
    cfg = settings(standin.base_url)
    town = connected_town(db, standin, cfg, slug="beta")
    with pytest.raises(InvalidValue, match="page id"):
        connector.connect(db, town.town.org, town.connection.account_id, "12 34", PAGE_TOKEN, cfg, by="t")
    with pytest.raises(tokens.TokenError, match="one line"):
        connector.connect(db, town.town.org, town.connection.account_id, town.page.id, "a b", cfg, by="t")
    other = live_account(db, town.town, handle="beta-bibliotek")
    with pytest.raises(Conflict, match="connected to another account"):
        connector.connect(db, town.town.org, other.id, town.page.id, PAGE_TOKEN, cfg, by="t")


def test_one_delivery_with_entries_for_two_organisations(fresh_engine: Engine, standin: GraphStandin) -> None:
    cfg = settings(standin.base_url)
    with unit_of_work(fresh_engine, actor="test") as db:
        dk = connected_town(db, standin, cfg, slug="epsilon")
        no = connected_town(db, standin, cfg, slug="zeta", pack="no-hustadvika")
    entries = []
    for town, text in (
        (dk, "Du er en idiot og en klovn."),
        (no, "Du er en idiot og en klovn, hele kommunen."),
    ):
        post = standin.add_post(town.page, "Nytt fra kommunen")
        comments = [standin.add_comment(post, f"{text} ({i})", f"u{i}", "Aksel Fenger") for i in range(30)]
        payload = json.loads(standin.delivery(town.page, [standin.feed_change(c) for c in comments]))
        entries += payload["entry"]
    events.append(fresh_engine, json.dumps({"object": "page", "entry": entries}).encode())
    report = events.drain(fresh_engine)
    assert (report.rows, report.changes, report.ingested, report.queued) == (1, 60, 60, 60)
    with session_factory(fresh_engine)() as s:
        query = select(ArchiveRecord.organisation_id, func.count()).group_by(ArchiveRecord.organisation_id)
        per_org = {org_id: n for org_id, n in s.execute(query).all()}
    assert per_org == {dk.town.org.id: 30, no.town.org.id: 30}
