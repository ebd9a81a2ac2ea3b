"""CV experiments on the offensive (OFF/NOT) head alone (issue 16, DKHate macro-F1; training rows only).

    .venv/bin/python scripts/tune_offhead.py base                 # every head's out-of-fold scores, once
    .venv/bin/python scripts/tune_offhead.py run NAME [options]   # one variant of the offensive head

``base`` writes the out-of-fold probabilities of every head of the shipped training code for DKHate
(stratified 5 folds, split seeds 0 and 42) and for the harm corpus's train rows (5 folds, seed 0) to
``/tmp/rettesnor-offhead/base.json``. ``run`` retrains only the offensive head on the same folds (same
vocabulary and idf as the full model of each fold, plus the variant's own features) and prints, against
the base's figures in the same form:

* the offensive head alone, at the shipped thresholds (0.4 with the lexicon's support, 0.8 alone);
* "any head" (what check applies): the offensive head's thresholds chosen as ``train_offensive.py
  --select`` chooses them (best any-head macro-F1 on the seed-0 out-of-fold scores, the category heads'
  thresholds as shipped), then applied to seed 0 and to seed 42;
* the harm corpus's nested-CV mean F1 over the 30 category × language cells (as ``tune_offensive.py
  report`` computes it, "global" scheme): the category heads are the base's, only the offensive head's
  own signal changes.

Variants (``run`` options; docs/evaluation.md (a), "What was tried on 2026-12-04 evening"): ``--alpha`` (the
naive-Bayes smoothing), ``--class-weight``, ``--c``, ``--tf binary|sublinear``, ``--beta`` (Wang & Manning's
interpolation), ``--mix`` (a word-level and a character-level NBSVM, margins mixed), ``--extra`` (the
offensive head's own features, in one norm with the shared ones: ``normword``, ``normgrams`` and ``dan`` of
:func:`offensive_grams`, ``pairs`` (word pairs), ``xw`` (character n-grams across a word boundary)).
``--sets dk0`` refits on seed 0's folds only (the other sets keep the base's offensive scores).

Nothing here reads the harm corpus's test split.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_offensive as tr
import tune_offensive as tu

from rettesnor.analysis.offensive import _PUNCT, CATEGORY_HEADS, HEADS, OFFENSIVE_HEAD, pair_grams, tokens

_SQUEEZE = re.compile(r"(\w)\1{2,}")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_DIGITS = re.compile(r"\d")
_DANISH = (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"))


def normalise(token: str, danish: bool = False) -> str:
    """A token's normal form for the offensive head's extra features: punctuation stripped from its ends,
    letters repeated three or more times squeezed to one ("sååå" → "så"), leetspeak digits between
    letters read as letters ("l0rt" → "lort"), other digits folded to 0; with ``danish``, æ/ø/å (and
    ä/ö) spelt out as ae/oe/aa."""
    t = token.strip(_PUNCT)
    if any(ch.isdigit() or ch in "@$" for ch in t):
        if any(ch.isalpha() for ch in t):
            t = t.translate(_LEET)
        t = _DIGITS.sub("0", t)
    t = _SQUEEZE.sub(r"\1", t)
    if danish:
        for a, b in _DANISH:
            t = t.replace(a, b)
    return t


def offensive_grams(token: str, kinds: Sequence[str], max_n: int = 5) -> dict[str, int]:
    """The offensive head's own features of one token :
    ``normgrams``: character 1..max_n-grams of its normal form (:func:`normalise`) inside spaces (``n:``);
    ``normword``: the normal form itself (``nw:``); ``dan`` spells out æ/ø/å in both."""
    norm = normalise(token, "dan" in kinds)
    out: dict[str, int] = {}
    if not norm:
        return out
    if "normgrams" in kinds:
        padded = f" {norm} "
        lo = 3 if "grams35" in kinds else 1
        for n in range(lo, max_n + 1):
            for i in range(len(padded) - n + 1):
                key = "n:" + padded[i : i + n]
                out[key] = out.get(key, 0) + 1
    if "normword" in kinds:
        out["nw:" + norm] = 1
    return out


OUT = Path(os.environ.get("RETTESNOR_OFFHEAD_DIR", "/tmp/rettesnor-offhead"))


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def folds_of(corpus: tr.Corpus) -> dict[str, list[list[int]]]:
    return {
        "dk0": tr.dkhate_folds(corpus, seed=0),
        "dk42": tr.dkhate_folds(corpus, seed=42),
        "harm": tr.harm_folds(corpus, seed=0),
    }


def run_base(corpus: tr.Corpus, lex: list[tuple[str, ...]]) -> None:
    doc: dict[str, Any] = {}
    for key, folds in folds_of(corpus).items():

        def progress(msg: str, key: str = key) -> None:
            say(f"{key} {msg}")

        probs = tr.out_of_fold(corpus, lex, folds, tr.Params(), False, progress)
        doc[key] = {str(i): p for i, p in probs.items()}
    OUT.mkdir(exist_ok=True)
    (OUT / "base.json").write_text(json.dumps(doc))


def extra_counts(corpus: tr.Corpus, kinds: tuple[str, ...]) -> list[Counter[str]]:
    """The variant's own features of each text (offensive head only)."""
    cache: dict[str, dict[str, int]] = {}
    out: list[Counter[str]] = []
    for text in corpus.texts:
        c: Counter[str] = Counter()
        toks = tokens(text)
        for t in toks:
            g = cache.get(t)
            if g is None:
                g = cache[t] = offensive_grams(t, kinds)
            c.update(g)
        if "pairs" in kinds:
            c.update(pair_grams(toks))
        if "xw" in kinds:  # character 3-5-grams across a word boundary: "t d" of "idiot du"
            for a, b in pairwise(toks):
                both, cut = f"{a} {b}", len(a)
                for n in range(3, 6):
                    for i in range(max(0, cut - n + 2), min(cut, len(both) - n + 1)):
                        c["x:" + both[i : i + n]] += 1
        out.append(c)
    return out


