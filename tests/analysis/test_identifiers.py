"""The national_id detector: recall on generated valid numbers, silence on look-alikes, bounded time."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from stdnum.dk import cpr as std_cpr
from stdnum.no import fodselsnummer as std_fnr
from stdnum.se import personnummer as std_pnr

from rettesnor.analysis import identifiers, nordic_ids
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal
from support import idgen
from support.worstcase import GUARD_S

LANG = {"DK": "da", "NO": "nb", "SE": "sv"}
TODAY = dt.date.today()


def ctx(country: str = "DK", language: str | None = None) -> AnalysisContext:
    return AnalysisContext(kind="post", language=language or LANG[country], country=country)


def ids(text: str, context: AnalysisContext | None = None) -> list[Signal]:
    return [s for s in identifiers.detect(text, context or ctx()) if s.name == "national_id"]


def one(text: str, context: AnalysisContext | None = None) -> Signal:
    found = ids(text, context)
    assert len(found) == 1, (text, found)
    return found[0]


# --- generated data ---------------------------------------------------------------------------

VALID = idgen.valid_cases()
NEGATIVE = idgen.negative_cases()


def test_generated_sets_are_large_and_cover_every_format() -> None:
    by_country: dict[str, list[idgen.Case]] = {}
    for c in VALID:
        by_country.setdefault(c.country, []).append(c)
    assert {k: len(v) >= 1000 for k, v in by_country.items()} == {"DK": True, "NO": True, "SE": True}
    numbers = [c.text[c.start : c.end] for c in VALID]
    subtypes = {c.subtype for c in VALID}
    assert subtypes == set(nordic_ids.SUBTYPE_COUNTRY)
    # DK: dash, space, plain; with and without modulus 11
    dk = [n for n, c in zip(numbers, VALID, strict=True) if c.country == "DK"]
    assert {len(n) for n in dk} == {10, 11} and any(" " in n for n in dk) and any("-" in n for n in dk)
    dk_digits = [n.replace("-", "").replace(" ", "") for n in dk]
    assert sum(std_cpr.checksum(n) == 0 for n in dk_digits) >= 500
    assert sum(std_cpr.checksum(n) != 0 for n in dk_digits) >= 500
    # NO: the 2032 rule (which stdnum rejects) is present, with and without a space
    no = [
        n.replace(" ", "").replace("-", "") for n, c in zip(numbers, VALID, strict=True) if c.country == "NO"
    ]
    assert sum(not std_fnr.is_valid(n) for n in no) >= 200
    # SE: 10 and 12 digits, '-', '+' and none
    se = [n for n, c in zip(numbers, VALID, strict=True) if c.country == "SE"]
    assert {len(n) for n in se} == {10, 11, 12, 13}
    assert any("+" in n for n in se) and any("-" in n for n in se)
    assert len(NEGATIVE) >= 1000


def test_generator_agrees_with_stdnum_where_stdnum_knows_the_rule() -> None:
    """An independent oracle for the generator: python-stdnum accepts every generated number that
    follows the rules it knows, and rejects exactly the kinds it does not know (documented gaps)."""
    for c in VALID:
        n = c.text[c.start : c.end]
        compact = n.replace("-", "").replace(" ", "").replace("+", "")
        if c.country == "DK":
            assert std_cpr.is_valid(compact), n
        elif c.country == "NO":
            d = [int(x) for x in compact]
            r1 = sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2, 1), d, strict=False)) % 11
            assert std_fnr.is_valid(compact) == (r1 == 0), n  # stdnum lacks the 2032 rule
        elif c.subtype == "se_pnr":
            assert std_pnr.is_valid(n), n
        else:
            assert not std_pnr.is_valid(n), n  # stdnum rejects samordningsnummer (day + 60)


def test_validators_agree_with_stdnum_on_random_date_shaped_digits() -> None:
    """The validators mirror stdnum's date and century rules (without its per-call overhead) and
    go beyond it only where documented: DK mod 11 as a flag, NO 2032 rule, SE samordningsnummer."""
    rng = random.Random(5)
    for _ in range(20_000):
        born = idgen.rand_date(rng, dt.date(1850, 1, 1), dt.date(2039, 12, 31))
        dk = born.strftime("%d%m%y") + idgen.digits(rng, 4)
        match = nordic_ids.dk_cpr(dk, TODAY)
        assert (match is not None) == std_cpr.is_valid(dk), dk
        assert match is None or match.strong == (std_cpr.checksum(dk) == 0)
        se = born.strftime("%y%m%d") + idgen.digits(rng, 4)
        se_match = nordic_ids.se_pnr(se, "-", TODAY)
        assert (se_match is not None) == std_pnr.is_valid(f"{se[:6]}-{se[6:]}"), se
        twelve = f"{born.year}{se[2:]}"
        se_match = nordic_ids.se_pnr(twelve, "", TODAY)
        assert (se_match is not None) == (std_pnr.is_valid(twelve) and born <= TODAY), twelve
    for _ in range(1500):  # a Norwegian number needs its check digits: try every ending
        born = idgen.rand_date(rng, dt.date(1850, 1, 1), dt.date(2039, 12, 31))
        body = born.strftime("%d%m%y") + idgen.digits(rng, 3)
        for k in range(100):
            no = f"{body}{k:02d}"
            no_match = nordic_ids.no_fnr(no, TODAY)
            if std_fnr.is_valid(no):
                assert no_match is not None and no_match.strong, no
                assert no_match.born == std_fnr.get_birth_date(no), no
            elif no_match is not None and no_match.strong:
                # accepted beyond stdnum only when its 1964 century table gives no past date
                assert "century not derivable" in no_match.note, no


def test_recall_on_generated_valid_numbers_is_complete() -> None:
    misses = []
    for c in VALID:
        found = ids(c.text, ctx(c.country, c.language))
        spans = [(s.start, s.end, s.evidence["subtype"]) for s in found]
        if spans != [(c.start, c.end, c.subtype)]:
            misses.append((c.text, c.subtype, spans))
    assert misses == [], f"{len(misses)} of {len(VALID)} missed, e.g. {misses[:5]}"


def test_numbers_are_found_whatever_the_organisations_country() -> None:
    misses: list[tuple[str, ...]] = []
    for c in VALID:
        number = c.text[c.start : c.end]
        # 11 digits, 12 digits and '+' belong to one country: their subtype never depends on ctx.
        unambiguous = len(number.replace("-", "").replace(" ", "")) != 10 or "+" in number
        for country in {"DK", "NO", "SE"} - {c.country}:
            found = ids(c.text, ctx(country))
            if [(s.start, s.end) for s in found] != [(c.start, c.end)]:
                misses.append((c.text, country))
            elif unambiguous and found[0].evidence["subtype"] != c.subtype:
                misses.append((c.text, country, found[0].evidence["subtype"]))
    assert misses == [], f"{len(misses)} misses, e.g. {misses[:5]}"


def test_no_national_id_on_generated_look_alikes() -> None:
    hits = []
    for c in NEGATIVE:
        found = ids(c.text, ctx(c.country, c.language))
        if found:
            hits.append((c.text, [(s.detector, s.score, s.evidence["validator"]) for s in found]))
    assert hits == [], f"{len(hits)} of {len(NEGATIVE)} false positives, e.g. {hits[:5]}"


# --- named look-alikes from the guideline's examples ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ring på +45 12 34 56 78",
        "tlf. 22 33 44 55",
        "Ring på 070-123 45 67",
        "Mobil +47 912 34 567",
        "070 123 45 67",
        "+46701234567",
        "+4512345678",
        "Reg.nr. 1234 kontonr. 2110625629",
        "Konto 1234-2110625629",
        "Kontonummer 1234.56.78903",
        "IBAN DK50 0040 0440 1162 43",
        "DK5000400440116243",
        "Født 12.03.1985",
        "Mødet er 2024-05-01",
        "Prisen er 1.250.000 kr",
        "Det koster 12 500,00",
        "ordre 1203851234",
        "Ordrenr.: 211062-5629",
        "Faktura 2110625629 er betalt",
        "2110625629 kr",
        "AB1203851234",
        "1203851234AB",
        "12038512345678",
        "1234-211062-5629",
        "sagsnr. 211062-5629",
        "Journalnr. 15108695088",
    ],
)
def test_named_look_alikes_are_not_national_ids(text: str) -> None:
    for country in ("DK", "NO", "SE"):
        assert ids(text, ctx(country)) == [], (text, country)


def test_bare_swedish_mobile_shape_is_a_phone_except_as_cpr_in_denmark() -> None:
    # 0702034562: a valid CPR (7 Feb 2003, mod 11 fails) and a Luhn-valid personnummer (3 Feb 2007).
    n = "0702034562"
    assert nordic_ids.dk_cpr(n, TODAY) and nordic_ids.se_pnr(n, "", TODAY)
    assert ids(n, ctx("SE")) == [] and ids(n, ctx("NO")) == []
    assert ids(f"Ring til mig på {n}", ctx("DK")) == []
    assert one(n, ctx("DK")).evidence["subtype"] == "dk_cpr"
    assert one(f"personnummer {n}", ctx("SE")).evidence["subtype"] == "se_pnr"
    assert ids("070-203 45 62", ctx("DK")) == ids("070-2034562", ctx("SE")) == []


def test_invalid_check_digits_do_not_fire_even_with_identity_words() -> None:
    assert ids("personnummer 880320-0018", ctx("SE")) == []  # stdnum's own invalid example
    assert ids("fødselsnummer 15108695077", ctx("NO")) == []  # stdnum's own invalid example
    assert ids("cpr 321385-1234") == []  # day 32
    assert ids("cpr 121385-1234") == []  # month 13


# --- the validators' rules -------------------------------------------------------------------


def test_dk_modulus_11_only_raises_confidence() -> None:
    with_mod11 = one("211062-5629")  # stdnum's valid example, mod 11 holds
    without = one("211062-5628")
    assert with_mod11.score > without.score >= identifiers.MIN_SCORE
    assert "mod11 ok" in with_mod11.evidence["validator"]
    assert "mod11 not met" in without.evidence["validator"]
    assert with_mod11.detector == without.detector == "national_id.dk_cpr"


@pytest.mark.parametrize(
    ("number", "born"),
    [
        ("0101373000", dt.date(1937, 1, 1)),  # digit 7 in 0-3: 1900s
        ("0101374000", dt.date(1937, 1, 1)),  # 4 with YY >= 37: 1900s
        ("0101364000", None),  # 4 with YY <= 36: 2036, not born yet
        ("0101104000", dt.date(2010, 1, 1)),
        ("0101589000", dt.date(1958, 1, 1)),
        ("0101585000", dt.date(1858, 1, 1)),  # 5-8 with YY >= 58: 1800s
        ("0101205000", dt.date(2020, 1, 1)),  # 5-8 with YY <= 57: 2000s
        ("3002851234", None),  # 30 February
    ],
)
def test_dk_century_by_seventh_digit(number: str, born: dt.date | None) -> None:
    match = nordic_ids.dk_cpr(number, TODAY)
    assert (match.born if match else None) == born


def test_no_d_h_and_2032_numbers() -> None:
    rng = random.Random(7)
    for kind in ("fnr", "dnr", "hnr"):
        for rule2032 in (False, True):
            n = idgen.no_number(rng, kind, rule2032)
            s = one(f"fnr {n}", ctx("NO"))
            assert s.evidence["subtype"] == f"no_{kind}" and s.detector == f"national_id.no_{kind}"
            assert ("2032 rule" in s.evidence["validator"]) == rule2032
            assert std_fnr.is_valid(n) != rule2032  # stdnum knows only the 1964 rule
    strict = one("15108695088", ctx("NO"))
    relaxed = one(idgen.no_number(rng, "fnr", True), ctx("NO"))
    assert strict.score > relaxed.score >= identifiers.MIN_SCORE


def test_no_2032_rule_keeps_the_second_control_digit_strict() -> None:
    n = idgen.no_number(random.Random(3), "fnr", rule2032=True)
    assert nordic_ids.no_fnr(n, TODAY) is not None
    for k2 in set("0123456789") - {n[10]}:
        assert nordic_ids.no_fnr(n[:10] + k2, TODAY) is None


def test_se_forms_samordningsnummer_and_plus() -> None:
    assert one("880320-0016", ctx("SE")).evidence["subtype"] == "se_pnr"
    assert one("19880320-0016", ctx("SE")).evidence["pattern"] == "YYYYMMDD-NNNC"
    assert one("198803200016", ctx("SE")).evidence["pattern"] == "YYYYMMDDNNNC"
    plus = one("Farfar har 880320+0016", ctx("SE"))
    assert "1888-03-20" in plus.evidence["validator"] and plus.evidence["pattern"] == "YYMMDD+NNNC"
    samordning = idgen.se_number(random.Random(5), samordning=True)
    s = one(f"samordningsnummer {samordning[2:8]}-{samordning[8:]}", ctx("SE"))
    assert s.evidence["subtype"] == "se_samordningsnr" and "(day+60)" in s.evidence["validator"]
    assert not std_pnr.is_valid(samordning)  # the stdnum gap handled here


def test_ambiguous_ten_digits_follow_identity_words_then_country() -> None:
    # 0101011237: a CPR (1 Jan 1901) and a Luhn-valid personnummer (1 Jan 2001) at once.
    n = "010101-1237"
    assert nordic_ids.dk_cpr(n.replace("-", ""), TODAY) and nordic_ids.se_pnr(n.replace("-", ""), "-", TODAY)
    assert one(n, ctx("DK")).evidence["subtype"] == "dk_cpr"
    assert one(n, ctx("SE")).evidence["subtype"] == "se_pnr"
    assert one(f"cpr {n}", ctx("SE")).evidence["subtype"] == "dk_cpr"
    assert one(f"samordningsnummer? nej, personnummer {n}", ctx("DK")).evidence["subtype"] == "se_pnr"


# --- context and evidence ----------------------------------------------------------------------


def test_context_words_raise_and_negative_words_lower() -> None:
    bare = one("Det gælder 2110625628, tak.")
    positive = one("Det gælder cpr 2110625628, tak.")
    right_side = one("Det gælder 2110625628 (cpr-nr), tak.")
    assert positive.score > bare.score and right_side.score > bare.score
    assert positive.evidence["context"] == ["cpr"] and right_side.evidence["context"] == ["cpr-nr"]
    assert ids("Det gælder ordre 2110625628, tak.") == []
    # the identity word nearest the number wins over an earlier negative word
    assert one("Ikke kontonr., men cpr-nr.: 2110625628").evidence["context"] == ["cpr-nr"]


def test_country_gives_only_a_small_boost() -> None:
    home, abroad = one("2110625629", ctx("DK")), one("2110625629", ctx("NO"))
    assert 0 < home.score - abroad.score <= 0.1


def test_evidence_is_a_full_decision_process() -> None:
    s = one("Min søn Mads har cpr 211062-5629.")
    assert (s.start, s.end) == (21, 32) and 0 <= s.score <= 1
    assert s.evidence["pattern"] == "DDMMYY-SSSS"
    assert s.evidence["validator"] == "dk_cpr: valid date 1862-10-21, century by digit 7, mod11 ok"
    assert s.evidence["subtype"] == "dk_cpr" and s.evidence["context"] == ["cpr"]
    assert s.evidence["explanation"].startswith("Looks like a Danish CPR number")
    assert s.to_dict()["detector"] == "national_id.dk_cpr"


def test_several_numbers_in_one_text() -> None:
    text = "Mads 211062-5629 og Freja 15108695088, Oskar 880320-0016."
    found = ids(text)
    assert [text[s.start : s.end] for s in found] == ["211062-5629", "15108695088", "880320-0016"]


# --- bounded time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1" * 10**6,
        "12-" * 333_333,
        "0101 " * 200_000,
        "2110625629 " * 90_909,  # candidates glued to each other by one space
        "2110625629, " * 83_333,  # 83k valid candidates
        "cpr 2110625629, " * 62_500,  # 62k signals
        "211062-" * 142_857,
        "211062 " * 142_857,
        "0" * 10**6,
        "1-" * 500_000,
        "+" + "9" * 999_999,
    ],
)
def test_adversarial_megabyte_inputs_take_under_a_second(text: str) -> None:
    t0 = time.perf_counter()
    identifiers.detect(text, ctx())
    assert time.perf_counter() - t0 < GUARD_S


def test_a_megabyte_of_distinct_valid_numbers_is_bounded_by_the_candidate_cap() -> None:
    rng = random.Random(11)
    numbers = [idgen.dk_cpr(rng, mod11=True) for _ in range(5000)]
    text = ", ".join(numbers * 16)  # about 1 MB, 80,000 valid CPR numbers
    assert len(text) > 900_000
    t0 = time.perf_counter()
    found = ids(text)
    assert time.perf_counter() - t0 < GUARD_S
    # every validated candidate up to the cap became a signal, in order; the rest were not read
    assert len(found) == identifiers.MAX_CANDIDATES
    assert [text[s.start : s.end] for s in found] == (numbers * 16)[: identifiers.MAX_CANDIDATES]


def test_candidate_pattern_from_its_first_digit_matches_as_before() -> None:
    import random
    import re

    dashes, spaces = identifiers._DASHES, identifiers._SPACES
    old = re.compile(
        rf"(?<![\w+])(?:(?P<head>[0-9]{{6}}|[0-9]{{8}})(?P<sep>[-+ {dashes}{spaces}])(?P<tail>[0-9]{{4,5}})"
        r"|(?P<run>[0-9]{10,12}))(?!\w)"
    )

    def before(t: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
        return [(m.span(), m.group("head", "sep", "tail", "run")) for m in old.finditer(t)]

    def now(t: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
        out = []
        for m in identifiers._CANDIDATE.finditer(t):
            head, sep, tail, run = m.group("head", "sep", "tail", "run")
            first = t[m.start()]
            out.append((m.span(), (head and first + head, sep, tail, run and first + run)))
        return out

    rng = random.Random(6)
    pieces = ["0", "1", "12", "123", "010190", "01019012", "1234", "12345", "-", "+", " ", "\u2013", "\u00a0"]
    pieces += ["a", "_", "x1", ".", "/", "\n", "é", "٣"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(40_000)]
    found = 0
    for t in texts:
        expected = before(t)
        assert now(t) == expected, t
        found += len(expected)
    assert found > 2000
    joined = "".join(texts)
    assert now(joined) == before(joined)
