"""`check --jsonl --workers N`: the chunks go to the workers a few per task (cli._grouped), and come back
in input order, with the lines in error and the blocking flag of the chunks they hold."""

from __future__ import annotations

import json

from rettesnor.check import numbered_chunks
from rettesnor.cli import _checked, _grouped
from rettesnor.policy.loader import load_pack

_TEXTS = [
    "Tak for en god dag på stranden i Hjørring",
    "Din idiot, ring til mig på 20 30 40 50",
    "Mit CPR-nummer er 010203-1234, kan I hjælpe?",
    "Skriv til anna.hansen@example.org hvis du vil vide mere",
    "Jeg slår dig ihjel, din klovn",
]


def _lines(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        if i % 97 == 13:
            out.append(b"{not json\n")
        elif i % 89 == 3:
            out.append(b"\n")  # blank lines keep their number but are skipped
        else:
            obj = {"id": str(i), "text": f"{_TEXTS[i % len(_TEXTS)]} ({i})", "kind": "comment"}
            out.append(json.dumps(obj, ensure_ascii=False).encode() + b"\n")
    return out


def test_grouped_keeps_every_chunk_in_order() -> None:
    chunks = [[(i, b"x")] for i in range(10)]
    groups = list(_grouped(iter(chunks), 4))
    assert [len(g) for g in groups] == [4, 4, 2]
    assert [c for g in groups for c in g] == chunks
    assert list(_grouped(iter([]), 4)) == []


def test_workers_give_what_one_process_gives() -> None:
    pack = load_pack("dk-hjorring")
    lines = _lines(1200)
    # Small chunks: 30 of them, so several tasks of several chunks are in flight at once.
    one = list(_checked(numbered_chunks(iter(lines), 40), pack, None, "da", 1))
    two = list(_checked(numbered_chunks(iter(lines), 40), pack, None, "da", 2))
    assert b"".join(d.output for d in one) == b"".join(d.output for d in two)
    assert [e for d in one for e in d.errors] == [e for d in two for e in d.errors]
    assert any(d.blocking for d in one) == any(d.blocking for d in two)
    errors = [e for d in two for e in d.errors]
    assert [n for n, _ in errors] == [i + 1 for i in range(1200) if i % 97 == 13 and i % 89 != 3]
    out = b"".join(d.output for d in two).splitlines()
    assert len(out) == sum(1 for raw in lines if raw.strip())
    ids = [json.loads(x).get("id") for x in out]
    assert [i for i in ids if i is not None] == [str(i) for i in range(1200) if i % 97 != 13 and i % 89 != 3]
