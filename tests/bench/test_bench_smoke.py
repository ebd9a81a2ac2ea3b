"""Smoke test of the benchmark's corpus builder (no Presidio, no timing; well under a second)."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import phonenumbers
import pytest
from stdnum.dk import cpr
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

from support.scriptload import load_script

BENCH = Path(__file__).resolve().parents[2] / "bench" / "check_throughput.py"


def _bench() -> ModuleType:
    return load_script(BENCH)


def _valid(kind: str, value: str) -> bool:
    if kind == "dk_cpr":
        return re.fullmatch(r"\d{6}-\d{4}", value) is not None and cpr.is_valid(value)
    if kind == "no_fnr":
        return fodselsnummer.is_valid(value.replace(" ", ""))
    if kind == "se_pnr":
        return personnummer.is_valid(value)
    if kind == "phone":
        return any(phonenumbers.is_valid_number(phonenumbers.parse(value, r)) for r in ("DK", "NO", "SE"))
    return re.fullmatch(r"[a-z0-9.]+@[a-z]+\.[a-z]+", value) is not None


def test_corpus_builder(tmp_path: Path) -> None:
    bench = _bench()
    tsv = tmp_path / "comments.tsv"
    rows = [f"{i}\tKommentar nummer {i} om vejen og skolen i byen.\tNOT" for i in range(400)]
    tsv.write_text("id\ttweet\tsubtask_a\n" + "\n".join(rows) + "\n1000\t \tNOT\n", encoding="utf-8")

    texts = bench.read_comments(tsv)
    assert len(texts) == 400  # the empty one is skipped
    samples = bench.build_corpus(texts, seed=7)
    assert samples == bench.build_corpus(texts, seed=7)  # deterministic
    with_ids = [s for s in samples if s.inserted]
    assert 0.12 < len(with_ids) / len(samples) < 0.28

    counts = bench.inserted_counts(samples)
    assert set(counts) == set(bench.ID_TYPES)
    assert sum(counts.values()) == sum(len(s.inserted) for s in samples)
    for sample in with_ids:
        for ins in sample.inserted:
            assert sample.text[ins.start : ins.end] == ins.value
            assert _valid(ins.type, ins.value), (ins.type, ins.value)


def test_generators_follow_the_rules() -> None:
    bench = _bench()
    rng = bench.random.Random(1)
    for _ in range(200):
        assert cpr.is_valid(bench.dk_cpr(rng))
        assert fodselsnummer.is_valid(bench.no_fnr(rng).replace(" ", ""))
        assert personnummer.is_valid(bench.se_pnr(rng))
    assert bench.luhn_digit("811218987") == 6  # 811218-9876, the Swedish Tax Agency's example


def test_adversarial_inputs_fit_the_item_limit() -> None:
    bench = _bench()
    inputs = bench.adversarial_inputs(1000, ["Hej med dig", "Godt gået"])
    assert all(0 < len(text) <= 1000 for text in inputs.values())


def test_only_adversarial_runs_the_worst_cases_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _bench()
    tsv = tmp_path / "comments.tsv"
    rows = [f"{i}\tKommentar nummer {i} om vejen, ring 20 12 34 56.\tNOT" for i in range(60)]
    tsv.write_text("id\ttweet\tsubtask_a\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "adv.json"
    args = ["--corpus", str(tsv), "--only-adversarial", "--adversarial-size", "2000", "--warmup", "5"]
    status = bench.main([*args, "--adversarial-only", "e-mail", "--out", str(out)])
    assert status == 0  # 2,000 characters: far under the target
    rows_out = bench.json.loads(out.read_text(encoding="utf-8"))
    assert {r["input"] for r in rows_out} == {"e-mail-like 'a@'*N", "many e-mails 'a@b.dk '*N"}
    assert {r["kind"] for r in rows_out} == {"comment", "official_post"}
    assert all(r["cpu_s"] >= 0 and isinstance(r["stages_s"], dict) for r in rows_out)
    printed = capsys.readouterr().out
    assert "worst-case inputs" in printed and "throughput" not in printed.split("worst-case")[1]
