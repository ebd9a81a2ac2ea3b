"""Drafts, the check and the gates of the pack, and the approval of a post (docs/publishing.md).

A post goes: draft → (submit) → submitted → (approve) → scheduled → (the publisher) → published, or
straight from submit to scheduled where the pack asks for no approval. The gates, in the order they are
applied when a post is submitted:

1. only a designated author of the account may submit (Norsjö 4.3, Hjørring 2); anyone may save a draft;
2. a ``block`` finding stops it, unless the author asks a leader to override (with a reason);
3. every ``warn`` finding needs a written acknowledgement by the author;
4. the pack's ``publish_approval`` decides whether an approval is needed (``never``, ``on_findings``,
   ``always``); a post about a crisis always needs one, from a person with the ``crisis_manager`` role
   (Hustadvika 1f); an override needs a leader of the account's unit.

Refusals are :class:`~rettesnor.governance.errors.GovernanceError` with a ``code`` (the pages say them in
the user's language, ``web/labels_publish.py``) and an English message for the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.analysis import analyse
from rettesnor.check import context_for
from rettesnor.governance import accounts, checking, notices, people
from rettesnor.governance.common import atomic, get_in_org
from rettesnor.governance.errors import Conflict, GovernanceError, InvalidValue, NotAllowed
from rettesnor.governance.tenants import unit_chain
from rettesnor.item import Item, Photo
from rettesnor.policy.evaluate import Result
from rettesnor.policy.model import Pack
from rettesnor.records.models import Account, Organisation, Person, Unit
from rettesnor.records.publish_models import Publication, PublicationPhoto, PublicationStep
from rettesnor.records.types import utcnow

MAX_PHOTOS = 5
MAX_TEXT = 5000  # Facebook takes more; Instagram's caption limit is 2,200
IG_CAPTION_MAX = 2200
EDITABLE = ("draft", "changes")
DECISIONS = ("approve", "changes", "reject")
LIVE_ACCOUNT = ("approved", "active")


@dataclass(frozen=True, slots=True)
class NewPhoto:
    name: str
    data: bytes
    alt: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    account_id: int
    text: str
    link: str | None = None
    publish_at: dt.datetime | None = None
    photos: tuple[NewPhoto, ...] = ()


def _refuse(cls: type[GovernanceError], message: str, code: str, **params: object) -> Exception:
    return cls(message, code=code, **params)


def get_publication(session: Session, org: Organisation, publication_id: int) -> Publication:
    return get_in_org(session, Publication, org, publication_id, "post")


def photos_of(session: Session, pub: Publication) -> list[PublicationPhoto]:
    query = select(PublicationPhoto).where(PublicationPhoto.publication_id == pub.id)
    return list(session.scalars(query.order_by(PublicationPhoto.position, PublicationPhoto.id)))


def steps_of(session: Session, pub: Publication) -> list[PublicationStep]:
    query = select(PublicationStep).where(PublicationStep.publication_id == pub.id)
    return list(session.scalars(query.order_by(PublicationStep.id)))


def step(
    session: Session, pub: Publication, act: str, person_id: int | None, comment: str | None = None
) -> None:
    """Add one act to the post's approval chain (rows are only added)."""
    session.add(
        PublicationStep(
            organisation_id=pub.organisation_id,
            publication_id=pub.id,
            act=act,
            person_id=person_id,
            comment=comment,
            at=utcnow(),
        )
    )


def _valid(session: Session, org: Organisation, draft: Draft) -> Account:
    account = accounts.get_account(session, org, draft.account_id)
    text = draft.text.replace("\r\n", "\n").strip()
    if not text:
        raise _refuse(InvalidValue, "write the text of the post", "empty_text")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise _refuse(InvalidValue, f"the text is over {MAX_TEXT} characters", "text_too_long", max=MAX_TEXT)
    if account.platform not in ("facebook", "instagram"):
        raise _refuse(
            InvalidValue,
            f"posts go to facebook and instagram, not {account.platform}",
            "platform_unsupported",
            platform=account.platform,
        )
    if account.platform == "instagram":
        if len(draft.photos) != 1:
            raise _refuse(InvalidValue, "an Instagram post needs exactly one photo", "instagram_one_photo")
        if len(text) > IG_CAPTION_MAX:
            raise _refuse(
                InvalidValue,
                f"an Instagram caption is at most {IG_CAPTION_MAX} characters",
                "text_too_long",
                max=IG_CAPTION_MAX,
            )
        if draft.link:
            raise _refuse(InvalidValue, "Instagram posts cannot carry a link", "instagram_no_link")
    if len(draft.photos) > MAX_PHOTOS:
        raise _refuse(InvalidValue, f"at most {MAX_PHOTOS} photos", "too_many_photos", max=MAX_PHOTOS)
    if draft.link is not None and (
        not draft.link.startswith(("https://", "http://")) or len(draft.link) > 500
    ):
        raise _refuse(InvalidValue, "the link must be a web address starting with https://", "bad_link")
    if draft.publish_at is not None and draft.publish_at.tzinfo is None:
        raise _refuse(InvalidValue, "the time needs a time zone", "bad_time")
    for photo in draft.photos:
        if len(photo.data) > checking.MAX_PHOTO_BYTES:
            raise checking.PhotoError("too_large", photo.name)
        if not photo.data:
            raise checking.PhotoError("not_image", photo.name)
    return account


