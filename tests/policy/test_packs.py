"""The built-in policy packs: they load, every rule's examples behave, and every seed clause is answered.

The examples written in a pack are its tests (like ruff's "Example / Use instead"): a text marked
``fires: true`` must give a finding with the rule's code, one marked ``fires: false`` must not.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rettesnor.analysis.language import detect_language
from rettesnor.analysis.signals import Signal
from rettesnor.check import check
from rettesnor.item import KINDS, Item
from rettesnor.policy.coverage import ascii_id
from rettesnor.policy.inventory import clauses_for
from rettesnor.policy.loader import BUILTIN_DIR, PackError, builtin_packs, load_pack
from rettesnor.policy.model import ClauseNote, Pack, Rule

# The pack that answers for each seed guideline, and the seed file it was written from.
SEEDS: dict[str, tuple[str, str]] = {
    "HJ": ("dk-hjorring", "000_9de351b8de509d92.txt"),
    "SB": ("dk-sonderborg", "001_cfbfd94aadf52967.txt"),
    "ND": ("dk-norddjurs-tandplejen", "002_47ad0bfd000d1317.txt"),
    "HU": ("no-hustadvika", "003_84e1531cb9d90486.txt"),
    "NS": ("se-norsjo", "004_de1a109873544a43.txt"),
}
EXPECTED_PACKS = {
    "nordic-baseline",
    "dk-hjorring",
    "dk-sonderborg",
    "dk-norddjurs",
    "dk-norddjurs-tandplejen",
    "no-hustadvika",
    "se-norsjo",
}


# --- 1. every built-in pack loads ---------------------------------------------------------------


def test_all_expected_packs_are_built_in() -> None:
    assert set(builtin_packs()) >= EXPECTED_PACKS


@pytest.mark.parametrize("name", builtin_packs())
def test_pack_loads(name: str) -> None:
    pack = load_pack(name)
    assert pack.name == name
    assert pack.rules, f"{name} has no rules"
    assert len({r.code for r in pack.rules}) == len(pack.rules)
    assert len({r.name for r in pack.rules}) == len(pack.rules), "rule names must be unique in a pack"


@pytest.mark.parametrize("name", builtin_packs())
def test_every_rule_has_firing_and_quiet_examples(name: str) -> None:
    pack = load_pack(name)
    for rule in _own_rules(pack):
        assert any(e.fires for e in rule.examples), f"{rule.code} has no example that fires"
        assert any(not e.fires for e in rule.examples), f"{rule.code} has no near-miss (fires: false)"
        for example in rule.examples:
            assert example.kind in rule.applies_to or not example.fires, (
                f"{rule.code}: a firing example of kind {example.kind!r} the rule does not apply to"
            )


@pytest.mark.parametrize("name", builtin_packs())
def test_texts_in_pack_language_and_english(name: str) -> None:
    pack = load_pack(name)
    for rule in _own_rules(pack):
        for field in ("title", "message", "remedy"):
            text = getattr(rule, field)
            assert {pack.language, "en"} <= set(text), f"{rule.code}.{field} needs {pack.language} and en"


@pytest.mark.parametrize("name", builtin_packs())
def test_inherited_rules_speak_the_pack_language(name: str) -> None:
    """A Danish pack shows baseline findings in Danish, not in English: the baseline writes all four."""
    pack = load_pack(name)
    for rule in pack.rules:
        for field in ("title", "message", "remedy"):
            assert pack.language in getattr(rule, field), f"{rule.code}.{field} has no {pack.language} text"


@pytest.mark.parametrize("name", builtin_packs())
def test_rules_of_an_organisation_cite_its_own_clauses(name: str) -> None:
    pack = load_pack(name)
    for rule in _own_rules(pack):
        if pack.name == "nordic-baseline":
            assert not rule.clauses, "baseline rules come from law, not from one guideline"
            continue
        assert rule.clauses, f"{rule.code} cites no clause"
        for ref in rule.clauses:
            assert ref.id.startswith(f"{pack.clause_prefix}-"), f"{rule.code} cites {ref.id}"
            assert ref.id in {c.id for c in clauses_for(pack.clause_prefix or "")}, f"unknown clause {ref.id}"


# --- 2. every example of every rule behaves ------------------------------------------------------


@dataclass(frozen=True)
class Case:
    pack: str
    code: str
    index: int


def _own_rules(pack: Pack) -> list[Rule]:
    """The rules written in this pack's own file (inherited ones are tested in their own pack)."""
    return [r for r in pack.rules if pack.origin.get(r.code) == pack.name]