MIXES: list[dict[float, dict[int, float]]] = []  # per fold set, per mix: the mixed head's probabilities


def offensive_probs(
    corpus: tr.Corpus,
    lex: list[tuple[str, ...]],
    feats: tr.Featurizer,
    extra: list[Counter[str]] | None,
    folds: list[list[int]],
    args: argparse.Namespace,
) -> dict[int, float]:
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    got: dict[int, float] = {}
    mixes: dict[float, dict[int, float]] = {}

    def token_q(i: int, idf: dict[str, float]) -> float:
        q = 0.0
        for t in feats.docs[i]:
            q += sum((c * idf[k]) ** 2 for k, c in feats.grams[t].items() if k in idf)
        return q

    everyone = range(len(corpus))
    for fold in folds:
        out = set(fold)
        idx = [i for i in everyone if i not in out]
        names, idf = feats.vocabulary(idx, tr.MIN_DF)
        rows = [i for i in idx if corpus.labels[OFFENSIVE_HEAD][i] is not None]
        y = np.asarray([int(corpus.labels[OFFENSIVE_HEAD][i] or 0) for i in rows])
        x, xt = feats.matrix(rows, names, idf, args.scale), feats.matrix(fold, names, idf, args.scale)
        if extra is not None:
            df: Counter[str] = Counter()
            for i in idx:
                df.update(extra[i].keys())
            n = len(idx)
            enames = sorted(f for f, d in df.items() if d >= tr.MIN_DF)
            col = {f: k for k, f in enumerate(enames)}
            eidf = np.array([np.log((1 + n) / (1 + df[f])) + 1 for f in enames])

            def emat(
                which: list[int], col: dict[str, int] = col, eidf: Any = eidf, enames: Any = enames
            ) -> Any:
                ind: list[int] = []
                val: list[float] = []
                ptr = [0]
                for i in which:
                    for f, c in extra[i].items():
                        k = col.get(f)
                        if k is not None:
                            ind.append(k)
                            val.append(c * eidf[k])
                    ptr.append(len(ind))
                return csr_matrix((val, ind, ptr), shape=(len(which), len(enames)))

            ex, ext = emat(rows), emat(fold)
            if args.norm == "joint":
                # one norm over the base text features and the extra ones (as inference would sum the
                # per-token squares of both): undo the base's token norm, divide both by the joint norm
                def joint(which: list[int], base: Any, e: Any, names: Any = names, idf: Any = idf) -> Any:
                    from scipy.sparse import diags

                    t = len(names)
                    nb = np.array([math.sqrt(token_q(i, idf)) for i in which])
                    en = np.asarray(e.multiply(e).sum(axis=1)).ravel()
                    total = np.sqrt(nb**2 + en)
                    total[total == 0] = 1.0
                    b2 = diags(np.where(nb > 0, nb, 1.0) / total) @ base[:, :t]
                    e2 = diags(1.0 / total) @ e
                    return hstack([b2, e2, base[:, t:]]).tocsr(), t + e.shape[1]

                x, tcols = joint(rows, x, ex)
                xt, _ = joint(fold, xt, ext)
            else:  # the extra block with its own l2 norm

                def own(base: Any, e: Any, names: Any = names) -> Any:
                    from scipy.sparse import diags

                    en = np.sqrt(np.asarray(e.multiply(e).sum(axis=1)).ravel())
                    en[en == 0] = 1.0
                    t = len(names)
                    return hstack([base[:, :t], diags(1.0 / en) @ e, base[:, t:]]).tocsr(), t + e.shape[1]

                x, tcols = own(x, ex)
                xt, _ = own(xt, ext)
            if args.extra_only:
                keep = np.r_[np.arange(len(names), tcols), np.arange(tcols, x.shape[1])]
                x, xt, tcols = x[:, keep], xt[:, keep], tcols - len(names)
        else:
            tcols = len(names)
        if args.tf != "raw" and extra is None:
            # per text, the counts c of the shared text features as 1 (binary) or 1 + log c (sublinear),
            # × idf, l2-normalised again (the lexicon columns as they were)
            idf_col = np.array([idf[f] for f in names])

            def retf(which: list[int], m: Any, idf_col: Any = idf_col, idf: Any = idf) -> Any:
                m = m.tocsr(copy=True)
                for r, i in enumerate(which):
                    a, b = m.indptr[r], m.indptr[r + 1]
                    cols = m.indices[a:b]
                    txt = cols < len(idf_col)
                    norm = math.sqrt(token_q(i, idf)) or 1.0
                    c = m.data[a:b][txt] * norm / idf_col[cols[txt]]
                    c = np.ones_like(c) if args.tf == "binary" else 1.0 + np.log(np.maximum(np.rint(c), 1.0))
                    v = c * idf_col[cols[txt]]
                    n2 = math.sqrt(float((v * v).sum())) or 1.0
                    d = m.data[a:b].copy()
                    d[txt] = v / n2
                    m.data[a:b] = d
                return m

            x, xt = retf(rows, x), retf(fold, xt)
        if args.alpha >= 0:
            saved = tr.NB_ALPHA
            tr.NB_ALPHA = args.alpha
            ratio = tr.nb_ratio(x, y.tolist(), None, tcols)
            tr.NB_ALPHA = saved
            if args.ratio_power != 1.0:
                ratio[:tcols] = np.sign(ratio[:tcols]) * np.abs(ratio[:tcols]) ** args.ratio_power
            x, xt = x @ tr._diag(ratio), xt @ tr._diag(ratio)
        cw: str | dict[int, float] | None = None if args.class_weight == "none" else "balanced"
        if args.class_weight.replace(".", "").isdigit():
            cw = {0: 1.0, 1: float(args.class_weight)}
        clf = LogisticRegression(C=args.c, class_weight=cw, max_iter=tr.MAX_ITER, solver="lbfgs")
        if args.mix:
            # a word-level and a character-level NBSVM over the same (normalised, NB-scaled) columns, each
            # with the lexicon columns; their margins mixed: z = m z_word + (1 - m) z_char, one linear
            # model with the same features (no run-time cost)
            lexcols = np.arange(tcols, x.shape[1])
            wordcols = np.array([k for k, f in enumerate(names) if f.startswith("w:")])
            charcols = np.array([k for k, f in enumerate(names) if not f.startswith("w:")])
            zs = []
            for cols in (wordcols, charcols):
                keep = np.r_[cols, lexcols]
                sub = LogisticRegression(C=args.c, class_weight=cw, max_iter=tr.MAX_ITER, solver="lbfgs")
                sub.fit(x[:, keep], y)
                zs.append(np.asarray(sub.decision_function(xt[:, keep])).ravel())
            for m in [float(v) for v in args.mix.split(",")]:
                z = m * zs[0] + (1 - m) * zs[1]
                for i, v in zip(fold, z, strict=True):
                    mixes.setdefault(m, {})[i] = float(1.0 / (1.0 + np.exp(-v)))
            continue
        clf.fit(x, y)
        # Wang & Manning's interpolation: w' = (1 - beta) * mean |w| + beta * w over the text columns
        # (beta 1: the fitted model); folded into the stored coefficients, no run-time cost.
        w = clf.coef_[0].copy()
        w[:tcols] = (1 - args.beta) * np.abs(w[:tcols]).mean() + args.beta * w[:tcols]
        z = np.asarray(xt @ w).ravel() + clf.intercept_[0]
        for i, v in zip(fold, z, strict=True):
            got[i] = float(1.0 / (1.0 + np.exp(-v)))
    if args.mix:
        MIXES.append(mixes)
    return got


