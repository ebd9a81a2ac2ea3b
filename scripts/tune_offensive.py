"""Cross-validation experiments for the harmful-comment classifier (training rows only).

    .venv/bin/python scripts/tune_offensive.py oof NAME [--c-category C] [--pairs] [--negative-weight W]
        [--lexicon-scale S] [--dkhate]
    .venv/bin/python scripts/tune_offensive.py report NAME [NAME …]

``oof`` writes every head's out-of-fold probability for each harm-corpus train row (5 folds, split seed 0;
DKHate and the .tsv comments in every training fold) to ``/tmp/rettesnor-tune/NAME.json``; with
``--dkhate`` also for each DKHate row (stratified 5 folds, split seed 0). ``report`` compares threshold
schemes on those scores by *nested* CV: the thresholds of each harm fold are chosen on the other four
folds' out-of-fold scores only, so the P/R it prints per category and language is not tuned on the rows
it is measured on. Nothing here reads the harm corpus's test split.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_offensive as tr

from rettesnor.analysis.offensive import (
    _LAWFUL_PRESSURE,
    _NAME_ORDER,
    CATEGORY_HEADS,
    HEADS,
    OFFENSIVE_HEAD,
    SOLO_THRESHOLD,
)

OUT = Path(os.environ.get("RETTESNOR_TUNE_DIR", "/tmp/rettesnor-tune"))  # where oof writes and report reads
LANGS = tr.HARM_LANGUAGES
Th = dict[str, tuple[float, float]]


def run_oof(name: str, params: tr.Params, pairs: bool, dkhate: bool) -> None:
    corpus = tr.load_all()
    lex = tr.lexicon_features(corpus)
    folds = tr.harm_folds(corpus, seed=0)
    say = lambda m: print(name, m, file=sys.stderr, flush=True)  # noqa: E731
    probs = tr.out_of_fold(corpus, lex, folds, params, pairs, say)
    doc: dict[str, Any] = {"harm": {str(i): p for i, p in probs.items()}, "folds": folds}
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(doc))
    if dkhate:
        dk = tr.out_of_fold(corpus, lex, tr.dkhate_folds(corpus, seed=0), params, pairs, say)
        doc["dkhate"] = {str(i): p for i, p in dk.items()}
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(doc))


def signals(p: Sequence[float], lex: Sequence[str], text: str, th: Th) -> set[str]:
    """The categories of the signals ``offensive.detect`` gives (the runtime rule, lawful pressure too)."""
    fired = [h for h, head in enumerate(HEADS) if tr.decide(p[h], lex, *th[head])]
    if 3 in fired and "threat" not in lex and _LAWFUL_PRESSURE.search(text):
        fired.remove(3)
    cats = {HEADS[h] for h in fired if h}
    if cats or 0 not in fired:
        return cats
    agreeing = [n for n in _NAME_ORDER if n in lex]
    return {agreeing[0] if agreeing else HEADS[max(range(1, len(p)), key=p.__getitem__)]}


def best_pair(gold: list[int], ps: list[float], lexes: list[Sequence[str]]) -> tuple[float, float]:
    best, key = (0.5, 0.5), (-1.0, 0.0, 0.0)
    for t in tr.GRID:
        for s in tr.GRID:
            if s < t:
                continue
            f = tr.prf(gold, [tr.decide(p, lx, t, s) for p, lx in zip(ps, lexes, strict=True)])["f1"]
            k = (f, -s, -t)
            if k > key:
                best, key = (t, s), k
    return best


def choose(
    corpus: tr.Corpus, lex: list[Any], probs: dict[int, list[float]], rows: list[int], per_lang: bool, off: Th
) -> dict[str, Th]:
    """Per language, the category heads' (threshold, solo) with the best F1 of the head on ``rows``
    (of that language when ``per_lang``, else of all); the offensive head's from ``off``."""
    out: dict[str, Th] = {}
    groups = {lang: [i for i in rows if corpus.languages[i] == lang] for lang in LANGS} if per_lang else None
    for h, head in enumerate(HEADS):
        if head == OFFENSIVE_HEAD:
            continue
        for lang in LANGS:
            mine = groups[lang] if groups else rows
            if not groups and out.get(LANGS[0], {}).get(head):
                out.setdefault(lang, {})[head] = out[LANGS[0]][head]
                continue
            gold = [int(corpus.labels[head][i] or 0) for i in mine]
            out.setdefault(lang, {})[head] = best_pair(
                gold, [probs[i][h] for i in mine], [lex[i] for i in mine]
            )
    for lang in LANGS:
        out[lang][OFFENSIVE_HEAD] = off[lang]
    return out


def cells(
    corpus: tr.Corpus, lex: list[Any], probs: dict[int, list[float]], th_of: dict[int, dict[str, Th]]
) -> Any:
    """P/R/F1 per category and language of the signals, each row decided with its fold's thresholds."""
    res: dict[str, dict[str, dict[str, float]]] = {}
    for lang in LANGS:
        mine = [i for i in sorted(probs) if corpus.languages[i] == lang]
        sig = [signals(probs[i], lex[i], corpus.texts[i], th_of[i][lang]) for i in mine]
        res[lang] = {
            c: tr.prf([int(corpus.labels[c][i] or 0) for i in mine], [c in s for s in sig])
            for c in CATEGORY_HEADS
        }
    return res


