"""contact.py's shortcuts from a text's runs of digits (``_shape``), its own account and fødselsnummer
checks and its one-pass phone validity give what the scans, python-stdnum and phonenumbers give."""

from __future__ import annotations

import datetime as dt
import random
import re
import types
from dataclasses import replace

import phonenumbers
import pytest
from stdnum.no import fodselsnummer, kontonr

from rettesnor.analysis import contact
from rettesnor.analysis.context import AnalysisContext

# Digits (ASCII and Arabic-Indic, which \d also matches; "²" and "½", which it does not), the separators the
# pre-filters read, capitals and letters of both kinds, and longer pieces of the shapes they look for.
SHAPE_PIECES = [
    *"0 1 7 12 123 1234 12345 123456 1234567 12345678 0000 ٣ ٣٣ ² ½".split(),
    *"A B Z AB NO DK SE a b x æ Ø ÄÖ İ ſ _ - / . , : + ( ) # = @".split(),
    *(" ", " ", "\u00a0", "\n", "\u2013", "-", "/", " / ", " - ", "  ", "ab ", "Vej ", "DK12", "NO93 "),
    *("123-4567", "12 34 56-7", "25/04417", "2024/123", "1234 5678903", "1234.56.78903", "+45 12 34"),
]


def _texts(seed: int, n: int, longest: int = 16) -> list[str]:
    rng = random.Random(seed)
    joined = ["".join(rng.choice(SHAPE_PIECES) for _ in range(rng.randint(0, longest))) for _ in range(n)]
    spaced = [" ".join(rng.choice(SHAPE_PIECES) for _ in range(rng.randint(0, longest))) for _ in range(n)]
    return joined + spaced


def _long_and_sparse(texts: list[str]) -> list[str]:
    """Texts of 80 of ``texts`` each, far apart: more runs than _MAX_RUNS, but few per character."""
    filler = " " + "y" * 4 * contact._SPARSE_RUNS + " "
    return [filler.join(texts[k : k + 80]) for k in range(0, len(texts), 80)]


