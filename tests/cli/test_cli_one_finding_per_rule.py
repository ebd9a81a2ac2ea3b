"""A citizen asks about their own case and gives its number: the rule on case questions reads two signals
(the question and the case number) and must show the moderator one finding, not the same message twice.
`rettesnor check --jsonl` runs as a process, as a moderation integration runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

# (pack, rule code, comment, start of the rule's message in the pack's language, the question's words,
# the case number)
CASES = [
    (
        "se-norsjo",
        "NB014",
        "Tack till Birgitta för hjälpen. Varför har jag inte fått svar? Mitt diarienummer är BN 2025/0412.",
        "Kommentaren frågar om skribentens eget ärende",
        "Varför har jag inte fått",
        "BN 2025/0412",
    ),
    (
        "dk-hjorring",
        "NB014",
        "Tak til Birthe for hjælpen. Hvorfor har jeg ikke fået svar? Mit journalnummer er 2025-004127.",
        "Kommentaren spørger til skribentens egen sag",
        "Hvorfor har jeg ikke fået",
        "2025-004127",
    ),
    (
        "no-hustadvika",
        "HU003",
        "Takk til Kari for hjelpen. Når får jeg svar på søknaden min? Saksnummer: 25/01234.",
        "Kommentaren spør om en sak",
        "Når får jeg svar",
        "25/01234",
    ),
]


def check_jsonl(pack: str, text: str) -> list[dict[str, Any]]:
    cmd = [sys.executable, "-c", "from rettesnor.cli import main; main()", "check", "--jsonl", "-"]
    cmd += ["-p", pack]
    line = json.dumps({"id": "c1", "text": text, "kind": "comment"}, ensure_ascii=False) + "\n"
    proc = subprocess.run(cmd, input=line, capture_output=True, text=True, timeout=60, check=False)
    assert not proc.stderr, proc.stderr
    return [json.loads(out) for out in proc.stdout.splitlines()]


@pytest.mark.parametrize(("pack", "code", "text", "message", "question", "number"), CASES)
def test_a_case_question_with_its_case_number_is_one_finding_listing_both_places(
    pack: str, code: str, text: str, message: str, question: str, number: str
) -> None:
    (result,) = check_jsonl(pack, text)
    findings = [f for f in result["findings"] if f["code"] == code]
    assert len(findings) == 1, findings  # not once per category (case_inquiry and case_number)
    (finding,) = findings
    assert finding["message"].startswith(message)
    # Filed under the rule's first signal; the other category is kept, and each place names its own.
    assert finding["category"] == "case_inquiry"
    assert finding["categories"] == ["case_inquiry", "case_number"]
    places = [(s["text"], s["category"]) for s in finding["spans"]]
    assert (question, "case_inquiry") in places and (number, "case_number") in places
    assert [s["start"] for s in finding["spans"]] == sorted(s["start"] for s in finding["spans"])
    by_category = {e["category"] for e in finding["evidence"]}
    assert by_category == {"case_inquiry", "case_number"}
    assert any(e["detector"].startswith("case_number.") for e in finding["evidence"])
    # Each rule once in the whole result: no finding repeats another's rule.
    codes = [f["code"] for f in result["findings"]]
    assert len(codes) == len(set(codes)), codes


def test_a_finding_of_one_category_reads_as_before() -> None:
    (result,) = check_jsonl("se-norsjo", "Varför har jag inte fått svar på min ansökan?")
    finding = next(f for f in result["findings"] if f["code"] == "NB014")
    assert finding["category"] == "case_inquiry" and "categories" not in finding
    assert all(set(s) == {"start", "end", "text"} for s in finding["spans"])
    assert all("category" not in e for e in finding["evidence"])


def test_the_text_output_shows_the_rule_once_with_both_categories() -> None:
    pack, code, text, message, question, number = CASES[0]
    cmd = [sys.executable, "-c", "from rettesnor.cli import main; main()", "check", "-", "-p", pack]
    cmd += ["-k", "comment"]
    proc = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    assert proc.stdout.count(f"{code} ") == 1 and proc.stdout.count(message) == 1
    # the categories, the verdict and the action in the reader's language (here the pack's: Swedish)
    assert f"{code} info  [Ärendefråga, Ärendenummer]" in proc.stdout and "→ Granska" in proc.stdout
    assert "bedömning: GRANSKA" in proc.stdout and "case_number" not in proc.stdout
    assert f"⟦{question}⟧" in proc.stdout and f"⟦{number}⟧" in proc.stdout  # both places marked


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("da", ("Borgers kommentar · vurdering: GENNEMSE", "[Fornærmelse]", "→ Gennemse (Personangreb)")),
        ("nb", ("vurdering: VURDER", "[Fornærmelse]", "→ Vurder (Personangrep)")),
        ("en", ("Citizen's comment · verdict: REVIEW", "[Insult]", "→ Review (Personal attack)")),
    ],
)
def test_the_text_output_names_codes_in_the_readers_language(lang: str, words: tuple[str, ...]) -> None:
    cmd = [sys.executable, "-c", "from rettesnor.cli import main; main()", "check", "-", "-p", "dk-hjorring"]
    cmd += ["-k", "comment", "--lang", lang]
    text = "Du er en idiot"
    proc = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    for word in words:
        assert word in proc.stdout
    assert "personal_attack" not in proc.stdout and "[insult]" not in proc.stdout
