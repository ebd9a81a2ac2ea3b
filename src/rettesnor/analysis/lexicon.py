"""Word lists as checks: the lexicon categories (insult, crisis, complaint …) and markers.

The data is a folder of small YAML files, one per language and signal, that a communications officer
can read and extend (``lexicons/<lang>/<signal>.yaml``, see ``lexicons/README.md``)::

    signal: insult
    language: da
    description: Personal attacks and name-calling aimed at a person.
    score: 0.8
    terms:
      - idiot*            # the word and its inflections (prefix)
      - "*idiot*"         # also inside compounds: idiotpolitiker
      - hold kæft         # a phrase: the words with any whitespace between them
      - {term: kretin*, score: 0.9, note: "a term may carry its own score and note"}
    except:               # hard negatives: spans of this signal inside them never fire
      - idiotsikker*
    context_terms:        # these fire only with one of the context words within 60 characters
      - på <n> år
    context:
      - søn*

Term syntax: ``word`` the exact word, ``word*`` words starting with it, ``*word`` words ending with it,
``*word*`` the letters anywhere in a word; a space matches any whitespace; ``<n>`` matches a number of
1–3 digits; matching ignores case.

How it runs (the hot path of every check): a language's files are read and validated when a text
first needs them (``tests/analysis/test_lexicon.py`` reads them all). A text is checked with
the languages {the text's, the country's main language, English} (Nynorsk and Bokmål bring each
other); for each such set the terms and excepts of all its files are compiled, on first use, into two
trie-shaped regular expressions, so the cost per character hardly grows with the number of terms: one
tried only where a word starts (the engine skips to non-word characters quickly), one for the few
terms that may start inside a word ("*idiot*"). Python only looks at the (few) hits. Two cheap extra
passes run only on the tokens that need them: letter substitutions ("1d1ot", "l0rt") and masked words
("f*ck").
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from rettesnor import diskcache
from rettesnor import item as item_module
from rettesnor.analysis import signals as signals_module
from rettesnor.analysis.chunk import as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.nearby import has_letter
from rettesnor.analysis.signals import SIGNAL_NAMES, Signal
from rettesnor.item import LANGUAGES

LEXICON_ROOT = Path(__file__).resolve().parent.parent / "lexicons"
MAIN_LANGUAGE: dict[str, str] = {"DK": "da", "NO": "nb", "SE": "sv"}
# Languages that bring each other's terms (Nynorsk texts use many Bokmål words and vice versa).
_ALSO: dict[str, tuple[str, ...]] = {"nn": ("nb",), "nb": ("nn",)}

_FILE_KEYS = frozenset(
    {"signal", "language", "description", "score", "terms", "except", "context_terms", "context"}
)
_TERM_KEYS = frozenset({"term", "score", "note"})
# A negation just before a hit halves its score for these signals ("ingen brand", "ikke fortroligt").
_NEGATABLE = frozenset({"crisis", "threat", "violence", "confidential", "complaint"})
_NEGATION = re.compile(
    r"(?:^|[^\w])(?:ikke|ikkje|inte|ej|not|no|never|ingen|inga|inget|intet|aldrig|aldri)(?:\s+\w+)?\s*$"
)
# A word of these signals that is quoted after a verb of calling or a noun for a word is mentioned, not used
# ("Min søn blev kaldt »luder«", 'Ordet "idiot" bruges for ofte', "called a 'bitch'"): no signal. Unquoted
# words still count ("Du er en idiot", and "kaldte mig idiot" too: the quotes are what shows the mention).
_MENTIONABLE = frozenset({"profanity", "insult", "hate", "sexual"})
_QUOTES = frozenset("\"'“”„«»‘’‚‹›")
_QUOTE_REACH = 30  # how far from the word its quotation marks may stand (a short quoted phrase)
# A quotation mark or a sentence end; the last one before a position (the greedy ".*" backs off to it).
_MARK = re.compile("[" + re.escape("".join(sorted(_QUOTES)) + ".!?\n") + "]")
_LAST_MARK = re.compile(".*(" + _MARK.pattern + ")", re.DOTALL)
_MENTION_CUE = re.compile(
    r"(?:^|[^\w])(?:"
    r"kald(?:t|te|er|e|es)?|kalla(?:r|t|d|de|s)?|kal(?:t|te|ler|les)|kallad(?:e)?|kallat|kallas|"
    r"call(?:ed|s|ing)?|"
    r"ordet|ordene|orda|orden|udtrykket|uttrykket|uttrycket|skældsordet|skjellsordet|glosan|"
    r"the\s+words?|the\s+term|the\s+expression|the\s+slur"
    r")(?:\s+\w+){0,3}\s*$"
)
# ... unless it is said to the reader ("Jeg kalder dig en 'idiot'", "I call you an 'idiot'"): a use.
_ADDRESSEE = re.compile(r"(?<!\w)(?:dig|deg|jer|dere|dykk|you|du|ni|er)(?!\w)")
# Signals whose words are often disguised with digits or asterisks.
_DISGUISED = frozenset({"profanity", "insult", "hate", "sexual", "threat"})
_MAX_HITS = 5000  # raw hits looked at per text: bounds the work on adversarial input
_MAX_TOKENS = 200  # disguised tokens looked at per text
_MAX_EXPAND = 40  # how far a wildcard match is widened to its word's edges
_CONTEXT_WINDOW = 60

_NUM = "\x00n"  # trie symbols besides single characters
_SPACE = "\x00s"
_END_FREE = "\x01"  # a term may end here (the word may go on)
_END_WORD = "\x02"  # a term may end here only at the end of a word


class LexiconError(ValueError):
    """A lexicon file is broken: the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One term (or except) of one lexicon file, compiled."""

    signal: str
    language: str
    source: str  # "da/insult.yaml"
    core: str  # lower-case, without the wildcards, single spaces
    left: bool  # must start at the start of a word
    right: bool  # must end at the end of a word
    score: float
    is_except: bool
    explanation: str
    context: re.Pattern[str] | None = None  # a context word must be near (context_terms)

    detector: str = ""  # "lexicon.da.insult"
    evidence: Mapping[str, Any] = field(default_factory=dict)  # shared by its signals: read-only


@dataclass(frozen=True, slots=True)
class LexiconFile:
    path: str  # "da/insult.yaml"
    signal: str
    language: str
    description: str
    score: float
    entries: tuple[Entry, ...]

    @property
    def term_count(self) -> int:
        return sum(not e.is_except for e in self.entries)

    @property
    def except_count(self) -> int:
        return sum(e.is_except for e in self.entries)


# ---------------------------------------------------------------------------------------------------
# Loading and validation


def _fail(path: str, problem: str) -> LexiconError:
    return LexiconError(f"lexicon {path}: {problem}")


def parse_term(raw: str) -> tuple[str, bool, bool]:
    """``"*idiot*"`` → ("idiot", False, False): the core and whether it must start / end a word."""
    s = " ".join(raw.lower().split())
    if not s:
        raise ValueError("empty term")
    left = not s.startswith("*")
    right = not s.endswith("*")
    core = s[0 if left else 1 : len(s) if right else len(s) - 1]
    if not core or core.isspace():
        raise ValueError(f"term {raw!r} has no letters besides '*'")
    if "*" in core:
        raise ValueError(f"term {raw!r}: '*' may only stand at the start or the end of a term")
    if core != core.strip():
        raise ValueError(f"term {raw!r}: no space next to '*'")
    if "<" in core.replace("<n>", "") or ">" in core.replace("<n>", ""):
        raise ValueError(f"term {raw!r}: '<' and '>' are only allowed in '<n>' (a number)")
    # A boundary only means something next to a letter or digit ("foto:" may be followed by a name).
    first = core[0] if not core.startswith("<n>") else "0"
    last = core[-1] if not core.endswith("<n>") else "0"
    return core, left and _is_word_char(first), right and _is_word_char(last)


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _context_pattern(words: Sequence[str], path: str) -> re.Pattern[str]:
    parts = []
    for w in words:
        try:
            core, left, right = parse_term(w)
        except ValueError as exc:
            raise _fail(path, f"context: {exc}") from None
        body = _symbols_regex(_symbols(core))
        parts.append((r"(?<!\w)" if left else "") + body + (r"(?!\w)" if right else ""))
    return re.compile("|".join(parts))


def _as_score(value: Any, path: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise _fail(path, f"{where}: score must be a number from 0 to 1, not {value!r}")
    return float(value)


def _term_list(doc: Mapping[str, Any], key: str, path: str, required: bool) -> list[Any]:
    value = doc.get(key)
    if value is None:
        if required:
            raise _fail(path, f"'{key}' is missing: give a list of terms")
        return []
    if not isinstance(value, list) or (required and not value):
        raise _fail(path, f"'{key}' must be a non-empty list of terms, not {type(value).__name__}")
    return value


def load_document(doc: Any, path: str, language: str | None = None, signal: str | None = None) -> LexiconFile:
    """Validate one parsed lexicon file; ``path`` is how errors name it ("da/insult.yaml")."""
    if not isinstance(doc, dict):
        raise _fail(path, "the file must be a mapping with 'signal', 'language', 'description', 'terms'")
    unknown = set(doc) - _FILE_KEYS
    if unknown:
        raise _fail(path, f"unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(_FILE_KEYS)}")
    name = doc.get("signal")
    if not isinstance(name, str) or name not in SIGNAL_NAMES:
        raise _fail(path, f"signal {name!r} is not a category or marker (see analysis/signals.py)")
    if signal is not None and name != signal:
        raise _fail(path, f"signal {name!r} does not match the file name (expected {signal!r})")
    lang = doc.get("language")
    if lang not in LANGUAGES:
        raise _fail(path, f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    if language is not None and lang != language:
        raise _fail(path, f"language {lang!r} does not match the folder {language!r}")
    description = doc.get("description")
    if not isinstance(description, str) or not description.strip():
        raise _fail(path, "'description' is missing: say in one sentence what the terms find")
    file_score = _as_score(doc.get("score", 0.7), path, "file")
    context_words = _term_list(doc, "context", path, required=False)
    context_terms = _term_list(doc, "context_terms", path, required=False)
    if bool(context_words) != bool(context_terms):
        raise _fail(path, "'context_terms' and 'context' go together: give both or neither")
    context = _context_pattern([str(w) for w in context_words], path) if context_words else None

    entries: list[Entry] = []
    seen: set[tuple[str, bool, bool, bool]] = set()
    for key, is_except, ctx_pattern in (
        ("terms", False, None),
        ("except", True, None),
        ("context_terms", False, context),
    ):
        for i, item in enumerate(_term_list(doc, key, path, required=key == "terms"), start=1):
            where = f"{key} #{i}"
            score, note = file_score, ""
            if isinstance(item, dict):
                extra = set(item) - _TERM_KEYS
                if "term" not in item or extra:
                    raise _fail(
                        path,
                        f"{where} {item!r}: a term is a string or {{term: …, score: …, note: …}}"
                        " (quote terms that contain ': ' or start with '*')",
                    )
                score = _as_score(item.get("score", file_score), path, where)
                note = str(item.get("note") or "")
                item = item["term"]
            if not isinstance(item, str):
                raise _fail(path, f"{where}: a term must be text, not {item!r}")
            try:
                core, left, right = parse_term(item)
            except ValueError as exc:
                raise _fail(path, f"{where}: {exc}") from None
            if (core, left, right, is_except) in seen:
                raise _fail(path, f"{where}: {item!r} is listed twice")
            seen.add((core, left, right, is_except))
            explanation = description.strip() + (f" ({note})" if note else "")
            evidence = MappingProxyType({"pattern": item, "lexicon": path, "explanation": explanation})
            entries.append(
                Entry(
                    name,
                    lang,
                    path,
                    core,
                    left,
                    right,
                    score,
                    is_except,
                    explanation,
                    ctx_pattern,
                    f"lexicon.{lang}.{name}",
                    evidence,
                )
            )
    return LexiconFile(path, name, lang, description.strip(), file_score, tuple(entries))


def load_file(file: Path, root: Path | None = None) -> LexiconFile:
    """Read and validate one file; the folder must be the language and the name the signal."""
    import yaml  # here: word lists read from the start-up cache need no YAML (issue 17)

    rel = file.relative_to(root).as_posix() if root else file.name
    try:
        doc = yaml.load(
            file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise _fail(rel, f"not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    except UnicodeDecodeError:
        raise _fail(rel, "not UTF-8 text") from None
    if not file.name.endswith(".yaml"):
        raise _fail(rel, "lexicon files end with .yaml")
    # "<signal>.forms.yaml": the inflected forms of "<signal>.yaml" (scripts/build_lexicon_forms.py)
    signal = file.name[: -len(".yaml")].removesuffix(".forms")
    return load_document(doc, rel, language=file.parent.name, signal=signal)


def load_lexicons(root: Path = LEXICON_ROOT) -> tuple[LexiconFile, ...]:
    """Every ``<lang>/<signal>.yaml`` under ``root``, validated."""
    if not root.is_dir():
        raise LexiconError(f"lexicon folder {root} is missing")
    files: list[LexiconFile] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name not in LANGUAGES:
            raise _fail(folder.name, f"folder {folder.name!r} is not a language ({', '.join(LANGUAGES)})")
        files.extend(load_file(f, root) for f in sorted(folder.glob("*.yaml")))
    return tuple(files)


# ---------------------------------------------------------------------------------------------------
# Compiling: one trie-shaped regex per set of languages


def _symbols(core: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(core):
        if core.startswith("<n>", i):
            out.append(_NUM)
            i += 3
        elif core[i] == " ":
            out.append(_SPACE)
            i += 1
        else:
            out.append(core[i])
            i += 1
    return out


def _symbol_regex(sym: str) -> str:
    # Each symbol starts with a single character or character set: the regex engine then skips an
    # alternative after one cheap comparison. Repeats are possessive (no backtracking into them).
    if sym == _SPACE:
        return r"\s\s*+"
    if sym == _NUM:
        return r"\d\d{0,2}+"
    return re.escape(sym)


def _symbols_regex(symbols: Sequence[str]) -> str:
    return "".join(_symbol_regex(s) for s in symbols)


Trie = dict[str, "Trie"]


def _trie_regex(node: Trie) -> str:
    """Longer continuations first, so the regex finds the longest term at a position."""
    alts = [
        _symbol_regex(sym) + _trie_regex(child)
        for sym, child in sorted(node.items())
        if sym not in (_END_FREE, _END_WORD)
    ]
    if _END_FREE in node:  # an empty last alternative: cheaper than "(?:…)?"
        return "(?:" + "|".join(alts) + "|)" if alts else ""
    if _END_WORD in node:
        alts.append(r"(?!\w)")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _trie_add(trie: Trie, core: str, right: bool) -> None:
    node = trie
    for sym in _symbols(core):
        node = node.setdefault(sym, {})
    node.setdefault(_END_WORD if right else _END_FREE, {})


def _trie_sources(entries: Sequence[Entry]) -> tuple[str | None, str | None]:
    """The two trie regexes of ``entries``, as source. Two scans: terms that start a word are tried only
    after a non-word character (the regex engine skips to those quickly; the text gets a leading
    space), terms that may start inside a word everywhere. The first is a lookahead, so every word
    start reports its longest term."""
    bounded: Trie = {}
    free: Trie = {}
    for e in entries:
        # Terms that start with a letter but may start inside a word go to the (smaller) trie that is
        # tried at every position; the rest only where a word (or a sign like "©", "#") begins.
        _trie_add(free if not e.left and _is_word_char(e.core[0]) else bounded, e.core, e.right)
    return (
        r"\W(?=(" + _trie_regex(bounded) + "))" if bounded else None,
        _trie_regex(free) if free else None,
    )


def _compiled_tries(
    entries: Sequence[Entry], name: str
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The two trie regexes of ``entries``, compiled; from the start-up cache (``name``) when this set
    of terms was compiled before by the same code and Python: building and compiling them takes
    ≈ 0.1 s, most of a check's start-up (issue 17). The key covers what the sources are built from
    (each entry's core and boundaries, in order) and this module's source; the cached state of each
    regex holds its source, which is compared before its compiled form is used."""
    code = diskcache.source_of(__file__)
    entry_key = None
    if code is not None and diskcache.folder() is not None:
        entry_key = diskcache.key(code, "\n".join(f"{e.left:d}{e.right:d}{e.core}" for e in entries))
        cached = diskcache.load(name, entry_key)
        if isinstance(cached, list) and len(cached) == 2:
            rebuilt = [_from_state(state) for state in cached]
            if all(r is not False for r in rebuilt):
                return cast(tuple[re.Pattern[str] | None, re.Pattern[str] | None], tuple(rebuilt))
    patterns: list[re.Pattern[str] | None] = []
    states: list[dict[str, Any] | None] = []
    for source in _trie_sources(entries):
        pattern, state = diskcache.compile_regex(source) if source is not None else (None, None)
        patterns.append(pattern)
        states.append(state)
    if entry_key is not None and all(
        (s is None) == (p is None) for s, p in zip(states, patterns, strict=True)
    ):
        diskcache.store(name, entry_key, states)
    return patterns[0], patterns[1]


