"""Turn signals into findings, per the pack's rules. No I/O, no storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from types import MappingProxyType
from typing import Any

from rettesnor.analysis.signals import Signal
from rettesnor.item import COMMENT_KINDS, Item
from rettesnor.policy.model import ACTION_ORDER, SEVERITY_ORDER, Pack, Rule


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str
    # The category of the signal that marked this place (the rule's own category where it names one): a
    # finding of a rule that reads several signals can hold places of several categories (see Finding).
    category: str = ""


# A finding lists where it fired and why, for a person to look at. Past this many places the list helps
# no one: 1 MB of e-mail addresses fired one rule 142,857 times, and building that list was a quarter of
# the check (≈ 0.13 s of CPU) and most of its output. The first MAX_LISTED signals of a finding (of each
# of its categories, where it has several) give its spans and evidence; the rest are counted
# (``omitted``). Which findings there are, their order and their first span do not change. No real post
# comes near it (a long list of contacts holds dozens).
MAX_LISTED = 1000


# One finding per rule and text. A rule that reads several signals (NB014 reads case_inquiry and
# case_number) gave one finding per signal until 2026-12: the same message twice to a moderator, and two
# entries in every list and count. Now its finding holds the places of all of them, and names:
# - ``category``: the rule's own category where it has one, else the first signal of the rule's list
#   that fired. The pack's author lists the rule's subject first (NB014: case_inquiry, NB022: phone), and
#   the choice does not depend on where in a text the words happen to stand, so the same rule on the same
#   signals is always filed under the same category;
# - ``categories``: every category among its places, ``category`` first, then in the rule's list order.
#   Whatever reads categories (the moderation queue and its filter, the registration tasks, the archive's
#   category filter, the "remove from the text" button, crisis) reads these, so no category is lost;
# - where it has places of more than one category, each span and evidence item names its own, and the
#   places are in the order of the text (each category's first MAX_LISTED: what its own finding listed).
@dataclass(slots=True)
class Finding:
    rule: Rule
    category: str
    spans: list[Span]
    evidence: list[dict[str, Any]]
    categories: tuple[str, ...]  # every category of its places, ``category`` first (see above)
    omitted: int = 0  # signals of this finding past the first MAX_LISTED: not in spans and evidence

    def to_dict(self, pack: Pack, lang: str) -> dict[str, Any]:
        mixed = len(self.categories) > 1
        out: dict[str, Any] = {
            "rule": self.rule.name,
            "code": self.rule.code,
            "clauses": [{"id": c.id, "quote": c.quote} for c in self.rule.clauses],
            "severity": self.rule.severity,
            "category": self.category,
        }
        if mixed:  # only then: a finding of one category reads as it always did
            out["categories"] = list(self.categories)
        out["message"] = pack.text(self.rule.message, lang)
        out["remedy"] = pack.text(self.rule.remedy, lang)
        out["evidence"] = self.evidence
        if self.spans and mixed:
            out["spans"] = [
                {"start": s.start, "end": s.end, "text": s.text, "category": s.category} for s in self.spans
            ]
        elif self.spans:  # a finding about the whole text or a photo has no span (not an empty one)
            out["spans"] = [{"start": s.start, "end": s.end, "text": s.text} for s in self.spans]
        if self.omitted:  # only past MAX_LISTED signals
            out["omitted"] = self.omitted
        if self.rule.action is not None:
            out["action"] = self.rule.action
            out["ground"] = self.rule.ground
        law = self.rule.statutes.get(pack.country)
        if law:
            out["law"] = law
        return out


@dataclass(slots=True)
class Result:
    item: Item
    pack: Pack
    language: str
    findings: list[Finding]
    guidance: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.item.kind in COMMENT_KINDS:
            actions = [f.rule.action or "review" for f in self.findings]
            return max(actions, key=ACTION_ORDER.__getitem__, default="keep")
        worst = max((SEVERITY_ORDER[f.rule.severity] for f in self.findings), default=0)
        if worst == SEVERITY_ORDER["block"]:
            return "block"
        return "revise" if worst == SEVERITY_ORDER["warn"] else "publish"

    @property
    def blocking(self) -> bool:
        return any(f.rule.severity == "block" for f in self.findings)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.pack.language
        out: dict[str, Any] = {
            "id": self.item.id,
            "policy": self.pack.name,
            "kind": self.item.kind,
            "language": self.language,
            "verdict": self.verdict,
            "findings": [f.to_dict(self.pack, lang) for f in self.findings],
        }
        if self.guidance:
            out["guidance"] = self.guidance
        return out


def categories_of(findings: list[Finding]) -> list[str]:
    """Every category of these findings, each once, sorted: a finding can hold several (see Finding)."""
    return sorted({c for f in findings for c in f.categories})


def _applies(rule: Rule, kind: str, present: set[str]) -> bool:
    if kind not in rule.applies_to:
        return False
    if rule.requires and not all(r in present for r in rule.requires):
        return False
    return not (rule.unless and any(u in present for u in rule.unless))


_RULE_INDEX: dict[int, tuple[Pack, dict[str, tuple[list[Rule], dict[str, list[int]]]]]] = {}


def _rules_by_kind(pack: Pack) -> dict[str, tuple[list[Rule], dict[str, list[int]]]]:
    """Per kind of content: the pack's rules, and for each signal the positions of the rules that read
    it (computed once per pack; packs are immutable), so a text's signals lead straight to its rules."""
    cached = _RULE_INDEX.get(id(pack))
    if cached is None or cached[0] is not pack:
        index: dict[str, tuple[list[Rule], dict[str, list[int]]]] = {}
        for rule in pack.rules:
            for kind in rule.applies_to:
                rules, by_signal = index.setdefault(kind, ([], {}))
                for name in rule.signals:
                    by_signal.setdefault(name, []).append(len(rules))
                rules.append(rule)
        cached = _RULE_INDEX[id(pack)] = (pack, index)
    return cached[1]