@atomic
def save_draft(
    session: Session, org: Organisation, author_id: int, draft: Draft, publication_id: int | None = None
) -> Publication:
    """A new draft, or the draft ``publication_id`` rewritten by its author (only while it is a draft or
    back for changes). Anyone of the organisation may save a draft; submitting is for designated authors."""
    author = people.active_person(session, org, author_id)
    account = _valid(session, org, draft)
    text = draft.text.replace("\r\n", "\n").strip()
    if publication_id is None:
        pub = Publication(
            organisation_id=org.id,
            account_id=account.id,
            author_id=author.id,
            status="draft",
            idempotency_key=uuid.uuid4().hex,
            attempts=0,
            crisis=False,
            text=text,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(pub)
        session.flush()
    else:
        pub = get_publication(session, org, publication_id)
        if pub.author_id != author.id:
            raise _refuse(NotAllowed, "only the author may change a draft", "not_author")
        if pub.status not in EDITABLE:
            raise _refuse(
                Conflict,
                f"post {pub.id} is {pub.status} and can no longer be changed",
                "not_editable",
                status=pub.status,
            )
        pub.account_id, pub.text = account.id, text
        if draft.photos:  # new photos replace the old; none given keeps them
            for old in photos_of(session, pub):
                session.delete(old)
    pub.link, pub.publish_at, pub.updated_at = draft.link or None, draft.publish_at, utcnow()
    for i, photo in enumerate(draft.photos):
        media = mimetypes.guess_type(photo.name)[0] or "image/jpeg"
        session.add(
            PublicationPhoto(
                organisation_id=org.id,
                publication_id=pub.id,
                position=i,
                name=Path(photo.name).name[:200] or f"photo-{i + 1}",
                alt=(photo.alt or "").strip() or None,
                media_type=media,
                data=photo.data,
            )
        )
    step(session, pub, "saved", author.id)
    session.flush()
    return pub


@atomic
def revise(
    session: Session, org: Organisation, publication_id: int, author_id: int, text: str
) -> Publication:
    """A change of a published Facebook post, as a new draft that passes the same gates; once published it
    edits the post on the page and the archive record gets a new version. Instagram captions cannot be
    edited through the Graph API."""
    original = get_publication(session, org, publication_id)
    if original.status != "published" or original.revision_of is not None:
        raise _refuse(Conflict, f"post {original.id} is not a published post", "not_published")
    account = accounts.get_account(session, org, original.account_id)
    if account.platform != "facebook":
        raise _refuse(
            InvalidValue, "Instagram captions cannot be changed once published", "instagram_no_edit"
        )
    pub = save_draft(session, org, author_id, Draft(original.account_id, text, original.link))
    pub.revision_of = original.id
    session.flush()
    return pub


# --- the check -------------------------------------------------------------------------------------


def pack_of(session: Session, org: Organisation, pub: Publication) -> Pack:
    return checking.pack_for(session, org, pub.account_id)


def run_check(session: Session, org: Organisation, pub: Publication, lang: str | None = None) -> Result:
    """The post as it stands (text and photos) through the check service, with its account's pack."""
    pack = pack_of(session, org, pub)
    photos = photos_of(session, pub)
    with tempfile.TemporaryDirectory(prefix="rettesnor-publish-") as folder:
        files = []
        for p in photos:
            path = Path(folder) / str(p.id)
            path.write_bytes(p.data)
            files.append(Photo(str(path), p.alt, p.name))
        item = Item(text=pub.text, kind="official_post", images=tuple(files))
        return checking.check(item, pack, lang)


def is_crisis(result: Result) -> bool:
    """The crisis signal, whether or not the text refers to an instruction (which suppresses the finding):
    the crisis management then approves the post, so the instruction is proven, not just written."""
    if any("crisis" in f.categories for f in result.findings):
        return True
    item, pack = result.item, result.pack
    return any(s.name == "crisis" for s in analyse(item.text, context_for(pack, item, result.language)))


def codes(result: Result, severity: str) -> list[str]:
    return sorted({f.rule.code for f in result.findings if f.rule.severity == severity})


# --- who may approve -------------------------------------------------------------------------------


def _leaders(session: Session, org: Organisation, account: Account) -> list[int]:
    """The leaders of the account's unit and of the units above it."""
    home = get_in_org(session, Unit, org, account.unit_id, "unit")
    found: list[int] = []
    for unit in unit_chain(session, org, home):
        found += [p for p in people.unit_leaders(session, org, unit.id) if p not in found]
    return found


def approvers(session: Session, org: Organisation, pub: Publication, pack: Pack | None = None) -> list[int]:
    """Who may approve this post now (never its author)."""
    pack = pack or pack_of(session, org, pub)
    account = accounts.get_account(session, org, pub.account_id)
    params = pack.parameters
    if pub.crisis and params.crisis_approval:
        found = people.holders(session, org, "crisis_manager")
    elif pub.override_reason is not None or pub.verdict == "block":
        found = _leaders(session, org, account)
    elif params.publish_approvers == "named":
        found = people.holders(session, org, "publish_approver")
    else:
        found = _leaders(session, org, account)
    return [p for p in found if p != pub.author_id]


def needs_approval(pack: Pack, result: Result, crisis: bool, override: bool) -> bool:
    mode = pack.parameters.publish_approval
    if override or (crisis and pack.parameters.crisis_approval):
        return True
    if mode == "always":
        return True
    if mode == "on_findings":
        return bool(codes(result, "warn") or codes(result, "block"))
    return False


# --- submit and decide -----------------------------------------------------------------------------


@atomic
def submit(
    session: Session,
    org: Organisation,
    publication_id: int,
    person_id: int,
    acknowledgements: dict[str, str] | None = None,
    override_request: str | None = None,
) -> Publication:
    """Submit the post: the gates of the module docstring. ``acknowledgements``: rule code → the
    author's words for each ``warn`` finding; ``override_request``: why a ``block`` finding should be
    overridden (a leader decides)."""
    pub = get_publication(session, org, publication_id)
    person = people.active_person(session, org, person_id)
    if pub.status not in EDITABLE:
        raise _refuse(
            Conflict,
            f"post {pub.id} is {pub.status}; only a draft can be submitted",
            "not_editable",
            status=pub.status,
        )
    account = accounts.get_account(session, org, pub.account_id)
    if not accounts.is_designated(session, org, account.id, person.id):
        raise _refuse(
            NotAllowed,
            f"{person.name} is not a designated author of {account.name}; save it as "
            "a draft and ask a designated author",
            "not_designated",
            person=person.name,
            account=account.name,
        )
    if account.status not in LIVE_ACCOUNT:
        raise _refuse(
            Conflict,
            f"the account {account.name} is {account.status}",
            "account_not_live",
            account=account.name,
        )
    pack = pack_of(session, org, pub)
    result = run_check(session, org, pub, pack.language)
    blocking, warnings = codes(result, "block"), codes(result, "warn")
    override = (override_request or "").strip()
    if blocking and not override:
        raise _refuse(
            NotAllowed,
            f"the check blocks this post ({', '.join(blocking)}): change it, or ask a "
            "leader to override with a reason",
            "blocked",
            codes=", ".join(blocking),
        )
    if blocking and pack.parameters.block_override == "never":
        raise _refuse(NotAllowed, "the guideline allows no override of a blocking finding", "no_override")
    acks = {k: v.strip() for k, v in (acknowledgements or {}).items() if v and v.strip()}
    missing = [c for c in warnings if len(acks.get(c, "")) < 3]
    if missing:
        raise _refuse(
            InvalidValue,
            f"acknowledge each warning in your own words: {', '.join(missing)}",
            "needs_ack",
            codes=", ".join(missing),
        )
    acks = {c: acks[c] for c in warnings}
    pub.verdict, pub.crisis = result.verdict, is_crisis(result)
    pub.findings = json.dumps(result.to_dict(pack.language)["findings"], ensure_ascii=False)
    pub.acknowledgements = json.dumps(acks, ensure_ascii=False) if acks else None
    pub.override_reason = None
    pub.error_kind = pub.error = None
    comment = "; ".join(f"{c}: {t}" for c, t in acks.items()) or None
    if blocking:
        comment = (comment + "; " if comment else "") + f"override asked: {override}"
    step(session, pub, "submitted", person.id, comment)
    pub.updated_at = utcnow()
    if needs_approval(pack, result, pub.crisis, bool(blocking)):
        pub.status = "submitted"
        session.flush()
        who = approvers(session, org, pub, pack)
        if not who:
            raise _refuse(
                Conflict,
                "nobody may approve this post (no leader, approver or crisis manager is named)",
                "no_approver",
            )
        _tell_approvers(session, org, pub, account, who)
    else:
        _schedule(pub)
    session.flush()
    return pub


def _schedule(pub: Publication) -> None:
    now = utcnow()
    pub.status = "scheduled"
    pub.due_at = max(pub.publish_at, now) if pub.publish_at is not None else now


def may_decide(session: Session, org: Organisation, pub: Publication, person_id: int) -> bool:
    return pub.status == "submitted" and person_id in approvers(session, org, pub)


@atomic
def decide(
    session: Session,
    org: Organisation,
    publication_id: int,
    person_id: int,
    act: str,
    comment: str | None = None,
    override_reason: str | None = None,
) -> Publication:
    """Approve, ask for changes, or reject a submitted post. Nobody decides on their own post; a post
    with a blocking finding is approved only by a leader with a reason (the override, audited)."""
    if act not in DECISIONS:
        raise InvalidValue(f"unknown decision {act!r}; choose one of: {', '.join(DECISIONS)}")
    pub = get_publication(session, org, publication_id)
    person = people.active_person(session, org, person_id)
    if pub.status != "submitted":
        raise _refuse(
            Conflict,
            f"post {pub.id} is {pub.status}, not waiting for a decision",
            "not_waiting",
            status=pub.status,
        )
    if pub.author_id == person.id:
        raise _refuse(NotAllowed, "nobody approves their own post", "own_post")
    if person.id not in approvers(session, org, pub):
        what = "a person with the crisis-management role" if pub.crisis else "an approver of this account"
        raise _refuse(
            NotAllowed,
            f"{person.name} may not decide on this post: it needs {what}",
            "not_approver",
            person=person.name,
        )
    note = (comment or "").strip() or None
    if act in ("changes", "reject") and not note:
        raise _refuse(InvalidValue, "say why in a comment", "needs_comment")
    if act == "approve":
        pack = pack_of(session, org, pub)
        blocking = codes(run_check(session, org, pub, pack.language), "block")
        if blocking:
            reason = (override_reason or "").strip()
            if len(reason) < 3:
                raise _refuse(
                    InvalidValue,
                    f"the check blocks this post ({', '.join(blocking)}); give the reason for overriding it",
                    "override_reason",
                    codes=", ".join(blocking),
                )
            # The reason goes into the audit log with the change of this field (who, when, old, new).
            pub.override_reason = reason
            step(session, pub, "override", person.id, f"{', '.join(blocking)}: {reason}")
        step(session, pub, "approved", person.id, note)
        _schedule(pub)
    elif act == "changes":
        step(session, pub, "changes", person.id, note)
        pub.status = "changes"
    else:
        step(session, pub, "rejected", person.id, note)
        pub.status = "rejected"
    pub.updated_at = utcnow()
    session.flush()
    return pub


def _tell_approvers(
    session: Session, org: Organisation, pub: Publication, account: Account, who: Sequence[int]
) -> None:
    for pid in who:
        person = session.get(Person, pid)
        if person is None:
            continue
        notices.owe(
            session,
            org,
            "publish_waiting",
            person.email,
            {"account": account.name, "post": pub.id, "person": pid},
            subject=f"A post for {account.name} is waiting for your approval",
            body=f"Post {pub.id} for {account.name} is waiting for your approval.",
            account_id=account.id,
        )


# --- the calendar ----------------------------------------------------------------------------------


def calendar(
    session: Session,
    org: Organisation,
    account_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[Publication]:
    """Drafts, waiting approvals, scheduled and published posts, by their time (the time they went or
    will go out, else when they were last changed)."""
    query = select(Publication).where(Publication.organisation_id == org.id)
    if account_id is not None:
        accounts.get_account(session, org, account_id)  # another organisation's account: not found
        query = query.where(Publication.account_id == account_id)
    rows = list(session.scalars(query.order_by(Publication.id)))
    if start is not None:
        rows = [p for p in rows if when(p) >= start]
    if end is not None:
        rows = [p for p in rows if when(p) < end]
    return sorted(rows, key=when)


def when(pub: Publication) -> dt.datetime:
    return pub.published_at or pub.due_at or pub.publish_at or pub.updated_at


def chain(session: Session, pub: Publication) -> list[dict[str, Any]]:
    """The approval chain as data (for the archive's metadata and the API)."""
    names = {
        p.id: p.name
        for p in session.scalars(select(Person).where(Person.organisation_id == pub.organisation_id))
    }
    return [
        {
            "act": s.act,
            "person": names.get(s.person_id) if s.person_id else None,
            "person_id": s.person_id,
            "comment": s.comment,
            "at": s.at.isoformat(),
        }
        for s in steps_of(session, pub)
    ]
