"""The start-up cache of the word lists (rettesnor.diskcache): what is read back is what is built.

The trie regexes and the validated files of a language are stored on the first run and read back by
later runs (issue 17). These tests build everything once without the cache and once from it, and
require the same patterns, the same entries and the same hits; and that a changed, corrupt or
switched-off cache never gives a stale or a broken result.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rettesnor import diskcache
from rettesnor.analysis import lexicon

TEXTS = [
    "Du er en idiot og et fjols, for helvede",
    "Hold  kæft med dit 1d1ot-pjat, f*ck det",
    "Vi holder lukket i dag, se foto: getty. Ring på 12 år",
    "You absolute moron, shut up",
    "İstanbul og ÆØÅ æøå, ingen problemer",
]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder and a lexicon module with nothing loaded yet (restored afterwards)."""
    monkeypatch.setenv(diskcache.ENV_FOLDER, str(tmp_path / "cache"))
    saved = (dict(lexicon._BY_LANGUAGE), dict(lexicon._MATCHERS))
    lexicon._BY_LANGUAGE.clear()
    lexicon._MATCHERS.clear()
    yield tmp_path / "cache"
    lexicon._BY_LANGUAGE.clear()
    lexicon._MATCHERS.clear()
    lexicon._BY_LANGUAGE.update(saved[0])
    lexicon._MATCHERS.update(saved[1])


def _forget() -> None:
    lexicon._BY_LANGUAGE.clear()
    lexicon._MATCHERS.clear()


def _hits(m: lexicon.Matcher) -> list[list[tuple[int, int, str]]]:
    return [[(s, e, x.core) for s, e, x in m.hits(lexicon._lower(t))] for t in TEXTS]


@pytest.mark.parametrize(
    "source",
    [
        r"\W(?=((?:ab(?:c|)|x\d\d{0,2}+)))",
        r"(?P<word>[^\W\d_]+)(?<![\w.,\-]\d)\s\s*+(?!\w)",
        r"(?i:æøå)|[\u0130]|\bfoo\b",
    ],
)
def test_a_regex_rebuilt_from_its_state_is_the_compiled_regex(source: str) -> None:
    state = diskcache.regex_state(source)
    assert state is not None
    rebuilt = diskcache.regex_from_state(json.loads(json.dumps(state)), source)
    fresh = re.compile(source)
    assert rebuilt is not None and rebuilt == fresh  # same source and flags
    assert (rebuilt.groups, rebuilt.groupindex) == (fresh.groups, fresh.groupindex)
    for text in [*TEXTS, "abc x123 x1 ab", "word 1 2 foo FOO æøå ÆØÅ"]:
        assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in fresh.finditer(text)]


def test_a_state_of_another_source_or_with_broken_code_is_refused() -> None:
    state = diskcache.regex_state(r"abc|d+")
    assert state is not None
    assert diskcache.regex_from_state(state, r"abc|e+") is None
    broken = {**state, "code": state["code"][:-3]}  # the C engine checks the code it is given
    assert diskcache.regex_from_state(broken, r"abc|d+") is None
    assert diskcache.regex_from_state({**state, "code": ["x"]}, r"abc|d+") is None


def test_word_lists_from_the_cache_are_those_built_without_it(fresh: Path) -> None:
    built = lexicon.matcher(("da", "en"))
    files = lexicon.files_of("da") + lexicon.files_of("en")
    assert sorted(p.name.split(".")[0] for p in fresh.iterdir()) == [
        "lexicon-da-en",
        "lexicon-files-da",
        "lexicon-files-en",
    ]
    _forget()
    cached = lexicon.matcher(("da", "en"))
    assert cached is not built
    assert lexicon.files_of("da") + lexicon.files_of("en") == files  # every entry, evidence, context
    assert (cached.bounded, cached.free) == (built.bounded, built.free)
    assert cached.lookup == built.lookup and cached.prefixes == built.prefixes
    assert cached.masked == built.masked
    assert _hits(cached) == _hits(built)


def test_a_corrupt_cache_is_rebuilt(fresh: Path) -> None:
    built = lexicon.matcher(("da", "en"))
    for entry in fresh.iterdir():
        entry.write_text('{"not": "an entry"' if "files" in entry.name else "[1, 2]", encoding="utf-8")
    _forget()
    again = lexicon.matcher(("da", "en"))
    assert (again.bounded, again.free) == (built.bounded, built.free)
    assert _hits(again) == _hits(built)
    tries = json.loads(next(fresh.glob("lexicon-da-en.*.json")).read_bytes())
    assert [t["pattern"] for t in tries] == [built.bounded.pattern, built.free.pattern]  # type: ignore[union-attr]
    assert isinstance(json.loads(next(fresh.glob("lexicon-files-da.*.json")).read_bytes()), list)


def test_an_edited_word_list_is_read_again(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lexicons"
    shutil.copytree(lexicon.LEXICON_ROOT / "da", root / "da")
    shutil.copytree(lexicon.LEXICON_ROOT / "en", root / "en")
    monkeypatch.setattr(lexicon, "LEXICON_ROOT", root)
    assert "rådhusnisse" not in lexicon.matcher(("da", "en")).lookup
    insult = root / "da" / "insult.yaml"
    insult.write_text(insult.read_text(encoding="utf-8") + "  - rådhusnisse\n", encoding="utf-8")
    _forget()
    assert "rådhusnisse" in lexicon.matcher(("da", "en")).lookup
    assert [len(list(fresh.glob(f"{n}.*.json"))) for n in ("lexicon-da-en", "lexicon-files-da")] == [1, 1]


def test_the_cache_can_be_switched_off(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV_FOLDER, "")
    assert diskcache.folder() is None
    lexicon.matcher(("da", "en"))
    assert not fresh.exists()


def test_the_name_lists_come_back_from_the_cache_as_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """names.py's word lists (flags, phrases, organisation words, the hand-written flags): stored by the
    first run, read back equal (in the same order) by the next; a corrupt entry or no cache builds them."""
    from rettesnor.analysis import names

    built = names._load(with_training_lists=True), names._load(with_training_lists=False)[0]
    monkeypatch.setenv(diskcache.ENV_FOLDER, str(tmp_path / "cache"))
    assert names._lists() == built  # built, and stored
    (entry,) = (tmp_path / "cache").glob("names-lists.*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["flags"]["an invented word"] = 1
    entry.write_text(json.dumps(data), encoding="utf-8")
    back = names._lists()
    assert "an invented word" in back[0][0]  # the entry is what is read back ...
    assert list(back[0][0])[:-1] == list(built[0][0]) and list(back[1]) == list(built[1])
    data["hand"] = {"jens": "not a number"}
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert names._lists() == built  # ... unless it is not of the right shape
    entry.write_text("{not json", encoding="utf-8")
    assert names._lists() == built
    monkeypatch.setenv(diskcache.ENV_FOLDER, "")
    assert names._lists() == built
