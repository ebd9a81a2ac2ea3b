"""The rule docs: every rule of every pack says why, which signals fire it and what it is known to miss
(``rettesnor policy docs`` / ``policy rule``, docs/rules/); clause notes take their status from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from rettesnor.analysis.signals import LIMITS, SIGNAL_NAMES
from rettesnor.policy import coverage as coverage_module
from rettesnor.policy.coverage import note_status
from rettesnor.policy.docs import pack_markdown
from rettesnor.policy.loader import builtin_packs, load_pack
from rettesnor.policy.model import ClauseNote
from rettesnor.policy.workflows import Workflow
from support.clisupport import run_cli

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted(builtin_packs())


@pytest.mark.parametrize("name", PACKS)
def test_every_rule_says_why_in_english(name: str) -> None:
    pack = load_pack(name)
    missing = [r.code for r in pack.rules if r.why is None or not r.why.get("en", "").strip()]
    assert missing == []


def test_every_signal_has_its_known_problems() -> None:
    assert set(LIMITS) == set(SIGNAL_NAMES)
    assert all(len(text) > 40 for text in LIMITS.values())


@pytest.mark.parametrize("name", PACKS)
def test_each_rule_doc_has_the_sections_and_its_signals(name: str) -> None:
    pack = load_pack(name)
    doc = pack_markdown(pack)
    sections = doc.split("\n## ")[1:]
    by_code = {
        s.split(" ", 1)[0]: s for s in sections if s[:1].isupper() and s.split(" ", 1)[0] != "Guidance"
    }
    assert set(by_code) == {r.code for r in pack.rules}
    for rule in pack.rules:
        section = by_code[rule.code]
        order = ["### What it does", "### Why", "### Signals", "### Remedy", "### Known problems"]
        if rule.clauses:
            order.append("### References")
        positions = [section.index(h) for h in order]
        assert positions == sorted(positions), rule.code
        signals = section[section.index("### Signals") : section.index("### Remedy")]
        assert all(f"`{s}`" in signals for s in [*rule.signals, *rule.requires, *rule.unless]), rule.code
        problems = section[section.index("### Known problems") :]
        assert all(LIMITS[s] in problems for s in rule.signals), rule.code


@pytest.mark.parametrize("name", PACKS)
def test_docs_rules_are_what_policy_docs_writes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "policy", "docs", name)
    assert code == 0, err
    assert (ROOT / "docs" / "rules" / f"{name}.md").read_text("utf-8") == out, "run `make docs`"


def test_policy_rule_shows_signals_and_known_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "policy", "rule", "HJ011", "--policy", "dk-hjorring")
    assert code == 0
    assert "Signals" in out and "only together with `child`" in out
    assert "Known problems" in out and "the pictures themselves are not looked at" in out


def test_clause_status_comes_from_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = ClauseNote(id="NS-4.8", kind="workflow", quote="spara skärmdumpar", implemented_by="archive")
    monkeypatch.setattr(coverage_module, "IMPLEMENTED", {})
    assert note_status(workflow) == "planned"
    monkeypatch.setattr(coverage_module, "IMPLEMENTED", {"NS-4.8": Workflow("archive", "tests/x.py::t")})
    assert note_status(workflow) == "implemented"
    shown = ClauseNote(
        id="X-1", kind="guidance", quote="tænk dig om", text={"en": "Think."}, show_when=["reply"]
    )
    assert note_status(shown) == "implemented"
    assert note_status(shown.model_copy(update={"show_when": []})) == "planned"


def test_a_pack_cannot_claim_a_status() -> None:
    with pytest.raises(ValueError, match="status"):
        ClauseNote.model_validate(
            {"id": "HJ-2", "kind": "workflow", "quote": "godkendes", "status": "implemented"}
        )
