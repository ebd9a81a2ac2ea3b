"""Issue 18, publishing: the gates of the pack (designated authors, blocking findings, acknowledgements,
approval, crisis, override, nobody approves their own post), the publisher against the Graph API stand-in
(Facebook feed with photos, Instagram container then publish from a signed URL, retries, permission
errors), and the archive record with its approval chain. Names are invented."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from skimage import data as skimage_data
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from rettesnor.archive.blobs import BlobStore
from rettesnor.governance import people
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.platforms import connector
from rettesnor.platforms.standin import GraphStandin
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import Pack
from rettesnor.publishing import publisher, service
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import unit_of_work
from rettesnor.records.models import AuditEntry, Notification
from rettesnor.records.publish_models import Publication
from support.govdata import Town, make_town
from support.platformdata import APP_SECRET, PAGE_TOKEN, connected_town, live_server, settings

CALM = "Biblioteket holder åbent til kl. 20 på torsdag. Kom forbi og lån en bog."
SECRET = "publish-test-secret-" + "x" * 20
LIVE_SECRET = "t" * 40  # the secret of platformdata.live_server's application


def astronaut_jpeg() -> bytes:
    """scikit-image's astronaut: one face, so the check asks for consent or a basis."""
    out = io.BytesIO()
    Image.fromarray(skimage_data.astronaut()).save(out, "JPEG")  # type: ignore[no-untyped-call]
    return out.getvalue()


@pytest.fixture
def standin() -> Iterator[GraphStandin]:
    with GraphStandin(app_secret=APP_SECRET) as running:
        yield running


def _draft(
    db: Session, town: Town, author: int, text: str = CALM, photos: tuple[service.NewPhoto, ...] = ()
) -> Publication:
    assert town.account is not None
    return service.save_draft(db, town.org, author, service.Draft(town.account.id, text, photos=photos))


def with_parameter(pack: Pack, **changes: object) -> Pack:
    return pack.model_copy(update={"parameters": pack.parameters.model_copy(update=changes)})


# --- the gates (a rolled-back session) --------------------------------------------------------------


def test_anyone_saves_a_draft_only_designated_authors_submit(db: Session, standin: GraphStandin) -> None:
    town = connected_town(db, standin, settings(standin.base_url)).town
    outsider = town.staff[2]  # an employee of the school, not an author of its account
    pub = _draft(db, town, outsider.id)
    assert pub.status == "draft"
    with pytest.raises(NotAllowed) as refused:
        service.submit(db, town.org, pub.id, outsider.id)
    assert refused.value.code == "not_designated" and pub.status == "draft"
    mine = _draft(db, town, town.b.id)
    assert service.submit(db, town.org, mine.id, town.b.id).status == "scheduled"  # no finding: no approval


def test_warning_needs_an_acknowledgement_and_a_leader_approves(db: Session, standin: GraphStandin) -> None:
    town = connected_town(db, standin, settings(standin.base_url)).town
    photo = service.NewPhoto("sommerfest.jpg", astronaut_jpeg(), "En astronaut i rumdragt foran et flag")
    pub = _draft(db, town, town.b.id, "Se billedet fra sommerfesten på skolen i dag.", (photo,))
    result = service.run_check(db, town.org, pub)
    assert "HJ010" in service.codes(result, "warn")  # photo of a person, no consent or basis named
    with pytest.raises(InvalidValue) as refused:
        service.submit(db, town.org, pub.id, town.b.id)
    assert refused.value.code == "needs_ack" and "HJ010" in str(refused.value)
    service.submit(db, town.org, pub.id, town.b.id, {"HJ010": "Forældrene har givet skriftligt samtykke."})
    assert pub.status == "submitted" and json.loads(pub.acknowledgements or "{}")["HJ010"]
    with pytest.raises(NotAllowed) as own:
        service.decide(db, town.org, pub.id, town.b.id, "approve")
    assert own.value.code == "own_post"
    with pytest.raises(NotAllowed):
        service.decide(db, town.org, pub.id, town.a.id, "approve")  # a colleague, not a leader
    service.decide(db, town.org, pub.id, town.leader.id, "approve", "Fint.")
    assert pub.status == "scheduled" and pub.due_at is not None
    assert [s.act for s in service.steps_of(db, pub)] == ["saved", "submitted", "approved"]


