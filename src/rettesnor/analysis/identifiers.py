"""The ``national_id`` detector: Danish CPR, Norwegian fødselsnummer/D-/H-number, Swedish personnummer.

Decision process per candidate (Presidio-like, written into the evidence):
1. pattern: one precompiled regex finds digit tokens of the right shapes, bounded by non-word
   characters (no digit or letter may touch them, no '+' in front: that is a phone prefix);
2. validator: :mod:`rettesnor.analysis.nordic_ids` checks the date and the check digits;
3. context: words on both sides raise the score, phone/account/order/amount words lower it.
Only scores >= 0.5 become signals. All regexes are linear (bounded quantifiers, one-character
lookarounds), texts without a run of six digits are skipped with one search, and at most
MAX_CANDIDATES tokens are validated per text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

from rettesnor.analysis import nordic_ids
from rettesnor.analysis.chunk import as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.nearby import WORD
from rettesnor.analysis.signals import Signal

MIN_SCORE = 0.5
# At most this many well-shaped candidates are validated per text. A social-media text never holds
# that many identity numbers; a data dump that does is flagged by its first ones. The cap bounds
# the time on any input (about 15 µs per validated candidate).
MAX_CANDIDATES = 2000

# Cheap pre-filter: every shape below contains six digits in a row.
_SIX_DIGITS = re.compile(r"[0-9][0-9]{5}")  # not "[0-9]{6}": a pattern that starts with a repeat is
# tried at every position, one that starts with a class is skipped to in C (1 MB without: 7.5 → 2 ms)
# Six or eight digits, a separator and four or five digits; or 10-12 digits in one run. The separator
# may be any dash a word processor or phone keyboard writes instead of the hyphen (en dash "010190–1234",
# non-breaking hyphen U+2011, hyphen U+2010, figure dash, minus sign) or a space, also a non-breaking
# one; dashes are read as "-" and spaces as " " (:data:`_SEP_AS`). A dash with a space on each side
# ("120388 - 1237", as a form field is often typed) is read as the dash.
_DASHES = "\u2010\u2011\u2012\u2013\u2212"
_SPACES = "\u00a0\u202f"
# The pattern starts with the first digit and looks behind it, so the regex engine skips to digits in C
# instead of trying every position (1 MB of comments or of random digits: ≈ 2× less); the groups hold
# the rest of the head (5 or 7 digits) or of the run (9-11): the first digit is read from the text.
_CANDIDATE = re.compile(
    rf"[0-9](?<![\w+][0-9])(?:(?P<head>[0-9]{{5}}|[0-9]{{7}})"
    rf"(?P<sep>[-+ {_DASHES}{_SPACES}]|[ {_SPACES}][-{_DASHES}][ {_SPACES}])"
    r"(?P<tail>[0-9]{4,5})|(?P<run>[0-9]{9,11}))(?!\w)"
)
_SEP_AS = {**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " ")}
# A candidate glued to more digits by one separator is part of a longer number (reg.nr + konto,
# "1234-120385-1234", "12.1203851234").
_GLUE = frozenset("-./ " + _DASHES + _SPACES)
# An unseparated 10-digit run starting like a Swedish mobile number (070-…) is read as a phone
# unless identity words are near: "0701234567" is both a valid date and a common way to write one.
# Not for a CPR reading in a Danish organisation: Danish phone numbers have 8 digits and no
# leading 0, so there "0703851234" is someone born on the 7th.
_SE_MOBILE = re.compile(r"07[02369][0-9]{7}")

_LABEL = {
    "dk_cpr": "Danish CPR number",
    "no_fnr": "Norwegian fødselsnummer",
    "no_dnr": "Norwegian D-number",
    "no_hnr": "Norwegian H-number",
    "se_pnr": "Swedish personnummer",
    "se_samordningsnr": "Swedish samordningsnummer",
}
_LANGUAGE_COUNTRY = {"da": "DK", "nb": "NO", "nn": "NO", "sv": "SE"}

# Identity words (da, nb, nn, sv, en): exact words, then stems that start compounds ("cpr-nr",
# "personnummeret", "fødselsnummer"). The value is the country a word points to, if any; it
# decides between a CPR and a personnummer that the same ten digits both satisfy.
_POSITIVE_EXACT: dict[str, str | None] = {
    "fnr": "NO",
    "pnr": None,
    "ssn": None,
    "born": None,
    "personal": None,  # "personal number"; exact, as "personale" (staff) is no identity word
    "id-nr": None,
}
_POSITIVE_STEMS: tuple[tuple[str, str | None], ...] = (
    ("cpr", "DK"),
    ("fødselsnum", "NO"),
    ("fødselsnr", "NO"),
    ("d-num", "NO"),
    ("d-nr", "NO"),
    ("h-num", "NO"),
    ("samordningsn", "SE"),
    ("personn", None),  # personnummer, personnummeret, personnumret, personnr
    ("identitetsn", None),
    ("id-num", None),
    ("født", None),
    ("fødd", None),
    ("född", None),
    ("fødsel", None),
    ("födelse", None),
    ("birth", None),
)
# Words that say the digits are a phone, an account, an amount, an order or a case reference.
_NEGATIVE_EXACT = frozenset(
    # phone
    "tlf tel telf mob sms ring ringe ringer ringa ringde phone call fax".split()
    # money and accounts
    + "kr dkk nok sek eur reg regnr kto konto kontoen kontot account kid ocr iban bic swift".split()
    # cases, orders, organisations, products ("dnr": Swedish diarienummer)
    + "sag sak ref cvr org orgnr order ordre invoice ean isbn dnr".split()
)
_NEGATIVE_STEMS = (
    "telefon",
    "mobil",
    "ordre",
    "order",
    "faktura",
    "invoice",
    "kontonr",
    "kontonum",
    "bankkonto",
    "beløb",
    "beløp",
    "belopp",
    "bestilling",
    "beställning",
    "sagsn",
    "saksn",
    "journaln",
    "ärende",
    "diarien",
    "kundenr",
    "kundenum",
    "kundnum",
    "kundnr",
    "referen",
    "referan",
    "sporing",
    "tracking",
    "varenr",
    "varenum",
    "serienum",
    "p-num",
    "p-nr",
    "organisa",
    "bankgiro",
    "plusgiro",
    "betaling",
    "betalning",
)

# Scores in hundredths (integers keep the 0.5 threshold exact).
_BASE = {"dk_cpr": 55, "no": 75, "se": 65}
_DK_MOD11 = 15  # mod 11 holds: issued before 2007, or chance 1/11
_NO_2032 = -15  # the relaxed 2032 rule accepts four times as many digit strings
_FORMAT = 5  # written the official way (DDMMYY-SSSS, YYMMDD-NNNC, 12 digits, 6+5 with a space)
_COUNTRY = 5  # the organisation is in the number's country
_POSITIVE = 20
_NEGATIVE = -40
_PHONE_SHAPE = -30


@lru_cache(maxsize=4096)
def _classify(word: str) -> tuple[int, str | None]:
    """+1 identity word (with the country it names, if any), -1 negative word, 0 neither."""
    if word in _POSITIVE_EXACT:
        return 1, _POSITIVE_EXACT[word]
    for stem, country in _POSITIVE_STEMS:
        if word.startswith(stem):
            return 1, country
    if word in _NEGATIVE_EXACT or word.startswith(_NEGATIVE_STEMS):
        return -1, None
    return 0, None


class _Context:
    """Context words around one span: positive anywhere within 40 characters on either side;
    negative within 25 characters on the left or as the first word right after ("… kr")."""

    __slots__ = ("countries", "negative", "positive")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.positive: list[str] = []
        self.negative: list[str] = []
        self.countries: set[str] = set()
        left = text[max(0, start - 40) : start].lower()
        nearest_left_positive = False
        for m in WORD.finditer(left):
            w = m.group()
            kind, country = _classify(w)
            if kind > 0:
                self.positive.append(w)
                nearest_left_positive = True
                if country:
                    self.countries.add(country)
            elif kind < 0 and m.end() >= len(left) - 25:
                self.negative.append(w)
                nearest_left_positive = False
        right = text[end : end + 40].lower()
        for i, m in enumerate(WORD.finditer(right)):
            w = m.group()
            kind, country = _classify(w)
            if kind > 0:
                self.positive.append(w)
                if country:
                    self.countries.add(country)
            elif kind < 0 and i == 0 and m.start() <= 2:
                self.negative.append(w)
        if nearest_left_positive:
            # "cpr-nr. (ikke kontonr.) 1203851234": the identity word closest to the number wins.
            self.negative.clear()


# Token shape (digits before the separator or 0, digits after it or in the run, separator) ->
# the readings it allows: (validator, pattern name). Ten digits may be a CPR or a personnummer.
_SHAPES: dict[tuple[int, int, str], tuple[tuple[str, str], ...]] = {
    (6, 4, "-"): (("dk", "DDMMYY-SSSS"), ("se10", "YYMMDD-NNNC")),
    (6, 4, " "): (("dk", "DDMMYY SSSS"), ("se10", "YYMMDD NNNC")),
    (6, 4, "+"): (("se10", "YYMMDD+NNNC"),),
    (0, 10, ""): (("dk", "DDMMYYSSSS"), ("se10", "YYMMDDNNNC")),
    (6, 5, " "): (("no", "DDMMYY IIIKK"),),
    (6, 5, "-"): (("no", "DDMMYY-IIIKK"),),
    (0, 11, ""): (("no", "DDMMYYIIIKK"),),
    (8, 4, "-"): (("se12", "YYYYMMDD-NNNC"),),
    (8, 4, " "): (("se12", "YYYYMMDD NNNC"),),
    (0, 12, ""): (("se12", "YYYYMMDDNNNC"),),
}


def _validate(key: str, digits: str, sep: str, today: dt.date) -> nordic_ids.IdMatch | None:
    if key == "dk":
        return nordic_ids.dk_cpr(digits, today)
    if key == "no":
        return nordic_ids.no_fnr(digits, today)
    return nordic_ids.se_pnr(digits, sep, today)


def _base_score(key: str, sep: str, match: nordic_ids.IdMatch) -> int:
    if key == "dk":
        return _BASE["dk_cpr"] + (_DK_MOD11 if match.strong else 0) + (_FORMAT if sep == "-" else 0)
    if key == "no":
        return _BASE["no"] + (0 if match.strong else _NO_2032) + (_FORMAT if sep else 0)
    return _BASE["se"] + (_FORMAT if sep or key == "se12" else 0)


def _explain(subtype: str, match: nordic_ids.IdMatch, ctx: _Context) -> str:
    checks = {
        "dk_cpr": ", passing modulus 11" if match.strong else " (no modulus 11, as issued since 2007)",
        "se_pnr": " and Luhn check digit",
        "se_samordningsnr": " and Luhn check digit",
    }.get(subtype, " and control digits" + ("" if match.strong else " (2032 rule)"))
    parts = [f"Looks like a {_LABEL[subtype]}: valid birth date{checks}"]
    if ctx.positive:
        parts.append(f"; raised by {', '.join(repr(w) for w in ctx.positive)} nearby")
    if ctx.negative:
        parts.append(f"; lowered by {', '.join(repr(w) for w in ctx.negative)}")
    return "".join(parts) + "."


def detect(text: str, ctx: AnalysisContext) -> list[Signal]:
    if _SIX_DIGITS.search(text) is None:
        return []
    today: dt.date | None = None
    prefer = _LANGUAGE_COUNTRY.get(ctx.language)
    signals: list[Signal] = []
    budget = MAX_CANDIDATES
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        if (start >= 2 and text[start - 1] in _GLUE and text[start - 2].isdigit()) or (
            end + 1 < len(text) and text[end] in _GLUE and text[end + 1].isdigit()
        ):
            continue
        head, sep, tail, run = m.group("head", "sep", "tail", "run")
        if run is None:
            head = text[start] + head
            if len(sep) == 3:
                sep = sep[1]
            sep = _SEP_AS.get(sep, sep)
            readings = _SHAPES.get((len(head), len(tail), sep))
            digits = head + tail
        else:
            sep = ""
            digits = text[start] + run
            readings = _SHAPES.get((0, len(digits), ""))
        if readings is None:
            continue
        budget -= 1
        if budget < 0:
            break
        today = today or dt.date.today()
        found = []
        for key, shape in readings:
            match = _validate(key, digits, sep, today)
            if match is not None:
                found.append((key, shape, match))
        if not found:
            continue
        context = _Context(text, start, end)
        scored = []
        for key, shape, match in found:
            country = nordic_ids.SUBTYPE_COUNTRY[match.subtype]
            score = _base_score(key, sep, match) + (_COUNTRY if ctx.country == country else 0)
            if context.positive:
                score += _POSITIVE
            elif not sep and (key != "dk" or ctx.country != "DK") and _SE_MOBILE.fullmatch(digits):
                score += _PHONE_SHAPE
            if context.negative:
                score += _NEGATIVE
            # The same ten digits can be a CPR and a personnummer: an identity word that names a
            # country decides, then the organisation's country, then the language, then the score.
            # (Both readings get the same context adjustments, so a preferred reading below the
            # threshold never hides one above it.)
            rank = (country in context.countries, ctx.country == country, prefer == country, score)
            scored.append((rank, score, shape, match))
        _, score, shape, match = max(scored, key=lambda r: r[0])
        if score < 100 * MIN_SCORE:
            continue
        subtype = match.subtype
        evidence = {
            "pattern": shape,
            "validator": match.note,
            "context": context.positive,
            "subtype": subtype,
            "explanation": _explain(subtype, match, context),
        }
        if context.negative:
            evidence["negative_context"] = context.negative
        signals.append(
            Signal("national_id", start, end, min(score, 100) / 100, f"national_id.{subtype}", evidence)
        )
    return signals


def detect_many(texts: Sequence[str], ctx: AnalysisContext) -> dict[int, list[Signal]]:
    """:func:`detect` for a chunk: one scan finds the texts with six digits in a row; only they are read."""
    chunk = as_chunk(texts)
    out: dict[int, list[Signal]] = {}
    for i in chunk.matching(_SIX_DIGITS):
        found = detect(chunk.texts[i], ctx)
        if found:
            out[i] = found
    return out