def _from_state(state: Any) -> re.Pattern[str] | bool | None:
    """A cached trie regex: the pattern, None (no terms of that kind), or False (an unusable state)."""
    if state is None:
        return None
    source = state.get("pattern") if isinstance(state, dict) else None
    rebuilt = diskcache.regex_from_state(state, source) if isinstance(source, str) else None
    return False if rebuilt is None else rebuilt


_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "€": "e", "!": "i", "|": "i"}
)
# A digit or sign between letters ("1d1ot", "l0rt", "sh!t") or a digit that starts a word of letters
# ("4ss"); starts with a character set so the scan skips plain text quickly. "@user" does not count.
_LEET_HINT = re.compile(
    r"[0-9@$€!|](?:(?<=[^\W\d_].)(?=[0-9@$€!|]{0,3}[^\W\d_])|(?<=[^\w@$€][0-9])(?=[^\W\d_]{2}))"
)
# Both forms of the hint need a letter: a text without one (1 MB of digits and signs, where the hint's
# scan stops at every digit: 0.03 s) is ruled out first (nearby.has_letter).


# A word with letters hidden by "*" or "#" ("f*ck", "sh**"): found from its first mask sign.
_MASK_HINT = re.compile(r"[*#](?<=[^\W\d_][*#])")
_MASKED = re.compile(r"[^\W\d_]+[*#]+[^\W\d_]+(?:[*#]+[^\W\d_]+)*")
_DIGITS = re.compile(r"\d+")

