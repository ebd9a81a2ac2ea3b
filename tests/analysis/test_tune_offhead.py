"""The offensive-head experiments' text normalisation (scripts/tune_offhead.py; docs/evaluation.md (a))."""

from __future__ import annotations

from pathlib import Path

from support.scriptload import load_script

REPO = Path(__file__).resolve().parents[2]


def test_normalise_squeezes_reads_leetspeak_and_folds_digits() -> None:
    tune = load_script(REPO / "scripts" / "tune_offhead.py")
    assert tune.normalise("sååå") == "så"
    assert tune.normalise("l0rt!") == "lort"
    assert tune.normalise("fuuuuck,") == "fuck"
    assert tune.normalise("ikke") == "ikke"  # a letter written twice stays
    assert tune.normalise("2020") == tune.normalise("1999") == "0"
    assert tune.normalise("«idiot»") == "idiot"
    assert tune.normalise("søster", danish=True) == "soester"
    assert tune.normalise("søster") == "søster"


def test_the_offensive_heads_own_grams_carry_their_prefix() -> None:
    tune = load_script(REPO / "scripts" / "tune_offhead.py")
    grams = tune.offensive_grams("l0rt!", ("normgrams", "normword"))  # tokens are lower-cased
    assert grams["nw:lort"] == 1
    assert grams["n: lort"] == grams["n:lort "] == 1 and grams["n:o"] == 1
    assert all(k.startswith(("n:", "nw:")) for k in grams)
    assert tune.offensive_grams("...", ("normgrams", "normword")) == {}
    assert set(tune.offensive_grams("idiot", ("normword",))) == {"nw:idiot"}