# Evidence shared by signals (see evaluate): the id of their read-only evidence, detector, score, and
# whether the dict names the category.
_Key = tuple[int, str, float, bool]

# From this many signals on, each rule reads its signals by name (see evaluate).
_BY_NAME_FROM = 64


def evaluate(pack: Pack, item: Item, signals: list[Signal], lang: str | None = None) -> list[Finding]:
    """One finding per rule that fires, listing the places that made it fire (the first
    :data:`MAX_LISTED` signals; the rest are counted in ``omitted``) and their categories."""
    if not signals:  # the common case for citizens' comments: nothing to decide
        return []
    present = {s.name for s in signals}
    indexed = _rules_by_kind(pack).get(item.kind)
    if indexed is None:
        return []
    rules, by_signal = indexed
    hit: set[int] = set()
    for name in present:
        positions = by_signal.get(name)
        if positions is not None:
            hit.update(positions)
    findings: list[Finding] = []
    # Signals that share a read-only evidence mapping with the same detector and score (the addresses of
    # one domain) share one evidence dict: 1 MB of e-mail addresses is 142,857 signals and as many
    # evidence dicts otherwise. The dicts are read, never changed (to_dict, the renderers); treat a
    # finding's evidence as read-only.
    shared: dict[_Key, dict[str, Any]] = {}
    text = item.text
    # A long text of many signals: each rule goes through the signals it reads only, in their order, not
    # through all of them (a rule about the words of 1 MB of addresses skips the 142,857 addresses).
    of_name: dict[str, list[int]] | None = None
    if len(signals) > _BY_NAME_FROM:
        of_name = {}
        for k, s in enumerate(signals):
            of_name.setdefault(s.name, []).append(k)
    for position in sorted(hit):  # the pack's order, as before
        rule = rules[position]
        if not _applies(rule, item.kind, present):
            continue
        names, min_score, fixed = rule.signals, rule.min_score, rule.category
        if of_name is not None:  # many signals: read by name (the same groups as below)
            groups = _taken_by_name(rule, signals, of_name)
            if groups:
                findings.append(_finding(rule, groups, text, shared))
            continue
        # (a plain loop, not comprehensions: a text's few signals, for each rule they lead to, is the hot
        # path of every check, and each comprehension is a call of its own)
        chosen: list[Signal] = []
        mixed = False  # signals of more than one category
        for s in signals:
            if s.name not in names or s.score < min_score:
                continue
            if chosen and not fixed and s.name != chosen[0].name:
                mixed = True
            chosen.append(s)
        if not chosen:
            continue
        if mixed:  # one group per signal name, in the rule's order (the first names the finding)
            fired = {s.name for s in chosen}
            groups = [(n, [s for s in chosen if s.name == n]) for n in dict.fromkeys(names) if n in fired]
        else:
            groups = [(fixed or chosen[0].name, chosen)]
        findings.append(_finding(rule, groups, text, shared))
    # Worst first; at the same severity a finding on the ground "illegal" (the law of the country) comes
    # before house rules, so that a threat both illegal and violent is deleted as illegal.
    findings.sort(
        key=lambda f: (
            -SEVERITY_ORDER[f.rule.severity],
            f.rule.ground != "illegal",
            f.spans[0].start if f.spans else 0,
            f.rule.code,
        )
    )
    return findings


