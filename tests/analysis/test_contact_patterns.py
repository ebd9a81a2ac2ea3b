"""The label patterns of contact.py, rewritten to start with a plain character class (so the regex
engine skips to their first letter in C), match exactly what the (?i) patterns they replace matched."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable

import pytest

from rettesnor.analysis import contact

# The patterns as they were (2026-12-03; the case labels as extended on 2026-12-04), kept here to hold
# the rewritten ones to them.
OLD: dict[str, str] = {
    "_DK_LABELLED": (
        r"(?i)(?<![\w.])(?P<label>reg(?:istrerings)?(?:\.|\s)?\s?(?:nr|nummer)?\.?)\s?:?\s?(?P<reg>\d{4})"
        r"[\s,./:;\-]{1,3}(?:(?:og\s|and\s)?(?:konto(?:nummer|nr)?|kto(?:nr)?|account(?:\s(?:no|number))?)"
        r"\.?(?:\s?nr\.?)?\s?:?\s?)?(?P<konto>\d{4,10})(?!\w)"
    ),
    "_BANKGIRO": (
        r"(?i)(?<![\w])(?P<label>bankgiro|bg)(?:[\s\-]?(?:nummer|nr))?\.?\s?:?\s?(?P<num>\d{3,4}-\d{4})(?![\w\-])"
    ),
    "_PLUSGIRO": (
        r"(?i)(?<![\w])(?P<label>plusgiro|postgiro|pg)(?:[\s\-]?(?:nummer|nr|konto))?\.?\s?:?\s?"
        r"(?P<num>\d{1,2}(?: ?\d{2}){0,3}-\d)(?![\w\-])"
    ),
    # with the definite forms, the linking verb and the reference labels of 2026-12-04
    "_CASE": (
        r"(?i)(?<![\w.])(?P<label>(?:"
        r"sags?\.?\s?-?nr|sags?-?(?:nummer(?:et)?|numret)|j\.\s?nr|jnr|journal\s?-?(?:nr|nummer(?:et)?|numret)"
        r"|saks?\.?\s?-?nr|saks?-?(?:nummer(?:et)?|numret)"
        r"|(?:vår|vor|deres|dykkar|din|your|our)\s(?:ref(?:eransen?|erencen?|erens(?:en)?)?|beteckning)"
        r"|ref(?:erence|eranse|erens)?\.?\s?-?(?:nr|no|number|nummer(?:et)?|numret)"
        r"|d\.?nr|diarie(?:nummer(?:et)?|numret|nr)|ärende(?:nummer(?:et)?|numret|nr|\snr)|case\s(?:no|number|nr))"
        r"(?![^\W\d_]))\.?(?:\s?:)?\s?(?:(?:er|är|is|var|was)\s)?"
        r"(?P<value>(?:[A-ZÅÄÖ]{1,5}[\s\-.])?\d\w{0,20}(?:[./\-]\w{1,20}){0,8})"
    ),
    "_CASE_RARE": (
        r"(?i)(?<![\w.])(?P<label>(?:arkivsak(?:s?\.?\s?-?(?:nr|id)|s?-?(?:nummer(?:et)?|numret))"
        r"|er\s(?:referens|beteckning)|(?:my|min|mitt?)\sref(?:eransen?|erencen?|erens(?:en)?)?"
        r"|file\s(?:no|number|nr))(?![^\W\d_]))\.?(?:\s?:)?\s?(?:(?:er|är|is|var|was)\s)?"
        r"(?P<value>(?:[A-ZÅÄÖ]{1,5}[\s\-.])?\d\w{0,20}(?:[./\-]\w{1,20}){0,8})"
    ),
    "_CASE_WORD_RARE": (
        r"(?i)(?<![\w.])(?P<label>arkivsak(?:en|a)?)\s(?:nr\.?\s|nummer\s)?"
        r"(?P<value>(?:[A-ZÅÄÖ]{1,5}[\s\-])?(?:\d{2}|\d{4})/\d{3,6}(?:-\d{1,3})?)(?![\w/])"
    ),
    "_PHONE_RUN": (
        r"(?<![\w+/=#@&%$€£\-])"
        r"(?=\+?(?:[ \u00a0\u202f.\-\u2010-\u2013]{0,2}[()]?[ \u00a0]?\d){8})"
        r"(?:\+[ \u00a0]?)?(?:\(\d{1,4}\)[ \u00a0]?)?\d+"
        r"(?:(?:[ \u00a0\u202f.\-\u2010-\u2013]|[ \u00a0]?\(\d{1,4}\)[ \u00a0]?)\d+)*"
    ),
    "_CASE_WORD": (
        r"(?i)(?<![\w.])(?P<label>sag(?:en)?|sak(?:en|a)?|ärende(?:t)?|case)\s(?:nr\.?\s|nummer\s)?"
        r"(?P<value>(?:[A-ZÅÄÖ]{1,5}[\s\-])?(?:\d{2}|\d{4})/\d{3,6}(?:-\d{1,3})?)(?![\w/])"
    ),
}

# Pieces the labels and values are made of, with the characters (?i) folds ("ſ", "İ", Kelvin sign) and
# the separators the patterns care about, so random strings hit the labels often.
_WORDS = (
    "sag sags sagsnr sags-nr sagen sak saken saka saksnummer j. jnr journal journalnr vår vor deres dykkar "
    "din your our ref refnr referanse reference d.nr dnr diarienr ärende ärendet ärendenr case case no "
    "reg reg. regnr registreringsnummer konto kontonr kto account bankgiro bg plusgiro postgiro pg nummer "
    "nr no number og and SAG Sag ſag ſak JNR Vår VÅR ÄRENDE Ärende CASE Case REG Reg BG Bg PG Pg ſ İ ı K Å"
)
PIECES = [
    *_WORDS.split(),
    *(" ", " ", ".", "-", ":", "/", ",", "x", "A", "BN", "1", "12", "123", "1234", "2024", "0412"),
    *("123-4567", "1234-5678", "12 34 56-7", "1234567-8", "25/04417", "2024/123-3", "0012345678", "1234 56"),
]

# The case labels' own pieces (2026-12-04), only for the case patterns (they would thin out the others').
CASE_PIECES = [
    *PIECES,
    *"saksnummeret numret nummeret er är is was Er referens beteckning arkivsak arkivsaks".split(),
    *"arKivsaken file".split(),
    *"File id referencen KS. ef arkivsaksnr arkivsak-id arkivsaksnummeret".split(),
    *("Er beteckning", "er referens", "file no", "Arkivsaksnr.", "arkivsak", "my ref", "Min referens"),
    *("mitt ref", "mit referencen", "My reference is", "vår referensen"),
]


PHONE_PIECES = [
    *(
        "1",
        "12",
        "123",
        "1234",
        "12345678",
        "+45",
        "+",
        "00",
        "0",
        "(0)",
        "(",
        ")",
        "(12)",
        "-",
        "--",
        ".",
        "/",
    ),
    *(" ", " ", " ", "\u00a0", "\u2013", "\n", "a", "id=", "#", "€", "kr", "tlf", ",", ",00", "x", "Ø", "@"),
]


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def _same_matches(
    pattern: re.Pattern[str], matches_of: Callable[[str], Iterable[re.Match[str]]], texts: list[str]
) -> int:
    """Asserts that ``matches_of`` gives each text's matches of ``pattern``; returns how many there were."""
    found = 0
    for t in texts:
        expected = _matches(pattern, t)
        assert [(m.span(), m.groupdict()) for m in matches_of(t)] == expected, t
        found += len(expected)
    return found


