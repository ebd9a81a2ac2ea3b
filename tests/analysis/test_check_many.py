"""Batch mode gives exactly what checking one item at a time gives.

``check_many`` (and ``analyse_many`` under it) joins a chunk's texts, scans them together and maps the
hits back; these tests hold it to the per-text ``check`` on every DKHate comment (with synthetic
identifiers mixed in, as the benchmark does), on every pack example of every built-in pack, and on
texts made to sit awkwardly at chunk boundaries, for several packs and kinds.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from rettesnor.analysis import (
    DETECTORS,
    Signal,
    _drop_overlapped_identifiers,
    analyse,
    analyse_many,
    offensive,
)
from rettesnor.analysis.language import detect_language, detect_languages
from rettesnor.check import check, check_lines, check_many, context_for, parse_line, validate_text
from rettesnor.item import InputError, Item
from rettesnor.policy.loader import builtin_packs, load_pack
from support.scriptload import load_script

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "check_throughput.py"
DKHATE = ROOT.parent / "shared" / "datasets" / "dkhate" / "offenseval-da-training-v1.tsv"
KINDS = ("comment", "official_post", "private_post", "reply")


def _bench() -> ModuleType:
    return load_script(BENCH)


def _examples() -> list[str]:
    texts: list[str] = []
    for name in builtin_packs():
        for rule in load_pack(name).rules:
            texts.extend(e.text for e in rule.examples)
    return list(dict.fromkeys(texts))


# Texts that probe the edges of batch mode: empty-ish, signs at the very start or end (next to the
# separator), lower-casing that changes length, NUL, long texts, names and numbers everywhere.
_EDGES = [
    "x",
    " ",
    "1",
    "@",
    "Jens",
    "jens",
    "idiot",
    "1d1ot",
    "f*ck",
    "©",
    "#reklame",
    "12 år gammel",
    "på 12 år",
    "hold   kæft",
    "hold\nkæft din idiot",
    "İstanbul er en by, idiot İ",
    "Σ og ΣΑΣ",
    "NUL \x00 inde i teksten 0101901234",
    "010190-1234",
    "ring 20 12 34 56",
    "+45 20 12 34 56",
    "a@b.dk",
    "@USER @kari_nordmann hej",
    "Østergade 12, 2. tv. 8000 Aarhus C",
    "bor på Karl Johans gate 1",
    "sagsnr. 2024/123 og j.nr. 12-345",
    "reg. 1234 konto 0012345678",
    "DK5000400440116243",
    "mette thomsen og hej simone",
    "Hjørring Kommune er min arbejdsplads, hjoring.dk, mette@hjoring.dk",
    "Jeg arbejder i kommunen. Borgmester Jens Pedersen sagde i dag, at Anna Berg er idiot.",
    "Jeg. " * 300,
    "Hej Anna " * 50 + "1203851234",
    "æøå " * 900 + "jeg ikke",
    "x" * 2100 + " är för",
]


def _items(texts: list[str], kind: str, seed: int) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for t in texts:
        language = rng.choice((None, None, None, "da", "sv", "nb", "en"))
        images = ("foto.jpg",) if rng.random() < 0.2 else ()
        channel = rng.choice((None, "snapchat", "teams")) if kind == "internal_message" else None
        items.append(Item(t, kind=kind, language=language, images=images, channel=channel))
    return items


def _check_same(items: list[Item], pack_name: str) -> None:
    pack = load_pack(pack_name)
    batch = check_many(items, pack)
    assert len(batch) == len(items)
    for item, got in zip(items, batch, strict=True):
        want = check(item, pack)
        assert got.to_dict() == want.to_dict(), (pack_name, item)
        assert got.language == want.language


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    if not DKHATE.is_file():
        pytest.skip(f"{DKHATE} is not here")
    bench = _bench()
    return [s.text for s in bench.build_corpus(bench.read_comments(DKHATE))]


@pytest.mark.parametrize(
    ("pack_name", "kind"),
    [
        ("dk-hjorring", "comment"),
        ("dk-hjorring", "official_post"),
        ("dk-sonderborg", "private_post"),
        ("no-hustadvika", "reply"),
        ("se-norsjo", "comment"),
    ],
)
def test_dkhate_batch_equals_one_by_one(corpus: list[str], pack_name: str, kind: str) -> None:
    _check_same(_items(corpus, kind, seed=len(pack_name) + len(kind)), pack_name)


@pytest.mark.parametrize("pack_name", builtin_packs())
def test_pack_examples_batch_equals_one_by_one(pack_name: str) -> None:
    texts = _examples() + _EDGES
    items = [item for i, kind in enumerate(KINDS) for item in _items(texts, kind, seed=i)]
    items += _items(texts, "internal_message", 9) + _items(texts, "account_profile", 10)
    random.Random(3).shuffle(items)  # mixed kinds and languages in one chunk
    _check_same(items, pack_name)


def test_examples_with_identifiers_batch_equals_one_by_one() -> None:
    bench = _bench()
    samples = bench.build_corpus(_examples() + _EDGES, seed=11, share=0.6)
    texts = [s.text for s in samples]
    for kind in KINDS:
        _check_same(_items(texts, kind, seed=5), "nordic-baseline")


def test_analyse_many_gives_the_same_signals() -> None:
    pack = load_pack("dk-hjorring")
    texts = _examples() + _EDGES
    for kind in KINDS:
        ctx = context_for(pack, Item("x", kind=kind), "da")
        assert analyse_many(texts, ctx) == [analyse(t, ctx) for t in texts]
        assert analyse_many(texts[:1], ctx) == [analyse(texts[0], ctx)]
        assert analyse_many([], ctx) == []


def test_analyse_skips_only_phones_that_a_national_id_drops(corpus: list[str]) -> None:
    """analyse() lets contact skip phone candidates on national IDs: the same as running every detector."""
    pack = load_pack("dk-hjorring")
    texts = [t for t in corpus if any(c.isdigit() for c in t)] + _examples() + _EDGES
    for country_pack in (pack, load_pack("no-hustadvika"), load_pack("se-norsjo")):
        ctx = context_for(country_pack, Item("x", kind="reply"), "da")
        for t in texts:
            every: list[Signal] = []
            for detector in DETECTORS:
                every.extend(detector(t, ctx))
            every.extend(offensive.detect(t, ctx, every))  # the classifier reads the lexicon's hits
            assert analyse(t, ctx) == _drop_overlapped_identifiers(every), t


def test_detect_languages_gives_the_same_answers() -> None:
    texts = _examples() + _EDGES
    for country in ("DK", "NO", "SE"):
        assert detect_languages(texts, country) == [detect_language(t, country) for t in texts]


def _lines(texts: list[str]) -> Iterator[bytes]:
    for i, t in enumerate(texts):
        yield json.dumps({"id": str(i), "text": t, "kind": "comment"}).encode()
        if i % 97 == 0:
            yield b"not json"
        if i % 131 == 0:
            yield b"   "


def test_check_lines_streams_chunks_with_line_errors() -> None:
    pack = load_pack("dk-hjorring")
    texts = (_examples() + _EDGES) * 2
    got = list(check_lines(_lines(texts), pack))
    want = []
    for number, raw in enumerate(_lines(texts), start=1):
        if not raw.strip():
            continue
        try:  # what check_lines did before batch mode, line by line
            want.append(check(parse_line(validate_text(raw), None), pack).to_dict())
        except InputError as exc:
            want.append({"line": number, "error": str(exc)})
    assert got == want
    assert sum("error" in x for x in got) > 5
    # Streaming: the first chunk's results come before the rest of the input is read.
    consumed = 0

    def counting() -> Iterator[bytes]:
        nonlocal consumed
        for line in _lines(texts * 5):
            consumed += 1
            yield line

    stream = check_lines(counting(), pack)
    next(stream)
    assert consumed < 3 * len(texts)
