"""evaluate on a text of many signals (each rule reading its own by name, shared evidence dicts) gives
the findings it gives signal by signal."""

from __future__ import annotations

import json
import random
from types import MappingProxyType

import pytest

from rettesnor.analysis.signals import Signal
from rettesnor.item import Item
from rettesnor.policy import evaluate as ev
from rettesnor.policy.loader import load_pack


def _signals(n: int) -> list[Signal]:
    rng = random.Random(3)
    shared = MappingProxyType({"subtype": "address", "domain": "b.dk", "explanation": "An address."})
    out = []
    for k in range(n):
        name = rng.choice(("email", "phone", "email", "insult", "person_name", "national_id"))
        evidence = shared if name == "email" else {"explanation": f"signal {k}"}
        out.append(Signal(name, 10 * k, 10 * k + 5, rng.choice((0.5, 0.6, 0.95)), f"{name}.x", evidence))
    out.append(Signal("readability", 0, 0, 0.7, "readability.lix", {"lix": 60}))
    return out


@pytest.mark.parametrize("listed", [ev.MAX_LISTED, 7])  # 7: findings past their listed places too
@pytest.mark.parametrize("kind", ["comment", "official_post", "reply"])
def test_many_signals_give_the_findings_of_the_signal_by_signal_path(
    kind: str, listed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ev, "MAX_LISTED", listed)
    pack = load_pack("dk-hjorring")
    item = Item("x" * 3000, kind=kind)
    signals = _signals(250)
    by_name = ev.evaluate(pack, item, signals)
    monkeypatch.setattr(ev, "_BY_NAME_FROM", 10**9)
    one_by_one = ev.evaluate(pack, item, signals)
    assert by_name  # the rules do report these signals
    assert len({id(f.rule) for f in by_name}) > 1
    shape = [(f.rule.code, f.category, f.spans, f.omitted, len(f.evidence)) for f in by_name]
    assert shape == [(f.rule.code, f.category, f.spans, f.omitted, len(f.evidence)) for f in one_by_one]
    assert (listed < 100) == any(f.omitted for f in by_name)
    dump = [json.dumps(r.to_dict(), sort_keys=True) for r in (ev.Result(item, pack, "da", by_name),)]
    again = [json.dumps(r.to_dict(), sort_keys=True) for r in (ev.Result(item, pack, "da", one_by_one),)]
    assert dump == again


def test_signals_with_the_same_read_only_evidence_share_one_evidence_dict() -> None:
    pack = load_pack("dk-hjorring")
    item = Item("x" * 3000, kind="official_post")
    findings = ev.evaluate(pack, item, _signals(250))
    evidence = [e for f in findings if "email" in f.categories for e in f.evidence]
    assert evidence and len({id(e) for e in evidence}) < len(evidence)  # one dict per domain and score


def test_a_finding_lists_its_first_max_listed_places_and_counts_the_rest() -> None:
    pack = load_pack("dk-hjorring")
    addresses = ev.MAX_LISTED + 37
    text = "a@b.dk " * addresses
    item = Item(text, kind="official_post")
    evidence = MappingProxyType({"subtype": "address", "domain": "b.dk", "explanation": "An address."})
    signals = [Signal("email", 7 * k, 7 * k + 6, 0.95, "email.regex", evidence) for k in range(addresses)]
    signals.append(Signal("phone", 3, 5, 0.95, "phone.x", {"explanation": "one"}))
    findings = ev.evaluate(pack, item, signals)
    listed = [f for f in findings if "email" in f.categories]
    assert listed  # the rules do report e-mail addresses in an official post
    for f in listed:
        # Each category lists its first MAX_LISTED places (a rule on phone and e-mail: the phone too).
        emails = [s for s in f.spans if s.category == "email"]
        phones = len(f.spans) - len(emails)
        assert len(emails) == ev.MAX_LISTED and len(f.evidence) == len(f.spans) == ev.MAX_LISTED + phones
        assert f.omitted == 37
        assert [(s.start, s.text) for s in emails[:2]] == [(0, "a@b.dk"), (7, "a@b.dk")]
        assert emails[-1].start == 7 * (ev.MAX_LISTED - 1)
        assert f.to_dict(pack, "da")["omitted"] == 37
    # The same findings in the same order as with every place listed; only the lists are cut.
    everything = ev.evaluate(pack, item, signals[: ev.MAX_LISTED] + signals[-1:])
    assert [(f.rule.code, f.category) for f in findings] == [(f.rule.code, f.category) for f in everything]
    assert all(not f.omitted and "omitted" not in f.to_dict(pack, "da") for f in everything)


def test_the_text_output_says_how_many_places_are_not_listed() -> None:
    import io

    from rich.console import Console

    from rettesnor.render import print_result

    pack = load_pack("dk-hjorring")
    item = Item("a@b.dk " * (ev.MAX_LISTED + 5), kind="official_post")
    ev_ = MappingProxyType({"subtype": "address", "domain": "b.dk", "explanation": "An address."})
    signals = [Signal("email", 7 * k, 7 * k + 6, 0.95, "email.regex", ev_) for k in range(ev.MAX_LISTED + 5)]
    result = ev.Result(item, pack, "da", ev.evaluate(pack, item, signals))
    for lang, words in (
        ("da", "og 5 steder mere"),
        ("nb", "og 5 steder til"),
        ("en", "and 5 more"),
        ("sv", "och 5 ställen"),
    ):
        out = io.StringIO()
        print_result(Console(file=out, width=200), result, lang)
        assert words in out.getvalue()


def test_the_archived_findings_keep_the_count_of_places_not_listed() -> None:
    from rettesnor.archive.canonical import compact_findings

    pack = load_pack("dk-hjorring")
    addresses = ev.MAX_LISTED + 5
    item = Item("a@b.dk " * addresses, kind="official_post")
    evidence = MappingProxyType({"subtype": "address", "domain": "b.dk", "explanation": "An address."})
    signals = [Signal("email", 7 * k, 7 * k + 6, 0.95, "email.regex", evidence) for k in range(addresses)]
    stored = [f for f in compact_findings(ev.evaluate(pack, item, signals)) if f["category"] == "email"]
    assert stored and all(f["omitted"] == 5 and len(f["spans"]) == ev.MAX_LISTED for f in stored)
    few = compact_findings(ev.evaluate(pack, item, signals[:3]))
    assert few and all("omitted" not in f for f in few)