def report(names: list[str], off_t: float, off_solo: float) -> None:
    corpus = tr.load_all()
    lex = tr.lexicon_features(corpus)
    for name in names:
        doc = json.loads((OUT / f"{name}.json").read_text())
        probs = {int(k): v for k, v in doc["harm"].items()}
        folds: list[list[int]] = doc["folds"]
        for scheme in ("global", "per_lang"):
            for off_name, off in (
                ("off-shipped", {lang: (off_t, off_solo) for lang in LANGS}),
                ("off-da-only", {lang: (off_t, off_solo) if lang == "da" else (1.0, 1.0) for lang in LANGS}),
            ):
                th_of: dict[int, dict[str, Th]] = {}
                for k, fold in enumerate(folds):
                    rest = [i for j, f in enumerate(folds) if j != k for i in f]
                    th = choose(corpus, lex, probs, rest, scheme == "per_lang", off)
                    for i in fold:
                        th_of[i] = th
                res = cells(corpus, lex, probs, th_of)
                show(f"{name} {scheme} {off_name}", res)
        if "dkhate" in doc:
            dk = {int(k): v for k, v in doc["dkhate"].items()}
            rows = sorted(probs)
            for scheme in ("global", "per_lang"):
                th = choose(
                    corpus, lex, probs, rows, scheme == "per_lang", {x: (off_t, off_solo) for x in LANGS}
                )
                drows = sorted(dk)
                got = tr.f1_scores(
                    [corpus.off[i] for i in drows], [tr.any_head(dk[i], lex[i], th["da"]) for i in drows]
                )
                print(f"{name} {scheme}: DKHate any-head (seed 0) {got}")


def show(title: str, res: dict[str, dict[str, dict[str, float]]]) -> None:
    met = sum(
        1
        for lang in LANGS
        for c in CATEGORY_HEADS
        if min(res[lang][c]["precision"], res[lang][c]["recall"]) >= 0.85
    )
    mean_f1 = sum(res[lang][c]["f1"] for lang in LANGS for c in CATEGORY_HEADS) / 30
    print(f"\n{title}: cells met {met}/30, mean F1 {mean_f1:.3f}")
    print(f"  {'':10}" + "".join(f"{lang:>11}" for lang in LANGS))
    for c in CATEGORY_HEADS:
        print(
            f"  {c:10}"
            + "".join(
                f"{res[lang][c]['precision']:.2f}/{res[lang][c]['recall']:.2f}".rjust(11) for lang in LANGS
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("oof", "report", "offensive"))
    parser.add_argument("names", nargs="+")
    parser.add_argument("--c-category", type=float, default=tr.C_CATEGORY)
    parser.add_argument("--negative-weight", type=float, default=tr.NEGATIVE_WEIGHT)
    parser.add_argument("--lexicon-scale", type=float, default=tr.LEXICON_SCALE)
    parser.add_argument("--pairs", action="store_true")
    parser.add_argument("--dkhate", action="store_true")
    parser.add_argument("--nb", action="store_true")
    args = parser.parse_args()
    if args.what == "oof":
        nb_heads = CATEGORY_HEADS if args.nb else ()
        params = tr.Params(
            c_category=args.c_category,
            negative_weight=args.negative_weight,
            nb_heads=nb_heads,
            scale=args.lexicon_scale,
        )
        run_oof(args.names[0], params, args.pairs, args.dkhate)
    elif args.what == "offensive":
        print(args.names[0], offensive_head_cv(args.c_category, args.pairs, args.nb), flush=True)
    else:
        off_t, off_solo = tr.THRESHOLDS[OFFENSIVE_HEAD]
        report(args.names, off_t, max(off_solo, SOLO_THRESHOLD))
    return 0


def offensive_head_cv(c: float, pairs: bool, nb: bool, seed: int = 0) -> dict[str, float]:
    """DKHate stratified 5-fold CV of the offensive head alone (fitted with scikit-learn directly; the
    harm rows do not train it), at the shipped thresholds: a quick proxy for "any head"."""
    from sklearn.linear_model import LogisticRegression

    corpus = tr.load_all()
    lex = tr.lexicon_features(corpus)
    feats = tr.Featurizer(corpus, lex, pairs=pairs)
    t, solo = tr.THRESHOLDS[OFFENSIVE_HEAD]
    gold: list[int] = []
    pred: list[bool] = []
    for fold in tr.dkhate_folds(corpus, seed):
        out = set(fold)
        idx = [i for i in range(len(corpus)) if i not in out]
        names, idf = feats.vocabulary(idx, tr.MIN_DF)
        rows = [i for i in idx if corpus.labels[OFFENSIVE_HEAD][i] is not None]
        x = feats.matrix(rows, names, idf, tr.LEXICON_SCALE)
        y = [int(corpus.labels[OFFENSIVE_HEAD][i] or 0) for i in rows]
        xt = feats.matrix(fold, names, idf, tr.LEXICON_SCALE)
        if nb:
            ratio = tr.nb_ratio(x, y, None, len(names))
            x, xt = x @ tr._diag(ratio), xt @ tr._diag(ratio)
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=tr.MAX_ITER, solver="lbfgs")
        clf.fit(x, y)
        for i, p in zip(fold, clf.predict_proba(xt)[:, 1], strict=True):
            gold.append(corpus.off[i])
            pred.append(tr.decide(float(p), lex[i], t, solo))
    return tr.f1_scores(gold, pred)


if __name__ == "__main__":
    sys.exit(main())
