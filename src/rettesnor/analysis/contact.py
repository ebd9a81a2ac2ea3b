"""Contact and account details: ``phone``, ``email``, ``bank_account``, ``address``, ``case_number``.

Decision process per candidate (Presidio-like, written into the evidence):
1. pattern: a precompiled regex finds a cheap candidate (digit run, address anchor, label + value);
2. validator: phonenumbers / python-stdnum / a shape check confirms it;
3. context: words around it raise or lower the score. Only scores >= 0.5 become signals.

Time is bounded on any input: every regex is linear (separators between repeated groups are
mandatory, quantifiers of free text are bounded, lookarounds are one character or bounded), a text
without digits or '@' costs two C-level scans, and the slow validators (phonenumbers ~20 µs, stdnum)
run at most ``_MAX_VALIDATIONS`` times per detector and text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import accumulate, chain
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any

from rettesnor.analysis.chunk import as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.nearby import WORD, has_letter, words_around
from rettesnor.analysis.signals import Signal

if TYPE_CHECKING:
    import phonenumbers


# The validators are imported when a candidate first needs them: a check of texts without numbers (and
# the start of `rettesnor check` on one such text) does without phonenumbers and python-stdnum (≈ 25 ms
# of imports, issue 17).
@cache
def _phonenumbers() -> ModuleType:
    import phonenumbers

    return phonenumbers


@cache
def _stdnum(name: str) -> ModuleType:
    """``stdnum.<name>`` ("iban", "luhn", "no.kontonr", "no.fodselsnummer")."""
    import importlib

    import stdnum  # the package itself is light; named here so that deptry sees the dependency

    return importlib.import_module(f"{stdnum.__name__}.{name}")


# python-stdnum's checks of a Norwegian account number and fødselsnummer, written out for strings of
# ASCII digits (what the account pattern hands over): stdnum cleans, compacts and checks a number through
# several generic helpers (≈ 8 and 14 µs a call), and every unformatted fødselsnummer in a text passes
# the account check and is then checked as one, so the bench corpus's Norwegian IDs paid both. Anything
# else goes to stdnum; tests/analysis/test_contact_shape.py holds both to stdnum on generated numbers.
_KONTONR_WEIGHTS = (6, 7, 8, 9, 4, 5, 6, 7, 8, 9)
_FNR_WEIGHTS = ((3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))


def _kontonr_valid(digits: str) -> bool:
    """``stdnum.no.kontonr.is_valid(digits)``."""
    if not (digits.isascii() and digits.isdigit()):
        return bool(_stdnum("no.kontonr").is_valid(digits))
    number = digits[4:] if digits.startswith("0000") else digits  # stdnum strips a postgiro bank code
    if len(number) != 11:
        return bool(_stdnum("no.kontonr").is_valid(digits))  # (7 digits: Luhn; else invalid)
    return str(sum(w * int(n) for w, n in zip(_KONTONR_WEIGHTS, number, strict=False)) % 11) == number[-1]


def _fodselsnummer_valid(digits: str) -> bool:
    """``stdnum.no.fodselsnummer.is_valid(digits)``: both check digits, then a birth date (D- and
    H-numbers shifted, the century from the individual digits) that is not after today."""
    if not (digits.isascii() and digits.isdigit() and len(digits) == 11):
        return bool(_stdnum("no.fodselsnummer").is_valid(digits))
    for weights, check in zip(_FNR_WEIGHTS, digits[-2:], strict=True):
        if str((11 - sum(w * int(n) for w, n in zip(weights, digits, strict=False))) % 11) != check:
            return False
    day, month, year, individual = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6:9])
    if day >= 80:  # an FH-number: no birth date
        return False
    day -= 40 if day > 40 else 0  # a D-number
    month -= 40 if month > 40 else 0  # an H-number
    if individual < 500:
        year += 1900
    elif individual < 750 and year >= 54:
        year += 1800
    elif individual < 1000 and year < 40:
        year += 2000
    elif 900 <= individual < 1000 and year >= 40:
        year += 1900
    else:
        return False
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return born <= date.today()


MIN_SCORE = 0.5
# No real post holds more candidates than this; past it a 1 MB adversarial text would cost seconds.
_MAX_VALIDATIONS = 1000

_DIGIT = re.compile(r"\d")
_NON_DIGIT = re.compile(r"\D")
_NORDIC = ("DK", "NO", "SE")

# What (?i) lets a letter stand for besides its two cases: Python's re folds "ſ" with s, the Kelvin sign
# with k, the Ångström sign with å, "İ" and "ı" with i (tests/analysis/test_contact_patterns.py checks
# every code point).
_FOLDS = {"s": "\u017f", "k": "\u212a", "å": "\u212b", "i": "\u0130\u0131"}


def _first_of(letters: str) -> str:
    """A character class of what ``(?i)[letters]`` matches, written without (?i): see the label
    patterns (a pattern that starts with a plain class is scanned in C, skipping to it)."""
    chars = {v for c in letters for v in (c.lower(), c.upper(), *_FOLDS.get(c, ""))}
    return "[" + "".join(sorted(chars)) + "]"


def detect(text: str, ctx: AnalysisContext, national: Sequence[Signal] = ()) -> Iterator[Signal]:
    """Contact details in ``text``.

    ``national``: the ``national_id`` signals of the same text, when the caller drops every phone that
    overlaps one (as :func:`rettesnor.analysis.analyse` does); phone candidates on them are then not
    validated (phonenumbers is the slowest step) and not yielded, which changes nothing after the drop.
    """
    if "@" in text and _EMAIL_HINT.search(text) is not None:
        yield from _emails(text, ctx)
    shape = _shape(text)
    if shape is _NO_DIGITS:  # every other category needs a digit
        return
    lower = text.lower()  # for substring hints that skip the label regexes in most texts
    claimed = _bank_accounts(text, lower, ctx.country, shape) + _case_numbers(text, lower, shape)
    yield from claimed
    if shape.phone:
        yield from _phones(text, ctx, claimed, national)
    if shape.spaced and has_letter(text):  # an address needs a letter (1 MB of digits and signs: 0.02 s
        yield from _addresses(text, shape.runs)  # of anchor hints saved) and a digit after a space


def detect_many(
    texts: Sequence[str], ctx: AnalysisContext, national: Mapping[int, Sequence[Signal]] | None = None
) -> dict[int, list[Signal]]:
    """:func:`detect` for a chunk: only texts with a digit or an e-mail-like '@' are read (two scans).

    ``national``: per text index, what :func:`detect` takes as ``national``.
    """
    chunk = as_chunk(texts)
    out: dict[int, list[Signal]] = {}
    national = national or {}
    for i in sorted(set(chunk.matching(_DIGIT)).union(chunk.matching(_EMAIL_HINT))):
        found = list(detect(chunk.texts[i], ctx, national.get(i, ())))
        if found:
            out[i] = found
    return out


class _Shape:
    """What a text's runs of digits allow: each field is False only where the pre-filter it stands for
    cannot match (``_FOUR_DIGITS``, ``_PHONE_HINT``, ``_ANCHOR_HINT``, ``_IBAN_HINT``, the giro and case
    word values), so a text is read by the detectors its digits can feed and skips the others' scans.

    Worked out from the runs of digits (one scan of the text; ``tests/analysis/test_contact_shape.py``
    holds each field to its pattern): on the bench corpus a text with digits paid five or six scans of
    ≈ 2.5 µs each for pre-filters that mostly fail ("21. August", "300km/t").
    """

    __slots__ = ("capitals", "dash", "longest", "phone", "runs", "slash", "spaced")

    def __init__(
        self,
        runs: list[tuple[int, int]] | None,
        longest: int,
        phone: bool,
        spaced: bool,
        capitals: bool,
        dash: bool,
        slash: bool,
    ) -> None:
        self.runs = runs  # the spans of _DIGITS.finditer(text); None: not looked at (too many)
        self.longest = longest  # the longest run of digits
        self.phone = phone  # _PHONE_HINT can match: eight digits, at most four characters between two
        self.spaced = spaced  # a run starts after a space (an address's house number: _ANCHOR_HINT)
        self.capitals = capitals  # a run of two or more starts after two capitals A-Z (_IBAN_HINT)
        self.dash = dash  # a run, '-' and a run ("123-4567", "12 34 56-7": the giro numbers)
        self.slash = slash  # a run, '/' and a run ("25/04417": a case number after the word)


_NO_DIGITS = _Shape([], 0, False, False, False, False, False)
_ANY_SHAPE = _Shape(None, 1 << 30, True, True, True, True, True)  # too many runs to look at: every scan runs
# A text with more runs than this is read by every pre-filter, as before, where its first 64 kB hold more
# than one run in _SPARSE_RUNS characters (1 MB of numbers: the Python work per run would cost more than
# the scans it saves); a long text with few numbers keeps its runs (1 MB of joined comments: 5,821 runs,
# the account, case label and address hints then cost ≈ 1 ms each instead of a 6 ms scan each).
_MAX_RUNS = 48
_SPARSE_RUNS = 64
_RUN_SPACES = frozenset(" \u00a0")


def _shape(text: str) -> _Shape:
    """The :class:`_Shape` of ``text``'s runs of digits (``_NO_DIGITS`` for none)."""
    runs: list[tuple[int, int]] = []
    found = _DIGITS.finditer(text)
    for m in found:
        if len(runs) == _MAX_RUNS:
            sample = min(len(text), _SAMPLE)
            if len(_DIGITS.findall(text, 0, sample)) * _SPARSE_RUNS > sample:
                return _ANY_SHAPE
            runs.append(m.span())
            runs.extend(m.span() for m in found)
            break
        runs.append(m.span())
    if not runs:
        return _NO_DIGITS
    longest = 0
    phone = spaced = capitals = dash = slash = False
    chain = 0  # digits in the chain of runs that end here, each at most four characters from the last
    last_end = -10
    for start, end in runs:
        size = end - start
        if size > longest:
            longest = size
        chain = chain + size if start - last_end <= 4 else size
        if chain >= 8:
            phone = True
        if start >= 2:
            before = text[start - 1]
            if before in _RUN_SPACES:
                spaced = True
            elif start - last_end == 1:  # one character between this run and the last
                if before == "-":
                    dash = True
                elif before == "/":
                    slash = True
            if size >= 2 and not capitals:
                two = text[start - 2 : start]
                capitals = two.isascii() and two.isalpha() and two.isupper()
        last_end = end
    return _Shape(runs, longest, phone, spaced, capitals, dash, slash)


