"""The archive's side of the intake: :func:`store` keeps every event of a source in the archive.

Sources do not call it directly: they go through :func:`rettesnor.intake.ingest`, which hands the checked
comments on to the moderation queue (the ``enqueue`` hook below).

- Idempotent on platform ids: the same event twice is stored once (a create of a known record, an edit
  to the text it already has, a delete of a deleted record are counted as duplicates).
- Each new text is checked with its organisation's pack (the pack of the account's unit), in batches;
  the findings and the policy version are stored with the version; the checked comments go to
  ``enqueue`` (the intake's moderation queue, which also makes complaints and case questions
  registration tasks).
- Batch path: events are handled in chunks; each chunk is a handful of set-based statements.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from rettesnor.archive import fts
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.bulk import insert_rows, write_categories
from rettesnor.archive.canonical import compact_findings, document, urn
from rettesnor.archive.chain import NewVersion, allocate_ids, append, latest_doc, lock_chain
from rettesnor.archive.errors import InvalidValue, NotFound
from rettesnor.check import check_many
from rettesnor.governance import checking, lifecycle, tenants
from rettesnor.item import MAX_TEXT_CHARS, InputError, Item
from rettesnor.policy.evaluate import Result, categories_of
from rettesnor.policy.model import Pack
from rettesnor.records.archive_models import RECORD_CATEGORY_TABLE, RECORD_TABLE, ArchiveRecord
from rettesnor.records.models import PLATFORMS, Account, Organisation
from rettesnor.records.types import utcnow

SOURCE_KINDS = ("post", "comment", "reply", "private_message")
EVENTS = ("create", "edit", "delete", "hide", "unhide")
CHECK_KIND = {"post": "official_post", "reply": "reply", "comment": "comment", "private_message": "comment"}
STATE_AFTER = {"delete": "deleted", "hide": "hidden", "unhide": "published"}
CHUNK = 2000
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
# The checked comments of a chunk (record id, account id, result) → (queued, registration tasks made).
Enqueue = Callable[[Session, Organisation, Sequence[tuple[int, int | None, Result]]], tuple[int, int]]


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> str:
    """``value`` as UTF-8 and every database can store it: a lone surrogate (which a JSON body can carry
    but UTF-8 cannot) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def _storable_fields(obj: object, names: tuple[str, ...], nul: tuple[str, ...] = ()) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str):
            cleaned = storable(value)
            if name in nul:  # PostgreSQL's text cannot hold NUL; for a name or a reference it is noise
                cleaned = cleaned.replace("\x00", "\ufffd")
            if cleaned != value:
                object.__setattr__(obj, name, cleaned)


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    media_type: str
    data: bytes

    def __post_init__(self) -> None:
        _storable_fields(self, ("name", "media_type"), nul=("name", "media_type"))