def _cases() -> list[Any]:
    cases = []
    for name in builtin_packs():
        try:
            pack = load_pack(name)
        except PackError as exc:  # reported by test_pack_loads; keep collecting the others
            cases.append(
                pytest.param(Case(name, "load", 0), id=f"{name}-load", marks=pytest.mark.skip(str(exc)))
            )
            continue
        for rule in _own_rules(pack):
            for i, _ in enumerate(rule.examples):
                cases.append(pytest.param(Case(name, rule.code, i), id=f"{name}-{rule.code}-{i}"))
    return cases


def _needs_channel(rule: Rule) -> bool:
    """The unapproved-channel marker comes from where a message is sent (Item.channel), not from its text."""
    return "marker.unapproved_channel" in {*rule.signals, *rule.requires}


def _codes(pack: Pack, text: str, kind: str) -> set[str]:
    return {f.rule.code for f in check(Item(text=text, kind=kind), pack).findings}


@pytest.mark.parametrize("case", _cases())
def test_rule_examples(case: Case) -> None:
    pack = load_pack(case.pack)
    rule = pack.rule(case.code)
    assert rule is not None
    example = rule.examples[case.index]
    if _needs_channel(rule):
        assert example.channel, "an unapproved-channel rule's examples must say where the message is sent"
    photo = [
        Signal(name, 0, 0, 1.0, "example.photo") for name in example.photo_signals
    ]  # what its photo shows
    result = check(Item(text=example.text, kind=example.kind, channel=example.channel), pack, extra=photo)
    codes = {f.rule.code for f in result.findings}
    if example.fires:
        assert case.code in codes, f"should fire on: {example.text!r}; found {sorted(codes)}"
    else:
        assert case.code not in codes, f"should not fire on: {example.text!r}"


# Everyday texts that no rule of the pack should hold back (false alarms teach people to ignore findings).
ORDINARY: list[tuple[str, str, str]] = [
    ("dk-hjorring", "official_post", "Husk at genbrugspladsen holder lukket på mandag. Vi ses igen tirsdag."),
    (
        "dk-hjorring",
        "reply",
        "Tak for din besked, Mette. Du kan læse mere om åbningstiderne på kommunens hjemmeside.",
    ),
    (
        "dk-hjorring",
        "official_post",
        "Byrådet har vedtaget budgettet for 2026, bl.a. med flere penge til cykelstier.",
    ),
    ("dk-hjorring", "comment", "Tak for en dejlig dag på biblioteket!"),
    ("dk-sonderborg", "private_post", "Hyggelig aften med gode venner i haven. Sommeren er endelig kommet."),
    (
        "dk-sonderborg",
        "official_post",
        "Sønderborg Kommune inviterer til borgermøde om havnefronten torsdag kl. 19.",
    ),
    (
        "dk-norddjurs-tandplejen",
        "internal_message",
        "Jeg er syg i dag. Kan en af jer tage mine patienter kl. 10?",
    ),
    (
        "dk-norddjurs-tandplejen",
        "official_post",
        "Tandplejen holder lukket i uge 29. Ved akut tandpine: ring til vagten.",
    ),
    (
        "no-hustadvika",
        "official_post",
        "Biblioteket i Elnesvågen holder stengt på mandag. Velkommen tilbake tirsdag!",
    ),
    ("no-hustadvika", "reply", "Takk for spørsmålet! Du finner åpningstidene på nettsiden vår."),
    ("no-hustadvika", "comment", "Takk for en flott konsert i kulturhuset i går!"),
    (
        "se-norsjo",
        "official_post",
        "Biblioteket i Norsjö har stängt på måndag. Välkommen tillbaka på tisdag!",
    ),
    ("se-norsjo", "reply", "Tack för din fråga! Du hittar öppettiderna på kommunens webbplats."),
    ("se-norsjo", "comment", "Tack för en fin konsert i Folkets hus i går!"),
    ("se-norsjo", "private_post", "Vilken fin dag vid sjön med familjen. Nu börjar sommaren på riktigt."),
]


@pytest.mark.parametrize(("name", "kind", "text"), ORDINARY)
def test_ordinary_texts_pass(name: str, kind: str, text: str) -> None:
    result = check(Item(text=text, kind=kind), load_pack(name))
    assert result.verdict in ("publish", "keep"), [(f.rule.code, f.category) for f in result.findings]


# --- 3 and 4. every clause of every seed is answered ---------------------------------------------


