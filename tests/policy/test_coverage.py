"""`rettesnor policy coverage`: every clause of a seed, how it is implemented, and a test that exists."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from rettesnor.policy.coverage import coverage
from rettesnor.policy.inventory import clauses_for
from rettesnor.policy.loader import load_pack

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ["dk-hjorring", "dk-sonderborg", "dk-norddjurs-tandplejen", "no-hustadvika", "se-norsjo"]
NODE = re.compile(r"^(?P<file>tests/[\w/]+\.py)::(?P<func>\w+)(?:\[(?P<param>[^\]]+)\])?$")


@cache
def _functions(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


@pytest.mark.parametrize("name", SEEDS)
def test_every_clause_is_listed_and_none_is_missing(name: str) -> None:
    pack = load_pack(name)
    rows = coverage(pack)
    assert pack.clause_prefix is not None
    assert [r.clause for r in rows] == [c.id for c in clauses_for(pack.clause_prefix)]
    assert [r.clause for r in rows if r.status == "missing"] == []


@pytest.mark.parametrize("name", SEEDS)
def test_every_named_test_exists(name: str) -> None:
    for row in coverage(load_pack(name)):
        if row.status in ("implemented", "partial"):
            assert row.tests, f"{row.clause} is {row.status} but names no test"
        for node in row.tests:
            m = NODE.match(node)
            assert m, f"{row.clause}: {node!r} is not a pytest node id"
            assert (ROOT / m["file"]).is_file(), node
            assert m["func"] in _functions(m["file"]), node


@pytest.mark.parametrize("name", SEEDS)
def test_check_clauses_are_implemented_by_rules(name: str) -> None:
    for row in coverage(load_pack(name)):
        if "check" in row.kinds:
            assert row.implementation.startswith("check"), row
            assert any("test_rule_examples" in t for t in row.tests), row


def test_a_workflow_clause_is_planned_until_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    from rettesnor.policy import coverage as coverage_module
    from rettesnor.policy.workflows import Workflow

    pack = load_pack("se-norsjo")
    monkeypatch.setattr(coverage_module, "IMPLEMENTED", {})
    row = next(r for r in coverage(pack) if r.clause == "NS-4.8")
    assert row.status == "planned" and row.tests == ()
    fake = {"NS-4.8": Workflow("archive: yearly snapshot", "tests/policy/test_coverage.py::test_x")}
    monkeypatch.setattr(coverage_module, "IMPLEMENTED", fake)
    row = next(r for r in coverage(pack) if r.clause == "NS-4.8")
    assert row.status == "implemented" and row.tests == ("tests/policy/test_coverage.py::test_x",)
