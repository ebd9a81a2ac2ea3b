"""Archive at scale: filter tokens in the full-text index, and the period index, for a million records.

- ``archive_record.search_terms``: one token per filterable value (organisation, account, author id and
  name, finding categories, last decision, kind), indexed with the text, so a search with filters is
  one index lookup (see :mod:`rettesnor.archive.fts`); filled here for the records already stored.
- The full-text index gets the tokens: SQLite FTS5 is created again with a ``search_terms`` column and
  rebuilt from ``archive_record``; on PostgreSQL the tsvectors are computed again (every record gets a
  row, with or without text, so that a search by filters alone is an index lookup too).
- ``ix_archive_record_organisation_id_received_at``: a period becomes a range of record ids.

Revision ID: 0006_archive_scale
Revises: 0005_web_auth
Create Date: 2026-12-02
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision: str = "0006_archive_scale"
down_revision: str | None = "0005_web_auth"
branch_labels: str | None = None
depends_on: str | None = None

FTS5 = (
    "USING fts5({columns}, content='archive_record', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')"
)
PG_VECTOR = (
    "to_tsvector(CAST(CASE o.country WHEN 'DK' THEN 'danish' WHEN 'NO' THEN 'norwegian' "
    "WHEN 'SE' THEN 'swedish' ELSE 'simple' END AS regconfig), coalesce(r.text, ''))"
)


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
) -> str:
    out = {_token("org", str(org)), _token("kind", kind)}
    if account is not None:
        out.add(_token("acc", str(account)))
    out.update(_token("au", a) for a in (author_id, author_name) if a)
    out.update(_token("cat", c) for c in (categories or "").split(",") if c)
    if decision:
        out.add(_token("dec", decision))
    return " ".join(sorted(out))


def _fill_terms() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, organisation_id, account_id, author_id, author_name, categories, decision, kind "
            "FROM archive_record ORDER BY id"
        )
    ).all()
    update = sa.text("UPDATE archive_record SET search_terms = :t WHERE id = :id")
    for k in range(0, len(rows), 5000):
        conn.execute(update, [{"id": r[0], "t": _terms(*r[1:])} for r in rows[k : k + 5000]])


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TABLE IF EXISTS archive_fts")
    op.add_column("archive_record", sa.Column("search_terms", sa.Text(), nullable=True))
    op.create_index(
        op.f("ix_archive_record_organisation_id_received_at"),
        "archive_record",
        ["organisation_id", "received_at"],
        unique=False,
    )
    _fill_terms()
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE archive_fts " + FTS5.format(columns="text, search_terms"))
        op.execute("INSERT INTO archive_fts(archive_fts) VALUES ('rebuild')")
        return
    op.execute("DELETE FROM archive_fts")
    op.execute(
        "INSERT INTO archive_fts(record_id, organisation_id, vector) "
        f"SELECT r.id, r.organisation_id, {PG_VECTOR} || CAST(coalesce(r.search_terms, '') AS tsvector) "
        "FROM archive_record r JOIN organisation o ON o.id = r.organisation_id"
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TABLE IF EXISTS archive_fts")
    else:
        op.execute("DELETE FROM archive_fts")
        op.execute(
            "INSERT INTO archive_fts(record_id, organisation_id, vector) "
            f"SELECT r.id, r.organisation_id, {PG_VECTOR} "
            "FROM archive_record r JOIN organisation o ON o.id = r.organisation_id WHERE r.text IS NOT NULL"
        )
    op.drop_index(op.f("ix_archive_record_organisation_id_received_at"), table_name="archive_record")
    op.execute("ALTER TABLE archive_record DROP COLUMN search_terms")  # SQLite >= 3.35 has it too
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE archive_fts " + FTS5.format(columns="text"))
        op.execute("INSERT INTO archive_fts(archive_fts) VALUES ('rebuild')")
