"""FROZEN COPY of the rule-and-gazetteer ``person_name`` detector as it was before the learned tagger
(rettesnor.analysis.names up to 2026-12-03), kept only as the "today's rules" baseline of
bench/evaluate.py. Not used by the product.

Original docstring: names of persons: ``person_name`` for da/nb/nn/sv/en short texts.

A name of a private person is personal data: a third person named in a citizen's comment ("Min nabo
Jens Pedersen larmer"), a citizen named in an official post. This detector is a fast rule-and-gazetteer
recogniser, not a statistical NER model.

Decision process per candidate (written into the evidence):

1. pattern: one precompiled regex finds runs of capitalised words (name particles such as "von", "af",
   "de", "al-" and initials "J." allowed between them);
2. gazetteers: each word is looked up (one dict lookup, case-insensitive) in the given-name and surname
   lists ``lexicons/names_*.txt`` (hand-written lists plus ``*.train.txt`` lists built from training data
   by ``scripts/build_name_gazetteer.py``). A patronymic surname counts as a surname when its stem is a
   given name (Jens-en, Peder-sen, Karl-sson, Nils-son, Jens-datter);
3. context: cue words before the run ("min nabo", "naboen", "hr.", "fru", "sagsbehandleren",
   "handläggaren", "säger", greetings and sign-offs such as "hej", "mvh", "hilsen", "med vänlig
   hälsning", and "@") make the following capitalised word(s) a name even outside the gazetteers;
4. rules against false hits:

   * a capitalised word at the start of a sentence (or line) only counts when it is in a gazetteer, and
     a gazetteer name that is also an ordinary word ("Hans", "Per", "Bo", "Dag", "Will") needs a surname
     or a cue there;
   * stop words (weekdays, months, platforms, public bodies, countries, cities …) and capitalised words
     that the training data shows as places or organisations never start a name;
   * organisations, places, events and prizes are not persons: a run containing or followed by an
     organisation word ("Hjørring Kommune", "X kommun", "X skole"), holding a word with a street or
     institution ending ("Hundige Strandvej", "Bellahøj Svømmestadion") or ending in a hyphenated
     lower-case compound ("Kim Larsen-koncert", "X-prisen") is dropped, and so is any part of the
     organisation names of the context (``AnalysisContext.organisation_names``).

Public officials: a public-office title directly before the name ("borgmester Jens Pedersen",
"kommunstyrelsens ordförande Anna Berg", "statsminister …") or right after it (", borgmester") still
gives a ``person_name`` signal, but with score 0.5 and evidence ``{"public_official": true, "title":
...}``, so that a pack can choose: a pack that should only flag private persons ignores public officials
by requiring ``min_score`` 0.6 or more.

Scores: given name + surname 0.9, given name + other capitalised word 0.8, given name alone 0.7 (0.65
at a sentence start, 0.1 less when it is also an ordinary word), surname alone 0.55-0.6, person cue
("min nabo") + unknown capitalised word 0.75, greeting/sign-off cue ("mvh") + unknown word 0.6 (it may be
a team), a cue raises a gazetteer hit by 0.1 (a person cue to at least 0.75), two unknown capitalised
words mid-sentence 0.5, names written in lower case ("mette thomsen") 0.55-0.6, @handles that contain a
given name 0.5, public officials 0.5. Detectors: ``names.gazetteer`` when the first word is in a
gazetteer, ``names.context`` otherwise.

Speed: one regex scan for capitalised runs (it starts with a character class, so the scan skips to the
next capital letter in C); most runs are one ordinary word and are dropped after one dict lookup; the
others cost a few dict lookups, a look-back of at most 48 characters and a look-ahead of one word. Names
in lower case cost one ``str.split`` and one ``frozenset.isdisjoint``; @handles one regex scan, only
when the text has an '@'. About 9 µs for a 19-word comment. Linear in the text, and capped at
1,000 signals and 10,000 closely judged runs per text, so that 1 MB takes well under a second.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any

from rettesnor.analysis.chunk import as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

SIGNAL = "person_name"
OFFICIAL_SCORE = 0.5
# No real post names more persons than this, nor holds more capitalised runs worth a closer look; past
# these limits a 1 MB adversarial text ("Jens\n" * 200000) would cost seconds. Enough is found by then.
_MAX_SIGNALS = 1000
_MAX_JUDGED = 10000

# Word classes, as bits of one dict value per lower-case word.
_GIVEN = 1
_SURNAME = 2
_STOP = 4
_NONNAME = 8  # a place, organisation or work in the training data, never a person
_COMMON = 16  # an ordinary lower-case word
_TITLE = 32
_CUE_PERSON = 64
_CUE_ADDRESS = 128
_ORG = 256
_ENDING = 512  # a patronymic surname ending (-sen, -son, -sson, -datter …)
_NAME = _GIVEN | _SURNAME | _ENDING
_SURNAMEISH = _SURNAME | _ENDING
_NOT_NAME = _STOP | _NONNAME | _COMMON
_CUE = _CUE_PERSON | _CUE_ADDRESS
_ALONE_NOT_NAME = _NOT_NAME | _ORG | _TITLE | _CUE

# (ending, the stem must end in "s") -- "Jens-en", "Lars-en" but not "Kar-en"
_PATRONYMIC = (
    ("sson", False),
    ("ssen", False),
    ("son", False),
    ("sen", False),
    ("en", True),
    ("sdatter", False),
    ("datter", False),
    ("sdotter", False),
    ("dotter", False),
    ("sdóttir", False),
    ("dóttir", False),
    ("dottir", False),
)
_JOINER = re.compile("[ \\-'’\t\u00a0]")  # characters that join words into one run
_ENDINGS = tuple(e for e, _ in _PATRONYMIC)
_MINISTER = ("minister", "ministeren", "ministern")
_PARTICLES = "van|von|af|de|der|den|da|di|du|la|le|del|dos|das|ten|ter|zu|bin|ibn"


def _read(name: str) -> list[str]:
    text = (files("rettesnor") / "lexicons" / f"names_{name}").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _patronymic(key: str, flags: dict[str, int]) -> bool:
    for ending, needs_s in _PATRONYMIC:
        if key.endswith(ending):
            stem = key[: -len(ending)]
            if len(stem) > 1 and (not needs_s or stem[-1] == "s") and flags.get(stem, 0) & _GIVEN:
                return True
    return False


def _load() -> tuple[
    dict[str, int], dict[str, tuple[int, str]], frozenset[str], frozenset[str], tuple[str, ...]
]:
    flags: dict[str, int] = {}

    def add(words: Iterable[str], bit: int) -> None:
        for word in words:
            key = word.lower()
            flags[key] = flags.get(key, 0) | bit

    add(_read("given_names.txt") + _read("given_names.train.txt"), _GIVEN)
    add(_read("surnames.txt") + _read("surnames.train.txt"), _SURNAME)
    for key, bits in list(flags.items()):
        if bits & _SURNAME and _patronymic(key, flags):
            flags[key] = bits | _ENDING
    # Genitive forms ("Annas", "Pedersens") carry the name bits of the name.
    for key, bits in list(flags.items()):
        if key[-1] not in "sxz":
            flags[key + "s"] = flags.get(key + "s", 0) | bits
    add(_read("stop_words.txt"), _STOP)
    add(_read("non_names.train.txt"), _NONNAME)
    add(_read("common_words.txt") + _read("common_words.train.txt"), _COMMON)

    phrases: dict[str, tuple[int, str]] = {}  # multi-word cue or title -> (bit, phrase)
    for name, bit in (
        ("titles.txt", _TITLE),
        ("cues_person.txt", _CUE_PERSON),
        ("cues_address.txt", _CUE_ADDRESS),
    ):
        for entry in _read(name):
            key = entry.lower()
            if " " in key:
                phrases.setdefault(key, (bit, key))
                last = key.rsplit(" ", 1)[1]
                flags[last] = flags.get(last, 0)  # known, so that the phrase check runs
            else:
                flags[key] = flags.get(key, 0) | bit
    org_exact: set[str] = set()
    org_endings: list[str] = []
    for entry in _read("org_words.txt"):
        if entry.startswith("-"):
            org_endings.append(entry[1:])
        elif entry.islower():
            flags[entry] = flags.get(entry, 0) | _ORG
        else:
            org_exact.add(entry)
    tails = frozenset(p.rsplit(" ", 1)[1] for p in phrases)
    return flags, phrases, tails, frozenset(org_exact), tuple(org_endings)


_FLAGS, _PHRASES, _PHRASE_TAILS, _ORG_EXACT, _ORG_ENDINGS = _load()


# Lower-case given names that are no ordinary word ("mette thomsen", "hej simone"), also with the
# punctuation that ``str.split`` leaves on them: a set, so that a text is checked with one isdisjoint.
_LOWER_GIVEN = frozenset(
    k + p
    for k, f in _FLAGS.items()
    if f & _GIVEN and not f & _NOT_NAME and len(k) > 2 and k.isalpha()
    for p in ("", ",", ".", "!", "?", ":", ";")
)

_UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
_L = r"[^\W\d_]"
_INITIALS = rf"\.(?:[{_UPPER}]\.)*"
_WORD_TAIL = rf"{_L}*(?:['’]{_L}+)?(?:-{_L}+)*(?![\w@])"
_ARABIC_PARTICLE = r"(?:al|el|as|ad|ar|at|ash|abu|bin|ibn)-"  # "Bashar al-Assad"
_TOKEN_PATTERN = rf"(?:[{_UPPER}](?:{_INITIALS}|{_WORD_TAIL})|{_ARABIC_PARTICLE}[{_UPPER}]{_WORD_TAIL})"
_SEP = r"[ \t\u00a0]+"
# A run: up to six capitalised words, single spaces (or tabs) between them, name particles allowed. It
# starts with a character class so that the scan skips to capitals in C; the look-behind after the first
# letter keeps it from starting inside a word, a hashtag or an e-mail address.
_RUN = re.compile(
    rf"[{_UPPER}](?<![\w#.'’-].)(?:{_INITIALS}|{_WORD_TAIL})"
    rf"(?:{_SEP}(?:(?:{_PARTICLES}){_SEP}){{0,2}}{_TOKEN_PATTERN}){{0,5}}"
)
_TOKEN = re.compile(_TOKEN_PATTERN)
_LOWER_NEXT = re.compile(r"[ \t\u00a0]+([^\W\d_]+(?:-[^\W\d_]+)?)(?![\w@])")
_NEXT_WORD = re.compile(r"[ \t\u00a0]*([^\W\d_][\w/]*)")
_AFTER_TITLE = re.compile(r"[ \t\u00a0]*[,(–—-][ \t\u00a0]*([^\W\d_]+(?: [^\W\d_]+)?)")
_HANDLE = re.compile(r"(?<![\w.@])@([\w.]{2,40})")
_HANDLE_PARTS = re.compile(r"[A-ZÆØÅÄÖ]?[a-zæøåäöüé]+")
_STRIP = ",:;\"'“”«»()[]-–—.!?"
_SKIP_BACK = frozenset(" \t\u00a0\"'“”‘’«»([*•–—-")
_MID_SENTENCE = ",;&/+)"


def _is_single_word(key: str) -> bool:
    """One word (no space, hyphen or apostrophe inside) without a patronymic ending like -sen."""
    return _JOINER.search(key) is None and not key.endswith(_ENDINGS)


def detect(text: str, ctx: AnalysisContext) -> list[Signal]:
    """Signals ``person_name`` for names of persons (see the module docstring for the rules)."""
    out: list[Signal] = []
    if not text:
        return out
    orgs = ctx.organisation_names
    flags_of = _FLAGS.get
    judged = 0
    for m in _RUN.finditer(text):
        run = m.group()
        key = run.lower()
        f = flags_of(key, 0)  # a run of several words is no key: 0
        if not f & _NAME:
            if f & _ALONE_NOT_NAME:
                continue  # one ordinary, stop, title or cue word: most runs are a sentence's first word
            if _is_single_word(key) and (run.isupper() or not _cue_before(text, m.start())[0] & _CUE):
                continue  # one word outside the gazetteers: a name only right after a cue ("naboen Kalle")
        s, e = m.span()
        _judge_run(text, s, e, run, orgs, out)
        judged += 1
        if judged >= _MAX_JUDGED or len(out) >= _MAX_SIGNALS:
            return out
    if not _LOWER_GIVEN.isdisjoint(text.split()):
        _lower_case_names(text, out)
    if "@" in text and len(out) < _MAX_SIGNALS:
        _handles(text, out)
    return out


def _word_flags(token: str) -> int:
    key = token.lower()
    f = _FLAGS.get(key, 0)
    if f & _NAME:
        return f
    if "'" in key or "’" in key:  # "O'Brien" is looked up whole, "Anna's" as "anna"
        f = _FLAGS.get(key.replace("’", "'").split("'", 1)[0], f)
        if f & _NAME:
            return f
    if "-" in key and key.count("-") < 4:  # "Anne-Sofie", "Bech-Nielsen"
        parts = key.split("-")
        pf = [_FLAGS.get(p, 0) | (_ENDING if _patronymic(p, _FLAGS) else 0) for p in parts]
        if all(x & _NAME for x in pf):
            f |= (pf[0] & _GIVEN) | (pf[-1] & _SURNAMEISH)
    elif key.endswith(_ENDINGS) and not f & (_COMMON | _STOP) and _patronymic(key, _FLAGS):
        f |= _ENDING
    return f


def _at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _SKIP_BACK:
        i -= 1
    if i < 0:
        return True
    c = text[i]
    if c == ".":  # after an initial ("Jens P. Hansen") the sentence goes on
        return not (i >= 1 and text[i - 1].isupper() and (i < 2 or not text[i - 2].isalnum()))
    return not (c.isalnum() or c in _MID_SENTENCE)


def _is_title(word: str) -> bool:
    return bool(_FLAGS.get(word, 0) & _TITLE) or word.endswith(_MINISTER)


def _cue_before(text: str, start: int) -> tuple[int, str]:
    """(bit, words) of a title or a person/address cue right before ``start``, or (0, "")."""
    last = text[max(0, start - 28) : start].rsplit(None, 1)
    if not last:
        return 0, ""
    w1 = last[-1].strip(_STRIP).lower()
    f = _FLAGS.get(w1)
    if f is None:
        return (_TITLE, w1) if w1.endswith(_MINISTER) else (0, "")
    if w1 in _PHRASE_TAILS:
        words = text[max(0, start - 48) : start].rsplit(None, 3)
        if len(words) >= 2:
            w2 = words[-2].strip(_STRIP).lower() + " " + w1
            if len(words) >= 3:
                hit = _PHRASES.get(words[-3].strip(_STRIP).lower() + " " + w2)
                if hit:
                    return hit
            hit = _PHRASES.get(w2)
            if hit:
                return hit
    if f & _TITLE:
        return _TITLE, w1
    if f & _CUE_PERSON:
        return _CUE_PERSON, w1
    if f & _CUE_ADDRESS:
        return _CUE_ADDRESS, w1
    return 0, ""


def _acceptable_unknown(token: str, f: int) -> bool:
    """A capitalised word outside the gazetteers that may still be part of a name."""
    if f & (_NOT_NAME | _ORG | _TITLE | _CUE):
        return False
    if len(token) > 1 and token[1] == ".":
        return True  # initials
    return len(token) > 1 and not token.isupper()


def _is_initial(token: str) -> bool:
    return len(token) > 1 and token[1] == "."


def _judge_run(text: str, s: int, e: int, run: str, orgs: tuple[str, ...], out: list[Signal]) -> None:
    at = s > 0 and text[s - 1] == "@"
    if " " in run or "\t" in run or "\u00a0" in run:
        toks = [(t.start(), t.end(), t.group()) for t in _TOKEN.finditer(text, s, e)]
        flags: list[int] = []  # looked up after the compound check below
    else:
        f = _word_flags(run)
        if not f & _NAME:
            # One word outside the gazetteers: a name only right after a cue ("naboen Kalle").
            if at or not _acceptable_unknown(run, f) or not _cue_before(text, s)[0] & _CUE:
                return
        elif at and not f & _GIVEN:
            return  # "@Pedersen": an account, see _handles
        toks = [(s, e, run)]
        flags = [f]
    compound_title = ""
    if "-" in run:
        # A hyphenated lower-case compound is about the name, not the person ("Kim Larsen-koncert",
        # "X-prisen"): it and the words before it are dropped; the words after it may be a name
        # ("DN-fotografen Lars Lindqvist"), with a title when the compound ends in one ("S-borgmester").
        for k in range(len(toks) - 1, -1, -1):
            tok = toks[k][2]
            dash = tok.rfind("-")
            if dash > 0 and tok[dash + 1 : dash + 2].islower() and tok[:dash] not in ("al", "el"):
                if k == len(toks) - 1:
                    return
                tail = tok[dash + 1 :].lower()
                compound_title = tail if _is_title(tail) else ""
                toks, flags = toks[k + 1 :], flags[k + 1 :]
                s, at = toks[0][0], False
                break
    if not flags:
        flags = [_word_flags(tok) for _, _, tok in toks]
    for (_, _, tok), f in zip(toks, flags, strict=True):
        if f & _ORG or tok in _ORG_EXACT or (not f & _NAME and tok.lower().endswith(_ORG_ENDINGS)):
            return  # "Hjørring Kommune", "Jens Pedersen Skole", "Hundige Strandvej"

    if at:
        if s > 1 and text[s - 2].isalnum():
            return  # an e-mail address
        cue_bit, cue = _CUE_ADDRESS, "@"
    elif compound_title:
        cue_bit, cue = _TITLE, compound_title
    else:
        cue_bit, cue = _cue_before(text, s)
    title = ""
    if cue_bit == _TITLE:
        title, cue_bit, cue = cue, 0, ""
    sentence_start = not cue_bit and not title and _at_sentence_start(text, s)
    adjacent = bool(cue_bit)
    n = len(toks)
    i = 0
    while i < n:
        # Leading words: titles and cues inside the run ("Borgmester Jens", "Naboen Kalle", "Hej Anna"),
        # ordinary capitalised words, and the capitalised first word of a sentence.
        while i < n:
            tok, f = toks[i][2], flags[i]
            nxt = flags[i + 1] if i + 1 < n else 0
            low = tok.lower().rstrip(".")
            if f & _TITLE or low.endswith(_MINISTER):
                title, cue_bit, cue, adjacent, sentence_start = low, 0, "", False, False
            elif f & _CUE:
                cue_bit = _CUE_PERSON if f & _CUE_PERSON else _CUE_ADDRESS
                cue, adjacent, title, sentence_start = low, True, "", False
            elif (f & _NAME and not (f & _STOP and not nxt & _SURNAMEISH)) or (
                _acceptable_unknown(tok, f)
                and (
                    adjacent  # right after a cue: "naboen Xandro"
                    or (nxt & _SURNAMEISH and not nxt & _NOT_NAME)  # "Almir Pedersen", "J. Hansen"
                    or (_is_initial(tok) and i + 1 < n and _is_initial(toks[i + 1][2]))  # "H. C. Andersen"
                    or (  # two unknown capitalised words mid-sentence
                        not sentence_start
                        and i + 1 < n
                        and not nxt & _NAME
                        and _acceptable_unknown(toks[i + 1][2], nxt)
                    )
                )
            ):
                break
            else:
                title, cue_bit, cue, adjacent, sentence_start = "", 0, "", False, False
            i += 1
        if i >= n:
            return
        first = flags[i]
        kind = _GIVEN if first & _GIVEN else _SURNAME if first & _SURNAMEISH else 0
        j = i + 1
        while j < n and j - i < 4:
            f = flags[j]
            if f & (_TITLE | _CUE):
                break
            if not (f & _NAME and not f & _STOP) and (
                kind == _SURNAME or not _acceptable_unknown(toks[j][2], f)
            ):
                break
            j += 1
        _emit(text, toks, flags, i, j, kind, cue_bit, cue, title, sentence_start, orgs, out)
        i = j
        title, cue_bit, cue, adjacent, sentence_start = "", 0, "", False, False


def _emit(
    text: str,
    toks: list[tuple[int, int, str]],
    flags: list[int],
    i: int,
    j: int,
    kind: int,
    cue_bit: int,
    cue: str,
    title: str,
    sentence_start: bool,
    orgs: tuple[str, ...],
    out: list[Signal],
) -> None:
    first = flags[i]
    later = 0
    for k in range(i + 1, j):
        later |= flags[k]
    with_surname = bool(later & _SURNAMEISH)
    single = j - i == 1
    shouted = toks[i][2].isupper() and len(toks[i][2]) > 1  # "HANS", "ANDERS BORG"
    ambiguous = bool(first & _NOT_NAME) or (shouted and not with_surname)
    if kind == _GIVEN:
        if single:
            if not cue_bit and not title and (first & _STOP or (ambiguous and (sentence_start or shouted))):
                return
            score = 0.65 if sentence_start else 0.7
            if ambiguous:
                score -= 0.1
            pattern = "given"
        else:
            score = 0.9 if with_surname else 0.8
            if ambiguous and not with_surname:
                score = 0.6
            pattern = "given+surname" if with_surname else "given+capitalised"
    elif kind == _SURNAME:
        if single:
            if not cue_bit and not title and (ambiguous or (sentence_start and not first & _ENDING)):
                return
            score = 0.6 if first & _ENDING and not sentence_start else 0.55
            pattern = "surname"
        else:
            score = 0.75
            pattern = "surname+surname"
    elif cue_bit or title:
        score = 0.75 if cue_bit == _CUE_PERSON or title else 0.6
        pattern = "cue+capitalised"
    elif with_surname:
        score = 0.65 if sentence_start else 0.7
        pattern = "capitalised+surname"
    elif not single:
        score = 0.5
        pattern = "capitalised pair"
    else:
        return
    if kind and cue_bit:
        score = min(0.95, max(score + 0.1, 0.75 if cue_bit == _CUE_PERSON else 0.0))

    start, end = toks[i][0], toks[j - 1][1]
    nxt = _NEXT_WORD.match(text, end)
    if nxt:
        word = nxt.group(1)
        if _FLAGS.get(word.lower(), 0) & _ORG or word in _ORG_EXACT:
            return  # "Jens Pedersen skole", "Hjørring kommune"
    span = text[start:end]
    if orgs and any(span in org for org in orgs):
        return
    if not title:
        after = _AFTER_TITLE.match(text, end)
        if after:
            words = after.group(1).lower()
            hit = _PHRASES.get(words)
            if hit and hit[0] == _TITLE:
                title = words
            else:
                word = words.split(" ", 1)[0]
                if _is_title(word):
                    title = word

    both = first | later
    lists = []
    if both & _GIVEN:
        lists.append("given_names")
    if both & _SURNAME:
        lists.append("surnames")
    if both & _ENDING:
        lists.append("surname_ending")
    gazetteer = "+".join(lists)
    evidence: dict[str, Any] = {
        "pattern": pattern,
        "gazetteer": gazetteer or None,
        "context": cue or title or None,
    }
    if title:
        evidence["public_official"] = True
        evidence["title"] = title
        evidence["explanation"] = (
            f"'{span}' looks like a person's name ({pattern}) with the public-office title '{title}': "
            "a public official, scored low so that a pack may ignore it"
        )
        score = OFFICIAL_SCORE
    elif cue:
        evidence["explanation"] = f"'{span}' follows '{cue}' and looks like a person's name ({pattern})"
    elif gazetteer:
        evidence["explanation"] = f"'{span}' looks like a person's name ({pattern}; {gazetteer})"
    else:
        evidence["explanation"] = f"'{span}' looks like a person's name ({pattern})"
    detector = "names.gazetteer" if kind else "names.context"
    out.append(Signal(SIGNAL, start, end, round(score, 2), detector, evidence))


def _lower_case_names(text: str, out: list[Signal]) -> None:
    """Names written in lower case: a given name + a surname ("mette thomsen"), or a given name right
    after a cue ("hej simone"). Given names that are also ordinary words never count here."""
    names = sorted({w.rstrip(",.!?:;") for w in text.split() if w in _LOWER_GIVEN})[:64]
    for m in re.finditer(rf"(?<![\w@#'’-])(?:{'|'.join(names)})(?![\w@'’-])", text):
        if len(out) >= _MAX_SIGNALS:
            return
        s, e = m.span()
        nxt = _LOWER_NEXT.match(text, e)
        if nxt and nxt.group(1).islower() and _word_flags(nxt.group(1)) & _SURNAMEISH:
            f = _word_flags(nxt.group(1))
            if f & _NOT_NAME and not f & _ENDING:
                continue
            end, score, pattern, cue = nxt.end(1), 0.6, "lower-case given+surname", ""
        else:
            bit, cue = _cue_before(text, s)
            if not bit & _CUE:
                continue
            end, score, pattern = e, 0.55, "lower-case given"
        span = text[s:end]
        out.append(
            Signal(
                SIGNAL,
                s,
                end,
                score,
                "names.gazetteer",
                {
                    "pattern": pattern,
                    "gazetteer": "given_names+surnames" if end != e else "given_names",
                    "context": cue or None,
                    "explanation": f"'{span}' looks like a person's name written in lower case ({pattern})",
                },
            )
        )


def _handles(text: str, out: list[Signal]) -> None:
    """@handles with a given name in them ("@kari_nordmann", "@jacobmark_sf"), not "@Jens Pedersen"
    (a capitalised run, judged above) nor accounts without a name ("@FCKobenhavn")."""
    for m in _HANDLE.finditer(text):
        if len(out) >= _MAX_SIGNALS:
            return
        handle = m.group(1).rstrip(".")
        if handle.isalpha() and _FLAGS.get(handle.lower(), 0) & _GIVEN and handle[0].isupper():
            continue  # "@Jens": already a capitalised run
        low = handle.lower()
        personal = False
        for part in _HANDLE_PARTS.findall(handle):
            f = _FLAGS.get(part.lower(), 0)
            if f & _NAME and not f & _NOT_NAME and len(part) > 2:
                personal = True
                break
        if not personal:
            for k in range(4, min(len(low), 9)):
                f = _FLAGS.get(low[:k], 0)
                if f & _GIVEN and not f & _NOT_NAME:
                    personal = True
                    break
        if not personal:
            continue
        out.append(
            Signal(
                SIGNAL,
                m.start(),
                m.start() + 1 + len(handle),
                0.5,
                "names.context",
                {
                    "pattern": "mention",
                    "gazetteer": "given_names",
                    "context": "@",
                    "explanation": f"'@{handle}' mentions an account whose name contains a person's name",
                },
            )
        )


def detect_many(texts: Sequence[str], ctx: AnalysisContext) -> dict[int, list[Signal]]:
    """:func:`detect` for a chunk (the same signals): the capitalised runs of all texts come from one scan
    of the joined chunk (most are one ordinary word and cost one dictionary look-up), the lower-case
    names from one ``str.split`` and the @handles from one more scan."""
    chunk = as_chunk(texts)
    if not chunk.joinable:
        return {i: found for i, t in enumerate(chunk.texts) if (found := detect(t, ctx))}
    orgs = ctx.organisation_names
    flags_of = _FLAGS.get
    joined, starts, items = chunk.joined, chunk.starts, chunk.texts
    out: dict[int, list[Signal]] = {}
    judged: dict[int, int] = {}
    done: set[int] = set()  # texts that hit a limit: detect() returned there
    for m in _RUN.finditer(joined):
        run = m.group()
        key = run.lower()
        f = flags_of(key, 0)
        i = -1
        if not f & _NAME:
            if f & _ALONE_NOT_NAME:
                continue
            if _is_single_word(key):
                if run.isupper():
                    continue
                i = bisect_right(starts, m.start()) - 1
                if not _cue_before(items[i], m.start() - starts[i])[0] & _CUE:
                    continue
        if i < 0:
            i = bisect_right(starts, m.start()) - 1
        if i in done:
            continue
        off = starts[i]
        found = out.setdefault(i, [])
        _judge_run(items[i], m.start() - off, m.end() - off, run, orgs, found)
        judged[i] = count = judged.get(i, 0) + 1
        if count >= _MAX_JUDGED or len(found) >= _MAX_SIGNALS:
            done.add(i)
    if not _LOWER_GIVEN.isdisjoint(joined.split()):
        for i in chunk.matching(_lower_given_pattern(_LOWER_GIVEN.intersection(joined.split()))):
            text = items[i]
            if i not in done and not _LOWER_GIVEN.isdisjoint(text.split()):
                _lower_case_names(text, out.setdefault(i, []))
    if "@" in joined:
        for i in chunk.containing("@"):
            found = out.setdefault(i, [])
            if i not in done and len(found) < _MAX_SIGNALS:
                _handles(items[i], found)
    return {i: found for i, found in out.items() if found}


def _lower_given_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whitespace-separated tokens equal to one of ``words`` (what ``str.split`` would give)."""
    return re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, sorted(words))) + r")(?!\S)")