def _random_texts(rng: random.Random, pieces: list[str], joined: int, spaced: int) -> list[str]:
    """``joined`` texts of 1-16 pieces run together, then ``spaced`` texts of pieces between spaces."""
    return [
        sep.join(rng.choice(pieces) for _ in range(rng.randint(1, 16)))
        for sep, n in (("", joined), (" ", spaced))
        for _ in range(n)
    ]


@pytest.mark.parametrize("name", sorted(OLD))
def test_rewritten_label_pattern_matches_as_before(name: str) -> None:
    old, new = re.compile(OLD[name]), getattr(contact, name)
    rng = random.Random(name)
    pieces = PHONE_PIECES if name == "_PHONE_RUN" else CASE_PIECES if name.startswith("_CASE") else PIECES
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(20_000)] + [
        " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(20_000)
    ]
    joined = "\n".join(texts)
    assert _matches(new, joined) == _matches(old, joined)
    hits = sum(1 for t in texts if old.search(t))
    assert hits > 50  # the strings do exercise the pattern
    for t in texts:
        assert _matches(new, t) == _matches(old, t)


def test_first_of_is_what_ignorecase_matches() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for letters in ("r", "b", "p", "sjvdyoräc", "säc", "kiå"):
        expected = set(re.findall(f"(?i)[{letters}]", every))
        assert set(re.findall(contact._first_of(letters), every)) == expected