# Bokmål and Nynorsk share their word lists, and a short text often cannot tell them apart.
_SAME_LANGUAGE = {"nb": {"nb", "nn"}, "nn": {"nb", "nn"}}


def _in_language(text: str, pack: Pack) -> bool:
    return detect_language(text, pack.country) in _SAME_LANGUAGE.get(pack.language, {pack.language})


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_every_check_clause_has_a_rule_with_a_firing_example(prefix: str) -> None:
    pack = load_pack(SEEDS[prefix][0])
    missing = []
    for clause in clauses_for(prefix):
        if "check" not in clause.kinds:
            continue
        citing = [r for r in pack.rules if any(ref.id == clause.id for ref in r.clauses)]
        firing = [
            e
            for r in citing
            for e in r.examples
            if e.fires and e.kind in r.applies_to and _in_language(e.text, pack)
        ]
        if not firing:
            missing.append(clause.id)
    assert not missing, f"check clauses without a rule and a firing {pack.language} example: {missing}"


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_every_workflow_and_guidance_clause_is_listed(prefix: str) -> None:
    """A workflow or guidance part of a clause gets a note of that kind under ``clauses:``.

    (A clause that is check + workflow thus has a rule *and* a note; workflow + guidance two notes.)
    """
    pack = load_pack(SEEDS[prefix][0])
    notes: dict[tuple[str, str], ClauseNote] = {(c.id, c.kind): c for c in pack.clauses}
    cited = {ref.id for r in pack.rules for ref in r.clauses}
    for clause in clauses_for(prefix):
        for kind in clause.kinds:
            if kind == "check":
                continue
            assert (clause.id, kind) in notes or clause.id in cited, f"{clause.id} ({kind}) is not answered"
            assert (clause.id, kind) in notes, f"{clause.id} is {'+'.join(clause.kinds)}: add a {kind} note"
            note = notes[(clause.id, kind)]
            assert note.implemented_by, f"{clause.id}: say where it is enforced (implemented_by)"
            if kind == "guidance":
                assert note.text and note.show_when, f"{clause.id} is guidance: needs a text and show_when"
    for (clause_id, kind), _ in notes.items():
        inventory = next(c for c in clauses_for(prefix) if c.id == clause_id)
        assert kind in inventory.kinds, (
            f"{clause_id}: a {kind} note, but the inventory says {inventory.kinds}"
        )


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_no_clause_outside_the_inventory(prefix: str) -> None:
    pack = load_pack(SEEDS[prefix][0])
    known = {c.id for c in clauses_for(prefix)}
    assert {c.id for c in pack.clauses} <= known


# --- 5. guidance is written for the people who read it -------------------------------------------


@pytest.mark.parametrize("name", builtin_packs())
def test_guidance_texts_in_pack_language_and_english(name: str) -> None:
    pack = load_pack(name)
    for note in pack.clauses:
        if note.kind == "guidance":
            assert note.text is not None
            # a unit pack speaks the language of the pack the note was written in; all ours match
            assert {pack.language, "en"} <= set(note.text), f"{note.id} needs {pack.language} and en"
            assert note.show_when, f"{note.id}: say when to show it (show_when)"


def _guidance_cases() -> list[Any]:
    cases = []
    for name in builtin_packs():
        try:
            pack = load_pack(name)
        except PackError:
            continue
        cases += [
            pytest.param(name, c.id, id=f"{name}-{ascii_id(c.id)}")
            for c in pack.clauses
            if c.kind == "guidance"
        ]
    return cases


NEUTRAL = {
    "da": "Tak for i dag.",
    "nb": "Takk for i dag.",
    "sv": "Tack för i dag.",
    "en": "Thanks for today.",
}


@pytest.mark.parametrize(("name", "clause_id"), _guidance_cases())
def test_guidance_is_shown(name: str, clause_id: str) -> None:
    """Guidance is shown "at the right moment": when content of one of its kinds is checked, not otherwise."""
    pack = load_pack(name)
    note = next(c for c in pack.clauses if c.id == clause_id and c.kind == "guidance")
    assert note.text is not None and note.show_when
    expected = f"{note.id}: {pack.text(note.text, pack.language)}"
    for kind in note.show_when:
        result = check(Item(text=NEUTRAL[pack.language], kind=kind), pack)
        assert expected in result.guidance, (kind, result.guidance)
        english = check(Item(text=NEUTRAL[pack.language], kind=kind), pack, lang="en")
        assert f"{note.id}: {note.text['en']}" in english.guidance
    for kind in sorted(set(KINDS) - set(note.show_when)):
        result = check(Item(text=NEUTRAL[pack.language], kind=kind), pack)
        assert expected not in result.guidance, kind