def test_changes_and_reject_need_a_comment(db: Session, standin: GraphStandin) -> None:
    town = connected_town(db, standin, settings(standin.base_url)).town
    photo = service.NewPhoto("hold.jpg", astronaut_jpeg(), "En astronaut")
    pub = _draft(db, town, town.b.id, "Billeder fra dagens arrangement.", (photo,))
    service.submit(db, town.org, pub.id, town.b.id, {"HJ010": "Offentligt arrangement på torvet."})
    with pytest.raises(InvalidValue):
        service.decide(db, town.org, pub.id, town.leader.id, "changes")
    service.decide(db, town.org, pub.id, town.leader.id, "changes", "Skriv hvor det var.")
    assert pub.status == "changes"
    service.save_draft(
        db, town.org, town.b.id, service.Draft(pub.account_id, pub.text + " På torvet."), pub.id
    )
    service.submit(db, town.org, pub.id, town.b.id, {"HJ010": "Offentligt arrangement på torvet."})
    service.decide(db, town.org, pub.id, town.leader.id, "reject", "Ikke i denne uge.")
    assert pub.status == "rejected"
    with pytest.raises(Conflict):
        service.submit(db, town.org, pub.id, town.b.id)


def test_block_stops_and_only_a_leader_overrides_with_a_reason_in_the_audit_log(
    db: Session, standin: GraphStandin
) -> None:
    town = connected_town(db, standin, settings(standin.base_url)).town
    text = "Ring til Tove Kjærsgaard på CPR 010203-1234 hvis du har spørgsmål."
    pub = _draft(db, town, town.b.id, text)
    blocking = service.codes(service.run_check(db, town.org, pub), "block")
    assert blocking
    with pytest.raises(NotAllowed) as refused:
        service.submit(db, town.org, pub.id, town.b.id)
    assert refused.value.code == "blocked"
    acks = {c: "Set og overvejet." for c in service.codes(service.run_check(db, town.org, pub), "warn")}
    service.submit(db, town.org, pub.id, town.b.id, acks, override_request="Borgeren har selv bedt om det.")
    assert pub.status == "submitted" and service.approvers(db, town.org, pub) == [town.leader.id]
    with pytest.raises(InvalidValue) as no_reason:
        service.decide(db, town.org, pub.id, town.leader.id, "approve")
    assert no_reason.value.code == "override_reason"
    service.decide(
        db, town.org, pub.id, town.leader.id, "approve", override_reason="Aftalt med borgeren skriftligt."
    )
    assert pub.status == "scheduled"
    logged = db.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "publication",
            AuditEntry.object_id == pub.id,
            AuditEntry.field == "override_reason",
        )
    ).all()
    assert [e.new_value for e in logged] == ["Aftalt med borgeren skriftligt."]
    assert "override" in [s.act for s in service.steps_of(db, pub)]


def test_crisis_posts_need_the_crisis_management(db: Session, standin: GraphStandin) -> None:
    town = connected_town(db, standin, settings(standin.base_url), slug="kyst", pack="no-hustadvika").town
    text = "Kriseledelsen informerer: Det brenner i sentrum, og beboere i Storgata evakueres nå."
    pub = _draft(db, town, town.b.id, text)
    result = service.run_check(db, town.org, pub)
    assert service.is_crisis(result)
    acks = {c: "Avklart med kriseledelsen." for c in service.codes(result, "warn")}
    overrides = "Kriseledelsen har gitt instruks." if service.codes(result, "block") else None
    with pytest.raises(Conflict) as nobody:  # no one holds the crisis-management role yet
        service.submit(db, town.org, pub.id, town.b.id, acks, override_request=overrides)
    assert nobody.value.code == "no_approver" and pub.status == "draft"
    people.grant_role(db, town.org, town.comms.id, "crisis_manager")
    service.submit(db, town.org, pub.id, town.b.id, acks, override_request=overrides)
    assert pub.status == "submitted" and pub.crisis
    with pytest.raises(NotAllowed) as leader:
        service.decide(db, town.org, pub.id, town.leader.id, "approve")
    assert leader.value.code == "not_approver"
    service.decide(
        db, town.org, pub.id, town.comms.id, "approve", override_reason="Instruks fra kriseledelsen kl. 14."
    )
    assert pub.status == "scheduled"