def test_label_patterns_start_with_a_class_the_engine_can_skip_to() -> None:
    # The reason for the rewrite: no (?i) flag on the whole pattern, and a character class first.
    for name in OLD:
        if name == "_PHONE_RUN":
            assert contact._PHONE_RUN.pattern.startswith("[+(\\d]")
            continue
        pattern: re.Pattern[str] = getattr(contact, name)
        assert not pattern.flags & re.IGNORECASE
        assert pattern.pattern.startswith("(?P<label>[")


STREET_PIECES = [
    *"Østergade Storgata gate gade vej Vej Gammel Kongevej Karl Johans Sveavägen allé Allé bor på".split(),
    "Hej",
    *("Ålesund", "København", "OSLO", "A", "b", "ø", "x" * 39, "Y" * 41, "İstanbul", "ſt", "_a", "a_"),
    *(" ", " ", "\u00a0", ", ", ".", "-", "/", "1", "12", "4B", "4 B", "123", "12345", "2100", "0150 Oslo"),
]


def test_anchors_from_hints_are_the_anchor_scan() -> None:
    rng = random.Random(4)
    texts = _random_texts(rng, STREET_PIECES, 20_000, 20_000)
    assert _same_matches(contact._ANCHOR, contact._anchors, texts) > 1000


EMAIL_PIECES = [
    *"a b x ab Ø ñ é_ 1 12 _ - -- + % . .. @ @@ @a a@ a@b a@b. .dk .com .c .d1 .co.uk".split(),
    *("mette.jensen", "l.hansen", "post", "gmail", "b-c", "-x", "x-", "q_", "İ", "ſ", "1a", "a1.b2"),
    *(" ", " ", "\n", ",", ";", "(", ")", "<", ">", "/", "=", "'", "#", ":", "y" * 62, "z" * 64),
]