def _hinted(lower: str, hints: tuple[str, ...]) -> bool:
    """True if a label regex can match at all: ``in`` on a str is far cheaper than an (?i) scan. A plain
    loop: ``any()`` over a generator costs about 0.25 µs more a call (seven hints, bench corpus)."""
    for h in hints:  # noqa: SIM110 (see above)
        if h in lower:
            return True
    return False


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


def _evidence(pattern: str, validator: str, context: list[str], subtype: str, why: str) -> dict[str, Any]:
    return {
        "pattern": pattern,
        "validator": validator,
        "context": context,
        "subtype": subtype,
        "explanation": why,
    }


def _context(
    text: str, start: int, end: int, exact: frozenset[str], stems: tuple[str, ...], window: int = 40
) -> list[str]:
    """Words near the span that are in ``exact`` or start with one of ``stems`` (compounds)."""
    return _matching(words_around(text, start, end, window), exact, stems)


def _matching(words: list[str], exact: frozenset[str], stems: tuple[str, ...]) -> list[str]:
    return [w for w in words if w in exact or w.startswith(stems)]


class _Spans:
    """Claimed spans, sorted by start, with an O(log n) overlap test (adversarial texts have many)."""

    def __init__(self, spans: tuple[tuple[int, int], ...] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end) - 1
        # Spans barely nest (one detector's spans never overlap), so the two nearest suffice.
        return any(self._spans[j][1] > start for j in range(max(0, i - 1), i + 1))

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._spans.insert(i, (start, end))