Hit = tuple[int, int, Entry]


class Matcher:
    """The compiled lexicon for one ordered set of languages (the first has priority)."""

    def __init__(self, languages: tuple[str, ...], files: Iterable[LexiconFile]) -> None:
        self.languages = languages
        rank = {lang: i for i, lang in enumerate(languages)}
        entries = sorted(
            (e for f in files if f.language in rank for e in f.entries), key=lambda e: rank[e.language]
        )
        grouped: dict[str, list[Entry]] = {}
        masked: dict[tuple[str, str, int], list[str]] = {}
        for e in entries:
            grouped.setdefault(e.core, []).append(e)
            if e.signal in _DISGUISED and not e.is_except and e.core.isalpha():
                masked.setdefault((e.core[0], e.core[-1], len(e.core)), []).append(e.core)
        self.lookup: dict[str, tuple[Entry, ...]] = {core: tuple(es) for core, es in grouped.items()}
        # Terms that begin a longer term ("foto:" in "foto: getty"): checked where the longer one is found.
        self.prefixes: dict[str, tuple[str, ...]] = {}
        for core in self.lookup:
            shorter = tuple(core[:i] for i in range(len(core) - 1, 0, -1) if core[:i] in self.lookup)
            if shorter:
                self.prefixes[core] = shorter
        self.masked = {k: tuple(dict.fromkeys(v)) for k, v in masked.items()}
        self.bounded, self.free = _compiled_tries(entries, "lexicon-" + "-".join(languages))
        # A text without a letter can hold only the terms without one ("©", "1177"): where each of those
        # is a plain string, a look for them stands in for both scans (1 MB of digits and signs: the
        # bounded trie stops at every sign, 0.04 s). None: a term without a letter has a "<n>" or a space.
        letterless = [c for c in self.lookup if not any(ch.isalpha() for ch in c.replace("<n>", ""))]
        plain = all("<n>" not in c and not any(ch.isspace() for ch in c) for c in letterless)
        self.letterless: tuple[str, ...] | None = tuple(letterless) if plain else None

    def hits(self, low: str) -> list[Hit]:
        """Every term or except whose word boundaries hold in ``low`` (lower-cased text)."""
        out: list[Hit] = []
        if self.letterless is not None and not any(c in low for c in self.letterless) and not has_letter(low):
            return out  # (the terms' letters are matched as they are: the tries have no IGNORECASE)
        if self.bounded is not None:
            for count, m in enumerate(self.bounded.finditer(" " + low)):
                if count == _MAX_HITS:
                    break
                s, e = m.span(1)
                self._judge(low, s - 1, e - 1, m.group(1), out)
        if self.free is not None:
            for count, m in enumerate(self.free.finditer(low)):
                if count == _MAX_HITS:
                    break
                self._judge(low, m.start(), m.end(), m.group(), out)
        return out

    def hits_many(self, low: str, starts: Sequence[int]) -> dict[int, list[Hit]]:
        """:meth:`hits` for a chunk: ``low`` is its joined text lower-cased; each text's hits, by index,
        at offsets within that text. One scan per trie for the whole chunk; the separator looks like a
        text's start and end to every boundary test, so the hits are those of :meth:`hits` text by text."""
        out: dict[int, list[Hit]] = {}
        if self.bounded is not None:
            # " " + low: each match's group starts one character later than in ``low``.
            self._scan_many(self.bounded, " " + low, low, starts, 1, out)
        if self.free is not None:
            self._scan_many(self.free, low, low, starts, 0, out)
        if out:
            for i, found in out.items():
                base = starts[i]
                if base:
                    found[:] = [(s - base, e - base, x) for s, e, x in found]
        return out

    def _scan_many(
        self,
        pattern: re.Pattern[str],
        subject: str,
        low: str,
        starts: Sequence[int],
        shift: int,
        out: dict[int, list[Hit]],
    ) -> None:
        group = 1 if shift else 0
        n = len(starts)
        owner, counts, end_of_owner = -1, 0, -1
        pos = 0
        while pos >= 0:
            restart = -1
            for m in pattern.finditer(subject, pos):
                s, e = m.span(group)
                s -= shift
                if s >= end_of_owner:  # a later text: find it, its hits count anew
                    owner = bisect_right(starts, s) - 1
                    counts = 0
                    end_of_owner = starts[owner + 1] if owner + 1 < n else len(low) + 1
                if counts == _MAX_HITS:  # as many as one text may have: go on with the next text
                    restart = end_of_owner + shift - (1 if shift else 0)
                    break
                counts += 1
                found = out.get(owner)
                if found is None:
                    found = out[owner] = []
                self._judge(low, s, e - shift, m.group(group), found)
            pos = restart if restart >= 0 and restart < len(subject) else -1

    def _judge(self, low: str, s: int, e: int, key: str, out: list[Hit]) -> None:
        """Add the entries of the term found at ``s:e`` (and of shorter terms there) whose bounds hold."""
        lookup = self.lookup
        n = len(low)
        if not key.isalpha():
            key = " ".join(key.split())
        cands = lookup.get(key)
        if cands is None and not key.isalpha():
            cands = lookup.get(_DIGITS.sub("<n>", key))
        at_start = s == 0 or not (low[s - 1].isalnum() or low[s - 1] == "_")
        if cands is not None:
            at_end = e == n or not (low[e].isalnum() or low[e] == "_")
            for c in cands:
                if (at_start or not c.left) and (at_end or not c.right):
                    out.append((s, e, c))
        shorter = self.prefixes.get(key)
        if shorter is not None:
            for core in shorter:
                end = _advance(low, s, core)
                if end is None:
                    continue
                at_end = end == n or not (low[end].isalnum() or low[end] == "_")
                for c in lookup[core]:
                    if (at_start or not c.left) and (at_end or not c.right):
                        out.append((s, end, c))

    def unmask(self, word: str) -> str | None:
        """``"f*ck"`` → ``"fuck"`` when the letters shown fit exactly one term of the disguised signals."""
        cands = self.masked.get((word[0], word[-1], len(word)))
        if not cands:
            return None
        fits = [c for c in cands if all(a == b or a in "*#" for a, b in zip(word, c, strict=True))]
        return fits[0] if len(fits) == 1 else None


