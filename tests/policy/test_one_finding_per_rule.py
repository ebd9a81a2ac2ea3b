"""One finding per rule and text: a rule that reads several signals (NB014: a case question and a case
number) gives one finding holding the places of all of them, filed under one category chosen the same way
whatever the text, with every category kept (policy.evaluate.Finding)."""

from __future__ import annotations

import json

import pytest

from rettesnor.analysis.signals import Signal
from rettesnor.item import Item
from rettesnor.policy import evaluate as ev
from rettesnor.policy.loader import load_pack

TEXT = "Tack till Birgitta för hjälpen. Varför har jag inte fått svar? Mitt diarienummer är BN 2025/0412."


def _at(name: str, words: str, score: float = 0.7, text: str = TEXT) -> Signal:
    start = text.index(words)
    return Signal(name, start, start + len(words), score, f"{name}.test", {"explanation": name})


def _case_signals() -> list[Signal]:
    # the order the detectors give them: identifiers (the case number) before the word lists
    return [
        _at("case_number", "BN 2025/0412", 0.9),
        _at("case_inquiry", "Varför har jag inte fått"),
        _at("case_inquiry", "diarienummer"),
    ]


def test_a_rule_reading_two_signals_gives_one_finding_with_every_place() -> None:
    pack = load_pack("se-norsjo")
    findings = [
        f for f in ev.evaluate(pack, Item(TEXT, kind="comment"), _case_signals()) if f.rule.code == "NB014"
    ]
    assert len(findings) == 1  # before: one per category, the same message twice
    (finding,) = findings
    # The rule lists case_inquiry first: that names the finding although the case number came first.
    assert finding.category == "case_inquiry" and finding.categories == ("case_inquiry", "case_number")
    assert [(s.text, s.category) for s in finding.spans] == [  # in the order of the text
        ("Varför har jag inte fått", "case_inquiry"),
        ("diarienummer", "case_inquiry"),
        ("BN 2025/0412", "case_number"),
    ]
    assert [e["category"] for e in finding.evidence] == ["case_inquiry", "case_inquiry", "case_number"]
    assert [e["detector"] for e in finding.evidence] == ["case_inquiry.test"] * 2 + ["case_number.test"]
    out = finding.to_dict(pack, "sv")
    assert out["category"] == "case_inquiry" and out["categories"] == ["case_inquiry", "case_number"]
    assert out["message"].startswith("Kommentaren frågar om skribentens eget ärende")
    assert [s["category"] for s in out["spans"]] == ["case_inquiry", "case_inquiry", "case_number"]


def test_the_category_does_not_depend_on_the_order_of_signals_or_words() -> None:
    pack = load_pack("se-norsjo")
    item = Item(TEXT, kind="comment")
    one = ev.evaluate(pack, item, _case_signals())
    other = ev.evaluate(pack, item, list(reversed(_case_signals())))
    assert [(f.rule.code, f.category, f.categories, f.spans) for f in one] == [
        (f.rule.code, f.category, f.categories, f.spans) for f in other
    ]
    # Only the case number: the finding is a case_number one, as before, and reads as before.
    (alone,) = [f for f in ev.evaluate(pack, item, _case_signals()[:1]) if f.rule.code == "NB014"]
    assert alone.category == "case_number" and alone.categories == ("case_number",)
    assert "categories" not in alone.to_dict(pack, "sv") and "category" not in alone.evidence[0]


def test_a_rule_listing_the_case_number_first_is_filed_under_it() -> None:
    pack = load_pack("no-hustadvika")  # HU004 (replies) lists case_number, then case_inquiry
    text = "Vi ser på saken din. Saksnummer: 25/01234. Når får jeg svar, spør du."
    signals = [_at("case_inquiry", "Når får jeg svar", text=text), _at("case_number", "25/01234", 0.9, text)]
    (finding,) = [f for f in ev.evaluate(pack, Item(text, kind="reply"), signals) if f.rule.code == "HU004"]
    assert finding.category == "case_number" and finding.categories == ("case_number", "case_inquiry")


def test_a_rule_with_its_own_category_keeps_one_category() -> None:
    pack = load_pack("dk-hjorring")  # HJ013: case_inquiry or marker.formal_request, category case_inquiry
    rule = next(r for r in pack.rules if r.code == "HJ013")
    assert rule.category == "case_inquiry" and len(rule.signals) > 1
    text = "Send os en ansøgning om din sag, så svarer vi på din ansøgning."
    signals = [_at(name, "ansøgning", text=text) for name in rule.signals]
    (finding,) = [f for f in ev.evaluate(pack, Item(text, kind="reply"), signals) if f.rule.code == "HJ013"]
    assert finding.categories == ("case_inquiry",) and {s.category for s in finding.spans} == {"case_inquiry"}
    assert "categories" not in finding.to_dict(pack, "da")


def test_each_category_lists_its_own_first_places_and_counts_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ev, "MAX_LISTED", 3)
    pack = load_pack("se-norsjo")
    text = " ".join(f"Ring 070-{k:03d} 00 00 eller skriv till a{k}@b.se." for k in range(6))
    item = Item(text, kind="official_post")
    # the detectors give all phone numbers first, then all addresses
    phones = [_at("phone", f"070-{k:03d} 00 00", 0.95, text) for k in range(6)]
    mails = [_at("email", f"a{k}@b.se", 0.95, text) for k in range(5)]
    for threshold in (10**9, 0):  # signal by signal, and read by name: the same finding
        monkeypatch.setattr(ev, "_BY_NAME_FROM", threshold)
        (finding,) = [f for f in ev.evaluate(pack, item, phones + mails) if f.rule.code == "NB022"]
        assert finding.categories == ("phone", "email")
        # the first three phone numbers and the first three addresses, in the order of the text
        assert [s.text for s in finding.spans] == [
            "070-000 00 00", "a0@b.se", "070-001 00 00", "a1@b.se", "070-002 00 00", "a2@b.se"
        ]  # fmt: skip
        assert finding.omitted == 3 + 2
        assert json.loads(json.dumps(finding.to_dict(pack, "sv")))["omitted"] == 5