def test_the_packs_parameter_decides_whether_approval_is_needed(db: Session, standin: GraphStandin) -> None:
    town = connected_town(db, standin, settings(standin.base_url)).town
    pub = _draft(db, town, town.b.id)
    result = service.run_check(db, town.org, pub)
    pack = load_pack("dk-hjorring")
    modes = {m: with_parameter(pack, publish_approval=m) for m in ("never", "on_findings", "always")}
    assert not result.findings or service.codes(result, "warn") == []
    assert [service.needs_approval(modes[m], result, False, False) for m in modes] == [False, False, True]
    assert service.needs_approval(modes["never"], result, True, False)  # a crisis always


def test_named_approvers(db: Session, standin: GraphStandin) -> None:
    town = connected_town(db, standin, settings(standin.base_url)).town
    people.grant_role(db, town.org, town.comms.id, "publish_approver")
    pack = load_pack("dk-hjorring")
    named = with_parameter(pack, publish_approvers="named")
    pub = _draft(db, town, town.b.id)
    assert service.approvers(db, town.org, pub, named) == [town.comms.id]
    assert service.approvers(db, town.org, pub, pack) == [town.leader.id]


# --- the publisher (a database of its own: it commits) ----------------------------------------------


def _setup(
    engine: Engine, standin: GraphStandin, slug: str = "alpha", platform: str = "facebook"
) -> dict[str, int]:
    cfg = settings(standin.base_url)
    with unit_of_work(engine, actor="test") as db:
        if platform == "facebook":
            connected = connected_town(db, standin, cfg, slug=slug)
            town, page_id = connected.town, connected.page.id
        else:
            from support.govdata import live_account

            town = make_town(db, slug)
            account = live_account(db, town, handle=f"{slug}-ig")
            account.platform = "instagram"
            page = standin.add_page(f"{slug} ig", PAGE_TOKEN + slug + "ig", platform="instagram")
            connector.connect(db, town.org, account.id, page.id, page.token, cfg, by="test")
            page_id = page.id
        assert town.account is not None
        return {
            "org": town.org.id,
            "account": town.account.id,
            "b": town.b.id,
            "leader": town.leader.id,
            "page": int(page_id),
        }


def _cfg(
    standin: GraphStandin, tmp_path: Path, base_url: str = "http://127.0.0.1:9"
) -> publisher.PublishSettings:
    return publisher.PublishSettings(
        settings(standin.base_url), SECRET, base_url, BlobStore(tmp_path / "blobs")
    )


def _scheduled(
    engine: Engine,
    ids: dict[str, int],
    text: str = CALM,
    photos: tuple[service.NewPhoto, ...] = (),
    acks: dict[str, str] | None = None,
) -> int:
    from rettesnor.records.models import Organisation

    with unit_of_work(engine, actor="test") as db:
        org = db.get(Organisation, ids["org"])
        assert org is not None
        pub = service.save_draft(db, org, ids["b"], service.Draft(ids["account"], text, photos=photos))
        service.submit(db, org, pub.id, ids["b"], acks)
        if pub.status == "submitted":
            service.decide(db, org, pub.id, ids["leader"], "approve")
        assert pub.status == "scheduled"
        return pub.id


def test_facebook_post_goes_out_and_is_archived_with_its_chain(
    fresh_engine: Engine, standin: GraphStandin, tmp_path: Path
) -> None:
    ids = _setup(fresh_engine, standin)
    pub_id = _scheduled(fresh_engine, ids)
    report = publisher.publish_due(fresh_engine, _cfg(standin, tmp_path))
    assert (report.published, report.failed) == (1, 0)
    posts = standin.posts(standin.pages[str(ids["page"])])
    assert [p.text for p in posts] == [CALM]
    with unit_of_work(fresh_engine) as db:
        pub = db.get(Publication, pub_id)
        assert pub is not None and pub.status == "published" and pub.platform_id == posts[0].id
        record = db.get(ArchiveRecord, pub.record_id)
        assert record is not None and record.platform_id == posts[0].id and record.kind == "post"
        assert record.text == CALM
    assert publisher.publish_due(fresh_engine, _cfg(standin, tmp_path)).published == 0  # nothing twice


def test_permission_errors_fail_at_once_and_tell_the_author(
    fresh_engine: Engine, standin: GraphStandin, tmp_path: Path
) -> None:
    ids = _setup(fresh_engine, standin)
    pub_id = _scheduled(fresh_engine, ids)
    standin.fail(
        "POST", "/feed", 200, status=403, message="(#200) requires the pages_manage_posts permission"
    )
    report = publisher.publish_due(fresh_engine, _cfg(standin, tmp_path))
    assert (report.published, report.retried, report.failed) == (0, 0, 1)
    with unit_of_work(fresh_engine) as db:
        pub = db.get(Publication, pub_id)
        assert pub is not None and pub.status == "failed" and pub.error_kind == "permission"
        notes = db.scalars(select(Notification).where(Notification.kind == "publish_failed")).all()
        assert len(notes) == 1 and json.loads(notes[0].params or "{}")["post"] == pub_id
    assert [c for c in standin.calls if c[0] == "POST"] and not standin.posts(standin.pages[str(ids["page"])])


