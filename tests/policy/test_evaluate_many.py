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


@pytest.mark.parametrize("kind", ["comment", "official_post", "reply"])
def test_many_signals_give_the_findings_of_the_signal_by_signal_path(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = load_pack("dk-hjorring")
    item = Item("x" * 3000, kind=kind)
    signals = _signals(250)
    by_name = ev.evaluate(pack, item, signals)
    monkeypatch.setattr(ev, "_BY_NAME_FROM", 10**9)
    one_by_one = ev.evaluate(pack, item, signals)
    assert by_name  # the rules do report these signals
    assert len({id(f.rule) for f in by_name}) > 1
    dump = [json.dumps(r.to_dict(), sort_keys=True) for r in (ev.Result(item, pack, "da", by_name),)]
    again = [json.dumps(r.to_dict(), sort_keys=True) for r in (ev.Result(item, pack, "da", one_by_one),)]
    assert dump == again


def test_signals_with_the_same_read_only_evidence_share_one_evidence_dict() -> None:
    pack = load_pack("dk-hjorring")
    item = Item("x" * 3000, kind="official_post")
    findings = ev.evaluate(pack, item, _signals(250))
    evidence = [e for f in findings if f.category == "email" for e in f.evidence]
    assert evidence and len({id(e) for e in evidence}) < len(evidence)  # one dict per domain and score