class _Reach:
    """Spans that may overlap each other (two national IDs on the same digits), with an exact
    O(log n) overlap test: sorted by start, with the furthest end reached so far. A text of many
    national IDs and numbers made the test text by text quadratic (1 MB: 0.8 million comparisons)."""

    def __init__(self, signals: Sequence[Signal]) -> None:
        spans = sorted((s.start, s.end) for s in signals)
        self._starts = [a for a, _ in spans]
        self._reach = list(accumulate((b for _, b in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)  # the spans that start before ``end``: [:i]
        return i > 0 and self._reach[i - 1] > start


def _near_hints(
    pattern: re.Pattern[str],
    text: str,
    hint: re.Pattern[str],
    before: int,
    reach: int,
    starts: re.Pattern[str] | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, tried only near the matches of ``hint``, a pattern the engine scans for
    fast (one that starts with a digit, say, where ``pattern`` starts with a lookbehind and so is tried
    at every position of the text).

    For the same matches: every match of ``pattern`` starts at most ``before`` characters before, or
    inside, a match of ``hint.finditer(text)``, and whether it matches at a position depends on at most
    ``reach`` characters from there (lookaheads included; the match itself may be longer: it is matched
    again on the whole text). Texts whose first 64 kB are thick with hints are scanned as before.

    ``starts``: where given, a pattern that matches (one character) at every position where ``pattern``
    can start (its first character class and lookbehind, which ``pattern`` begins with). Then only those
    positions from ``before`` characters before a hint to its end are tried, each with ``pattern.match``
    on the whole text: the same matches in the same order (a search over the window also tried, and
    threw away, every position up to ``reach`` past the hint: 1 MB of joined comments, the case labels
    near 5,800 runs of digits, 56 → 12 ms).

    ``spans``: the spans of ``hint.finditer(text)``, where the caller has them (the runs of digits of
    :func:`_shape`). A text of at most 64 kB is scanned for its hints once (the count that decides
    whether they are dense is then their number), not twice.
    """
    size = len(text)
    sample = min(size, _SAMPLE)
    if spans is None and size <= _SAMPLE:
        spans = [h.span() for h in hint.finditer(text)]
    count = len(spans) if spans is not None and size <= _SAMPLE else len(hint.findall(text, 0, sample))
    if count * _DENSE_HINTS > sample:
        yield from pattern.finditer(text)
        return
    pos = 0  # the end of the last match: the scan goes on from there
    tried = 0  # the end of the last window: every position before it was tried (runs of digits a few
    # characters apart, "12 34 56 78", "010190-1234", have windows that overlap; each position once)
    for h_start, h_end in spans if spans is not None else (h.span() for h in hint.finditer(text)):
        lo, hi = max(pos, tried, h_start - before), h_end
        tried = hi
        if starts is not None:
            for s in starts.finditer(text, lo, hi):
                if s.start() < pos:  # inside the last match
                    continue
                m = pattern.match(text, s.start())
                if m is not None:
                    yield m
                    pos = m.end()
            continue
        while lo < hi:
            m = pattern.search(text, lo, min(size, hi + reach))
            if m is None or m.start() >= hi:
                break
            full = pattern.match(text, m.start())  # the same start; its end on the whole text
            if full is None:  # cannot happen when ``reach`` is right; scan as before
                yield from pattern.finditer(text, lo)
                return
            yield full
            pos = lo = full.end()


# Where more than one character in this many starts a hint, the scan is cheaper than the Python work per
# hint (≈ 1 µs against ≈ 0.05-0.1 µs a character for the scan). Judged on the first 64 kB.
_DENSE_HINTS = 20
_SAMPLE = 65_536


# ---------------------------------------------------------------------------------------------- email
# Local part: atoms joined by single dots; domain: labels of <= 63 characters joined by dots, then a
# letter TLD. The lookbehind lets a match start only at the beginning of a local part, so a failed
# attempt is never retried from inside the same run of characters (that would be quadratic).
_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w%+\-]+(?:\.[\w%+\-]+)*"
    r"@(?P<domain>(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24})(?![\w\-])"
)


# Every e-mail address has a local-part character right before its '@' and a letter or digit after it
# ("@USER" mentions have neither): the cheap test before the regex below.
_EMAIL_HINT = re.compile(r"@(?<=[\w%+\-]@)[^\W_]")  # from the '@': a literal the engine finds fast
# What every address has from its '@' on: the hint, then the rest of a first domain label and its dot,
# then a letter or digit (a further label or the TLD).
_EMAIL_AT = re.compile(r"@(?<=[\w%+\-]@)[^\W_][\w\-]{0,62}\.[^\W_]")
# Read in the reversed text from right before an '@': the run of local-part characters that ends there.
_LOCAL_RUN = re.compile(r"[\w.%+\-]*")


# Where more than one character in this many starts an address's '@', the scan is cheaper than the
# Python work per '@' (≈ 1.3 µs against ≈ 0.12 µs a character for the scan; 1 MB of "a@b.dk " is one
# in seven). Judged on the first 64 kB (_SAMPLE): either way the matches are the same.
_DENSE_AT = 12


def _dense(text: str) -> bool:
    sample = min(len(text), _SAMPLE)
    return len(_EMAIL_AT.findall(text, 0, sample)) * _DENSE_AT > sample


def _email_matches(text: str) -> Iterator[re.Match[str]]:
    """``_EMAIL.finditer(text)``, tried only where an address can be (or the scan itself where '@'s are
    dense): see :func:`_email_hints`."""
    return _EMAIL.finditer(text) if _dense(text) else _email_hints(text)


def _email_hints(text: str) -> Iterator[re.Match[str]]:
    """``_EMAIL.finditer(text)``, tried only where an address can be: at the start of the run of
    local-part characters before each '@' that ``_EMAIL_AT`` finds.

    The regex begins with a lookbehind, so a scan tries it at every position (1 MB of comments: 0.12 s,
    most of ``contact`` on a long text). A match is a local part, one '@' and a domain: its '@' is the
    first after its start, and its start is where the run of local-part characters before that '@'
    begins (the lookbehind allows no other). So each '@' has one start to try, and a scan would find
    the same matches: a start before the end of the last match is one the scan never tries (every
    position after that end, up to the '@', follows a local-part character).
    """
    last = 0
    size = len(text)
    backwards = ""
    for hint in _EMAIL_AT.finditer(text):
        at = hint.start()
        if not backwards:
            backwards = text[::-1]  # once per text with a hint: ≈ 1 ms per MB
        run = _LOCAL_RUN.match(backwards, size - at)
        start = at - (run.end() - run.start()) if run is not None else at
        if start < last:
            continue
        m = _EMAIL.match(text, start)
        if m is not None:
            last = m.end()
            yield m


# Whose address it is. An address under the organisation's own domains (``work_email_domains``) or a
# role address of any body ("post@", "postmottak@", "info@") is no private person's: score
# ``ORGANISATION_SCORE``, so that a rule about a person's contact details asks for ``min_score`` 0.55
# (as a rule about private persons' names ignores public officials). Free-mail providers make an
# address a private one.
ORGANISATION_SCORE = 0.5
_ROLE_LOCAL = frozenset(
    _words(
        "post postmottak postkasse mail kontakt contact info information kommune kommunen kommun "
        "borgerservice servicecenter servicetorget kundeservice kundtjanst support hjelp hjalp help "
        "registrator registratur arkiv presse press redaktion redaksjon redaktionen sekretariat "
        "noreply no-reply webmaster admin ekspedition reception resepsjon medborgarservice"
    )
)
_ROLE_LENGTHS = frozenset(len(w) for w in _ROLE_LOCAL)
_FREE_MAIL = frozenset(
    _words(
        "gmail.com googlemail.com hotmail.com hotmail.dk hotmail.no hotmail.se outlook.com outlook.dk "
        "live.com live.dk live.no live.se msn.com yahoo.com yahoo.dk yahoo.no yahoo.se icloud.com me.com "
        "mac.com protonmail.com proton.me aol.com gmx.com gmx.net mail.dk jubii.dk ofir.dk stofanet.dk "
        "email.dk youmail.dk online.no frisurf.no broadpark.no telia.com bredband.net spray.se passagen.se"
    )
)


def _emails(text: str, ctx: AnalysisContext) -> Iterator[Signal]:
    work_domains = tuple(d.lower() for d in ctx.work_email_domains)
    # The evidence and score of an address depend on its domain (and, for a role address, its local
    # part) alone, and a text of many addresses repeats few: each is built once per text and shared,
    # read-only, by the signals (as the word lists share theirs). 1 MB of addresses: ≈ 2 µs less each.
    by_domain: dict[str, tuple[Mapping[str, Any], float]] = {}
    by_role: dict[tuple[str, str], Mapping[str, Any]] = {}
    for m in _email_matches(text):
        start, end = m.span()
        raw_domain = m.group(1)  # the domain, which ends the match
        at = end - len(raw_domain) - 1
        known = by_domain.get(raw_domain)
        if known is None:
            domain = raw_domain.lower()
            evidence = _email_evidence(domain, work_domains)
            score = ORGANISATION_SCORE if evidence["work_domain"] else 0.95
            known = by_domain[raw_domain] = (MappingProxyType(evidence), score)
        shared, score = known
        if score == 0.95 and at - start in _ROLE_LENGTHS:  # (lower-casing may change the length of
            local = text[start:at].lower()  # "İ" and a few others, none of which is in a role word)
            if local in _ROLE_LOCAL:
                role = by_role.get((raw_domain, local))
                if role is None:
                    domain = raw_domain.lower()
                    role = by_role[(raw_domain, local)] = MappingProxyType(
                        {
                            **shared,
                            "subtype": "role",
                            "owner": "organisation",
                            "explanation": (
                                f"A role address ({local}@) at {domain}: an organisation's, not a person's."
                            ),
                        }
                    )
                yield Signal("email", start, end, ORGANISATION_SCORE, "email.regex", role)
                continue
        yield Signal("email", start, end, score, "email.regex", shared)


def _email_evidence(domain: str, work_domains: tuple[str, ...]) -> dict[str, Any]:
    work = any(domain == d or domain.endswith("." + d) for d in work_domains)
    free = domain in _FREE_MAIL
    subtype = "work" if work else "private" if free else "address"
    why = {
        "work": f"An e-mail address under the organisation's own domain {domain}.",
        "private": f"A private e-mail address (free-mail provider {domain}).",
        "address": f"An e-mail address at {domain}.",
    }[subtype]
    evidence = _evidence("email", "local@domain with a letter TLD", [], subtype, why)
    evidence["domain"] = domain  # read by the work-e-mail-in-private-post detector
    evidence["work_domain"] = work
    evidence["owner"] = "organisation" if work else "person"
    return evidence


# ---------------------------------------------------------------------------------------------- phone
_SEP = r"[ \u00a0\u202f.\-\u2010-\u2013]"
# A candidate: optional '+', optional "(0)"-style group, digit groups joined by ONE separator each.
# The lookahead is the pre-filter: it needs 8 digits (with at most a few separator characters
# between any two) before the run is handed to Python at all. Not preceded by word characters or URL/amount
# characters, so "id=12345678" and "-12345678" are not phones. No trailing lookaround: the greedy
# match of a maximal run never backtracks.
#
# Written to start with its first character, '+', '(' or a digit, and then look behind it (as the IBAN and
# account patterns below): the engine skips to those in C instead of trying the pattern at every position
# (1 MB of random digits and punctuation: 0.07 s → 0.03). What follows depends on that character: after
# '+' the lookahead wants eight digit groups, after '(' a digit and seven more, after a digit seven more
# (tests/analysis/test_contact_patterns.py holds it to the pattern it replaces).
_PHONE_GAP = r"(?:[ \u00a0\u202f.\-\u2010-\u2013]{0,2}[()]?[ \u00a0]?\d)"
# Where a candidate can start (what the pattern begins with): the positions _near_hints tries.
_PHONE_START = r"[+(\d](?<![\w+/=#@&%$€£\-].)"
_PHONE_STARTS = re.compile(_PHONE_START)
_PHONE_RUN = re.compile(
    _PHONE_START + rf"(?:(?<=\+)(?={_PHONE_GAP}{{8}})[ \u00a0]?(?:\(\d{{1,4}}\)[ \u00a0]?)?\d+"
    rf"|(?<=\()(?=[ \u00a0]?\d{_PHONE_GAP}{{7}})\d{{1,4}}\)[ \u00a0]?\d+"
    rf"|(?<=\d)(?={_PHONE_GAP}{{7}})\d*)"
    rf"(?:(?:{_SEP}|[ \u00a0]?\(\d{{1,4}}\)[ \u00a0]?)\d+)*"
)
# Cheap pre-filter (it starts with a digit, so the scan skips to digits in C): eight digits with at most
# four characters between two of them, which every candidate above has.
_PHONE_HINT = re.compile(r"\d(?:\D{0,4}\d){7}")
# A candidate's first digit is at most 5 characters after its start ("+ -( 1"), where the hint starts or
# inside a hint (the hints are found without overlap); its lookahead reads at most 5 + 7 × 5 + 1 = 41
# characters and its start at most 10 more: see _near_hints, which scans only there (1 MB of comments:
# 0.04 s → 0.005).
_PHONE_BEFORE = 5
_PHONE_REACH = 64
# Shapes that are not phones although the digits may validate.
_DATE = re.compile(
    r"\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}"
    r"|\d{1,2}[.:]\d\d[\-\u2010-\u2013]\d{1,2}[.:]\d\d"  # opening hours / date ranges "20.00-22.00"
)
_ID_LIKE = re.compile(r"(?:\d{6}|\d{8})[\-\u2010-\u2013]\d{4}")  # CPR / personnummer: national_id's
_YEARS = re.compile(r"(?:19|20)\d\d[ \-\u2010-\u2013](?:19|20)\d\d")  # "2023-2024"
_THOUSANDS = re.compile(r"\d{1,3}(?:[. \u00a0]\d{3}){2,}")  # "12.345.678", "12 345 678"
_AMOUNT_TAIL = re.compile(r",(?:\d\d|-)")  # "12 345 678,00" / "…,-"

# Context words (da, nb, nn, sv, en): exact words, then stems that start compounds ("telefonnummer").
# "konto" is exact only: as a stem it would also match "kontoret" (the office).
_PHONE_EXACT = frozenset(
    _words("tlf tel mob mobil ring ringe ringer ringes ringt ringa ringde phone call sms whatsapp")
)
_PHONE_STEMS = _words("telefon mobil phone kontakt contact sms tlf calling called")
_NOT_PHONE_EXACT = frozenset(
    _words(
        "kr nok sek dkk eur euro kroner kronor mio mia mill reg konto kto iban bg pg ref dnr jnr cvr ordre "
        "order invoice cpr"
    )
)
_NOT_PHONE_STEMS = _words(
    "cpr personnum personnr fødselsn fodselsn födelse kontonr kontonum ordre order faktura invoice sagsn "
    "saksn sags journal diarie registrering regnr bankgiro plusgiro kundenum kundenr kundnum orgnr "
    "organisa varenum artikel artikkel beløb beløp belopp million"
)
# "billetnr", "medlemsnummer", "kundenumre": a number of some other kind (not "telefonnummer").
_NUMBER_WORDS = ("nr", "nummer", "number", "numre", "nummeret")


def _other_number_word(word: str) -> bool:
    if word.startswith(_PHONE_STEMS) or not word.endswith(_NUMBER_WORDS):
        return False
    return any(word.endswith(x) and len(word) > len(x) for x in _NUMBER_WORDS)


# Whose number it is. The organisation's own (listed in the pack: ``own_phone_numbers``), a service
# number (toll-free, shared cost, …) or one the text gives as the organisation's or a unit's scores
# ``ORGANISATION_SCORE``; any other is taken for a person's. Who: the nearest cue word in the same
# sentence, up to five words before the number or three after it ("ring til hende på …" a person,
# "ring til Borgerservice på …", "kontakt os på …", "… (sentralbordet)" the organisation); else, for a
# number that is not a mobile one, a unit or the organisation named anywhere in the text ("Borgerservice
# har åbent kl. 10-15. Ring på …"); else a person ("ring 915 62 384").
_ORG_CUE_EXACT = frozenset(
    _words(
        "os oss us vi we kommunen kommune kommun kommunens nav skolen skolan biblioteket rådhuset "
        "stadshuset kontoret hovednummer hovednummeret huvudnummer växeln växel sentralbordet "
        "sentralbord omstillingen omstilling vagten vakta"
    )
)
_WEAK_ORG_CUES = frozenset(_words("os oss us vi we"))  # only right before the number
_ORG_CUE_STEMS = _words(
    "borgerservice servicecent servicet servicesent kundeservice kundtjänst kundservice medborgarservice "
    "kontaktcent jobcent sentralbord omstilling vagttelefon vakttelefon jourtelefon døgnvagt døgnvakt "
    "legevakt lægevagt sekretariat reception resepsjon ekspedition switchboard helpline hotline "
    "forvaltning afdeling avdeling avdelning tandpleje tannhelse tandvård sundhedspleje helsestasjon "
    "hjemmepleje hjemmetjenest hemtjänst socialtjänst"
)
_PERSON_CUE_EXACT = frozenset(
    _words(
        "hende ham hun han ho henne honom hon him her she he hans hennes hendes hennar his privat "
        "privatnummer nabo naboen granne grannen neighbour mor far mamma pappa"
    )
)
_ORG_NUMBER_TYPES = frozenset(("toll_free", "premium_rate", "shared_cost", "uan"))
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÆØÅÄÖ])|\n")


def _own_numbers(ctx: AnalysisContext) -> frozenset[str]:
    """National numbers of the organisation's own phone numbers (parsed once per context)."""
    hit = _OWN_CACHE.get((ctx.own_phone_numbers, ctx.country))
    if hit is None:
        out: set[str] = set()
        for raw in ctx.own_phone_numbers:
            try:
                out.add(str(_phonenumbers().parse(raw, ctx.country).national_number))
            except _phonenumbers().NumberParseException:
                out.add(_NON_DIGIT.sub("", raw))
        if len(_OWN_CACHE) > 256:
            _OWN_CACHE.clear()
        hit = _OWN_CACHE[(ctx.own_phone_numbers, ctx.country)] = frozenset(out)
    return hit


_OWN_CACHE: dict[tuple[tuple[str, ...], str], frozenset[str]] = {}


def _org_word(w: str, org_words: frozenset[str]) -> bool:
    return w in _ORG_CUE_EXACT or w.startswith(_ORG_CUE_STEMS) or w in org_words


def _phone_owner(
    text: str, start: int, end: int, kind: str, national_number: str, ctx: AnalysisContext, memo: Memo
) -> tuple[str, str]:
    """(owner, why) of a phone number: the organisation's own, a service number, or by the cues."""
    if ctx.own_phone_numbers and national_number in _own_numbers(ctx):
        return "organisation", "The organisation's own number (listed in the pack)."
    if kind in _ORG_NUMBER_TYPES:
        return "organisation", f"A {kind.replace('_', ' ')} number: a service's, not a person's."
    owner, cue = _owner_cue(text, start, end, kind, ctx, memo)
    if not cue:
        return owner, "Nothing says it is the organisation's: taken for a person's."
    return (
        owner,
        f"'{cue}' says whose it is: {'the organisation' if owner == 'organisation' else 'a person'}.",
    )


@lru_cache(maxsize=256)
def _org_words(names: tuple[str, ...]) -> frozenset[str]:
    """The lower-cased words of the organisation's names (once per pack, not once per number)."""
    return frozenset(w.lower() for name in names for w in name.split())


def _owner_cue(
    text: str, start: int, end: int, kind: str, ctx: AnalysisContext, memo: Memo
) -> tuple[str, str]:
    """("organisation" | "person", the cue word or "") of a phone number (see above)."""
    org_words = _org_words(ctx.organisation_names)
    left = text[max(0, start - 80) : start]
    cut = [m.end() for m in _SENTENCE_END.finditer(left)]
    before = [w.lower() for w in WORD.findall(left[cut[-1] if cut else 0 :])][-5:]
    right = text[end : end + 40]
    stop = _SENTENCE_END.search(right)
    after = [w.lower() for w in WORD.findall(right[: stop.start() if stop else None])][:3]
    for k, w in enumerate((*reversed(before), *after)):
        if w in _PERSON_CUE_EXACT:
            return "person", w
        if _org_word(w, org_words) and (w not in _WEAK_ORG_CUES or k < 3):
            return "organisation", w
    if kind != "mobile":
        cue = _text_org_cue(text, org_words, memo)
        if cue:
            return "organisation", cue
    return "person", ""


def _text_org_cue(text: str, org_words: frozenset[str], memo: Memo) -> str:
    """The first word of the text's first 2,000 characters that names a unit or the organisation, or "";
    worked out once per text, not once per number in it (a long text of many numbers)."""
    if memo.cue is not None:
        return memo.cue
    cue = ""
    for w in WORD.findall(text[:2000].lower()):
        if w not in _WEAK_ORG_CUES and _org_word(w, org_words):
            cue = w
            break
    memo.cue = cue
    return cue


# phonenumbers' PhoneNumberType members by name: "fixed_line" is FIXED_LINE.
_NUMBER_TYPES = (
    "fixed_line",
    "mobile",
    "fixed_line_or_mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "uan",
)


@cache
def _number_types() -> dict[int, str]:
    types = _phonenumbers().PhoneNumberType
    return {getattr(types, name.upper()): name for name in _NUMBER_TYPES}


@dataclass(frozen=True, slots=True)
class _Parsed:
    """What phonenumbers says of a candidate read in a region (``possible`` only for an invalid one)."""

    number: phonenumbers.PhoneNumber  # (the annotation is not evaluated at run time)
    valid: bool
    possible: bool
    kind: str = ""  # of a valid one: "mobile", "fixed_line", …
    region_code: str = ""  # of a valid one: the region it belongs to, "??" if none


# phonenumbers costs 20-40 µs a candidate, the largest part of this module's time; its answers depend on
# the candidate's characters and the region alone, so within one text a number written again (a long
# text, a list of contacts) is looked up once. Not kept across texts: a benchmark that checks the same
# texts over again would otherwise measure the memo, not the check.
class Memo:
    """What one text's numbers share: each (candidate, region)'s parse, and the text's own cue."""

    __slots__ = ("cue", "parsed")

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, str | None], _Parsed | None] = {}
        self.cue: str | None = None  # the first organisation or unit word of the text, once looked up


def _parsed(raw: str, region: str | None, memo: Memo) -> _Parsed | None:
    """``phonenumbers.parse(raw, region)`` and its validity; None where it does not parse."""
    key = (raw, region)
    if key in memo.parsed:
        return memo.parsed[key]
    pn = _phonenumbers()
    try:
        number = pn.parse(raw, region)
    except pn.NumberParseException:
        out = None
    else:
        valid, number_type, region_code = _validity(number)
        if valid:
            out = _Parsed(
                number, True, False, _number_types().get(number_type, "unknown"), region_code or "??"
            )
        else:
            out = _Parsed(number, False, pn.is_possible_number(number))
    memo.parsed[key] = out
    return out


def _validity(number: phonenumbers.PhoneNumber) -> tuple[bool, int, str | None]:
    """``(is_valid_number(number), number_type(number), region_code_for_number(number))`` of
    phonenumbers, with the region looked up and the number's type worked out once: the three calls look
    up the region three times (for +47, NO and SJ, by a pattern) and run the type's patterns twice
    (their code, phonenumbers 9.0; tests/analysis/test_contact_shape.py holds the two ways equal)."""
    pn = _phonenumbers()
    util = pn.phonenumberutil
    type_of = getattr(util, "_number_type_helper", None)
    if type_of is None:  # a phonenumbers without it: the three calls
        return pn.is_valid_number(number), pn.number_type(number), pn.region_code_for_number(number)
    region_code = pn.region_code_for_number(number)
    unknown = pn.PhoneNumberType.UNKNOWN
    if region_code is None:
        return False, unknown, None
    country_code = number.country_code
    metadata = pn.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region_code.upper())
    if metadata is None:
        return False, unknown, region_code
    number_type = type_of(pn.national_significant_number(number), metadata)
    if (
        region_code != util.REGION_CODE_FOR_NON_GEO_ENTITY
        and country_code != util.country_code_for_valid_region(region_code)
    ):
        return False, number_type, region_code
    return number_type != unknown, number_type, region_code