@pytest.mark.parametrize("dense_at", [contact._DENSE_AT, 10**9])
def test_email_matches_from_the_at_signs_are_the_regex_scan(
    dense_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10**9: no text is dense, every one goes through the '@' path (short texts full of '@' otherwise scan).
    monkeypatch.setattr(contact, "_DENSE_AT", dense_at)
    rng = random.Random(17)
    texts = _random_texts(rng, EMAIL_PIECES, 30_000, 10_000)
    # the strings do make addresses, next to and inside each other
    assert _same_matches(contact._EMAIL, contact._email_matches, texts) > 1000
    joined = "".join(texts)  # one long text: a match's end decides where the next may start
    expected = _matches(contact._EMAIL, joined)
    assert [(m.span(), m.groupdict()) for m in contact._email_matches(joined)] == expected
    assert len(expected) > 1000


@pytest.mark.parametrize("dense", [contact._DENSE_HINTS, 10**9])
def test_phone_runs_near_hints_are_the_regex_scan(dense: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # 10**9: no text counts as thick with hints, every one is read near its hints only.
    monkeypatch.setattr(contact, "_DENSE_HINTS", dense)
    rng = random.Random(8)
    texts = ["".join(rng.choice(PHONE_PIECES) for _ in range(rng.randint(1, 30))) for _ in range(30_000)]
    texts += [
        " word ".join(rng.choice(PHONE_PIECES) * rng.randint(1, 3) for _ in range(12)) for _ in range(3_000)
    ]
    found = 0

    def near(t: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
        args = (contact._PHONE_RUN, t, contact._PHONE_HINT, contact._PHONE_BEFORE, contact._PHONE_REACH)
        pairs = [(m.span(), m.groupdict()) for m in contact._near_hints(*args)]
        # only the positions where a candidate can start, each matched on the whole text: the same
        assert [(m.span(), m.groupdict()) for m in contact._near_hints(*args, contact._PHONE_STARTS)] == pairs
        return pairs

    for t in texts:
        expected = _matches(contact._PHONE_RUN, t)
        assert near(t) == expected, t
        found += len(expected)
    assert found > 3000
    joined = " ".join(texts[:3000]) + "ord " * 20_000 + "".join(texts[3000:6000])
    assert near(joined) == _matches(contact._PHONE_RUN, joined)
    assert contact._PHONE_RUN.pattern.startswith(contact._PHONE_STARTS.pattern)


@pytest.mark.parametrize("dense", [contact._DENSE_HINTS, 10**9])
@pytest.mark.parametrize("name", ["_CASE", "_CASE_RARE", "_CASE_WORD", "_DK_LABELLED"])
def test_label_patterns_near_digits_are_the_regex_scan(
    name: str, dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contact, "_DENSE_HINTS", dense)
    pattern: re.Pattern[str] = getattr(contact, name)
    rng = random.Random(name + "near")
    base = CASE_PIECES if name.startswith("_CASE") else PIECES
    pieces = [*base, "registreringsnummer", "kontonummer", "dykkar referanse", "journal -nummer", "AB-"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(15_000)] + [
        " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(15_000)
    ]
    # The patterns near_hints is given the start positions of (each begins with that pattern).
    starts: re.Pattern[str] | None = getattr(contact, name + "_STARTS", None)
    if starts is not None:
        assert pattern.pattern.startswith("(?P<label>" + starts.pattern)
    found = 0
    for t in texts:
        expected = _matches(pattern, t)
        near = contact._near_hints(pattern, t, contact._DIGITS, contact._LABEL_BEFORE, contact._LABEL_REACH)
        assert [(m.span(), m.groupdict()) for m in near] == expected, t
        if starts is not None:
            args = (pattern, t, contact._DIGITS, contact._LABEL_BEFORE, contact._LABEL_REACH, starts)
            assert [(m.span(), m.groupdict()) for m in contact._near_hints(*args)] == expected, t
        found += len(expected)
    assert found > 50  # the strings do exercise the pattern
    joined = " ".join(texts[:5000]) + " ord" * 30_000 + "\n".join(texts[5000:10_000])
    for given in (None, starts):
        near = contact._near_hints(
            pattern, joined, contact._DIGITS, contact._LABEL_BEFORE, contact._LABEL_REACH, given
        )
        assert [(m.span(), m.groupdict()) for m in near] == _matches(pattern, joined)


def test_iban_hint_is_two_capitals_and_two_digits() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        t = "".join(rng.choice("AZaz09 .Ä-") for _ in range(rng.randint(0, 8)))
        assert (contact._IBAN_HINT.search(t) is None) == (re.search(r"[A-Z]{2}\d\d", t) is None), t
        if t == t.lower():  # what _bank_accounts skips the hint for
            assert re.search(r"[A-Z]{2}\d\d", t) is None