# --- quotes are the guideline's own words ---------------------------------------------------------


def _normalise(text: str) -> str:
    text = re.sub(r"-\s*\n\s*", "", text)  # words hyphenated across a line break in the source
    text = text.replace("-", "").replace("\u00ad", "")
    text = re.sub(r"[\s\ufffd•]+", " ", text)
    return text.strip().lower()


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_quotes_are_copied_from_the_seed(prefix: str, shared: Path) -> None:
    source = _normalise((shared / "seeds" / SEEDS[prefix][1]).read_text("utf-8"))
    packs = [load_pack(n) for n in builtin_packs()]
    quotes = [
        (r.code, ref.quote)
        for p in packs
        for r in _own_rules(p)
        for ref in r.clauses
        if ref.id.startswith(f"{prefix}-")
    ]
    quotes += [(c.id, c.quote) for p in packs for c in p.clauses if c.id.startswith(f"{prefix}-")]
    assert quotes
    wrong = [(where, q) for where, q in quotes if _normalise(q) not in source]
    assert not wrong, f"quotes not found in the seed text: {wrong}"


# --- 6. Hustadvika limits deletion to its three grounds ------------------------------------------

DELETE_RULE = """
pack: hustadvika-local
extends: {parent}
title: {{nb: Lokal, en: Local}}
language: nb
country: "NO"
rules:
  - code: HU901
    name: delete-advertising
    title: {{nb: Reklame, en: Advertising}}
    message: {{nb: Reklame., en: Advertising.}}
    remedy: {{nb: Slett., en: Delete.}}
    applies_to: [comment]
    severity: info
    action: delete
    ground: {ground}
    signals: [commercial]
"""


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def test_hustadvika_refuses_delete_on_other_grounds(tmp_path: Path) -> None:
    parent = str(BUILTIN_DIR / "no-hustadvika.yaml")
    path = _write(tmp_path, "hustadvika-local", DELETE_RULE.format(parent=parent, ground="commercial"))
    with pytest.raises(PackError) as err:
        load_pack(str(path))
    message = str(err.value)
    assert "commercial" in message and "HU901" in message and "hustadvika-local.yaml" in message


def test_hustadvika_allows_delete_on_its_grounds(tmp_path: Path) -> None:
    parent = str(BUILTIN_DIR / "no-hustadvika.yaml")
    path = _write(tmp_path, "hustadvika-ok", DELETE_RULE.format(parent=parent, ground="illegal"))
    pack = load_pack(str(path))
    assert pack.rule("HU901") is not None
    assert pack.parameters.deletion_grounds == ["personal_attack", "third_person", "illegal"]


def test_hustadvika_rules_delete_only_on_allowed_grounds() -> None:
    pack = load_pack("no-hustadvika")
    allowed = set(pack.parameters.deletion_grounds or [])
    assert {r.ground for r in pack.rules if r.action == "delete"} <= allowed
    # profanity is no ground for deletion in Hustadvika 2q: it is only reviewed
    rule = pack.rule("HU016")
    assert rule is not None and rule.action == "review"


# --- 7. a broken pack says which file, which line, what -------------------------------------------

GOOD_RULE = """\
pack: broken
title:
  da: Prøve
  en: Test
language: da
country: DK
rules:
  - code: XX001
    name: test-rule
    title: {da: Prøve, en: Test}
    message: {da: Besked., en: Message.}
    remedy: {da: Ret det., en: Fix it.}
    applies_to: [official_post]
    severity: warn
    signals: [national_id]
"""


@pytest.mark.parametrize(
    ("label", "old", "new", "line", "words"),
    [
        ("bad-yaml", "severity: warn", "severity: [warn", 15, "invalid YAML"),
        ("unknown-kind", "applies_to: [official_post]", "applies_to: [tweet]", 13, "unknown kind 'tweet'"),
        (
            "unknown-signal",
            "signals: [national_id]",
            "signals: [cpr_number]",
            15,
            "unknown signal 'cpr_number'",
        ),
        ("no-english", "{da: Besked., en: Message.}", "{da: Besked.}", 11, "English"),
        ("unknown-field", "severity: warn", "severity: warn\n    level: error", 15, "level"),
        (
            "bad-example-kind",
            "signals: [national_id]",
            "signals: [national_id]\n    examples:\n      - {text: Hej, kind: tweet}",
            17,
            "unknown kind 'tweet'",
        ),
    ],
)
def test_broken_pack_names_file_and_line(
    tmp_path: Path, label: str, old: str, new: str, line: int, words: str
) -> None:
    assert old in GOOD_RULE
    path = _write(tmp_path, label, GOOD_RULE.replace(old, new))
    with pytest.raises(PackError) as err:
        load_pack(str(path))
    message = str(err.value)
    assert f"{label}.yaml:" in message, message
    assert re.search(rf"{re.escape(label)}\.yaml:(\d+)", message).group(1) == str(line), message  # type: ignore[union-attr]
    assert words in message, message


