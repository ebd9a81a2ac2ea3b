"""A part of a sender's name finds their records: one filter token per word of the author's name.

``archive_record.search_terms`` gains ``aw`` tokens (each word of the author's name, case-folded), so the
archive's sender filter "Mette" finds "Mette Hansen" with the same single index lookup; the terms of the
records already stored are computed again and the full-text index is rebuilt from them.

Revision ID: 0011_author_words
Revises: 0010_decision_seal
Create Date: 2026-12-03
"""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision: str = "0011_author_words"
down_revision: str | None = "0010_decision_seal"
branch_labels: str | None = None
depends_on: str | None = None

PG_VECTOR = (
    "to_tsvector(CAST(CASE o.country WHEN 'DK' THEN 'danish' WHEN 'NO' THEN 'norwegian' "
    "WHEN 'SE' THEN 'swedish' ELSE 'simple' END AS regconfig), coalesce(r.text, ''))"
)
_WORD = re.compile(r"\w+", re.UNICODE)


def _token(tag: str, value: str) -> str:
    # Frozen copy of rettesnor.archive.fts.token as of this revision.
    return f"z{tag}{hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]}"


def _terms(
    org: int,
    account: int | None,
    author_id: str | None,
    author_name: str | None,
    categories: str | None,
    decision: str | None,
    kind: str,
    words: bool,
) -> str:
    # Frozen copy of rettesnor.archive.fts.terms as of this revision (without the words: as of 0006).
    out = {_token("org", str(org)), _token("kind", kind)}
    if account is not None:
        out.add(_token("acc", str(account)))
    out.update(_token("au", a) for a in (author_id, author_name) if a)
    if words:
        out.update(_token("aw", w) for w in _WORD.findall((author_name or "").casefold()))
    out.update(_token("cat", c) for c in (categories or "").split(",") if c)
    if decision:
        out.add(_token("dec", decision))
    return " ".join(sorted(out))


def _refill(words: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, organisation_id, account_id, author_id, author_name, categories, decision, kind "
            "FROM archive_record ORDER BY id"
        )
    ).all()
    update = sa.text("UPDATE archive_record SET search_terms = :t WHERE id = :id")
    for k in range(0, len(rows), 5000):
        batch = [
            {"id": r[0], "t": _terms(r[1], r[2], r[3], r[4], r[5], r[6], r[7], words)}
            for r in rows[k : k + 5000]
        ]
        conn.execute(update, batch)
    if conn.dialect.name == "sqlite":
        op.execute("INSERT INTO archive_fts(archive_fts) VALUES ('rebuild')")
        return
    op.execute("DELETE FROM archive_fts")
    op.execute(
        "INSERT INTO archive_fts(record_id, organisation_id, vector) "
        f"SELECT r.id, r.organisation_id, {PG_VECTOR} || CAST(coalesce(r.search_terms, '') AS tsvector) "
        "FROM archive_record r JOIN organisation o ON o.id = r.organisation_id"
    )


def upgrade() -> None:
    _refill(words=True)


def downgrade() -> None:
    _refill(words=False)