def test_transient_errors_are_retried_later_after_a_look_up(
    fresh_engine: Engine, standin: GraphStandin, tmp_path: Path
) -> None:
    import datetime as dt

    ids = _setup(fresh_engine, standin)
    pub_id = _scheduled(fresh_engine, ids)
    standin.fail("POST", "/feed", 2, status=500, message="(#2) Service temporarily unavailable")
    first = publisher.publish_due(fresh_engine, _cfg(standin, tmp_path))
    assert (first.published, first.retried) == (0, 1)
    with unit_of_work(fresh_engine) as db:
        pub = db.get(Publication, pub_id)
        assert pub is not None and pub.status == "scheduled" and pub.error_kind == "transient"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    second = publisher.publish_due(fresh_engine, _cfg(standin, tmp_path), now=later)
    assert second.published == 1
    feed_reads = [c for c in standin.calls if c[0] == "GET" and c[1].endswith("/feed")]
    assert feed_reads, "the second attempt looks the post up before posting"
    assert len(standin.posts(standin.pages[str(ids["page"])])) == 1


def test_photos_on_facebook_and_instagram_from_signed_urls(
    fresh_engine: Engine, standin: GraphStandin, tmp_path: Path
) -> None:
    fb = _setup(fresh_engine, standin, "alpha")
    ig = _setup(fresh_engine, standin, "beta", platform="instagram")
    photo = service.NewPhoto("astronaut.jpg", astronaut_jpeg(), "En astronaut i hvid rumdragt")
    text = "Billeder fra åbent hus. Alle på billederne har givet samtykke til, at vi deler dem."
    fb_id = _scheduled(fresh_engine, fb, text, (photo,), {})
    ig_id = _scheduled(fresh_engine, ig, text, (photo,), {})
    with live_server(fresh_engine, settings(standin.base_url)) as base:
        cfg = _cfg(standin, tmp_path, base)
        report = publisher.publish_due(
            fresh_engine, publisher.PublishSettings(cfg.platforms, LIVE_SECRET, base, cfg.blobs)
        )
    assert report.published == 2, report
    fb_post = standin.posts(standin.pages[str(fb["page"])])[0]
    assert len(fb_post.media) == 1 and standin.objects[fb_post.media[0]].image == photo.data
    assert standin.objects[fb_post.media[0]].alt == photo.alt
    ig_media = standin.posts(standin.pages[str(ig["page"])])[0]
    assert ig_media.text == text and ig_media.image == photo.data
    with unit_of_work(fresh_engine) as db:
        for pid in (fb_id, ig_id):
            pub = db.get(Publication, pid)
            assert pub is not None and pub.status == "published"


def test_a_failure_is_on_the_posts_page_and_in_the_authors_mail(
    fresh_engine: Engine, standin: GraphStandin, tmp_path: Path
) -> None:
    """The page says what the platform refused and what to do, in the author's language; the e-mail too."""
    from rettesnor.i18n import catalogue
    from rettesnor.notify import mail
    from rettesnor.records.models import Organisation
    from rettesnor.records.web_models import WebUser
    from rettesnor.web.security import hash_password
    from support.webapp import TestClient, login, make_app

    ids = _setup(fresh_engine, standin)
    pub_id = _scheduled(fresh_engine, ids)
    with unit_of_work(fresh_engine, actor="test") as db:
        people.set_email(db, db.get(Organisation, ids["org"]), ids["b"], "birk.almind@alpha.example")  # type: ignore[arg-type]
        db.add(
            WebUser(
                organisation_id=ids["org"],
                person_id=ids["b"],
                username="alpha.birk",
                password_hash=hash_password("a-long-password-1"),
                language="da",
            )
        )
    standin.fail(
        "POST", "/feed", 200, status=403, message="(#200) requires the pages_manage_posts permission"
    )
    assert publisher.publish_due(fresh_engine, _cfg(standin, tmp_path)).failed == 1
    with TestClient(make_app(fresh_engine)) as client:
        login(client, "alpha.birk", "a-long-password-1")
        html = client.get(f"/publish/{pub_id}").text
    assert "Appen mangler tilladelsen pages_manage_posts til denne side (fejl 200)" in html
    assert catalogue("da")["Failed"] in html
    with unit_of_work(fresh_engine) as db:
        note = db.scalars(select(Notification).where(Notification.kind == "publish_failed")).one()
        org = db.get(Organisation, ids["org"])
        assert org is not None and note.recipient == "birk.almind@alpha.example"
        message = mail.compose(
            note, org, mail.MailSettings(host="localhost", sender="rettesnor@alpha.example")
        )
    assert message["Subject"] == f"Opslag {pub_id} til Skovbo Skole kunne ikke offentliggøres"
    assert f"/publish/{pub_id}" in message.get_content()