@cache
def _regions(country: str) -> tuple[str, ...]:
    """The regions a number without '+' is read in: the organisation's country first."""
    own_first = (country,) if country in _NORDIC else ()
    return own_first + tuple(r for r in _NORDIC if r != country)


def _phones(
    text: str, ctx: AnalysisContext, claimed: list[Signal], national: Sequence[Signal] = ()
) -> Iterator[Signal]:
    regions = _regions(ctx.country)
    taken = _Spans(tuple((s.start, s.end) for s in claimed))
    budget = _MAX_VALIDATIONS
    if _PHONE_HINT.search(text) is None:
        return
    memo = Memo()
    on_national = _Reach(national) if national else None
    for m in _near_hints(_PHONE_RUN, text, _PHONE_HINT, _PHONE_BEFORE, _PHONE_REACH, _PHONE_STARTS):
        raw, start, end = m.group(), m.start(), m.end()
        # The longest plausible form ("+46 (0)70-123 45 67") has 19 characters. Account and case
        # numbers found above are not phones (the registry would also drop them; skip the work).
        if len(raw) > 24 or taken.overlaps(start, end):
            continue
        digits = _NON_DIGIT.sub("", raw)
        if not 8 <= len(digits) <= 15:
            continue
        after = text[end : end + 3]
        if (after[:1].isalpha()) or _AMOUNT_TAIL.match(after):  # "12345678kr", "12 345 678,00"
            continue
        if start >= 2 and text[start - 1] in ".," and text[start - 2].isdigit():  # decimals
            continue
        if _DATE.fullmatch(raw) or _ID_LIKE.fullmatch(raw):
            continue
        # A year range or an amount is a phone only when the text says so: skip the slow parse.
        odd_shape = _YEARS.fullmatch(raw) is not None or _THOUSANDS.fullmatch(raw) is not None
        # The caller drops a phone on a national ID: no need to validate it. Such a candidate of the
        # usual shape is skipped before its words are read, with the unit of the budget it spent when
        # they were (the budget decides which later candidates are read).
        on_id = on_national is not None and on_national.overlaps(start, end)
        if on_id and not odd_shape:
            if budget <= 0:
                break
            budget -= 1
            continue
        words = words_around(text, start, end, 40)
        positive = _matching(words, _PHONE_EXACT, _PHONE_STEMS)
        if odd_shape and not positive:
            continue
        if budget <= 0:
            break  # every further phone would need the slow validator
        budget -= 1
        if on_id:
            continue
        international = raw.startswith("+") or digits.startswith("00")
        tries: tuple[str | None, ...] = (None,) if raw.startswith("+") else regions
        found: tuple[_Parsed, int] | None = None
        possible = False
        for i, region in enumerate(tries):
            # Swedish numbers are written with the trunk 0; an 8-digit run without it is not Swedish.
            if region == "SE" and not digits.startswith("0"):
                continue
            parsed = _parsed(raw, region, memo)
            if parsed is None:
                continue
            if parsed.valid:
                found = (parsed, i)
                break
            possible = possible or parsed.possible
        if found is None and not possible:
            continue
        negative = _matching(words, _NOT_PHONE_EXACT, _NOT_PHONE_STEMS)
        negative += [w for w in words if _other_number_word(w)]
        if found is None:
            score, kind, region_code = 0.3, "unverified", ctx.country
            validator = "phonenumbers: possible length, not an assigned range"
        else:
            parsed, i = found
            # A '+'/'00' number is deliberate; a bare 8-digit run in DK/NO is often one, sometimes not.
            score = (0.75 if international else 0.6) - (0.05 if i > 0 else 0.0)
            kind, region_code = parsed.kind, parsed.region_code
            validator = f"phonenumbers: valid {region_code} {kind.replace('_', ' ')}"
        score -= 0.3 if odd_shape else 0.0
        score += 0.3 if positive else 0.0
        score -= 0.35 if negative else 0.0
        if score < MIN_SCORE:
            continue
        national_number = str(found[0].number.national_number) if found is not None else digits
        owner, why = _phone_owner(text, start, end, kind, national_number, ctx, memo)
        if owner == "organisation":
            score = ORGANISATION_SCORE
        evidence = _evidence(
            "phone_run",
            validator,
            positive,
            kind,
            f"A {region_code} phone number ({kind.replace('_', ' ')})"
            + (" with phone words nearby." if positive else "."),
        )
        evidence["region"] = region_code
        evidence["owner"] = owner
        evidence["explanation"] += " " + why
        if negative:
            evidence["negative_context"] = negative
        yield Signal("phone", start, end, min(score, 0.99), "phone.phonenumbers", evidence)


