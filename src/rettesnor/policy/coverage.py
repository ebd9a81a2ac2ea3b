"""Which clause of the organisation's guideline is implemented how, and which test proves it."""

from __future__ import annotations

from dataclasses import dataclass

from rettesnor.policy.inventory import Clause, clauses_for
from rettesnor.policy.model import Pack
from rettesnor.policy.workflows import IMPLEMENTED, PUBLISHING


# Workflow clauses are enforced outside the content check (governance, archive, moderation). Until those
# parts exist they are reported as planned, never as done.
def ascii_id(text: str) -> str:
    """pytest escapes non-ASCII in test ids; clause ids like "HU-3a–f" are written with a hyphen there."""
    return text.replace("\u2013", "-")


RULE_TEST = "tests/test_packs.py::test_rule_examples[{pack}-{code}-*]"
GUIDANCE_TEST = "tests/test_packs.py::test_guidance_is_shown[{pack}-{clause}]"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    clause: str
    kinds: tuple[str, ...]
    summary: str
    implementation: str  # "check", "workflow", "guidance", joined with " + "
    status: str  # "implemented", "partial" (check done, workflow planned), "planned", "missing"
    detail: str  # rule codes, where a workflow is enforced, or the guidance moment
    tests: tuple[str, ...]


def _row(pack: Pack, clause: Clause) -> CoverageRow:
    rules = [r for r in pack.rules if any(c.id == clause.id for c in r.clauses)]
    notes = [c for c in pack.clauses if c.id == clause.id]
    parts: list[str] = []
    details: list[str] = []
    tests: list[str] = []
    statuses: list[str] = []
    if rules:
        parts.append("check")
        details.append("rules " + ", ".join(r.code for r in rules))
        tests += [RULE_TEST.format(pack=pack.origin.get(r.code, pack.name), code=r.code) for r in rules]
        statuses.append("implemented")
    elif "check" in clause.kinds:
        statuses.append("missing")
        details.append("no rule cites this check clause")
    for note in notes:
        parts.append(note.kind)
        if note.kind == "guidance":
            details.append(
                "shown when checking " + ", ".join(note.show_when) if note.show_when else "guidance"
            )
            tests.append(GUIDANCE_TEST.format(pack=pack.name, clause=ascii_id(note.id)))
            statuses.append("implemented" if note.show_when else "planned")
        elif note.id in IMPLEMENTED:
            details.append(IMPLEMENTED[note.id].where)
            tests.append(IMPLEMENTED[note.id].test)
            statuses.append("implemented")
        else:
            details.append(f"planned: {note.implemented_by}" if note.implemented_by else "planned")
            statuses.append("planned")
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
    )


def coverage(pack: Pack) -> list[CoverageRow]:
    """Every clause of the pack's organisation (by ``clause_prefix``), in inventory order."""
    if not pack.clause_prefix:
        return []
    return [_row(pack, clause) for clause in clauses_for(pack.clause_prefix)]
