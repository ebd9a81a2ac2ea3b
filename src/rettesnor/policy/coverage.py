"""Which clause of the organisation's guideline is implemented how, and which test proves it."""

from __future__ import annotations

from dataclasses import dataclass

from rettesnor.policy.inventory import Clause, clauses_for
from rettesnor.policy.model import ClauseNote, Pack
from rettesnor.policy.workflows import IMPLEMENTED, PUBLISHING


def note_status(note: ClauseNote) -> str:
    """A clause note's status, from the code rather than from the pack: guidance is implemented when a
    check shows it (``show_when``), a workflow when its code registered it with a test in
    :data:`~rettesnor.policy.workflows.IMPLEMENTED`. Anything else is planned, never done."""
    if note.kind == "guidance":
        return "implemented" if note.show_when else "planned"
    return "implemented" if note.id in IMPLEMENTED else "planned"


def ascii_id(text: str) -> str:
    """pytest escapes non-ASCII in test ids; clause ids like "HU-3a–f" are written with a hyphen there."""
    return text.replace("\u2013", "-")


RULE_TEST = "tests/policy/test_packs.py::test_rule_examples[{pack}-{code}-*]"
GUIDANCE_TEST = "tests/policy/test_packs.py::test_guidance_is_shown[{pack}-{clause}]"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    clause: str
    kinds: tuple[str, ...]
    summary: str
    implementation: str  # "check", "workflow", "guidance", joined with " + "
    status: str  # "implemented", "partial" (check done, workflow planned), "planned", "missing"
    detail: str  # rule codes, where a workflow is enforced, or the guidance moment
    tests: tuple[str, ...]
    # The detail as parts a page can show in its reader's language: ("rules", "HJ001, HJ002"),
    # ("shown_when", "official_post, reply"), ("guidance", ""), ("workflow", where), ("missing", ""),
    # ("planned", what is planned or "").
    parts: tuple[tuple[str, str], ...] = ()


def _row(pack: Pack, clause: Clause) -> CoverageRow:
    rules = [r for r in pack.rules if any(c.id == clause.id for c in r.clauses)]
    notes = [c for c in pack.clauses if c.id == clause.id]
    parts: list[str] = []
    details: list[str] = []
    shown: list[tuple[str, str]] = []
    tests: list[str] = []
    statuses: list[str] = []
    if rules:
        parts.append("check")
        details.append("rules " + ", ".join(r.code for r in rules))
        shown.append(("rules", ", ".join(r.code for r in rules)))
        tests += [RULE_TEST.format(pack=pack.origin.get(r.code, pack.name), code=r.code) for r in rules]
        statuses.append("implemented")
    elif "check" in clause.kinds:
        statuses.append("missing")
        details.append("no rule cites this check clause")
        shown.append(("missing", ""))
    for note in notes:
        parts.append(note.kind)
        status = note_status(note)
        statuses.append(status)
        if note.kind == "guidance":
            details.append(
                "shown when checking " + ", ".join(note.show_when) if note.show_when else "guidance"
            )
            shown.append(("shown_when", ", ".join(note.show_when)) if note.show_when else ("guidance", ""))
            tests.append(GUIDANCE_TEST.format(pack=pack.name, clause=ascii_id(note.id)))
        elif status == "implemented":
            details.append(IMPLEMENTED[note.id].where)
            shown.append(("workflow", IMPLEMENTED[note.id].where))
            tests.append(IMPLEMENTED[note.id].test)
        else:
            details.append(f"planned: {note.implemented_by}" if note.implemented_by else "planned")
    also = PUBLISHING.get(clause.id)
    if also is not None:  # enforced again where a post is published through Rettesnor
        parts += [] if "workflow" in parts else ["workflow"]
        details.append(also.where)
        tests.append(also.test)
    if not notes and any(k in clause.kinds for k in ("workflow", "guidance")) and not rules:
        statuses.append("missing")
    if "missing" in statuses:
        status = "missing"
    elif "planned" in statuses:
        status = "partial" if "implemented" in statuses else "planned"
    else:
        status = "implemented"
    return CoverageRow(
        clause=clause.id,
        kinds=clause.kinds,
        summary=clause.summary,
        implementation=" + ".join(parts) or "-",
        status=status,
        detail="; ".join(details),
        tests=tuple(tests),
        parts=tuple(shown),
    )


def coverage(pack: Pack) -> list[CoverageRow]:
    """Every clause of the pack's organisation (by ``clause_prefix``), in inventory order."""
    if not pack.clause_prefix:
        return []
    return [_row(pack, clause) for clause in clauses_for(pack.clause_prefix)]