@dataclass(frozen=True, slots=True)
class Incoming:
    """One event from a source: a message created, edited, deleted, hidden or unhidden on a platform."""

    platform: str
    platform_id: str
    kind: str
    text: str = ""
    event: str = "create"
    account: int | str | None = None  # account id, or its handle on the platform
    parent: str | None = None  # platform id of the message this one answers
    author_id: str | None = None  # the author's id on the platform, as received
    author_name: str | None = None  # the author's name, as received
    published_at: dt.datetime | None = None
    language: str | None = None
    attachments: tuple[Attachment, ...] = ()
    # A message between colleagues, with the channel it was sent on (e.g. "messenger"): checked as an
    # internal message against the unit's approved channels, archived, not moderated.
    channel: str | None = None

    def __post_init__(self) -> None:
        _storable_fields(
            self,
            ("platform_id", "text", "parent", "author_id", "author_name", "account"),
            nul=("parent", "author_id", "author_name", "account"),
        )
        if self.platform not in PLATFORMS:
            raise InvalidValue(f"unknown platform {self.platform!r}; choose one of: {', '.join(PLATFORMS)}")
        if self.kind not in SOURCE_KINDS:
            raise InvalidValue(f"unknown kind {self.kind!r}; choose one of: {', '.join(SOURCE_KINDS)}")
        if self.event not in EVENTS:
            raise InvalidValue(f"unknown event {self.event!r}; choose one of: {', '.join(EVENTS)}")
        if not self.platform_id or len(self.platform_id) > 200 or "\x00" in self.platform_id:
            raise InvalidValue("platform id is required (at most 200 characters)")
        if len(self.text) > MAX_TEXT_CHARS or "\x00" in self.text:
            raise InvalidValue(f"text is over {MAX_TEXT_CHARS} characters or contains NUL")
        if self.event in ("create", "edit") and not self.text.strip() and not self.attachments:
            raise InvalidValue(f"{self.event} of {self.platform_id} has no text")
        for value, what in ((self.author_name, "author name"), (self.author_id, "author id")):
            if value is not None and len(value) > 200:
                raise InvalidValue(f"{what} is over 200 characters")
        if self.published_at is not None and self.published_at.tzinfo is None:
            raise InvalidValue("published time needs a time zone (e.g. 2026-05-01T10:00:00Z)")
        for a in self.attachments:
            if len(a.data) > MAX_ATTACHMENT_BYTES:
                raise InvalidValue(f"attachment {a.name!r} is over {MAX_ATTACHMENT_BYTES} bytes")


@dataclass(slots=True)
class IngestReport:
    received: int = 0
    records: int = 0  # new records
    versions: int = 0  # new versions of records (edits, deletions, hides …)
    duplicates: int = 0
    queued: int = 0  # comments put in the moderation queue
    tasks: int = 0  # registration tasks created
    record_ids: list[int] = field(default_factory=list)  # per event, the record it went to

    def to_dict(self) -> dict[str, int]:
        return {
            "received": self.received,
            "records": self.records,
            "versions": self.versions,
            "duplicates": self.duplicates,
            "queued": self.queued,
            "tasks": self.tasks,
        }


@dataclass(slots=True)
class _AccountInfo:
    id: int
    pack: Pack
    policy: str
    audience: dict[str, Any]


@dataclass(slots=True)
class _State:
    id: int
    kind: str
    version: int
    state: str
    text: str | None
    account_id: int | None
    parent_urn: str | None
    thread_urn: str | None
    author_id: str | None
    author_name: str | None
    published_at: dt.datetime | None
    received_at: dt.datetime
    language: str | None
    categories: str | None
    policy: str | None
    findings: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]]
    new: bool
    changed: bool = False
    indexed_text: str | None = None
    loaded: bool = True
    parent_id: int | None = None  # for new records: written with the record
    thread_id: int | None = None
    platform: str = ""
    platform_id: str = ""
    decision: str | None = None
    terms: str = ""  # filter tokens (fts.terms)
    indexed_terms: str | None = None  # the tokens as the full-text index has them now


class _Context:
    """What an ingest needs to know once: accounts and their packs, the organisation's pack."""

    enqueue: Enqueue | None = None  # where checked comments go (set by store)

    def __init__(self, session: Session, org: Organisation, blobs: BlobStore | None) -> None:
        self.session, self.org, self.blobs = session, org, blobs
        self.accounts: dict[int | str, _AccountInfo] = {}
        self.default = self._info(None, checking.pack_for(session, org), None)

    def _info(self, account: Account | None, pack: Pack, unit_id: int | None) -> _AccountInfo:
        digest = hashlib.sha256(pack.model_dump_json().encode()).hexdigest()[:12]
        unit = tenants.get_unit(self.session, self.org, unit_id) if unit_id is not None else None
        version = lifecycle.current_policy(self.session, self.org, unit)
        policy = f"{pack.name}@{digest}" + (f";{version.version}" if version is not None else "")
        audience: dict[str, Any] = {}
        if account is not None:
            audience = {
                "type": "Service",
                "id": f"urn:rettesnor:{self.org.slug}:account:{account.platform}:{account.handle}",
                "name": account.name,
                "url": account.url,
            }
        return _AccountInfo(account.id if account else 0, pack, policy[:120], audience)

    def account(self, ref: int | str | None) -> _AccountInfo:
        if ref is None:
            return self.default
        cached = self.accounts.get(ref)
        if cached is not None:
            return cached
        query = select(Account).where(Account.organisation_id == self.org.id)
        if isinstance(ref, int) and not isinstance(ref, bool):
            query = query.where(Account.id == ref)
        elif isinstance(ref, str):
            query = query.where(Account.handle == ref)
        else:
            raise InvalidValue(f"account must be an id or a handle, not {ref!r}")
        account = self.session.scalars(query).first()
        if account is None:
            raise NotFound(f"no account {ref!r} in {self.org.slug}")
        pack = checking.pack_for(self.session, self.org, account=account.id)
        info = self._info(account, pack, account.unit_id)
        self.accounts[ref] = info
        return info


