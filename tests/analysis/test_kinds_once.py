"""The kinds of content are defined once, in item.py; the other lists derive from it or match it."""

from __future__ import annotations

from rettesnor import labels
from rettesnor.item import KINDS, TEXT_KINDS
from rettesnor.web.api import AnalyseRequest, CheckRequest
from rettesnor.web.views import POST_KINDS


def test_page_kinds_are_the_text_kinds_of_item() -> None:
    assert POST_KINDS == TEXT_KINDS
    assert set(TEXT_KINDS) == set(KINDS) - {"image"}


def test_every_kind_on_the_page_has_a_translated_label() -> None:
    # labels.KINDS must stay a literal dict (gettext extracts N_ strings), so it is checked, not derived.
    assert set(labels.KINDS) == set(TEXT_KINDS)


def test_api_describes_every_kind() -> None:
    for model in (CheckRequest, AnalyseRequest):
        description = model.model_fields["kind"].description or ""
        assert all(kind in description for kind in KINDS), model.__name__