def _advance(low: str, s: int, core: str) -> int | None:
    """Where ``core`` (a literal term with single spaces) ends when it is matched at ``s``."""
    i = s
    n = len(low)
    for c in core:
        if c == " ":
            j = i
            while j < n and low[j].isspace():
                j += 1
            if j == i:
                return None
            i = j
        elif i < n and low[i] == c:
            i += 1
        else:
            return None
    return i


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # Only "İ" (U+0130) grows when lower-cased; keep offsets aligned with the original text.
    return text.replace("\u0130", "i").lower()


# ---------------------------------------------------------------------------------------------------
# The detector


_ALL: list[tuple[LexiconFile, ...]] = []
_BY_LANGUAGE: dict[str, tuple[LexiconFile, ...]] = {}
_MATCHERS: dict[tuple[str, ...], Matcher] = {}


def all_files() -> tuple[LexiconFile, ...]:
    """Every lexicon file, validated (read on first use; ``lexicon.FILES`` is the same)."""
    if not _ALL:
        _ALL.append(load_lexicons())
    return _ALL[0]


def files_of(language: str) -> tuple[LexiconFile, ...]:
    """The files of one language, read and validated when a text first needs them: a check of Danish
    texts reads the Danish and English lists only (start-up time, issue 17)."""
    found = _BY_LANGUAGE.get(language)
    if found is None:
        folder = LEXICON_ROOT / language
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        found = _BY_LANGUAGE[language] = _cached_files(language, paths)
    return found


