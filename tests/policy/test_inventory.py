from __future__ import annotations

from pathlib import Path

from rettesnor.policy.inventory import all_clauses, parse_markdown


def test_shipped_inventory_matches_shared_clauses_md(shared: Path) -> None:
    parsed = parse_markdown((shared / "docs" / "clauses.md").read_text("utf-8"))
    assert tuple(parsed) == all_clauses(), "run scripts/import_clauses.py after clauses.md changes"


def test_inventory_kinds_are_read_outside_parentheses() -> None:
    md = "| HJ-7 | Photos. | check (faces → consent) + workflow (consent register) |\n| ID | clause | kind |"
    (clause,) = parse_markdown(md)
    assert clause.kinds == ("check", "workflow")
    assert clause.prefix == "HJ"
