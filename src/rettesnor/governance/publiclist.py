"""The public list of the organisation's active accounts (Norsjö 4.4), as JSON and as HTML.

Safe to publish: only what the organisation shows the world anyway (platform, name, address, unit,
since when). Never people, assessments or internal states.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.records.models import Account, Organisation, Unit

PUBLIC_FIELDS = ("platform", "name", "handle", "url", "unit", "since")
_env = Environment(
    loader=PackageLoader("rettesnor.governance", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TITLES = {
    "DK": "Kommunens sociale medier",
    "NO": "Kommunens sosiale medier",
    "SE": "Kommunens sociala medier",
}
LANGS = {"DK": "da", "NO": "nb", "SE": "sv"}


def public_list(session: Session, org: Organisation) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Account.platform, Account.name, Account.handle, Account.url, Unit.name, Account.activated_at)
        .join(Unit, Unit.id == Account.unit_id)
        .where(Account.organisation_id == org.id, Account.status == "active", Unit.organisation_id == org.id)
        .order_by(Account.platform, Account.name)
    )
    return [
        {
            "platform": platform,
            "name": name,
            "handle": handle,
            "url": url,
            "unit": unit,
            "since": activated.date().isoformat() if activated else None,
        }
        for platform, name, handle, url, unit, activated in rows
    ]


def public_list_document(org: Organisation, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The machine-readable list: the organisation and its accounts."""
    return {"organisation": org.name, "website": org.website, "accounts": entries}


def public_list_html(org: Organisation, entries: list[dict[str, Any]]) -> str:
    template = _env.get_template("public_list.html")
    return template.render(
        org=org,
        entries=entries,
        title=TITLES.get(org.country, "Social media"),
        lang=LANGS.get(org.country, "en"),
    )
