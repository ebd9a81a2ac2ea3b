"""Where two packs differ: parameters, rules present, and rule settings."""

from __future__ import annotations

from dataclasses import dataclass

from rettesnor.policy.model import Pack, Rule

_RULE_FIELDS = ("severity", "applies_to", "signals", "action", "ground")


@dataclass(frozen=True, slots=True)
class Difference:
    topic: str  # "parameter", "rule", or "rule <code>"
    name: str
    left: str
    right: str


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return str(value)


def _rule_summary(rule: Rule | None) -> str:
    return "-" if rule is None else f"{rule.code} {rule.name} ({rule.severity})"


def compare(left: Pack, right: Pack) -> list[Difference]:
    diffs: list[Difference] = []
    lp, rp = left.parameters.model_dump(), right.parameters.model_dump()
    for key in lp:
        if lp[key] != rp[key]:
            diffs.append(Difference("parameter", key, _fmt(lp[key]), _fmt(rp[key])))
    lrules, rrules = {r.code: r for r in left.rules}, {r.code: r for r in right.rules}
    for code in sorted(lrules.keys() | rrules.keys()):
        a, b = lrules.get(code), rrules.get(code)
        if a is None or b is None:
            diffs.append(Difference("rule", code, _rule_summary(a), _rule_summary(b)))
            continue
        for field in _RULE_FIELDS:
            va, vb = getattr(a, field), getattr(b, field)
            if va != vb:
                diffs.append(Difference(f"rule {code}", field, _fmt(va), _fmt(vb)))
    return diffs
