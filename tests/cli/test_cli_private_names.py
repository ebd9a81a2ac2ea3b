"""A communications officer checks a reply that names a citizen: the seed pack's own decision (issue 16,
item 7) shows through the CLI as a process, in the pack's language, and the reply without the name passes."""

from __future__ import annotations

import subprocess
import sys

import pytest

# (pack, rule, reply naming a neighbour, the same reply without the name, a word of the rule's title)
CASES = [
    (
        "se-norsjo",
        "NS019",
        "Vi har pratat med din granne Gunilla Lindqvist om staketet.",
        "Vi har pratat med din granne om staketet.",
        "privatperson",
    ),
    (
        "dk-sonderborg",
        "SB006",
        "Vi har talt med din nabo Birthe Mortensen om hegnet.",
        "Vi har talt med din nabo om hegnet.",
        "borger",
    ),
    (
        "no-hustadvika",
        "HU019",
        "Vi har snakket med naboen din Kari Hansen om gjerdet.",
        "Vi har snakket med naboen din om gjerdet.",
        "privatperson",
    ),
]


def check(pack: str, text: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable,
        "-c",
        "from rettesnor.cli import main; main()",
        "check",
        "-",
        "-p",
        pack,
        "-k",
        "reply",
    ]
    return subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("pack", "code", "named", "unnamed", "word"), CASES)
def test_a_citizens_full_name_in_a_reply_is_a_warning_in_the_packs_language(
    pack: str, code: str, named: str, unnamed: str, word: str
) -> None:
    proc = check(pack, named)
    assert proc.returncode == 0, proc.stderr  # a warning does not block publishing
    assert code in proc.stdout
    assert word in proc.stdout.lower()  # the rule's title in the pack's language
    assert "private person" not in proc.stdout.lower()  # not the English title


# The Danish reply without the name was read as a threat (0.91) by the harm classifier until it was
# retrained with the harm corpus's train-only hard negatives (corpora/harm/train-extra; docs/evaluation.md
# (h)); NB008 then blocked it.
@pytest.mark.parametrize(("pack", "code", "named", "unnamed", "word"), CASES)
def test_the_same_reply_without_the_name_passes(
    pack: str, code: str, named: str, unnamed: str, word: str
) -> None:
    proc = check(pack, unnamed)
    assert proc.returncode == 0, proc.stdout
    assert code not in proc.stdout
