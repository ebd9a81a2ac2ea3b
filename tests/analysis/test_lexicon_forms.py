"""Inflected forms of lexicon terms (issue 16, item 5): Nynorsk and Bokmål writers inflect what a list
holds in one form. The generated ``<lang>/<signal>.forms.yaml`` files (scripts/build_lexicon_forms.py,
from simplemma's dictionaries) carry the other forms."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from rettesnor.analysis import analyse
from rettesnor.analysis.context import AnalysisContext

ROOT = Path(__file__).resolve().parents[2]
NN = AnalysisContext(kind="comment", language="nn", country="NO")
NB = AnalysisContext(kind="comment", language="nb", country="NO")


def _names(text: str, ctx: AnalysisContext) -> set[str]:
    return {s.name for s in analyse(text, ctx) if s.score >= 0.5}


@pytest.mark.parametrize(
    ("text", "ctx", "category"),
    [
        ("Eg vil klaga på at vegen ikkje er brøyta.", NN, "complaint"),
        ("Eg klagar over at ingen har svara.", NN, "complaint"),
        ("Eg vil klaga på vedtaket om skyss.", NN, "complaint"),
        ("Jeg klaget på vedtaket i mars.", NB, "complaint"),
    ],
)
def test_inflected_forms_are_found(text: str, ctx: AnalysisContext, category: str) -> None:
    assert category in _names(text, ctx)


@pytest.mark.parametrize(
    ("text", "ctx"),
    [
        ("Vi savner deg, og gleder oss til sommeren!", NB),  # "savnet" is missing, "savner" misses
        ("Jeg tror det blir fint vær i morgen.", NB),  # "tro" (faith), "tror" (believes)
        ("Eg trur det blir fint vêr i morgon.", NN),
    ],
)
def test_everyday_forms_of_single_words_are_not_expanded(text: str, ctx: AnalysisContext) -> None:
    assert not _names(text, ctx) & {"crisis", "special_category"}


def test_generated_files_are_up_to_date() -> None:
    """The committed files are what the script writes from the hand-written lists (needs simplemma)."""
    pytest.importorskip("simplemma")
    spec = importlib.util.spec_from_file_location(
        "build_lexicon_forms", ROOT / "scripts" / "build_lexicon_forms.py"
    )
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build
    spec.loader.exec_module(build)
    forms, lemmas = build.inverse("nn")
    source = build.LEXICONS / "nn" / "complaint.yaml"
    doc = build.expand(source, forms, lemmas)
    committed = yaml.safe_load((build.LEXICONS / "nn" / "complaint.forms.yaml").read_text("utf-8"))
    assert doc == committed
    assert "eg vil klaga" in committed["terms"]