def _taken_by_name(
    rule: Rule, signals: list[Signal], of_name: dict[str, list[int]]
) -> list[tuple[str, list[Signal]]]:
    """The signals ``rule`` takes (named in its list, score not under its ``min_score``) by category, each
    category's in the order of ``signals``: one group of the rule's own category where it has one, else
    one per signal name that fired, in the rule's list order (the first names the finding; see Finding).
    What the loop in :func:`evaluate` gathers, each name's signals read by name (``of_name``: their
    positions), so a rule about the words of 1 MB of e-mail addresses takes no Python step per address."""
    names, min_score = rule.signals, rule.min_score
    if rule.category:
        chosen = [s for s in _read_by(names, of_name, signals) if not s.score < min_score]
        return [(rule.category, chosen)] if chosen else []
    groups = []
    for n in dict.fromkeys(names):
        taken = [signals[k] for k in of_name.get(n, ()) if not signals[k].score < min_score]
        if taken:
            groups.append((n, taken))
    return groups


def _start(s: Signal) -> int:
    return s.start


def _finding(
    rule: Rule, groups: list[tuple[str, list[Signal]]], text: str, shared: dict[_Key, dict[str, Any]]
) -> Finding:
    """The one finding of ``rule`` on the signals it took, by category (:func:`_taken`). Each category
    lists its first MAX_LISTED places and counts the rest, as its own finding did before 2026-12."""
    if len(groups) == 1:
        category, chosen = groups[0]
        listed = chosen[:MAX_LISTED]
        spans: list[Span] = []
        evidence: list[dict[str, Any]] = []
        for s in listed:
            if s.end > s.start:  # whole-text and photo signals point at no part of the text
                spans.append(Span(s.start, s.end, text[s.start : s.end], category))
            evidence.append(_evidence_of(s, shared))
        return Finding(rule, category, spans, evidence, (category,), len(chosen) - len(listed))
    # Places of several categories: each category's listed ones, in the order of the text (stable: at
    # one start, the rule's order), each span and evidence item naming its category.
    listed = sorted(chain.from_iterable(chosen[:MAX_LISTED] for _, chosen in groups), key=_start)
    omitted = sum(max(len(chosen) - MAX_LISTED, 0) for _, chosen in groups)
    evidence = [_evidence_of(s, shared, named=True) for s in listed]
    spans = [Span(s.start, s.end, text[s.start : s.end], s.name) for s in listed if s.end > s.start]
    categories = tuple(category for category, _ in groups)
    return Finding(rule, categories[0], spans, evidence, categories, omitted)


def _read_by(names: list[str], of_name: dict[str, list[int]], signals: list[Signal]) -> list[Signal]:
    """The signals named in ``names``, in the order of ``signals`` (``of_name``: their positions by name)."""
    lists = [of_name[n] for n in set(names) if n in of_name]
    if not lists:
        return []
    positions = lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))
    return [signals[k] for k in positions]


def _evidence_of(s: Signal, shared: dict[_Key, dict[str, Any]], named: bool = False) -> dict[str, Any]:
    """``s.to_dict()``, the same dict for signals with the same read-only evidence, detector and score;
    ``named``: with the signal's category first (in a finding of several categories)."""
    if type(s.evidence) is not MappingProxyType:
        return {"category": s.name, **s.to_dict()} if named else s.to_dict()
    key = (id(s.evidence), s.detector, s.score, named)
    out = shared.get(key)
    if out is None:
        out = shared[key] = {"category": s.name, **s.to_dict()} if named else s.to_dict()
    return out


_GUIDANCE: dict[tuple[int, str, str], tuple[Pack, list[str]]] = {}


def guidance_for(pack: Pack, kind: str, lang: str) -> list[str]:
    """Guidance clauses to show when content of this kind is checked ("at the right moment")."""
    cached = _GUIDANCE.get((id(pack), kind, lang))
    if cached is None or cached[0] is not pack:
        notes = [f"{c.id}: {pack.text(c.text, lang)}" for c in pack.clauses if c.text and kind in c.show_when]
        cached = _GUIDANCE[(id(pack), kind, lang)] = (pack, notes)
    return list(cached[1])