def _cached_files(language: str, paths: Sequence[Path]) -> tuple[LexiconFile, ...]:
    """The files of a language, read and validated; from the start-up cache when these files (by their
    bytes) were validated before by the same code (≈ 25 ms of YAML and validation per language at every
    start otherwise, issue 17). An entry is stored only when it rebuilds files equal to the validated
    ones, so a file that fails validation is never cached and fails as before."""
    code = diskcache.source_of(__file__)
    sources = [diskcache.source_of(m.__file__) for m in (signals_module, item_module)]
    entry_key = None
    if code is not None and None not in sources and diskcache.folder() is not None:
        try:
            files = [part for path in paths for part in (path.name, path.read_bytes())]
        except OSError:
            files = None
        if files is not None:
            entry_key = diskcache.key(code, *(s or b"" for s in sources), str(LEXICON_ROOT), language, *files)
            cached = _decode_files(diskcache.load(f"lexicon-files-{language}", entry_key))
            if cached is not None:
                return cached
    found = tuple(load_file(f, LEXICON_ROOT) for f in paths)
    if entry_key is not None:
        encoded = [_encode_file(f) for f in found]
        if _decode_files(json.loads(json.dumps(encoded))) == found:
            diskcache.store(f"lexicon-files-{language}", entry_key, encoded)
    return found