def test_the_good_rule_of_the_broken_tests_loads(tmp_path: Path) -> None:
    pack = load_pack(str(_write(tmp_path, "fine", GOOD_RULE)))
    assert [r.code for r in pack.rules] == ["XX001"]


# --- 8. a unit inherits its parent's rules and adapts them -----------------------------------------


def test_tandplejen_inherits_and_overrides_norddjurs() -> None:
    area = load_pack("dk-norddjurs")
    unit = load_pack("dk-norddjurs-tandplejen")
    assert unit.chain == ["dk-norddjurs-tandplejen", "dk-norddjurs", "nordic-baseline"]
    # every rule of the area is there (the unit disables none)
    assert {r.code for r in area.rules} <= {r.code for r in unit.rules}
    assert unit.origin["ND001"] == "dk-norddjurs"
    assert unit.rule("ND001") == area.rule("ND001")
    # the override: work matters outside the approved systems are blocked in Tandplejen, not just warned
    area_rule, unit_rule = area.rule("ND002"), unit.rule("ND002")
    assert area_rule is not None and unit_rule is not None
    assert (area_rule.severity, unit_rule.severity) == ("warn", "block")
    assert unit_rule.signals == area_rule.signals and unit_rule.clauses == area_rule.clauses
    # a rule only the unit has
    assert unit.rule("ND101") is not None and area.rule("ND101") is None
    assert unit.origin["ND101"] == "dk-norddjurs-tandplejen"
    # parameters adapted per unit, the rest inherited
    assert area.parameters.private_use_at_work == "not_stated"
    assert unit.parameters.private_use_at_work == "forbidden"
    assert unit.parameters.guideline_review == area.parameters.guideline_review == "with_all_and_onboarding"
    assert (
        "journal" in unit.parameters.approved_channels and "journal" not in area.parameters.approved_channels
    )
    # clause notes of both levels
    ids = {c.id for c in unit.clauses}
    assert {"ND-1", "ND-11", "ND-2", "ND-4"} <= ids
    # the unit replaces the area's note on private use at work with its own (same clause and kind)
    area_note = next(c for c in area.clauses if c.id == "ND-4" and c.kind == "guidance")
    unit_note = next(c for c in unit.clauses if c.id == "ND-4" and c.kind == "guidance")
    assert area_note.text != unit_note.text and "Tandplejen" in (unit_note.text or {}).get("da", "")
    assert len([c for c in unit.clauses if c.id == "ND-4"]) == 1


def test_tandplejen_override_takes_effect_in_a_check() -> None:
    text = next(e.text for e in load_pack("dk-norddjurs").rule("ND002").examples if e.fires)  # type: ignore[union-attr]
    item = Item(text=text, kind="internal_message", channel="snapchat")
    area = check(item, load_pack("dk-norddjurs"))
    unit = check(item, load_pack("dk-norddjurs-tandplejen"))
    assert [f.rule.severity for f in area.findings if f.rule.code == "ND002"] == ["warn"]
    assert [f.rule.severity for f in unit.findings if f.rule.code == "ND002"] == ["block"]
    assert unit.verdict == "block"


def test_replaced_baseline_rules_give_one_finding() -> None:
    pack = load_pack("dk-hjorring")
    assert pack.rule("NB001") is None and pack.rule("HJ005") is not None
    codes = _codes(pack, "Hej Mette. Vi har oprettet dig med CPR-nummer 170692-1008.", "reply")
    assert "HJ005" in codes and "NB001" not in codes


def test_hustadvika_overrides_the_baseline_ground_for_third_persons() -> None:
    base, hu = load_pack("nordic-baseline"), load_pack("no-hustadvika")
    assert base.rule("NB016").ground == "personal_data"  # type: ignore[union-attr]
    assert hu.rule("NB016").ground == "third_person"  # type: ignore[union-attr]
