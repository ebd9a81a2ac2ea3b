"""Text output for people: the text with flagged spans marked, then one block per finding."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from rettesnor.i18n import ALIASES, DEFAULT, translator
from rettesnor.labels import GROUNDS, KINDS, VERDICTS, category_name
from rettesnor.policy.evaluate import Result

_STYLE = {"block": "bold red", "warn": "yellow", "info": "cyan"}
_LABEL = {
    "en": ("verdict", "remedy", "guidance", "no findings", "and {n} more places, not listed"),
    "da": ("vurdering", "sådan retter du", "vejledning", "ingen fund", "og {n} steder mere, ikke vist"),
    "nb": ("vurdering", "slik retter du", "veiledning", "ingen funn", "og {n} steder til, ikke vist"),
    "nn": ("vurdering", "slik rettar du", "rettleiing", "ingen funn", "og {n} stader til, ikkje viste"),
    "sv": ("bedömning", "så rättar du", "vägledning", "inga fynd", "och {n} ställen till, inte visade"),
}


def marked_text(result: Result, color: bool) -> Text:
    """The checked text with every flagged span styled (or wrapped in ⟦ ⟧ without colour)."""
    text = result.item.text
    spans = sorted(
        {(s.start, s.end, f.rule.severity) for f in result.findings for s in f.spans if s.end > s.start}
    )
    out, pos = Text(), 0
    for start, end, severity in spans:
        if start < pos:
            continue  # overlapping spans: the first one marks the text
        out.append(text[pos:start])
        if color:
            out.append(text[start:end], style=f"{_STYLE[severity]} underline")
        else:
            out.append(f"⟦{text[start:end]}⟧")
        pos = end
    out.append(text[pos:])
    return out


def print_result(console: Console, result: Result, lang: str, source: str = "") -> None:
    labels = _LABEL.get(lang, _LABEL["en"])
    gettext = translator(ALIASES.get(lang, DEFAULT))  # the categories in the reader's language
    color = console.is_terminal
    head = Text(f"{source}  " if source else "")
    kind = category_name(result.item.kind, gettext, KINDS)
    head.append(f"{result.pack.name} · {kind} · {labels[0]}: ")
    verdict = category_name(result.verdict, gettext, VERDICTS)
    head.append(verdict.upper(), style=_STYLE.get(_severity_of(result), "green"))
    console.print(head)
    console.print(marked_text(result, color))
    if not result.findings:
        console.print(f"  {labels[3]}", style="green")
    for finding in result.findings:
        rule = finding.rule
        line = Text("  ")
        line.append(f"{rule.code} {rule.severity:<5}", style=_STYLE[rule.severity])
        line.append(f" [{', '.join(category_name(c, gettext) for c in finding.categories)}] ")
        line.append(result.pack.text(rule.title, lang))
        if rule.action:
            line.append(f"  → {category_name(rule.action, gettext, VERDICTS)}")
            line.append(f" ({category_name(rule.ground, gettext, GROUNDS)})" if rule.ground else "")
        console.print(line)
        console.print(f"    {result.pack.text(rule.message, lang)}")
        if finding.omitted:  # past MAX_LISTED places (policy.evaluate)
            console.print(Text(f"    {labels[4].format(n=finding.omitted)}", style="dim"))
        for clause in rule.clauses:
            console.print(Text(f"    {clause.id}: »{clause.quote}«", style="dim"))
        console.print(f"    {labels[1]}: {result.pack.text(rule.remedy, lang)}")
        law = rule.statutes.get(result.pack.country)
        if law:
            console.print(Text(f"    {law}", style="dim"))
    for note in result.guidance:
        console.print(Text(f"  {labels[2]} {note}", style="dim"))
    console.print()


def _severity_of(result: Result) -> str:
    return {"block": "block", "revise": "warn", "hide": "warn", "delete": "block", "review": "info"}.get(
        result.verdict, ""
    )