def test_the_standin_schedules_posts_and_refuses_like_meta(standin: GraphStandin) -> None:
    import time

    import httpx

    fb = standin.add_page("Skovbo Skole", "EAAfb" + "f" * 30)
    ig = standin.add_page("skovboskole", "EAAig" + "i" * 30, platform="instagram")
    base = f"{standin.base_url}/v26.0"

    def call(page_token: str, method: str, path: str, **data: str) -> httpx.Response:
        return httpx.request(
            method, f"{base}/{path}", data=data, headers={"Authorization": f"Bearer {page_token}"}
        )

    soon = str(int(time.time()) + 3600)
    r = call(
        fb.token,
        "POST",
        f"{fb.id}/feed",
        message="Juletræet tændes kl. 17.",
        published="false",
        scheduled_publish_time=soon,
    )
    assert r.status_code == 200 and not standin.posts(fb)
    listed = call(fb.token, "GET", f"{fb.id}/scheduled_posts").json()["data"]
    assert [p["message"] for p in listed] == ["Juletræet tændes kl. 17."]
    too_soon = call(
        fb.token,
        "POST",
        f"{fb.id}/feed",
        message="Nu",
        published="false",
        scheduled_publish_time=str(int(time.time()) + 60),
    )
    assert too_soon.status_code == 400 and too_soon.json()["error"]["code"] == 100
    no_image = call(ig.token, "POST", f"{ig.id}/media", caption="Hej")
    assert no_image.status_code == 400 and "image_url" in no_image.json()["error"]["message"]
    unreachable = call(
        ig.token, "POST", f"{ig.id}/media", caption="Hej", image_url="http://127.0.0.1:9/x.jpg"
    )
    assert unreachable.json()["error"]["code"] == 9004
    fb.permissions.discard("pages_manage_posts")
    denied = call(fb.token, "POST", f"{fb.id}/feed", message="Hej")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == 200


def test_a_change_of_a_published_post_passes_the_gates_and_becomes_a_version(
    fresh_engine: Engine, standin: GraphStandin, tmp_path: Path
) -> None:
    from rettesnor.records.archive_models import ArchiveEntry
    from rettesnor.records.models import Organisation

    ids = _setup(fresh_engine, standin)
    first = _scheduled(fresh_engine, ids)
    assert publisher.publish_due(fresh_engine, _cfg(standin, tmp_path)).published == 1
    changed = CALM + " Vi har også kaffe på kanden."
    with unit_of_work(fresh_engine, actor="test") as db:
        org = db.get(Organisation, ids["org"])
        assert org is not None
        revision = service.revise(db, org, first, ids["b"], changed)
        assert revision.status == "draft" and revision.revision_of == first
        with pytest.raises(Conflict):
            service.revise(db, org, revision.id, ids["b"], changed)  # a draft is changed as a draft
        service.submit(db, org, revision.id, ids["b"])
        rid = revision.id
    assert publisher.publish_due(fresh_engine, _cfg(standin, tmp_path)).published == 1
    posts = standin.posts(standin.pages[str(ids["page"])])
    assert [p.text for p in posts] == [changed]  # edited in place, not posted again
    with unit_of_work(fresh_engine) as db:
        original, rev = db.get(Publication, first), db.get(Publication, rid)
        assert original is not None and rev is not None
        assert rev.status == "published" and rev.platform_id == original.platform_id == posts[0].id
        record = db.get(ArchiveRecord, original.record_id)
        assert record is not None and record.version == 2 and record.text == changed
        events = db.scalars(
            select(ArchiveEntry.event).where(ArchiveEntry.record_id == record.id).order_by(ArchiveEntry.seq)
        ).all()
        assert list(events)[-1] == "edit"
