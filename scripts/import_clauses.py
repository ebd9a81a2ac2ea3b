"""Regenerate policy/clauses.yaml from ../shared/docs/clauses.md (run after the inventory changes)."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from rettesnor.policy.inventory import parse_markdown

ROOT = Path(__file__).resolve().parents[1]
source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "docs" / "clauses.md"
clauses = parse_markdown(source.read_text("utf-8"))
data = [{"id": c.id, "summary": c.summary, "kinds": list(c.kinds), "note": c.note} for c in clauses]
out = ROOT / "src" / "rettesnor" / "policy" / "clauses.yaml"
out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), "utf-8")
print(f"wrote {len(data)} clauses to {out}")
