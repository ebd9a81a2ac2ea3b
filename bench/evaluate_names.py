"""Token-level PER precision/recall/F1 of the ``person_name`` detector, and its speed.

Evaluation sets (never used to build the gazetteers; since 2026-12-03 the name model is trained on all
of DaN+ twitter and arto dev and the Swedish corpus, so only DaN+ news dev is untouched here: the
honest figures of the others are the cross-validated ones of ``bench/evaluate.py --only names``):

* DaN+ dev splits ``da_news_dev.tsv``, ``da_twitter_dev.tsv``, ``da_arto_dev.tsv``
  (../shared/datasets/danplus);
* the held-out 20 % of the Swedish NER corpus (every 5th sentence), split by
  ``scripts/build_name_gazetteer.py`` (:func:`swedish_split`), whose other 80 % builds the gazetteers.

Each sentence is detokenised by joining its tokens with single spaces and given to
``rettesnor.analysis.names.detect``. A token is predicted PER when a signal with ``score >= threshold``
overlaps it; gold PER tokens are those tagged B-PER/I-PER (DaN+ ``PERpart``/``PERderiv`` tags such as
"Kim Larsen-koncert" are not persons). Figures are given for thresholds 0.5 (every signal, public officials
and @mentions included) and 0.6 (what a pack that ignores public officials sees).

Speed: µs per text of ``detect`` on the real Danish comments of DKhate (mean ≈ 110 characters), fastest
of seven passes, and on a 1 MB text.

    .venv/bin/python bench/evaluate_names.py            # table + bench/results/names-<date>.json
    .venv/bin/python bench/evaluate_names.py --errors 30   # also print false positives / negatives
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.names import detect

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
RESULTS_DIR = REPO / "bench" / "results"
THRESHOLDS = (0.5, 0.6)
DANPLUS_DEV = ("da_news_dev.tsv", "da_twitter_dev.tsv", "da_arto_dev.tsv")


def _builder() -> ModuleType:
    path = REPO / "scripts" / "build_name_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_name_gazetteer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


Sentence = list[tuple[str, str]]


def evaluate(name: str, sentences: list[Sentence], ctx: AnalysisContext, errors: int = 0) -> dict[str, Any]:
    counts = {t: Counter[str]() for t in THRESHOLDS}
    shown = {"fp": 0, "fn": 0}
    for sentence in sentences:
        tokens = [t for t, _ in sentence]
        gold = [tag in ("B-PER", "I-PER") for _, tag in sentence]
        offsets = []
        pos = 0
        for tok in tokens:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        text = " ".join(tokens)
        signals = detect(text, ctx)
        for threshold in THRESHOLDS:
            spans = [(s.start, s.end) for s in signals if s.score >= threshold]
            c = counts[threshold]
            pred = [any(a < e and s < b for s, e in spans) for a, b in offsets]
            for is_gold, is_pred in zip(gold, pred, strict=True):
                c["tp" if is_gold and is_pred else "fp" if is_pred else "fn" if is_gold else "tn"] += 1
            if errors and threshold == THRESHOLDS[0]:
                for kind, bad in (
                    ("fp", [y and not x for x, y in zip(gold, pred, strict=True)]),
                    ("fn", [x and not y for x, y in zip(gold, pred, strict=True)]),
                ):
                    if any(bad) and shown[kind] < errors:
                        shown[kind] += 1
                        marked = " ".join(f"[{t}]" if b else t for t, b in zip(tokens, bad, strict=True))
                        print(f"  {name} {kind.upper()}: {marked[:200]}")
    out: dict[str, Any] = {
        "sentences": len(sentences),
        "gold_per_tokens": sum(1 for s in sentences for _, tag in s if tag in ("B-PER", "I-PER")),
    }
    for threshold, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[f"min_score_{threshold}"] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": c["tp"],
            "fp": c["fp"],
            "fn": c["fn"],
        }
    return out


def read_comments(path: Path) -> list[str]:
    """The non-empty ``tweet`` column of the DKhate TSV (tab-separated, no quoting)."""
    texts: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        col = handle.readline().rstrip("\r\n").split("\t").index("tweet")
        for line in handle:
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) > col and cells[col].strip():
                texts.append(cells[col].strip())
    return texts


def timing(ctx: AnalysisContext) -> dict[str, Any]:
    corpus = DATASETS / "dkhate" / "offenseval-da-training-v1.tsv"
    texts = read_comments(corpus) if corpus.is_file() else []
    if not texts:
        texts = ["Min nabo Jens Pedersen larmer hver nat, og kommunen gør intet ved det. Hilsen Anna"] * 1000
    for t in texts[:300]:
        detect(t, ctx)
    best = 1 << 62
    for _ in range(7):
        start_ns = time.perf_counter_ns()
        for t in texts:
            detect(t, ctx)
        best = min(best, time.perf_counter_ns() - start_ns)
    words = sum(len(t.split()) for t in texts) / len(texts)
    joined = "\n".join(texts)  # 1 MB of real comments (names are rare, so no early stop at the signal cap)
    big = (joined * (1_000_000 // len(joined) + 1))[:1_000_000]
    start_s = time.perf_counter()
    n_big = len(detect(big, ctx))
    big_s = time.perf_counter() - start_s
    return {
        "corpus": corpus.name if corpus.is_file() else "synthetic",
        "texts": len(texts),
        "mean_words": round(words, 1),
        "us_per_text": round(best / len(texts) / 1000, 2),
        "us_per_30_words": round(best / len(texts) / 1000 * 30 / words, 2),
        "one_mb_seconds": round(big_s, 3),
        "one_mb_signals": n_big,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--errors", type=int, default=0, help="print up to N FP and N FN sentences per set")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    builder = _builder()
    da = AnalysisContext(kind="comment", language="da", country="DK")
    sv = AnalysisContext(kind="comment", language="sv", country="SE")
    results: dict[str, Any] = {}
    for file in DANPLUS_DEV:
        sentences = builder.read_conll(args.datasets / "danplus" / file)
        results[file.removesuffix(".tsv")] = evaluate(file, sentences, da, args.errors)
    _, heldout = builder.swedish_split(args.datasets)
    results["sv_heldout_20pct"] = evaluate("sv", heldout, sv, args.errors)
    per_set = list(results.values())
    results["all"] = {"gold_per_tokens": sum(r["gold_per_tokens"] for r in per_set)}
    for threshold in THRESHOLDS:
        key = f"min_score_{threshold}"
        c = Counter[str]()
        for r in per_set:
            c.update({k: r[key][k] for k in ("tp", "fp", "fn")})
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        rec = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * rec / (p + rec) if p + rec else 0.0
        results["all"][key] = {
            "precision": round(p, 3),
            "recall": round(rec, 3),
            "f1": round(f, 3),
            **c,
        }
    speed = timing(da)

    print(f"{'set':20} {'gold':>5}  " + "  ".join(f"P@{t}   R@{t}   F1@{t}" for t in THRESHOLDS))
    for name, r in results.items():
        row = "  ".join(
            f"{r[f'min_score_{t}']['precision']:.3f}  {r[f'min_score_{t}']['recall']:.3f}  "
            f"{r[f'min_score_{t}']['f1']:.3f}"
            for t in THRESHOLDS
        )
        print(f"{name:20} {r.get('gold_per_tokens', ''):>5}  {row}")
    print(
        f"speed: {speed['us_per_text']} µs per text ({speed['texts']} {speed['corpus']} texts, "
        f"{speed['mean_words']} words on average; {speed['us_per_30_words']} µs per 30 words); "
        f"1 MB text: {speed['one_mb_seconds']} s"
    )
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"names-{dt.date.today().isoformat()}.json"
        payload = {
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "results": results,
            "speed": speed,
            "python": sys.version.split()[0],
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        }
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