# --------------------------------------------------------------------------------------- bank_account
# Patterns that would start with a lookbehind start with their first character instead and look behind
# it ("\d(?<![\w.]\d)" for "(?<![\w.])\d"): the same matches, but the regex engine then skips to the
# characters that can start one in C instead of trying every position (3-6 times faster on a 1 MB text).
# IBAN: country, check digits, then 10-30 alphanumerics with optional single spaces. Greedy without a
# trailing condition, so no backtracking; trailing groups that are not part of it are trimmed below.
_IBAN = re.compile(r"[A-Z](?<![\w].)[A-Z]\d{2}(?:[ \u00a0]?[A-Z0-9]){10,30}")
_PART = re.compile(r"\S+")
# Pre-filters that start with a character set (the lookbehinds above keep the engine from skipping).
_IBAN_HINT = re.compile(r"\d(?<=[A-Z]{2}\d)\d")  # "[A-Z]{2}\d\d", scanned from its digits (see below)
_FOUR_DIGITS = re.compile(r"\d\d{3}")  # not "\d{4}": see _DIGITS
# Norwegian kontonummer 1234.56.78903 / 1234 56 78903 / 1234-56-78903 / 12345678903 (same separator
# twice), or, in Norway, 1234 5678903 (bank and account apart).
_NO_KONTO = re.compile(
    r"\d(?<![\w.,\-]\d)\d{3}"
    r"(?:(?P<sep>[. \u00a0\-]?)\d{2}(?P=sep)\d{5}|(?P<split>[ \u00a0])\d{7})(?!\w|[.,\-]\d)"
)
# Danish reg.nr + kontonr with a reg label, the kontonr label optional: "reg. 1234 konto 0012345678".
# The label patterns below start with their first letter in both cases (``_first_of``), then look behind
# it, and only then turn on (?i): a pattern that starts with (?i) or a lookbehind is tried at every
# position of the text, one that starts with a plain class lets the engine skip to it in C (1 MB of
# comments: the case label 0.056 s → 0.028, the case word 0.028 → 0.005, reg. 0.019 → 0.005, each giro
# label 0.018 → < 0.003). The same matches: what follows
# the first letter checks it again with a one-character lookbehind where alternatives differ in it.
_DK_LABELLED = re.compile(
    rf"(?P<label>{_first_of('r')}(?<![\w.].)(?i:eg(?:istrerings)?(?:\.|\s)?\s?(?:nr|nummer)?\.?))"
    r"(?i:\s?:?\s?(?P<reg>\d{4})"
    r"[\s,./:;\-]{1,3}(?:(?:og\s|and\s)?(?:konto(?:nummer|nr)?|kto(?:nr)?|account(?:\s(?:no|number))?)"
    r"\.?(?:\s?nr\.?)?\s?:?\s?)?(?P<konto>\d{4,10})(?!\w))"
)
# The case label pattern needs a number after the label: its first digit is at most 26 characters after
# the start ("dykkar referanse: AB-1"), so it is tried only up to 40 characters before a run of digits
# (_near_hints; 1 MB of comments: 21 → 11 ms), and whether it matches depends on at most 27 characters from
# its start (the match may be longer). The other label patterns, cheaper to scan, gained nothing so
# (the scan for the runs of digits alone costs 4 ms a MB).
_DIGITS = re.compile(r"\d\d*")  # not "\d+": a pattern that starts with a repeat is tried at every position
_LABEL_BEFORE = 40
_LABEL_REACH = 128
# Danish "1234-0012345678" / "1234 0012345678": only with an account word near.
_DK_PAIR = re.compile(r"(?P<reg>\d(?<![\w.,\-]\d)\d{3})[ \-](?P<konto>\d{6,10})(?!\w|[.,\-]\d)")
# Swedish bankgiro NNN-NNNN / NNNN-NNNN and plusgiro "12 34 56-7" / "1234567-8", label required.
_BANKGIRO = re.compile(
    rf"(?P<label>{_first_of('b')}(?<![\w].)(?i:ankgiro|g))"
    r"(?i:(?:[\s\-]?(?:nummer|nr))?\.?\s?:?\s?(?P<num>\d{3,4}-\d{4})(?![\w\-]))"
)
_PLUSGIRO = re.compile(
    rf"(?P<label>{_first_of('p')}(?<![\w].)(?i:lusgiro|ostgiro|g))"
    r"(?i:(?:[\s\-]?(?:nummer|nr|konto))?\.?\s?:?\s?(?P<num>\d{1,2}(?: ?\d{2}){0,3}-\d)(?![\w\-]))"
)
# A payment or order reference labelled just before the digits ("KID-nummer 15032745188", "OCR: …",
# "fakturanr. …"): KID numbers are MOD10 or MOD11 numbers of any length, so an 11-digit one passes the
# kontonummer check as often as chance allows; the label says what it is.
_REFERENCE_BEFORE = re.compile(
    r"(?i:\b(?:kid|ocr|faktura|invoice|kunde|ordre|order|referanse|referens)[\w.\-]{0,8}\.?\s?:?\s?)\Z"
)
# Substrings that every label / context word of the labelled forms contains.
_BANK_HINTS = _words("kont kto bank iban account reg betal overfør")
_GIRO_HINTS = _words("giro bg pg")
_BANK_EXACT = frozenset(_words("konto kto bank iban account reg kontonr registreringsnummer"))
_BANK_STEMS = _words(
    "kontonr kontonum bankkonto gavekonto indbetal innbetal betal overfør account registreringsn regnr"
)


