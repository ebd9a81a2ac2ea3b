"""The yearly snapshot of an account (Norsjö 4.8): one self-contained HTML page of its posts and the
comments and replies under them in a period, as archived (no external resources, escaped text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import NotFound
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.models import Account, Organisation

TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<title>{{ account.name }} – {{ year }}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:50em;margin:2em auto;color:#222}
article{border:1px solid #ccc;border-radius:6px;padding:.8em 1em;margin:1em 0}
.c{margin:.4em 0 .4em 1.5em;padding-left:.7em;border-left:3px solid #ddd}.m{color:#666;font-size:.85em}
.hidden,.deleted{background:#fff4f4}</style></head><body>
<h1>{{ account.name }}</h1>
<p class="m">{{ org.name }} · {{ account.platform }} · {{ account.url }} · {{ since }} – {{ until }} ·
{{ posts|length }} posts, {{ count }} records · made {{ made }}</p>
{% for p in posts %}<article><p class="m">{{ p.published_at or p.received_at }} · {{ p.state }}</p>
<p>{{ p.text or "[disposed]" }}</p>
{% for c in threads.get(p.id, []) %}<div class="c {{ c.state }}"><p class="m">{{ c.author_name or "" }} ·
{{ c.published_at or c.received_at }} · {{ c.kind }} · {{ c.state }}
{%- if c.decision %} · {{ c.decision }}{% endif %}</p>
<p>{{ c.text or "[disposed]" }}</p></div>{% endfor %}</article>{% endfor %}
</body></html>
"""
_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATE = _ENV.from_string(TEMPLATE)
LANG = {"DK": "da", "NO": "nb", "SE": "sv"}


def snapshot_data(session: Session, org: Organisation, account_id: int, year: int) -> dict[str, Any]:
    """The account, its posts of ``year`` and the comments and replies under each (by post id)."""
    account = session.scalars(
        select(Account).where(Account.organisation_id == org.id, Account.id == account_id)
    ).first()
    if account is None:
        raise NotFound(f"no account {account_id} in {org.slug}")
    since = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    until = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    when = ArchiveRecord.published_at
    posts = list(
        session.scalars(
            select(ArchiveRecord)
            .where(
                ArchiveRecord.organisation_id == org.id,
                ArchiveRecord.account_id == account.id,
                ArchiveRecord.kind == "post",
                when >= since,
                when < until,
            )
            .order_by(when, ArchiveRecord.id)
        )
    )
    threads: dict[int, list[Any]] = {}
    if posts:
        for c in session.scalars(
            select(ArchiveRecord)
            .where(
                ArchiveRecord.organisation_id == org.id, ArchiveRecord.thread_id.in_([p.id for p in posts])
            )
            .order_by(ArchiveRecord.id)
        ):
            threads.setdefault(c.thread_id or 0, []).append(c)
    return {
        "org": org,
        "account": account,
        "year": year,
        "since": since.date(),
        "until": (until - dt.timedelta(days=1)).date(),
        "posts": posts,
        "threads": threads,
        "count": len(posts) + sum(len(v) for v in threads.values()),
    }


def snapshot_html(session: Session, org: Organisation, account_id: int, year: int) -> str:
    return _TEMPLATE.render(
        **snapshot_data(session, org, account_id, year),
        made=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        lang=LANG.get(org.country, "en"),
    )