def evaluate(
    name: str,
    corpus: tr.Corpus,
    lex: list[tuple[str, ...]],
    base: dict[str, dict[int, list[float]]],
    off: dict[str, dict[int, float]] | None,
) -> dict[str, Any]:
    """The figures of a variant (``off``: its offensive-head probabilities per fold set; None: the base)."""
    probs = {
        key: {i: ([off[key][i]] if off else p[:1]) + p[1:] for i, p in ps.items()} for key, ps in base.items()
    }
    categories = {h: tr.THRESHOLDS[h] for h in HEADS[1:]}
    res: dict[str, Any] = {"name": name}
    for key in ("dk0", "dk42"):
        rows = sorted(probs[key])
        gold = [corpus.off[i] for i in rows]
        res[f"{key} head@0.4"] = tr.f1_scores(
            gold, [tr.decide(probs[key][i][0], lex[i], *tr.THRESHOLDS[OFFENSIVE_HEAD]) for i in rows]
        )["macro_f1"]
    chosen = tr.choose_offensive_thresholds(corpus, lex, probs["dk0"], categories)
    th = {**categories, OFFENSIVE_HEAD: chosen}
    res["offensive thresholds (seed 0)"] = chosen
    for key in ("dk0", "dk42"):
        rows = sorted(probs[key])
        gold = [corpus.off[i] for i in rows]
        res[f"{key} head@chosen"] = tr.f1_scores(
            gold, [tr.decide(probs[key][i][0], lex[i], *chosen) for i in rows]
        )["macro_f1"]
        res[f"{key} any head"] = tr.f1_scores(gold, [tr.any_head(probs[key][i], lex[i], th) for i in rows])
    # harm nested CV (global scheme), the offensive head at its chosen thresholds
    hp = probs["harm"]
    folds = tr.harm_folds(corpus, seed=0)
    offth = {lang: chosen for lang in tu.LANGS}
    th_of: dict[int, dict[str, tu.Th]] = {}
    for k, fold in enumerate(folds):
        rest = [i for j, f in enumerate(folds) if j != k for i in f]
        t = tu.choose(corpus, lex, hp, rest, False, offth)
        for i in fold:
            th_of[i] = t
    cells = tu.cells(corpus, lex, hp, th_of)
    res["harm mean F1"] = round(
        sum(cells[lang][c]["f1"] for lang in tu.LANGS for c in CATEGORY_HEADS) / 30, 4
    )
    res["harm cells met"] = len(
        [(lang, c) for lang in tu.LANGS for c in CATEGORY_HEADS if min(cells[lang][c].values()) >= 0.85]
    )
    return res


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("base", "run"))
    parser.add_argument("name", nargs="?", default="base")
    parser.add_argument("--alpha", type=float, default=tr.NB_ALPHA, help="NB smoothing; < 0: no NB scaling")
    parser.add_argument("--ratio-power", type=float, default=1.0)
    parser.add_argument("--c", type=float, default=tr.C_OFFENSIVE)
    parser.add_argument("--scale", type=float, default=tr.LEXICON_SCALE)
    parser.add_argument("--class-weight", default="balanced")
    parser.add_argument("--tf", choices=("raw", "binary", "sublinear"), default="raw")
    parser.add_argument("--extra", default="", help="comma-separated kinds of offensive-only features")
    parser.add_argument("--norm", choices=("joint", "own"), default="joint")
    parser.add_argument("--extra-only", action="store_true")
    parser.add_argument("--beta", type=float, default=1.0, help="Wang & Manning interpolation")
    parser.add_argument(
        "--mix", default="", help="word-level share(s) of a word/char NBSVM mix, e.g. 0.3,0.5"
    )
    parser.add_argument("--sets", default="dk0,dk42,harm")
    args = parser.parse_args()
    corpus = tr.load_all()
    lex = tr.lexicon_features(corpus)
    if args.what == "base":
        run_base(corpus, lex)
        return 0
    raw = json.loads((OUT / "base.json").read_text())
    base = {key: {int(i): p for i, p in ps.items()} for key, ps in raw.items()}
    feats = tr.Featurizer(corpus, lex)
    kinds = tuple(k for k in args.extra.split(",") if k)
    extra = extra_counts(corpus, kinds) if kinds else None
    off: dict[str, dict[int, float]] = {}
    for key, folds in folds_of(corpus).items():
        if key not in args.sets.split(","):
            continue
        off[key] = offensive_probs(corpus, lex, feats, extra, folds, args)
        say(f"{args.name} {key} done")
    variants = [(args.name, off)]
    if args.mix:
        keys = [k for k in folds_of(corpus) if k in args.sets.split(",")]
        variants = [
            (f"{args.name}-{m}", {k: MIXES[j][m] for j, k in enumerate(keys)}) for m in sorted(MIXES[0])
        ]
    for name, got in variants:
        for key in base:
            got.setdefault(key, {i: p[0] for i, p in base[key].items()})
        res = evaluate(name, corpus, lex, base, got)
        res["args"] = {k: v for k, v in vars(args).items() if k not in ("what", "name")}
        line = json.dumps(res)
        print(line, flush=True)
        with (OUT / "results.jsonl").open("a") as handle:
            handle.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