def _encode_file(f: LexiconFile) -> list[Any]:
    """A validated file as JSON data (its entries share the file's signal, language, context)."""
    context = next((e.context.pattern for e in f.entries if e.context is not None), None)
    entries = [
        [
            e.core,
            e.left,
            e.right,
            e.score,
            e.is_except,
            e.explanation,
            e.context is not None,
            e.evidence["pattern"],
        ]
        for e in f.entries
    ]
    return [f.path, f.signal, f.language, f.description, f.score, context, entries]


def _decode_files(data: Any) -> tuple[LexiconFile, ...] | None:
    """:func:`_encode_file` undone for a list of files, or None when the data is not such a list."""
    if not isinstance(data, list):
        return None
    out: list[LexiconFile] = []
    try:
        for path, signal, language, description, score, context, raw in data:
            pattern = re.compile(context) if context is not None else None
            detector = f"lexicon.{language}.{signal}"
            entries = tuple(
                Entry(
                    signal,
                    language,
                    path,
                    core,
                    left,
                    right,
                    entry_score,
                    is_except,
                    explanation,
                    pattern if has_context else None,
                    detector,
                    MappingProxyType({"pattern": item, "lexicon": path, "explanation": explanation}),
                )
                for core, left, right, entry_score, is_except, explanation, has_context, item in raw
            )
            out.append(LexiconFile(path, signal, language, description, score, entries))
    except (TypeError, ValueError, re.error):
        return None
    return tuple(out)


