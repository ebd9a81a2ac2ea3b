"""What the engine recommends for citizens' comments (issue 13): a threat is deleted, a phone number is
hidden, an insult is reviewed with the ground a hide or delete would take, a complaint is registered.

The texts are the kind the demo seeds and a tester typed; the expectations name the rule and ground, so
a change of lexicon or pack that breaks one of them fails here."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from rettesnor.check import check
from rettesnor.intake import ingest
from rettesnor.item import Item
from rettesnor.moderation import queue
from rettesnor.moderation.registration import list_registration_tasks
from rettesnor.policy.loader import load_pack
from support.archivedata import comment, post, town_with_account


def _advice(text: str, pack: str) -> tuple[str, str | None, str | None]:
    """(verdict, ground, rule) of the finding that decides the verdict."""
    result = check(Item(text=text, kind="comment"), load_pack(pack), None)
    top = [f for f in result.findings if (f.rule.action or "review") == result.verdict]
    return result.verdict, (top[0].rule.ground if top else None), (top[0].rule.code if top else None)


@pytest.mark.parametrize(
    ("pack", "text", "rule"),
    [
        ("dk-hjorring", "Jeg slår jer ihjel.", "NB009"),
        ("dk-sonderborg", "Vi dræber jer, hvis I lukker skolen.", "NB009"),
        ("dk-norddjurs", "Jeg skyder jer alle sammen.", "NB009"),
        ("no-hustadvika", "Jeg slår dere i hjel.", "HU015"),
        ("no-hustadvika", "Jeg dreper dere hvis dere legger ned skolen.", "HU015"),
        ("se-norsjo", "Jag slår ihjäl er.", "NS013"),
        ("se-norsjo", "Jag dödar er om ni stänger skolan.", "NS013"),
    ],
)
def test_a_threat_to_the_addressees_is_deleted_as_illegal(pack: str, text: str, rule: str) -> None:
    assert _advice(text, pack) == ("delete", "illegal", rule)


@pytest.mark.parametrize(
    ("pack", "text"),
    [
        ("dk-hjorring", "Sprøjtemidlet dræber dem alle, også bierne."),  # pests, not people
        ("se-norsjo", "Giftet dödar dem, så håll barnen borta från rabatten."),
        ("no-hustadvika", "Hvis dere legger ned skolen, klager vi til Statsforvalteren."),
    ],
)
def test_killing_pests_or_a_firm_complaint_is_no_threat(pack: str, text: str) -> None:
    assert _advice(text, pack)[0] != "delete"


@pytest.mark.parametrize(
    ("pack", "text"),
    [
        (
            "dk-hjorring",
            "Min søn har mistet sit lånerkort, ring til mig på 23 45 67 89 så jeg kan få et nyt.",
        ),
        (
            "no-hustadvika",
            "Naboen min har ikke fått brøytet, ring meg på 912 34 567 så skal jeg forklare hvor.",
        ),
        ("se-norsjo", "Min mamma har tappat sitt lånekort, ring mig på 070-123 45 67 så kan vi lösa det."),
    ],
)
def test_a_citizens_phone_number_is_hidden_as_personal_data(pack: str, text: str) -> None:
    assert _advice(text, pack) == ("hide", "personal_data", "NB020")


def test_an_insult_without_a_rule_of_the_guideline_is_reviewed_with_its_ground() -> None:
    text = "I er nogle idioter og klovne på rådhuset, det her er totalt inkompetent."
    assert _advice(text, "dk-hjorring") == ("review", "personal_attack", "NB012")
    # Hustadvika and Norsjö say what an insult is: a personal attack, a ground for deletion
    assert _advice("Dere er noen idioter og klovner alle sammen.", "no-hustadvika") == (
        "delete",
        "personal_attack",
        "HU013",
    )


def test_the_phone_number_and_the_threat_reach_the_queue_and_the_complaint_a_task(db: Session) -> None:
    town = town_with_account(db, "alpha", "dk-hjorring")
    assert town.account is not None
    texts = {
        "c1": "Min søn har mistet sit lånerkort, ring til mig på 23 45 67 89 så jeg kan få et nyt.",
        "c2": "Jeg slår jer ihjel.",
        "c3": "Jeg vil gerne klage over at der ikke er skiltet ordentligt. Jeg fik en bøde.",
        "c4": "Tak for et super bibliotek.",
    }
    events = [post("p1", "Biblioteket holder åbent til kl. 21.", town.account.id)]
    events += [comment(pid, t, town.account.id) for pid, t in texts.items()]
    ingest(db, town.org, events)
    queued = {r.platform_id: (c.recommended, c.ground) for c, r in queue.list_queue(db, town.org)}
    assert queued == {
        "c1": ("hide", "personal_data"),
        "c2": ("delete", "illegal"),
        "c3": ("review", None),
    }
    tasks = list_registration_tasks(db, town.org)
    assert [t.kind for t in tasks] == ["complaint"]
