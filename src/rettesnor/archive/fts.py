"""Keeping the full-text index in step with the archive (SQLite FTS5 or PostgreSQL tsvector + GIN).

The index holds, per record, the words of its current text *and* one token per filterable value
(organisation, account, author id and name, each finding category, the last decision, the kind), kept in
``archive_record.search_terms``. A search with filters is then one index lookup that intersects the
words with the filter tokens, read newest first and cut at the page size, instead of a join that walks
every record matching the words (at a million records a common word matches hundreds of thousands).
The tokens are ``z`` + a short tag + 12 hex digits of the value's SHA-256: one token whatever the value
holds (spaces, punctuation), and not a word anyone searches for.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from rettesnor.archive.bulk import values_many

# PostgreSQL text-search configuration per country of the organisation: one per organisation, so that
# the index and the queries stem the same way.
PG_CONFIG = {"DK": "danish", "NO": "norwegian", "SE": "swedish"}

Row = tuple[int, str | None, str]  # record id, its text (None once disposed), its search terms


def pg_config(country: str) -> str:
    return PG_CONFIG.get(country, "simple")


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


@functools.lru_cache(maxsize=1 << 16)  # accounts, authors and categories repeat across records
def token(tag: str, value: str) -> str:
    return f"z{tag}{hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]}"


_NAME_WORD = re.compile(r"\w+", re.UNICODE)


def name_words(name: str | None) -> list[str]:
    """The words of an author's name, case-folded: each is a token, so a part of a name finds it."""
    return list(dict.fromkeys(_NAME_WORD.findall((name or "").casefold())))


def terms(
    organisation_id: int,
    *,
    account_id: int | None,
    author_id: str | None,
    author_name: str | None,
    categories: str | None,
    decision: str | None,
    kind: str,
) -> str:
    """The filter tokens of a record, space-separated (what ``archive_record.search_terms`` holds)."""
    out = [token("org", str(organisation_id)), token("kind", kind)]
    if account_id is not None:
        out.append(token("acc", str(account_id)))
    for author in {author_id, author_name}:
        if author:
            out.append(token("au", author))
    out.extend(token("aw", w) for w in name_words(author_name))
    out.extend(token("cat", c) for c in sorted(set((categories or "").split(","))) if c)
    if decision:
        out.append(token("dec", decision))
    return " ".join(sorted(set(out)))


def add(session: Session, organisation_id: int, country: str, rows: Sequence[Row]) -> None:
    """Index records: (record id, text or None, search terms)."""
    if not rows:
        return
    conn = session.connection()
    if is_sqlite(session):
        conn.exec_driver_sql(
            "INSERT INTO archive_fts(rowid, text, search_terms) VALUES (?, ?, ?)",
            [(i, t, s) for i, t, s in rows],
        )
        return
    cfg = pg_config(country)
    values_many(
        session,
        "INSERT INTO archive_fts(record_id, organisation_id, vector)",
        "(%s, %s, to_tsvector(CAST(%s AS regconfig), coalesce(%s, '')) || CAST(%s AS tsvector))",
        [(i, organisation_id, cfg, t, s) for i, t, s in rows],
        " ON CONFLICT (record_id) DO UPDATE SET vector = excluded.vector",
    )


def remove(session: Session, rows: Sequence[Row]) -> None:
    """Take records out of the index: (record id, the text and terms *as indexed*)."""
    if not rows:
        return
    conn = session.connection()
    if is_sqlite(session):
        # External content: FTS5 needs the old values to find the index entries to delete.
        conn.exec_driver_sql(
            "INSERT INTO archive_fts(archive_fts, rowid, text, search_terms) VALUES ('delete', ?, ?, ?)",
            [(i, t, s) for i, t, s in rows],
        )
        return
    conn.exec_driver_sql("DELETE FROM archive_fts WHERE record_id = %s", [(i,) for i, _, _ in rows])


def replace(
    session: Session, organisation_id: int, country: str, old: Sequence[Row], new: Sequence[Row]
) -> None:
    remove(session, old)
    add(session, organisation_id, country, new)


def author_tokens(author: str) -> tuple[str, list[str]]:
    """A sender asked for: the token of the whole value (a platform id or a full name), and the tokens
    of its words (all of which a name must hold: "Mette" finds "Mette Hansen")."""
    return token("au", author), [token("aw", w) for w in name_words(author)]


def sqlite_match(words: Iterable[str], tokens: Iterable[str], author: str | None = None) -> str:
    """An FTS5 query: the words as phrases in ``text`` (the last one a prefix), the tokens in
    ``search_terms``; no FTS5 syntax from the user gets through (words are ``\\w+``)."""
    words = list(words)
    parts = [f'text:"{w}"' for w in words[:-1]]
    if words:
        parts.append(f'text:"{words[-1]}"*')
    parts.extend(f"search_terms:{t}" for t in tokens)
    if author:
        whole, name = author_tokens(author)
        either = [f"search_terms:{whole}"]
        if name:
            either.append("(" + " AND ".join(f"search_terms:{t}" for t in name) + ")")
        parts.append("(" + " OR ".join(either) + ")")
    return " AND ".join(parts)


def pg_author(author: str) -> str:
    """The author's tokens as a tsquery: the whole value, or every word of the name."""
    whole, name = author_tokens(author)
    return f"({whole} | ({' & '.join(name)}))" if name else whole