def __getattr__(name: str) -> tuple[LexiconFile, ...]:
    if name == "FILES":
        return all_files()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def languages_for(ctx: AnalysisContext) -> tuple[str, ...]:
    """The languages whose terms apply to a text, the text's own first."""
    out: list[str] = []
    for lang in (ctx.language, MAIN_LANGUAGE.get(ctx.country, ctx.language), "en"):
        for x in (lang, *_ALSO.get(lang, ())):
            if x in LANGUAGES and x not in out:
                out.append(x)
    return tuple(out)


def matcher(languages: tuple[str, ...]) -> Matcher:
    """The compiled matcher for a set of languages (built on first use, then kept)."""
    m = _MATCHERS.get(languages)
    if m is None:
        # In the order of the folders, as load_lexicons reads them: the matcher is the same.
        files = [f for lang in sorted(languages) for f in files_of(lang)]
        m = _MATCHERS[languages] = Matcher(languages, files)
    return m


def _token(low: str, pos: int) -> tuple[int, int]:
    """The whitespace-separated token around ``pos`` (at most 40 characters each way)."""
    s = pos
    lo = max(0, pos - 40)
    while s > lo and not low[s - 1].isspace():
        s -= 1
    e = pos
    hi = min(len(low), pos + 40)
    while e < hi and not low[e].isspace():
        e += 1
    return s, e


def _candidates(
    low: str, m: Matcher, hits: list[Hit] | None = None
) -> list[tuple[int, int, Entry, dict[str, Any] | None]]:
    found: list[tuple[int, int, Entry, dict[str, Any] | None]] = [
        (s, e, x, None) for s, e, x in (m.hits(low) if hits is None else hits)
    ]
    if has_letter(low) and _LEET_HINT.search(low):
        # Only the tokens with a substitution are scanned again, with the substitutions undone.
        seen: set[int] = set()
        for count, hint in enumerate(_LEET_HINT.finditer(low)):
            if count == _MAX_TOKENS:
                break
            ts, te = _token(low, hint.start())
            if ts in seen:
                continue
            seen.add(ts)
            token = low[ts:te]
            plain = token.translate(_LEET)
            for s, e, x in m.hits(plain):
                if plain[s:e] != token[s:e]:  # only what the substitution revealed
                    found.append((ts + s, ts + e, x, {"normalised": plain[s:e]}))
    if "*" in low or "#" in low:
        seen = set()
        for count, hint in enumerate(_MASK_HINT.finditer(low)):
            if count == _MAX_TOKENS:
                break
            ts, te = _token(low, hint.start())
            if ts in seen:
                continue
            seen.add(ts)
            for mm in _MASKED.finditer(low, ts, te):
                word = m.unmask(mm.group())
                if word is None:
                    continue
                for x in m.lookup.get(word, ()):
                    if x.signal in _DISGUISED and not x.is_except:
                        found.append((mm.start(), mm.end(), x, {"normalised": word}))
    return found