def _at_runs(
    pattern: re.Pattern[str], text: str, runs: Sequence[tuple[int, int]] | None, shortest: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches start where a run of at least ``shortest``
    digits starts (``_NO_KONTO``: a digit with no digit or word character before it, then three more),
    tried only there where ``runs`` (:func:`_shape`) are known: a match at each such start that is not
    inside the last match is what the scan finds."""
    if runs is None:
        yield from pattern.finditer(text)
        return
    last = 0
    for start, end in runs:
        if end - start >= shortest and start >= last:
            m = pattern.match(text, start)
            if m is not None:
                last = m.end()
                yield m


def _bank_accounts(text: str, lower: str, country: str = "", shape: _Shape | None = None) -> list[Signal]:
    """``shape``: the text's :class:`_Shape`, where known (it only skips scans that cannot match)."""
    if shape is None:
        shape = _shape(text)
    found: list[Signal] = []
    taken = _Spans()
    budget = _MAX_VALIDATIONS

    def add(
        start: int, end: int, score: float, subtype: str, validator: str, why: str, label: str = ""
    ) -> None:
        if score < MIN_SCORE or taken.overlaps(start, end):  # IBAN first, then the national forms
            return
        taken.add(start, end)
        ctx = [label.lower()] if label else _context(text, start, end, _BANK_EXACT, _BANK_STEMS, 40)
        evidence = _evidence(subtype, validator, ctx, subtype, why)
        signal = Signal("bank_account", start, end, min(score, 0.99), f"bank_account.{subtype}", evidence)
        found.append(signal)

    # An IBAN starts with two capitals: a text that lower-casing leaves as it is has none (1 MB of
    # digits). Else its hint is looked for from its digits, fewer than capitals in prose.
    for m in _IBAN.finditer(text) if shape.capitals and text != lower and _IBAN_HINT.search(text) else ():
        parts = list(_PART.finditer(m.group()))
        for k in range(len(parts), 0, -1):  # drop trailing groups until the rest validates
            candidate = "".join(p.group() for p in parts[:k])
            if len(candidate) < 14 or budget <= 0:
                break
            budget -= 1
            if _stdnum("iban").is_valid(candidate):
                end = m.start() + parts[k - 1].end()
                why = f"An IBAN ({candidate[:2]}) with valid check digits."
                add(m.start(), end, 0.95, "iban", "iban mod-97 ok", why)
                break
    # (a text of too many runs asks _FOUR_DIGITS: 1 MB of "+45 20 12 34 56 " has none, and no account scan)
    four = shape.longest >= 4 if shape.runs is not None else _FOUR_DIGITS.search(text) is not None
    for m in _at_runs(_NO_KONTO, text, shape.runs, 4) if four else ():
        if budget <= 0:
            break
        budget -= 1
        if m["split"] and country != "NO":
            continue  # "1234 5678903" is a Danish reg.nr and account elsewhere (below)
        digits = _NON_DIGIT.sub("", m.group())
        if not _kontonr_valid(digits):
            continue
        if _REFERENCE_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue
        labelled = bool(_context(text, m.start(), m.end(), _BANK_EXACT, _BANK_STEMS, 40))
        if m["sep"] or m["split"]:
            score = 0.95 if labelled else 0.85
        elif labelled:
            score = 0.9
        else:
            # An unformatted valid fødselsnummer also passes the kontonr MOD11: leave it to national_id.
            score = 0.0 if _fodselsnummer_valid(digits) else 0.65
        why = "A Norwegian account number (kontonummer) with a valid MOD11 check digit."
        add(m.start(), m.end(), score, "no_kontonr", "kontonr mod-11 ok", why)
    for m in _DK_LABELLED.finditer(text) if shape.longest >= 4 and "reg" in lower else ():
        if budget <= 0:
            break
        budget -= 1
        why = "A Danish registration number and account number after a 'reg.' label."
        label = m["label"].strip()
        add(m.start("reg"), m.end(), 0.85, "dk_reg_konto", "labelled, no public checksum", why, label)
    for m in _DK_PAIR.finditer(text) if shape.longest >= 6 and _hinted(lower, _BANK_HINTS) else ():
        if budget <= 0:
            break
        budget -= 1
        if _context(text, m.start(), m.end(), _BANK_EXACT, _BANK_STEMS, 40):
            why = "A Danish reg.nr and account number next to an account word."
            add(m.start(), m.end(), 0.8, "dk_reg_konto", "labelled, no public checksum", why)
    giro = shape.dash and _hinted(lower, _GIRO_HINTS)
    for pattern, subtype in ((_BANKGIRO, "se_bankgiro"), (_PLUSGIRO, "se_plusgiro")):
        for m in pattern.finditer(text) if giro else ():
            if budget <= 0:
                break
            budget -= 1
            digits = _NON_DIGIT.sub("", m["num"])
            if len(digits) < 2 or not _stdnum("luhn").is_valid(digits):
                continue
            why = f"A Swedish {subtype[3:]} number after a '{m['label']}' label, Luhn check ok."
            add(m.start("num"), m.end("num"), 0.9, subtype, "luhn ok", why, m["label"])
    return found


# ---------------------------------------------------------------------------------------- case_number
# A label is required: the values alone ("2024/123") are indistinguishable from dates and counts.
# "nummer" in its definite forms too ("saksnummeret", "diarienumret"), and a linking verb between label
# and value ("sagsnummeret er 24/12345", "diarienumret är …", "the reference number is …") is kept out of
# the span.
_NUM = r"(?:nummer(?:et)?|numret)"
_CASE_VALUE = (
    r"(?i:\.?(?:\s?:)?\s?(?:(?:er|är|is|var|was)\s)?"
    r"(?P<value>(?:[A-ZÅÄÖ]{1,5}[\s\-.])?\d\w{0,20}(?:[./\-]\w{1,20}){0,8}))"
)
# Where a label can start (what each label pattern begins with): the positions _near_hints tries.
_CASE_START = rf"{_first_of('sjvdyoräc')}(?<![\w.].)"
_CASE_STARTS = re.compile(_CASE_START)
_CASE = re.compile(
    rf"(?P<label>{_CASE_START}(?i:"
    rf"(?<=s)ags?\.?\s?-?nr|(?<=s)ags?-?{_NUM}|(?<=j)\.\s?nr|(?<=j)nr|(?<=j)ournal\s?-?(?:nr|{_NUM})"
    rf"|(?<=s)aks?\.?\s?-?nr|(?<=s)aks?-?{_NUM}"
    r"|(?:(?<=v)år|(?<=v)or|(?<=d)eres|(?<=d)ykkar|(?<=d)in|(?<=y)our|(?<=o)ur)"
    r"\s(?:ref(?:eransen?|erencen?|erens(?:en)?)?|beteckning)"
    rf"|(?<=r)ef(?:erence|eranse|erens)?\.?\s?-?(?:nr|no|number|{_NUM})"
    rf"|(?<=d)\.?nr|(?<=d)iarie(?:{_NUM}|nr)"
    rf"|(?<=ä)rende(?:{_NUM}|nr|\snr)|(?<=c)ase\s(?:no|number|nr))(?![^\W\d_]))" + _CASE_VALUE
)
_CASE_HINTS = _words("nr num ref case arkivsak beteckning file")  # those of _CASE_RARE too ("my ref")
# Rarer labels, in a pattern of their own that runs only when one of them is in the text (their first
# letters are common ones, which the pattern above would otherwise try at every position near a digit):
# Norwegian "Arkivsaksnr." / "arkivsak-ID" (the case system's archive case number), Swedish "Er
# beteckning" / "Er referens" (your reference, in letters), English "file no.", the writer's own
# reference ("my reference is 25/04417", "min referens").
_CASE_RARE_START = rf"{_first_of('aefm')}(?<![\w.].)"
_CASE_RARE_STARTS = re.compile(_CASE_RARE_START)
_CASE_RARE = re.compile(
    rf"(?P<label>{_CASE_RARE_START}(?i:"
    rf"(?<=a)rkivsak(?:s?\.?\s?-?(?:nr|id)|s?-?{_NUM})|(?<=e)r\s(?:referens|beteckning)"
    r"|(?:(?<=m)y|(?<=m)in|(?<=m)itt?)\sref(?:eransen?|erencen?|erens(?:en)?)?"
    r"|(?<=f)ile\s(?:no|number|nr))(?![^\W\d_]))" + _CASE_VALUE
)
_CASE_RARE_HINTS = ("arkivsak", "beteckning", "referens", "file", "my ref", "min ref", "mit ref", "mitt ref")


# The word for a case alone ("min sag 25/04417", "i saken 25/1234-3", "ärende BN 2025/0412", "arkivsak
# 25/00871") is a weaker label: only a value of a case number's own shape follows it (year or two-digit
# year, "/", a serial, optionally a unit code before and a document number after), as case systems in
# all three countries write them.
_CASE_WORD_VALUE = (
    r"(?i:\s(?:nr\.?\s|nummer\s)?"
    r"(?P<value>(?:[A-ZÅÄÖ]{1,5}[\s\-])?(?:\d{2}|\d{4})/\d{3,6}(?:-\d{1,3})?)(?![\w/]))"
)
_CASE_WORD = re.compile(
    rf"(?P<label>{_first_of('säc')}(?<![\w.].)"
    r"(?i:(?<=s)ag(?:en)?|(?<=s)ak(?:en|a)?|(?<=ä)rende(?:t)?|(?<=c)ase))" + _CASE_WORD_VALUE
)
_CASE_WORD_RARE = re.compile(
    rf"(?P<label>{_first_of('a')}(?<![\w.].)(?i:(?<=a)rkivsak(?:en|a)?))" + _CASE_WORD_VALUE
)
_YEAR_PAIR = re.compile(r"(?:19|20)\d\d/(?:19|20)\d\d")
_CASE_WORD_HINTS = _words("sag sak ärende case")


def _labelled_case(m: re.Match[str]) -> Signal | None:
    if len(_NON_DIGIT.sub("", m["value"])) < 2:
        return None
    label = m["label"].lower()
    evidence = _evidence("case_label_value", "label present", [label], "case_reference", "")
    evidence["label"] = label
    evidence["explanation"] = f"A case/journal reference after the label '{m['label']}'."
    # The span is the value (what a redaction must cover); the label is evidence.
    return Signal("case_number", m.start("value"), m.end(), 0.9, "case_number.labelled", evidence)


def _case_numbers(text: str, lower: str, shape: _Shape | None = None) -> list[Signal]:
    """``shape``: the text's :class:`_Shape`, where known (it only skips scans that cannot match)."""
    found: list[Signal] = []
    labelled = _hinted(lower, _CASE_HINTS)
    word = (shape is None or shape.slash) and "/" in lower and _hinted(lower, _CASE_WORD_HINTS)
    if not (labelled or word):
        return found
    runs = shape.runs if shape is not None else None
    for m in (
        _near_hints(_CASE, text, _DIGITS, _LABEL_BEFORE, _LABEL_REACH, _CASE_STARTS, runs) if labelled else ()
    ):
        if (signal := _labelled_case(m)) is not None:
            found.append(signal)
    if labelled and _hinted(
        lower, _CASE_RARE_HINTS
    ):  # after the common labels, which keep what both find ("Er referensnummer 25/77")
        taken = _Spans(tuple((x.start, x.end) for x in found))
        for m in _near_hints(_CASE_RARE, text, _DIGITS, _LABEL_BEFORE, _LABEL_REACH, _CASE_RARE_STARTS, runs):
            if not taken.overlaps(m.start("value"), m.end()) and (signal := _labelled_case(m)) is not None:
                found.append(signal)
    if not word:
        return found
    taken = _Spans(tuple((x.start, x.end) for x in found))
    # "arkivsak" holds "sak" but not at a word's start: the two patterns never match the same value.
    for m in chain(_CASE_WORD.finditer(text), _CASE_WORD_RARE.finditer(text) if "arkivsak" in lower else ()):
        if taken.overlaps(m.start("value"), m.end("value")) or _YEAR_PAIR.fullmatch(m["value"]):
            continue  # "sagen 2024/2025": a season
        label = m["label"].lower()
        evidence = _evidence("case_word_value", "case-number shape", [label], "case_reference", "")
        evidence["label"] = label
        evidence["explanation"] = f"A case number ({m['value']}) after the word '{m['label']}'."
        found.append(
            Signal("case_number", m.start("value"), m.end("value"), 0.8, "case_number.word", evidence)
        )
    return found


# -------------------------------------------------------------------------------------------- address
# After the number: optional DK floor/door (", 2. tv.", " st. th."), then postcode and town.
_TAIL = re.compile(
    r"(?P<floor>,?[ \u00a0](?:st|kl|\d{1,2})(?:\.[ \u00a0]?(?:tv|th|mf|sal)?\.?|[ \u00a0](?:tv|th|mf)\.?))?"
    r"(?:,?[ \u00a0](?:(?:DK|NO?|SE?)-)?(?P<post>\d{3}[ \u00a0]?\d{2}|\d{4})[ \u00a0]"
    r"(?P<town>[A-ZÆØÅÄÖÉÜ][^\W\d_]{1,30}(?:-[A-ZÆØÅÄÖÉÜ][^\W\d_]{1,30}|[ \u00a0][A-ZÆØÅ](?![^\W\d_]))?))?"
)
# Endings of one-word street names (Østergade, Storgata, Drottninggatan, Sveavägen, Kongevej, …).
# Names ("Palle", "Julia", "Kalle") end like "alle"/"lia", so those endings are left out.
_STREET_SUFFIXES = _words(
    "gade gaden vej vejen allé alléen allee stræde strædet plads pladsen torv torvet vænge vænget "
    "boulevard bakke bakken stien parken toften gata gate gaten veien vegen vei veg plass plassen torget "
    "torg brygge bryggen gatan vägen väg gränd gränden allén stig stigen backe backen platsen esplanaden "
    "street road avenue"
)
# Street words written apart after a name: "Karl Johans gate 1", "Frederiksberg Allé 3".
_STREET_WORDS = frozenset(
    _words(
        "gade vej allé alle plads torv stræde boulevard gate gata vei veg veien vegen plass torg torget "
        "gatan vägen väg gränd allén stig backe street road avenue vænge vænget kaj kai brygge bakke bakken"
    )
)
# Capitalised words that belong to a one-word street name in front of it ("Gammel Kongevej").
_STREET_PREFIXES = frozenset(
    _words(
        "gammel gamle gl. nedre øvre store lille ny nye nørre søndre nordre østre vestre sankt skt. st. "
        "övre norra södra östra västra stora lilla nya gamla"
    )
)
# Anchor: a capitalised word (<= 40 letters, starting a word) or a lowercase street word, then a house
# number (1-4 digits, optional letter). Whether a capitalised word is a street is decided in Python
# (suffix tuple), cheaper and safer than a regex alternation of suffixes tried at every word.
_ANCHOR = re.compile(
    r"(?<![^\W\d_])(?P<word>[A-ZÆØÅÄÖÉÜ][^\W\d_]{0,39}|"
    + "|".join(sorted(_STREET_WORDS, key=len, reverse=True))
    + r")[ \u00a0](?P<num>\d{1,4})"
    r"(?P<letter>[A-Za-z](?![^\W\d_])|[ \u00a0][A-Z](?![^\W\d_]))?(?![^\W\d_]|\d|[.,:/]\d)"
)
_ANCHOR_HINT = re.compile(r"\d(?<=[^\W\d_][ \u00a0]\d)")
# The letters that end right before a hint's space, when they are a whole word of at most 40 (the
# longest word an anchor takes): where the one anchor that can use that hint starts.
_WORD_BEFORE = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,40}\Z")


