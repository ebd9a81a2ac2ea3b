"""Each registered workflow clause names a test that exists, and coverage reports it as implemented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rettesnor.policy.coverage import coverage
from rettesnor.policy.loader import builtin_packs, load_pack
from rettesnor.policy.workflows import IMPLEMENTED

ROOT = Path(__file__).resolve().parents[2]


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


@pytest.mark.parametrize("clause", sorted(IMPLEMENTED))
def test_registered_workflow_names_an_existing_test(clause: str) -> None:
    node = IMPLEMENTED[clause].test
    file, _, name = node.partition("::")
    path = ROOT / file
    assert path.is_file(), f"{clause}: no test file {file}"
    assert name.split("[")[0] in _test_functions(path), f"{clause}: no test {name} in {file}"


def test_coverage_reports_registered_workflows_as_implemented() -> None:
    seen: set[str] = set()
    for name in builtin_packs():
        for row in coverage(load_pack(name)):
            if row.clause in IMPLEMENTED and "workflow" in row.implementation:
                assert IMPLEMENTED[row.clause].test in row.tests
                assert IMPLEMENTED[row.clause].where in row.detail
                if row.kinds == ("workflow",):
                    assert row.status == "implemented", (name, row.clause, row.status)
                seen.add(row.clause)
    governance = {c for c, w in IMPLEMENTED.items() if w.where.startswith("governance:")}
    assert governance <= seen, f"registered but in no pack's coverage: {sorted(governance - seen)}"
