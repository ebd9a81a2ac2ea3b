"""The clause inventory of the seed guidelines (a copy of ``shared/docs/clauses.md`` shipped as data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_ROW = re.compile(r"^\|\s*([A-Z]{2}-[^|]+?)\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*$")
_KIND = re.compile(r"\b(check|workflow|guidance)\b")


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    summary: str
    kinds: tuple[str, ...]  # of check / workflow / guidance
    note: str  # the inventory's own wording of how it is implemented

    @property
    def prefix(self) -> str:
        return self.id.split("-", 1)[0]


def parse_markdown(markdown: str) -> list[Clause]:
    """Read the clause tables of clauses.md: ``| ID | clause | kind |`` rows."""
    clauses = []
    for line in markdown.splitlines():
        m = _ROW.match(line)
        if not m or m.group(1) == "ID":
            continue
        kind_text = m.group(3)
        bare = re.sub(r"\([^)]*\)", "", kind_text)  # "check (faces …) + workflow (…)" -> kinds
        kinds = tuple(dict.fromkeys(_KIND.findall(bare)))
        clauses.append(Clause(m.group(1), m.group(2), kinds, kind_text))
    return clauses


@lru_cache(maxsize=1)
def all_clauses() -> tuple[Clause, ...]:
    data = yaml.safe_load((resources.files("rettesnor") / "policy" / "clauses.yaml").read_text("utf-8"))
    return tuple(Clause(c["id"], c["summary"], tuple(c["kinds"]), c["note"]) for c in data)


def clauses_for(prefix: str) -> list[Clause]:
    return [c for c in all_clauses() if c.prefix == prefix]