def _anchor_hints(text: str, runs: Sequence[tuple[int, int]] | None) -> Iterable[int]:
    """Where ``_ANCHOR_HINT`` matches (its digit), from ``runs`` where given."""
    if runs is None:
        return [h.start() for h in _ANCHOR_HINT.finditer(text)]
    return [
        s
        for s, _ in runs
        if s >= 2 and text[s - 1] in _RUN_SPACES and _LETTER_AT.match(text, s - 2) is not None
    ]


_LETTER_AT = re.compile(r"[^\W\d_]")


def _anchors(text: str, runs: Sequence[tuple[int, int]] | None = None) -> Iterator[re.Match[str]]:
    """``_ANCHOR.finditer(text)``, tried only where a hint is: an anchor's word is a whole word (nothing
    of a letter before it) right before the space and number of a hint, so each hint gives one start to
    try. Scanning the text tried the anchor's alternation of street words at every word start (1 MB of
    comments: 0.05 s; the bench corpus: 1.9 µs a text).

    ``runs``: the text's runs of digits (:func:`_shape`), where known: a hint is the start of a run after
    a space after a letter, so they give the hints without a scan of the text."""
    last = 0
    for digit in _anchor_hints(text, runs):
        space = digit - 1
        word = _WORD_BEFORE.search(text, max(0, space - 40), space)
        if word is None or word.start() < last:  # a longer word, or inside the last anchor
            continue
        m = _ANCHOR.match(text, word.start())
        if m is not None:
            last = m.end()
            yield m