def store(
    session: Session,
    org: Organisation,
    events: Iterable[Incoming],
    *,
    enqueue: Enqueue | None,
    blobs: BlobStore | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Store events in the archive (within the caller's transaction); see the module's docstring.

    ``enqueue`` is required so that a caller says what becomes of checked comments: the intake passes the
    moderation queue; ``None`` keeps them out of it (the organisation's own replies, which are never queued).
    """
    ctx = _Context(session, org, blobs)
    ctx.enqueue = enqueue
    if fts.is_sqlite(session):
        # SQLite's default page cache (2 MiB) is small next to an archive's indexes at a million records:
        # with 64 MiB a batch finds the index pages it updates in memory (per connection; ample for one).
        session.connection().exec_driver_sql("PRAGMA cache_size=-65536")
    report = IngestReport()
    batch: list[Incoming] = []
    with _quiet_gc():
        for event in events:
            batch.append(event)
            if len(batch) >= chunk:
                _chunk(ctx, batch, report)
                if progress is not None:
                    progress(len(batch))
                batch = []
        if batch:
            _chunk(ctx, batch, report)
            if progress is not None:
                progress(len(batch))
    return report


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Keep the collector from rescanning everything alive before the ingest on each full collection.

    A chunk allocates tens of thousands of short-lived objects, which triggers full collections that
    walk every object in the process (the caller's events, the packs, the ORM); in the bulk benchmark
    that was about a fifth of the time. ``gc.freeze`` sets the objects that exist now aside until the
    ingest ends; nothing is leaked (they are collectable again after ``gc.unfreeze``).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _existing(ctx: _Context, keys: set[tuple[str, str]]) -> dict[tuple[str, str], _State]:
    by_platform: dict[str, list[str]] = {}
    for platform, pid in keys:
        by_platform.setdefault(platform, []).append(pid)
    out: dict[tuple[str, str], _State] = {}
    for platform, pids in by_platform.items():
        for k in range(0, len(pids), 500):
            rows = _lookup(ctx.session, ctx.org.id, platform, pids[k : k + 500], list(RECORD_TABLE.c.keys()))
            for row in rows:
                out[(row.platform, row.platform_id)] = _State(
                    id=row.id,
                    kind=row.kind,
                    version=row.version,
                    state=row.state,
                    text=row.text,
                    account_id=row.account_id,
                    parent_urn=None,
                    thread_urn=None,
                    author_id=row.author_id,
                    author_name=row.author_name,
                    published_at=row.published_at,
                    received_at=row.received_at,
                    language=row.language,
                    categories=row.categories,
                    policy=row.policy,
                    findings=None,
                    attachments=[],
                    new=False,
                    indexed_text=row.text,
                    loaded=False,
                    decision=row.decision,
                    terms=row.search_terms or "",
                    indexed_terms=row.search_terms,
                )
    return out


def _lookup(session: Session, org_id: int, platform: str, pids: list[str], columns: list[str]) -> list[Any]:
    """Records of ``org_id`` by platform ids (the idempotency lookup: one statement per 500 ids)."""
    t = RECORD_TABLE
    if session.get_bind().dialect.name != "postgresql":
        query = select(*(t.c[c] for c in columns)).where(
            t.c.organisation_id == org_id, t.c.platform == platform, t.c.platform_id.in_(pids)
        )
        return list(session.execute(query).all())
    # PostgreSQL: one unique-index lookup per id, whatever the statistics say. Without them (a young
    # table, or autovacuum off) the planner read every record of the organisation and platform for an
    # IN list (ingest fell to 300 records/s at 60,000 records in the benchmark), and it turned a plain
    # lateral join into a hash join over the whole table; LIMIT 1 keeps the subquery a per-id lookup.
    names = ", ".join(f"r.{c}" for c in columns)
    lateral = text(
        f"SELECT {names} FROM unnest(CAST(:pids AS text[])) AS k(pid) CROSS JOIN LATERAL "
        "(SELECT * FROM archive_record a WHERE a.organisation_id = :org AND a.platform = :platform "
        "AND a.platform_id = k.pid LIMIT 1) AS r"
    ).columns(*(t.c[c] for c in columns))
    return list(session.execute(lateral, {"pids": pids, "org": org_id, "platform": platform}).all())


def _load(ctx: _Context, s: _State) -> None:
    """What a new version of a stored record carries over from its latest one."""
    _, doc = latest_doc(ctx.session, s.id)
    doc = doc or {}
    s.parent_urn, s.thread_urn = doc.get("inReplyTo"), doc.get("context")
    s.findings, s.attachments = doc.get("rettesnor:findings"), list(doc.get("attachment", []))
    s.loaded = True


Parent = tuple[int, str, int]  # record id, urn of the thread's first message, that message's record id


def _parents(ctx: _Context, platform_ids: set[tuple[str, str]]) -> dict[tuple[str, str], Parent]:
    """Known parents: (platform, id) -> (record id, thread urn, thread record id)."""
    r = ArchiveRecord
    out: dict[tuple[str, str], Parent] = {}
    by_platform: dict[str, list[str]] = {}
    for platform, pid in platform_ids:
        by_platform.setdefault(platform, []).append(pid)
    roots: dict[int, list[tuple[str, str]]] = {}
    for platform, pids in by_platform.items():
        for k in range(0, len(pids), 500):
            rows = _lookup(
                ctx.session, ctx.org.id, platform, pids[k : k + 500], ["id", "platform_id", "thread_id"]
            )
            for rid, pid, thread in rows:
                if thread is None:
                    out[(platform, pid)] = (rid, urn(ctx.org.slug, platform, pid), rid)
                else:
                    roots.setdefault(thread, []).append((platform, pid))
                    out[(platform, pid)] = (rid, "", thread)
    if roots:
        for rid, platform, pid in ctx.session.execute(
            select(r.id, r.platform, r.platform_id).where(r.id.in_(list(roots)))
        ).all():
            for key in roots[rid]:
                out[key] = (out[key][0], urn(ctx.org.slug, platform, pid), rid)
    return out


def _store_files(ctx: _Context, event: Incoming) -> list[dict[str, Any]]:
    if not event.attachments:
        return []
    store = ctx.blobs or BlobStore()
    files = []
    for a in event.attachments:
        digest = store.put(a.data)
        files.append(
            {"sha256": digest, "media_type": a.media_type, "name": a.name[:300], "size": len(a.data)}
        )
    return files


def _as_attachment(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Document",
            "name": f["name"],
            "mediaType": f["media_type"],
            "rettesnor:sha256": f["sha256"],
            "rettesnor:size": f["size"],
        }
        for f in files
    ]


def _chunk(ctx: _Context, events: list[Incoming], report: IngestReport) -> None:
    org = ctx.org
    # The chain is locked first and the time taken after the organisation's last record, so that within
    # an organisation record ids and received times rise together: search turns a period into a range of
    # ids on that (search.py).
    lock_chain(ctx.session, org.id)
    last = ctx.session.scalar(
        select(func.max(RECORD_TABLE.c.received_at)).where(RECORD_TABLE.c.organisation_id == org.id)
    )
    now = utcnow()
    if last is not None and last > now:
        now = last
    report.received += len(events)
    infos = [ctx.account(e.account) for e in events]
    states = _existing(ctx, {(e.platform, e.platform_id) for e in events})
    first_new: dict[tuple[str, str], int] = {}
    for i, e in enumerate(events):
        key = (e.platform, e.platform_id)
        if key not in states and key not in first_new:
            first_new[key] = i
    # New records get their ids here, in waves, so that a reply finds the comment it answers in the same
    # chunk and a parent's id is lower than its replies'; they are written once, in their final state, by
    # _versions (no insert-then-update, no RETURNING round trip per row).
    wanted_parents = {(e.platform, e.parent) for e in events if e.parent}
    parents = _parents(ctx, {p for p in wanted_parents if p not in first_new}) if wanted_parents else {}
    new_ids = iter(allocate_ids(ctx.session, RECORD_TABLE, len(first_new)))
    pending = dict(first_new)
    while pending:
        wave = [
            (key, i)
            for key, i in pending.items()
            if not events[i].parent
            or (events[i].platform, events[i].parent) in parents
            or (events[i].platform, events[i].parent) not in pending
        ]
        if not wave:  # a cycle of parents: insert the rest without their parents
            wave = list(pending.items())
        for key, i in wave:
            e = events[i]
            rid = next(new_ids)
            parent = parents.get((e.platform, e.parent)) if e.parent else None
            own = urn(org.slug, e.platform, e.platform_id)
            parent_urn = urn(org.slug, e.platform, e.parent) if e.parent else None
            thread_urn = (parent[1] or parent_urn) if parent else parent_urn
            states[key] = _State(
                id=rid,
                kind=e.kind,
                version=0,
                state="published",
                text=None,
                account_id=infos[i].id or None,
                parent_urn=parent_urn,
                thread_urn=thread_urn,
                author_id=e.author_id,
                author_name=e.author_name,
                published_at=e.published_at,
                received_at=now,
                language=e.language,
                categories=None,
                policy=None,
                findings=None,
                attachments=[],
                new=True,
                changed=True,
                parent_id=parent[0] if parent else None,
                thread_id=parent[2] if parent else None,
                platform=e.platform,
                platform_id=e.platform_id,
            )
            parents[key] = (rid, thread_urn or own, parent[2] if parent else rid)
            del pending[key]
    _versions(ctx, events, infos, states, report, now)


def _versions(
    ctx: _Context,
    events: list[Incoming],
    infos: list[_AccountInfo],
    states: dict[tuple[str, str], _State],
    report: IngestReport,
    now: dt.datetime,
) -> None:
    session, org = ctx.session, ctx.org
    plan: list[tuple[int, str, str]] = []  # (event index, event name, text) of versions to make
    shadow: dict[tuple[str, str], tuple[int, str, str | None]] = {
        k: (s.version, s.state, s.text) for k, s in states.items()
    }
    for i, e in enumerate(events):
        key = (e.platform, e.platform_id)
        version, state, current = shadow[key]
        text = e.text
        if version == 0:
            name = e.event
        elif (
            e.event == "create"
            or (e.event == "edit" and text == current)
            or (e.event in STATE_AFTER and state == STATE_AFTER[e.event])
        ):
            name = ""
        else:
            name = e.event
        if not name:
            report.duplicates += 1
            report.record_ids.append(states[key].id)
            continue
        if name in STATE_AFTER and not text:
            text = current or ""
        plan.append((i, name, text))
        shadow[key] = (version + 1, STATE_AFTER.get(name, state if version else "published"), text)
        report.record_ids.append(states[key].id)
    # Check every new text, in batches per pack.
    plan_text = {i: text for i, _, text in plan}
    results: dict[int, Result] = {}
    by_pack: dict[int, tuple[Pack, list[int]]] = {}
    for i, name, text in plan:
        if name in ("create", "edit") and text.strip():
            pack = infos[i].pack
            by_pack.setdefault(id(pack), (pack, []))[1].append(i)
    for pack, members in by_pack.values():
        items = [
            Item(
                text=plan_text[i],
                kind="internal_message" if events[i].channel else CHECK_KIND[events[i].kind],
                language=events[i].language,
                channel=events[i].channel,
            )
            for i in members
        ]
        for i, result in zip(members, check_many(items, pack), strict=True):
            results[i] = result
    versions: list[NewVersion] = []
    queue: list[tuple[int, int | None, Result]] = []
    for i, name, text in plan:
        e = events[i]
        s = states[(e.platform, e.platform_id)]
        files = _store_files(ctx, e)
        if not s.loaded:
            _load(ctx, s)
        s.version += 1
        s.text = text
        s.state = STATE_AFTER.get(name, s.state if s.version > 1 else "published")
        s.changed = True
        if s.version == 1 and name in ("delete", "hide"):
            s.state = STATE_AFTER[name]
        found = results.get(i)
        if found is not None:
            result = found
            s.findings = compact_findings(result.findings)
            s.categories = ",".join(categories_of(result.findings))[:300] or None
            s.policy = infos[i].policy
            if s.language is None:
                s.language = result.language
            if e.kind in ("comment", "private_message") and e.channel is None:
                queue.append((s.id, s.account_id, result))
        if files:
            s.attachments = _as_attachment(files)
        doc = document(
            org_slug=org.slug,
            platform=e.platform,
            platform_id=e.platform_id,
            kind=s.kind,
            version=s.version,
            event=name,
            state=s.state,
            text=text,
            author_id=s.author_id,
            author_name=s.author_name,
            account=infos[i].audience or None,
            parent=s.parent_urn,
            thread=s.thread_urn,
            published=s.published_at,
            received=s.received_at,
            recorded=now,
            language=s.language,
            findings=s.findings,
            policy=s.policy,
            attachments=s.attachments,
        )
        versions.append(NewVersion(s.id, s.version, name, doc, files))
        if s.version == 1:
            report.records += 1
        else:
            report.versions += 1
    changed = [s for s in states.values() if s.changed]
    for s in changed:
        s.terms = fts.terms(
            org.id,
            account_id=s.account_id,
            author_id=s.author_id,
            author_name=s.author_name,
            categories=s.categories,
            decision=s.decision,
            kind=s.kind,
        )
    fresh = sorted((s for s in changed if s.new), key=lambda s: s.id)  # a parent before its replies
    if fresh:
        insert_rows(session, RECORD_TABLE, [_record_row(org.id, s) for s in fresh])
        write_categories(session, RECORD_CATEGORY_TABLE, [(s.id, s.categories) for s in fresh])
    known = [s for s in changed if not s.new]
    if known:
        session.execute(
            update(RECORD_TABLE)
            .where(RECORD_TABLE.c.id == bindparam("b_id"))
            .values(
                version=bindparam("b_version"),
                state=bindparam("b_state"),
                text=bindparam("b_text"),
                categories=bindparam("b_categories"),
                policy=bindparam("b_policy"),
                language=bindparam("b_lang"),
                search_terms=bindparam("b_terms"),
            ),
            [
                {
                    "b_id": s.id,
                    "b_version": s.version,
                    "b_state": s.state,
                    "b_text": s.text,
                    "b_categories": s.categories,
                    "b_policy": s.policy,
                    "b_lang": s.language,
                    "b_terms": s.terms,
                }
                for s in known
            ],
        )
        write_categories(session, RECORD_CATEGORY_TABLE, [(s.id, s.categories) for s in known], replace=True)
    append(session, org.id, versions, now)
    if changed:
        # Every record has an index row (text or not), so that filters alone are an index lookup too.
        indexed = [(s.id, s.indexed_text, s.indexed_terms) for s in known if s.indexed_terms is not None]
        fts.remove(session, indexed)
        fts.add(session, org.id, org.country, [(s.id, s.text, s.terms) for s in changed])
        for s in changed:
            s.indexed_text, s.indexed_terms, s.changed, s.new = s.text, s.terms, False, False
    if queue and ctx.enqueue is not None:
        queued, tasks = ctx.enqueue(session, org, queue)
        report.queued += queued
        report.tasks += tasks


def _record_row(organisation_id: int, s: _State) -> dict[str, Any]:
    """A new record as it is written: once, in its state after the chunk's versions."""
    return {
        "id": s.id,
        "organisation_id": organisation_id,
        "account_id": s.account_id,
        "platform": s.platform,
        "platform_id": s.platform_id,
        "kind": s.kind,
        "parent_id": s.parent_id,
        "thread_id": s.thread_id,
        "author_id": s.author_id,
        "author_name": s.author_name,
        "published_at": s.published_at,
        "received_at": s.received_at,
        "language": s.language,
        "version": s.version,
        "state": s.state,
        "text": s.text,
        "categories": s.categories,
        "policy": s.policy,
        "search_terms": s.terms,
    }


# --- import files ---------------------------------------------------------------------------------


def _time(value: Any, what: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(f"{what} must be an ISO 8601 time")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(f"{what} {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InvalidValue(f"{what} {value!r} needs a time zone (e.g. Z)")
    return parsed


def _str(obj: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise InvalidValue(f"field {key!r} is missing")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidValue(f"field {key!r} must be a string")
    return value


def from_json(obj: Any) -> Incoming:
    """One exported message as JSON: ``{"platform", "id", "kind", "text", "event", "account", "parent",
    "author": {"id", "name"}, "published", "language", "attachments": [{"name", "media_type", "base64"}]}``.
    """
    if not isinstance(obj, dict):
        raise InvalidValue(
            'expected a JSON object like {"platform": "facebook", "id": "…", "kind": "comment"}'
        )
    author = obj.get("author") or {}
    if not isinstance(author, dict):
        raise InvalidValue("field 'author' must be an object with 'id' and 'name'")
    files = []
    for a in obj.get("attachments") or []:
        if not isinstance(a, dict) or not isinstance(a.get("base64"), str):
            raise InvalidValue("each attachment needs 'name', 'media_type' and 'base64'")
        try:
            data = base64.b64decode(a["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidValue(f"attachment {a.get('name')!r} is not valid base64") from None
        files.append(
            Attachment(
                str(a.get("name") or "file"), str(a.get("media_type") or "application/octet-stream"), data
            )
        )
    account = obj.get("account")
    if account is not None and not isinstance(account, int | str):
        raise InvalidValue("field 'account' must be an account id or handle")
    return Incoming(
        platform=_str(obj, "platform", True) or "",
        platform_id=_str(obj, "id", True) or "",
        kind=_str(obj, "kind", True) or "",
        text=_str(obj, "text") or "",
        event=_str(obj, "event") or "create",
        account=account,
        parent=_str(obj, "parent"),
        author_id=_str(author, "id"),
        author_name=_str(author, "name"),
        published_at=_time(obj.get("published"), "published"),
        language=_str(obj, "language"),
        attachments=tuple(files),
        channel=_str(obj, "channel"),
    )


def read_file(raw: bytes) -> Iterator[Incoming]:
    """A JSON array (or ``{"records": [...]}``) or JSON Lines; errors name the line or the position."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid UTF-8 (byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped.strip()):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if isinstance(data, dict):
            data = data.get("records", [data])
        if not isinstance(data, list):
            raise InputError('expected a JSON array of messages or {"records": [...]}')
        for n, obj in enumerate(data, start=1):
            try:
                yield from_json(obj)
            except InputError as exc:
                raise InputError(f"record {n}: {exc}") from None
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield from_json(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        except InputError as exc:
            raise InputError(f"line {n}: {exc}") from None
