"""The engine's speed-ups give what the plain path gives (issue 17).

* A chunk is split, per detector, only by the context fields that detector reads (``analysis.READS``):
  the declaration is checked against each module's source, and mixed chunks against text-by-text checks.
* Overlap resolution keeps what the quadratic version kept, and stays fast on a text full of numbers.
* ``rettesnor check --jsonl --workers N`` writes what one process writes, in the same order, and the
  lines msgspec decodes are the items (or the errors) the old JSON path gave.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rettesnor import analysis
from rettesnor.analysis import READS, Signal, _drop_overlapped_identifiers, analyse, analyse_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.check import check, check_lines, check_many, parse_line, parse_raw, validate_text
from rettesnor.item import InputError, Item
from rettesnor.policy.loader import load_pack

_FIELDS = {f.name for f in dataclasses.fields(AnalysisContext)}


def _sources(name: str, seen: set[str]) -> str:
    """The source of ``rettesnor.analysis.<name>`` and of the helper modules of the analysis it imports
    (a detector may hand its context to one of them)."""
    if name in seen:
        return ""
    seen.add(name)
    module = sys.modules[f"rettesnor.analysis.{name}"]
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    helpers = set(re.findall(r"from rettesnor\.analysis\.(\w+) import", source))
    for group in re.findall(r"from rettesnor\.analysis import \(?([\w, ]+)", source):
        helpers.update(x.strip() for x in group.split(","))
    helpers -= set(READS) - {name}  # another detector is checked on its own
    return source + "".join(
        _sources(h, seen) for h in sorted(helpers) if f"rettesnor.analysis.{h}" in sys.modules
    )


@pytest.mark.parametrize("name", sorted(READS))
def test_reads_declares_every_context_field_a_detector_reads(name: str) -> None:
    source = _sources(name, set())
    read = set(re.findall(r"\bctx\.(\w+)", source)) & _FIELDS
    declared = READS[name]
    if declared is None:
        return  # the whole context: nothing to check
    assert read <= set(declared), f"{name} reads {sorted(read - set(declared))}: add them to READS"


def test_every_detector_is_declared() -> None:
    names = {d.__module__.rsplit(".", 1)[-1] for d in analysis.DETECTORS} | {"offensive"}
    assert names <= set(READS)


_TEXTS = [
    "Din idiot, ring 20 12 34 56 eller skriv til mette.jensen@gmail.com",
    "Mitt personnummer är 811218-9876 och jag är arg på kommunen",
    "Fødselsnummeret mitt er 01019012345, kan dere svare meg?",
    "Hjørring Kommune er min arbejdsplads. Jeg arbejder i kommunen.",
    "f*ck dette, 1d1ot!",
    "Anna Berg bor på Østergade 12, 8000 Aarhus C",
    "I hate this, you are an idiot",
    "Eg trur ikkje at kommunen svarar",
]


def test_a_mixed_chunk_gives_what_each_text_gives_alone() -> None:
    pack = load_pack("dk-hjorring")
    rng = random.Random(7)
    items = []
    for k in range(300):
        text = _TEXTS[k % len(_TEXTS)] + " " + rng.choice(_TEXTS)
        kind = rng.choice(("comment", "official_post", "private_post", "reply", "internal_message"))
        items.append(
            Item(
                text,
                kind=kind,
                language=rng.choice((None, "da", "nb", "nn", "sv", "en")),
                images=("x.jpg",) if rng.random() < 0.2 else (),
                channel=rng.choice((None, "snapchat")) if kind == "internal_message" else None,
            )
        )
    for item, got in zip(items, check_many(items, pack), strict=True):
        assert got.to_dict() == check(item, pack).to_dict()


def test_analyse_chunk_equals_analyse_per_context() -> None:
    contexts = [
        AnalysisContext(kind=k, language=lang, country=c)
        for k in ("comment", "private_post")
        for lang in ("da", "sv", "en")
        for c in ("DK", "SE")
    ]
    texts = [_TEXTS[i % len(_TEXTS)] for i in range(len(contexts))]
    got = analyse_chunk(texts, contexts)
    assert got == [analyse(t, c) for t, c in zip(texts, contexts, strict=True)]


def _quadratic(signals: list[Signal]) -> list[Signal]:
    """The former overlap resolution, for comparison."""
    rank = {"national_id": 0, "bank_account": 1, "phone": 2, "case_number": 3}
    ids = sorted((s for s in signals if s.name in rank), key=lambda s: (rank[s.name], -s.score))
    kept: list[Signal] = []
    for s in ids:
        if not any(s.start < k.end and k.start < s.end for k in kept):
            kept.append(s)
    keep = set(map(id, kept))
    return [s for s in signals if s.name not in rank or id(s) in keep]


def test_overlap_resolution_keeps_what_the_quadratic_one_kept() -> None:
    rng = random.Random(3)
    names = ("national_id", "bank_account", "phone", "case_number", "email")
    for _ in range(300):
        signals = []
        for _ in range(rng.randint(0, 12)):
            s = rng.randint(0, 40)
            e = s + rng.randint(0, 12)
            signals.append(Signal(rng.choice(names), s, e, rng.choice((0.5, 0.7, 0.9)), "t"))
        assert _drop_overlapped_identifiers(signals) == _quadratic(signals)


def test_overlap_resolution_is_fast_on_many_numbers() -> None:
    signals = [Signal("phone", 12 * i, 12 * i + 11, 0.7, "t") for i in range(50_000)]
    signals += [Signal("national_id", 12 * i, 12 * i + 11, 0.9, "t") for i in range(50_000)]
    t0 = time.perf_counter()
    kept = _drop_overlapped_identifiers(signals)
    assert time.perf_counter() - t0 < 2.0
    assert {s.name for s in kept} == {"national_id"} and len(kept) == 50_000


# --- `rettesnor check --jsonl --workers N`, as a user runs it -------------------------------------------


def _run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-c", "from rettesnor.cli import main; main()", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=120, check=False)


def _jsonl(n: int) -> bytes:
    rng = random.Random(11)
    lines = []
    for i in range(n):
        if i % 397 == 5:
            lines.append("{not json")
        elif i % 211 == 7:
            lines.append(json.dumps({"id": str(i), "text": "hej", "kind": "tweet"}))
        else:
            text = rng.choice(_TEXTS) + " " + rng.choice(_TEXTS)
            lines.append(json.dumps({"id": str(i), "text": text, "kind": "comment"}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def test_workers_give_the_same_lines_in_the_same_order() -> None:
    stdin = _jsonl(1500)  # three chunks of 512 and a bit: several in flight at once
    one = _run("check", "--jsonl", "-", "-p", "dk-hjorring", stdin=stdin)
    two = _run("check", "--jsonl", "-", "-p", "dk-hjorring", "--workers", "2", stdin=stdin)
    every = _run("check", "--jsonl", "-", "-p", "dk-hjorring", "-w", "0", stdin=stdin)
    assert one.returncode == two.returncode == every.returncode == 2  # lines in error
    assert one.stdout == two.stdout == every.stdout
    assert one.stderr == two.stderr == every.stderr
    results = [json.loads(line) for line in two.stdout.decode().splitlines()]
    assert len(results) == 1500
    assert [r.get("id", r.get("line")) for r in results][:8] == ["0", "1", "2", "3", "4", 6, "6", 8]
    assert results[5] == {"line": 6, "error": results[5]["error"]} and "JSON" in results[5]["error"]
    assert any(r.get("verdict") == "delete" or r.get("findings") for r in results)


def test_workers_need_jsonl() -> None:
    proc = _run("check", "-", "-p", "dk-hjorring", "--workers", "2", stdin=b"hej")
    assert proc.returncode == 2
    assert (
        proc.stderr.decode().strip()
        == "rettesnor: error: --workers needs --jsonl (one text is checked in one process)"
    )
    assert proc.stdout == b""


def test_workers_must_not_be_negative() -> None:
    proc = _run("check", "--jsonl", "-", "-p", "dk-hjorring", "--workers", "-1", stdin=b'{"text": "hej"}\n')
    assert proc.returncode == 2
    assert (
        proc.stderr.decode().strip() == "rettesnor: error: --workers must be 0 (every core) or more, not -1"
    )
    assert proc.stdout == b""


def test_check_jsonl_writes_what_check_lines_gives() -> None:
    pack = load_pack("dk-hjorring")
    lines = _jsonl(700).splitlines()
    proc = _run("check", "--jsonl", "-", "-p", "dk-hjorring", stdin=b"\n".join(lines) + b"\n")
    got = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert got == list(check_lines(lines, pack))


def test_parse_raw_gives_what_the_text_path_gives() -> None:
    raws = [
        b'{"id": 1, "text": "hej", "kind": "comment"}',
        b'{"text": "x", "kind": "comment", "language": "sv", "channel": "teams"}',
        b'{"text": "\\u00e6 NaN", "kind": "reply", "x": NaN}',
        b'{"text": "a\\ud800", "kind": "comment"}',
        b'\xef\xbb\xbf{"text": "bom", "kind": "comment"}',
        b'{"text": "\xff", "kind": "comment"}',
        b'{"text": "a"} \x00',
        b'{"text": "  ", "kind": "comment"}',
        b'["text"]',
        b'{"text": "a", "kind": 3}',
        b'{"text": "a"}',
        b'{"n": 1e400, "text": "a", "kind": "comment"}',
    ]
    for raw in raws:
        try:
            want: object = parse_line(validate_text(raw), "comment")
        except InputError as exc:
            want = str(exc)
        try:
            got: object = parse_raw(raw, "comment")
        except InputError as exc:
            got = str(exc)
        assert got == want, raw