_LIVES_AT = re.compile(
    r"(?i)(?<!\w)(?:bor|bosatt|bosat|bopæl|bopel|bostad|lives?|living)(?!\w)|adress|address"
)


def _street_start(text: str, word_start: int, word: str) -> tuple[int, bool]:
    """(start, weak) of the street name whose last word starts at ``word_start``; start -1: no street.

    Weak names ("Torvet 3", "Gate 12": the street word alone) count only with a postcode and town.
    """
    lower = word.lower()
    if lower in _STREET_WORDS:
        allowed: frozenset[str] | None = None  # "Karl Johans gate": any capitalised words in front
        weak = True
    elif word[0].isupper() and lower.endswith(_STREET_SUFFIXES):
        allowed = _STREET_PREFIXES
        weak = not any(lower.endswith(s) and len(lower) > len(s) for s in _STREET_SUFFIXES)
    else:
        return -1, True
    start, taken = word_start, 0
    if text[word_start - 1 : word_start] == " ":
        for token in reversed(text[max(0, word_start - 40) : word_start].split(" ")[:-1]):
            if (
                taken == 2
                or not token[:1].isupper()
                or (allowed is not None and token.lower() not in allowed)
            ):
                break
            start -= len(token) + 1
            taken += 1
    return start, weak and (allowed is not None or taken == 0)


def _addresses(text: str, runs: Sequence[tuple[int, int]] | None = None) -> Iterator[Signal]:
    budget = _MAX_VALIDATIONS
    for m in _anchors(text, runs):
        if budget <= 0:
            return
        start, weak = _street_start(text, m.start(), m["word"])
        if start < 0:
            continue
        budget -= 1
        tail = _TAIL.match(text, m.end())
        full = tail is not None and tail["post"] is not None
        if weak and not full:
            continue
        lives_at = [w.lower() for w in _LIVES_AT.findall(text, max(0, start - 30), start)]
        if full:
            score = 0.95 if lives_at else 0.9
        elif lives_at:
            score = 0.6  # street + number alone is an address only when the text says someone lives there
        else:
            continue
        parts = ["street", "number"]
        end = m.end()
        if tail is not None:
            if tail["floor"]:
                parts.append("floor")
            if full:
                parts += ["postcode", "town"]
            end = tail.end()
        evidence = _evidence(
            "street_number_postcode_town" if full else "street_number",
            f"street word '{m['word']}'",
            lives_at,
            "full" if full else "street",
            "A postal address (" + ", ".join(parts) + ")" + (" after a residence word." if lives_at else "."),
        )
        evidence["parts"] = parts
        yield Signal("address", start, end, score, "address.street", evidence)


def street_numbers(text: str) -> Iterator[Signal]:
    """Every street name with a house number ("Solvej 4"), whether or not the text says someone lives
    there: what an access-request export redacts, which errs on the side of the person (a check does
    not flag a street and number alone: "Vejarbejdet på Østergade 12" is no one's address)."""
    for m in _anchors(text):
        start, weak = _street_start(text, m.start(), m["word"])
        if start < 0 or weak:
            continue
        tail = _TAIL.match(text, m.end())
        end = tail.end() if tail is not None else m.end()
        evidence = _evidence(
            "street_number", f"street word '{m['word']}'", [], "street", "A street name and house number."
        )
        yield Signal("address", start, end, 0.5, "address.street_number", evidence)
