"""Markdown documentation of a pack, one section per rule, in the manner of ruff's rule pages:
What it does, Why, the signals that fire it, Example, Use instead, Remedy, Known problems, References."""

from __future__ import annotations

from rettesnor.analysis.signals import LIMITS, MARKERS
from rettesnor.policy.model import Pack, Rule


def _signal(name: str) -> str:
    return f"`{name}`" + (f" ({MARKERS[name]})" if name in MARKERS else "")


def signals_section(rule: Rule) -> list[str]:
    """Which signals make the rule fire, and which stop it."""
    fires = " or ".join(_signal(s) for s in rule.signals)
    lines = [f"- fires on {fires} with a score of at least {rule.min_score:g}"]
    if rule.requires:
        lines.append(f"- only together with {' and '.join(_signal(s) for s in rule.requires)}")
    if rule.unless:
        lines.append(f"- not when the text has {' or '.join(_signal(s) for s in rule.unless)}")
    if rule.replaces:
        lines.append(f"- replaces the inherited {', '.join(rule.replaces)}")
    return lines


def known_problems(pack: Pack, rule: Rule, lang: str) -> list[str]:
    """The rule's own known problems, then the limits of the detectors of its signals."""
    lines = [f"- {pack.text(rule.known_problems, lang)}"] if rule.known_problems else []
    seen: set[str] = set()
    for name in [*rule.signals, *rule.requires, *rule.unless]:
        limit = LIMITS[name]
        if limit not in seen:
            seen.add(limit)
            lines.append(f"- `{name}`: {limit}")
    return lines


def _rule_section(pack: Pack, rule: Rule, lang: str) -> list[str]:
    lines = [f"## {rule.code} `{rule.name}`: {pack.text(rule.title, lang)}", ""]
    origin = pack.origin.get(rule.code, pack.name)
    meta = f"Applies to {', '.join(rule.applies_to)} · severity **{rule.severity}**"
    if rule.action:
        meta += f" · advised action **{rule.action}**" + (f" (ground: {rule.ground})" if rule.ground else "")
    lines += [meta + (f" · from `{origin}`" if origin != pack.name else ""), ""]
    lines += ["### What it does", pack.text(rule.message, lang), ""]
    if rule.why:
        lines += ["### Why", pack.text(rule.why, lang), ""]
    lines += ["### Signals", "", *signals_section(rule), ""]
    for fires, heading in ((True, "Example"), (False, "Use instead")):
        examples = [e for e in rule.examples if e.fires is fires]
        if examples:
            lines += [f"### {heading}", ""]
            lines += [f"> ({e.kind}) {e.text}" for e in examples]
            lines.append("")
    lines += ["### Remedy", pack.text(rule.remedy, lang), ""]
    lines += ["### Known problems", "", *known_problems(pack, rule, lang), ""]
    if rule.statutes:
        lines += ["### Law", ""]
        lines += [f"- {country}: {ref}" for country, ref in sorted(rule.statutes.items())]
        lines.append("")
    if rule.clauses:
        lines += ["### References", ""]
        lines += [f"- **{c.id}**: »{c.quote}«" for c in rule.clauses]
        lines.append("")
    return lines


def pack_markdown(pack: Pack, lang: str | None = None) -> str:
    lang = lang or pack.language
    lines = [f"# {pack.text(pack.title, lang)} (`{pack.name}`)", ""]
    if pack.source:
        lines += [pack.source, ""]
    if len(pack.chain) > 1:
        lines += [f"Extends: {' → '.join(f'`{p}`' for p in pack.chain[1:])}", ""]
    lines += ["| parameter | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in pack.parameters.model_dump().items()]
    lines.append("")
    for rule in pack.rules:
        lines += _rule_section(pack, rule, lang)
    guidance = [c for c in pack.clauses if c.kind == "guidance" and c.text]
    if guidance:
        lines += ["## Guidance shown to people", ""]
        for c in guidance:
            when = f" (shown when checking {', '.join(c.show_when)})" if c.show_when else ""
            lines += [f"- **{c.id}**{when}: {pack.text(c.text, lang) if c.text else ''}"]
        lines.append("")
    return "\n".join(lines)