def _scan(text: str, m: Matcher, low: str | None = None, hits: list[Hit] | None = None) -> list[Signal]:
    """The signals of ``text``; ``low`` (its lower-cased form) and ``hits`` (``m.hits(low)``) when the
    caller has them already (batch mode)."""
    if low is None:
        low = _lower(text)
    found = _candidates(low, m, hits)
    if not found:
        return []
    if len(found) > 1:
        found.sort(key=lambda h: (h[0], -h[1]))
    excepts = [(s, e, x.signal) for s, e, x, _ in found if x.is_except]
    out: list[Signal] = []
    reach: dict[str, int] = {}  # per signal, the furthest end of what was emitted (hits come by start)
    n = len(text)
    for s, e, x, extra in found:
        if x.is_except:
            continue
        if excepts and any(xs <= s and e <= xe and sig == x.signal for xs, xe, sig in excepts):
            continue
        if x.context is not None:
            hit = x.context.search(low, max(0, s - _CONTEXT_WINDOW), min(n, e + _CONTEXT_WINDOW))
            if hit is None:
                continue
            extra = {**(extra or {}), "context": hit.group()}
        if not x.left:  # widen "*idiot*" hits to the whole word they sit in
            lo = max(0, s - _MAX_EXPAND)
            while s > lo and _is_word_char(text[s - 1]):
                s -= 1
        if not x.right:
            hi = min(n, e + _MAX_EXPAND)
            while e < hi and _is_word_char(text[e]):
                e += 1
        if reach.get(x.signal, -1) >= e:
            continue  # inside an earlier hit of the same signal ("hold kæft" holds "kæft")
        if x.signal in _MENTIONABLE and _mentioned(text, low, s, e):
            continue
        reach[x.signal] = e
        score = x.score
        evidence: Mapping[str, Any] = x.evidence
        if x.signal in _NEGATABLE and _NEGATION.search(low, max(0, s - 30), s):
            score *= 0.5
            extra = {**(extra or {}), "negated": True}
        if extra:
            evidence = {**x.evidence, **extra}
        out.append(Signal(x.signal, s, e, score, x.detector, evidence))
    return out


def _mentioned(text: str, low: str, s: int, e: int) -> bool:
    """Whether the hit ``text[s:e]`` stands in quotation marks (within a short phrase, no sentence end
    between) right after a verb of calling or a word for a word: a mention, not a use."""
    # The nearest quotation mark or sentence end on each side, found by the regex engine (a loop over
    # the characters in Python cost 5 ms on 1 MB of joined comments).
    before = _LAST_MARK.match(text, max(0, s - _QUOTE_REACH), s)
    if before is None or before.group(1) not in _QUOTES:
        return False
    after = _MARK.search(text, e, min(len(text), e + _QUOTE_REACH))
    if after is None or after.group() not in _QUOTES:
        return False
    i = before.start(1)
    cue = _MENTION_CUE.search(low, max(0, i - 40), i)
    return cue is not None and _ADDRESSEE.search(cue.group()) is None


_LAST: tuple[str, tuple[str, ...], tuple[Signal, ...]] | None = None


def scan(text: str, ctx: AnalysisContext) -> tuple[Signal, ...]:
    """The lexicon's signals for a text; the last result is kept so that discourse can reuse it."""
    global _LAST
    langs = languages_for(ctx)
    last = _LAST
    if last is not None and last[1] == langs and (last[0] is text or last[0] == text):
        return last[2]
    result = tuple(_scan(text, matcher(langs)))
    _LAST = (text, langs, result)
    return result


def detect(text: str, ctx: AnalysisContext) -> Iterator[Signal]:
    return iter(scan(text, ctx))


def detect_many(texts: Sequence[str], ctx: AnalysisContext) -> dict[int, list[Signal]]:
    """:func:`detect` for a chunk: one pass of each trie over the chunk's joined, lower-cased text, and
    two cheap scans for disguised words; only the texts with a hit or a hint are looked at one by one."""
    chunk = as_chunk(texts)
    m = matcher(languages_for(ctx))
    low = chunk.low if chunk.joinable else None
    out: dict[int, list[Signal]] = {}
    if low is None:  # NUL in a text, or "İ" (lower-casing moves offsets): text by text
        for i, text in enumerate(chunk.texts):
            found = _scan(text, m)
            if found:
                out[i] = found
        return out
    hits = m.hits_many(low, chunk.starts)
    # Hints of disguised words (digits or signs in words, "*" / "#"): a superset of the texts where
    # the per-text scan finds them (the separator may stand where a text has no character at all).
    hinted = set(chunk.matching(_LEET_HINT))
    hinted.update(chunk.containing("*"))
    hinted.update(chunk.containing("#"))
    hinted.update(i for i, found in hits.items() if found)
    starts, texts_ = chunk.starts, chunk.texts
    for i in sorted(hinted):
        text = texts_[i]
        found = _scan(text, m, low[starts[i] : starts[i] + len(text)], hits.get(i, []))
        if found:
            out[i] = found
    return out


def counts() -> dict[str, dict[str, int]]:
    """Terms per language and signal (for docs and the CLI)."""
    out: dict[str, dict[str, int]] = {}
    for f in all_files():
        out.setdefault(f.language, {})[f.signal] = f.term_count
    return out