def _found(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.search(text) is not None


def test_shape_is_what_the_pre_filters_find() -> None:
    dk_pair_or_labelled = (contact._DK_PAIR, contact._DK_LABELLED)
    texts = _texts(1, 25_000)
    long = _long_and_sparse(texts[:16_000])
    assert sum(len(contact._shape(t).runs or ()) > contact._MAX_RUNS for t in long) > 150
    for text in texts + long:
        shape = contact._shape(text)
        if shape is contact._ANY_SHAPE:
            assert len(contact._DIGITS.findall(text)) > contact._MAX_RUNS
            assert len(contact._DIGITS.findall(text)) * contact._SPARSE_RUNS > len(text)
            continue
        assert shape.runs == [m.span() for m in contact._DIGITS.finditer(text)], text
        assert (shape is contact._NO_DIGITS) == (not _found(contact._DIGIT, text))
        # exact where the field stands for a pre-filter
        assert (shape.longest >= 4) == _found(contact._FOUR_DIGITS, text), text
        assert shape.phone == _found(contact._PHONE_HINT, text), text
        assert shape.capitals == _found(contact._IBAN_HINT, text), text
        # necessary where it only skips a pattern
        if _found(contact._ANCHOR_HINT, text):
            assert shape.spaced, text
        if _found(contact._BANKGIRO, text) or _found(contact._PLUSGIRO, text):
            assert shape.dash, text
        if _found(contact._CASE_WORD, text) or _found(contact._CASE_WORD_RARE, text):
            assert shape.slash, text
        if any(_found(p, text) for p in dk_pair_or_labelled):
            assert shape.longest >= 4, text
        if _found(contact._DK_PAIR, text):
            assert shape.longest >= 6, text


def test_shape_fields_are_each_hit() -> None:
    # The strings above do reach every field both ways.
    shapes = [contact._shape(t) for t in _texts(2, 3_000)]
    for field in ("phone", "spaced", "capitals", "dash", "slash"):
        values = {getattr(s, field) for s in shapes if s.runs is not None}
        assert values == {True, False}, field


def test_shape_gives_up_on_many_runs_close_together() -> None:
    text = "1 " * (contact._MAX_RUNS + 1)
    assert contact._shape(text) is contact._ANY_SHAPE
    assert contact._shape("1 " * contact._MAX_RUNS).runs is not None
    sparse = ("x" * contact._SPARSE_RUNS + "12") * 2_000  # a long text with few numbers keeps its runs
    shape = contact._shape(sparse)
    assert shape.runs == [m.span() for m in contact._DIGITS.finditer(sparse)]
    assert (shape.longest, shape.phone, shape.spaced, shape.capitals) == (2, False, False, False)


def test_matches_at_runs_and_hints_from_runs_are_the_scans() -> None:
    texts = _texts(3, 20_000)
    texts += ["".join(texts[k : k + 40]) for k in range(0, 2_000, 40)]  # many runs: the scan itself
    texts += _long_and_sparse(texts[:8_000])
    found = anchors = 0
    for text in texts:
        runs = contact._shape(text).runs
        expected = [(m.span(), m.groupdict()) for m in contact._NO_KONTO.finditer(text)]
        given = [(m.span(), m.groupdict()) for m in contact._at_runs(contact._NO_KONTO, text, runs, 4)]
        assert given == expected, text
        found += len(expected)
        hints = [m.start() for m in contact._ANCHOR_HINT.finditer(text)]
        assert list(contact._anchor_hints(text, runs)) == hints, text
        anchors += len(hints)
        if runs is not None:
            near = contact._near_hints(
                contact._CASE, text, contact._DIGITS, contact._LABEL_BEFORE, contact._LABEL_REACH, None, runs
            )
            assert [m.span() for m in near] == [m.span() for m in contact._CASE.finditer(text)]
    assert found > 500 and anchors > 500


def _with_check_digits(nine: str) -> str:
    """``nine`` with a fødselsnummer's two check digits (a check digit of 10 written as "10": invalid)."""
    c1 = (11 - sum(w * int(d) for w, d in zip(contact._FNR_WEIGHTS[0], nine, strict=True))) % 11
    ten = nine + str(c1)
    c2 = (11 - sum(w * int(d) for w, d in zip(contact._FNR_WEIGHTS[1], ten[:10], strict=True))) % 11
    return ten + str(c2)


def _ids_and_numbers(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        if k % 4 == 0:  # a fødselsnummer with right check digits (D-, H-, FH-numbers, any century)
            day, month, year, individual = (
                rng.randint(1, 99),
                rng.randint(1, 52),
                rng.randint(0, 99),
                rng.randint(0, 999),
            )
            out.append(_with_check_digits(f"{day:02d}{month:02d}{year:02d}{individual:03d}"))
        elif k % 4 == 1:
            out.append("0000" + "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 7, 3)))))
        else:
            out.append("".join(rng.choice("0123456789٣") for _ in range(rng.choice((7, 10, 11, 11, 12)))))
    return out


def test_own_account_and_birth_number_checks_are_stdnum() -> None:
    numbers = _ids_and_numbers(4, 120_000)
    numbers += [
        f"{d:02d}{m:02d}{y:02d}{i:03d}00"
        for d in (1, 29, 31, 45, 81)
        for m in (2, 13, 42)
        for y in (0, 39, 40, 53, 54, 99)
        for i in (0, 499, 500, 749, 750, 899, 900, 999)
    ]
    for number in numbers:
        assert contact._kontonr_valid(number) == kontonr.is_valid(number), number
        assert contact._fodselsnummer_valid(number) == fodselsnummer.is_valid(number), number
    assert sum(map(fodselsnummer.is_valid, numbers)) > 5_000
    assert sum(map(kontonr.is_valid, numbers)) > 5_000


def test_birth_number_after_today_is_not_valid() -> None:
    born = dt.date.today() + dt.timedelta(days=2)  # a child born the day after tomorrow, in 20xx
    numbers = [_with_check_digits(born.strftime("%d%m%y") + str(i)) for i in range(900, 1000)]
    right = [n for n in numbers if n[-2:].isdigit() and len(n) == 11]  # check digits of 10 do not exist
    assert len(right) > 50
    for number in right:
        assert not fodselsnummer.is_valid(number)
        assert not contact._fodselsnummer_valid(number)


PHONE_PIECES = [
    *"+45 +46 +47 +1 +44 +358 +354 +298 +299 00 0 1 2 3 4 7 8 9 12 20 40 55 70 79 80 90 800 123 4567".split(),
    *(" ", " ", "-", "(0)", "(", ")", "."),
]


def test_phone_validity_in_one_pass_is_the_three_calls() -> None:
    rng = random.Random(6)
    valid = 0
    for _ in range(20_000):
        if rng.random() < 0.5:
            raw = "".join(rng.choice(PHONE_PIECES) for _ in range(rng.randint(2, 8)))
        else:  # a number of a plausible length after a prefix: valid ones of many types and regions
            prefix, length = rng.choice((("", 8), ("0", 9), ("+47 ", 8), ("+45", 8), ("+46 ", 9), ("+1", 10)))
            raw = prefix + "".join(rng.choice("0123456789") for _ in range(length))
        for region in (None, "DK", "NO", "SE"):
            try:
                number = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            expected_valid = phonenumbers.is_valid_number(number)
            got_valid, number_type, region_code = contact._validity(number)
            assert got_valid == expected_valid, (raw, region)
            assert region_code == phonenumbers.region_code_for_number(number), (raw, region)
            if expected_valid:
                assert number_type == phonenumbers.number_type(number), (raw, region)
                valid += 1
    assert valid > 10_000


CONTEXT = AnalysisContext(
    kind="comment",
    language="da",
    country="NO",
    organisation_names=("Hjørring Kommune",),
    work_email_domains=("hjoring.dk",),
    own_phone_numbers=("+45 72 33 33 33",),
)

DETECT_PIECES = [
    *SHAPE_PIECES,
    *("reg. 1234 konto 0012345678", "bankgiro 123-4567", "pg 12 34 56-7", "sagsnr. 25/04417", "sag 2024/123"),
    *("Østergade 12", ", 2100 København", "bor på", "tlf", "ring til os på", "12 34 56 78", "+47 915 62 384"),
    *("86011117947", "010190-1234", "DE89370400440532013000", "kontonr", "a@b.dk", " post@hjoring.dk"),
]


@pytest.mark.parametrize("country", ["NO", "DK"])
def test_detect_with_the_shape_is_detect_without(country: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the shape (every pre-filter open, every scan run) the signals are the same.
    ctx = replace(CONTEXT, country=country)
    rng = random.Random(country)
    texts = [" ".join(rng.choice(DETECT_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(6_000)]
    texts += ["".join(rng.choice(DETECT_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(2_000)]

    def signals(text: str) -> list[tuple[object, ...]]:
        return [
            (s.name, s.start, s.end, s.score, s.detector, dict(s.evidence or {}))
            for s in contact.detect(text, ctx)
        ]

    with_shape = [signals(t) for t in texts]
    monkeypatch.setattr(
        contact, "_shape", lambda t: contact._ANY_SHAPE if contact._DIGIT.search(t) else contact._NO_DIGITS
    )
    assert [signals(t) for t in texts] == with_shape
    assert sum(map(len, with_shape)) > 3_000
    assert {s[0] for found in with_shape for s in found} >= {
        "phone",
        "bank_account",
        "case_number",
        "address",
    }


def test_phone_validity_without_the_private_helper_is_the_three_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A phonenumbers whose phonenumberutil has no _number_type_helper: the public calls, no AttributeError.
    fake = types.SimpleNamespace(**vars(phonenumbers))
    fake.phonenumberutil = types.SimpleNamespace()
    monkeypatch.setattr(contact, "_phonenumbers", lambda: fake)
    for raw in ("+47 915 62 384", "+45 20 12 34 56", "+46 70 123 45 67", "+1 202 555 0100", "+47 123"):
        number = phonenumbers.parse(raw, None)
        assert contact._validity(number) == (
            phonenumbers.is_valid_number(number),
            phonenumbers.number_type(number),
            phonenumbers.region_code_for_number(number),
        )
