"""Train the person-name tagger ``src/rettesnor/models/names.json`` (a CRF, stored as JSON) from the public
NER data in ../shared/datasets, and report its 5-fold cross-validated figures.

    .venv/bin/python scripts/train_names.py             # CV + final model (a few minutes on 2 cores)
    .venv/bin/python scripts/train_names.py --no-cv     # the final model only

Needs the ``train`` extra (python-crfsuite trains; wordfreq gives the frequency buckets). The product
needs neither: the weights and the buckets are written into the JSON, which
:class:`rettesnor.analysis.names.Model` reads.

Data (see ../shared/datasets/README.md; labels PER only, B-PER/I-PER; DaN+ PERpart/PERderiv are not
persons): DaN+ news train, DaN+ twitter and arto dev, the Swedish NER corpus, NorNE bokmål and nynorsk dev.
Each set except DaN+ news train has a split that is never trained or tuned on (:func:`splits`): every
fifth sentence (index % 5 == 4, in file order; for the Swedish corpus the same 20 % that
``scripts/build_name_gazetteer.py`` keeps out of the gazetteers). For DaN+ news the untouched set is
DaN+ news dev, which is read nowhere here. ``bench/evaluate.py`` measures the shipped model on those.

Cross-validation: the training parts of all sets, each cut into 5 folds (index % 5 of its training
sentences); fold k is tagged by a model trained on the other four folds of every set, through the same
decoder as the product (:meth:`Model.tag`), and counted per set, token by token.

Deterministic: the same data give the same file (L-BFGS from zero, sorted keys, rounded weights).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import math
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from rettesnor.analysis import names

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
OUT = ROOT / "src" / "rettesnor" / "models" / names.MODEL_FILE
FOLDS = 5
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
FREQ_LANGS = ("da", "nb", "sv", "en")
MIN_ZIPF = 3  # words at least once per million in one of the languages

Sentence = list[tuple[str, str]]  # (token, BIO tag)


def _builder() -> ModuleType:
    path = ROOT / "scripts" / "build_name_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_name_gazetteer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_norne(path: Path) -> list[Sentence]:
    """NorNE CoNLL-U: the token (column 2) and the ``name=`` entity tag of the last column."""
    out: list[Sentence] = []
    cur: Sentence = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            if cur:
                out.append(cur)
                cur = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue  # multi-word tokens and empty nodes
        tag = "O"
        for part in cols[-1].split("|"):
            if part.startswith("name="):
                tag = part[5:]
        cur.append((cols[1], tag))
    if cur:
        out.append(cur)
    return out


def heldout(index: int) -> bool:
    """Every fifth sentence of a set is never trained or tuned on."""
    return index % 5 == 4


def splits(datasets: Path = DATASETS) -> dict[str, tuple[list[Sentence], list[Sentence]]]:
    """(training part, untouched part) of each set. DaN+ news train is all training: its untouched
    counterpart is DaN+ news dev."""
    b = _builder()
    out: dict[str, tuple[list[Sentence], list[Sentence]]] = {}
    out["da_news"] = (b.read_conll(datasets / "danplus" / "da_news_train.tsv"), [])
    for name in ("twitter", "arto"):
        sents = b.read_conll(datasets / "danplus" / f"da_{name}_dev.tsv")
        out[f"da_{name}"] = _cut(sents)
    out["sv"] = b.swedish_split(datasets)
    for key, file in (("nb", "no_bokmaal-ud-dev.conllu"), ("nn", "no_nynorsk-ud-dev.conllu")):
        out[key] = _cut(read_norne(datasets / "norne" / file))
    return out


AUGMENT = True


def augmented(sents: list[Sentence]) -> list[Sentence]:
    """The sentences and a lower-cased copy of every fifth (index % 5 == 2): informal writing leaves
    names in lower case ("hej mette"), which the edited news and web texts of the data rarely do."""
    out = list(sents)
    if not AUGMENT:
        return out
    out.extend([(t.lower(), tag) for t, tag in s] for i, s in enumerate(sents) if i % 5 == 2)
    return out


def _cut(sents: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    return [s for i, s in enumerate(sents) if not heldout(i)], [s for i, s in enumerate(sents) if heldout(i)]


def untouched(datasets: Path = DATASETS) -> dict[str, list[Sentence]]:
    """The evaluation sets nothing was trained or tuned on (DaN+ news dev and the held-out parts)."""
    b = _builder()
    out = {"da_news_dev": b.read_conll(datasets / "danplus" / "da_news_dev.tsv")}
    for key, (_, held) in splits(datasets).items():
        if held:
            out[f"{key}_heldout"] = held
    return out


def is_person(tag: str) -> bool:
    return tag in ("B-PER", "I-PER")


def as_text(sentence: Sentence) -> tuple[str, list[tuple[int, int]]]:
    """The sentence as one string (tokens joined by spaces) and each gold token's character span."""
    spans = []
    pos = 0
    for tok, _ in sentence:
        spans.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return " ".join(t for t, _ in sentence), spans


def example(sentence: Sentence, freq: dict[str, int]) -> tuple[list[list[str]], list[str]]:
    """Features and labels of the product's tokens of a sentence (gold tags moved onto them)."""
    text, spans = as_text(sentence)
    toks = names.tokenize(text)
    labels: list[str] = []
    g = 0
    last_gold = -1
    for s, _, _ in toks:
        while g < len(spans) and spans[g][1] <= s:
            g += 1
        tag = sentence[g][1] if g < len(spans) and spans[g][0] <= s else "O"
        if not is_person(tag):
            labels.append("O")
        elif (tag == "B-PER" and g != last_gold) or not labels or labels[-1] == "O":
            labels.append("B-PER")  # the first piece of a B-PER token, or a name after no name
        else:
            labels.append("I-PER")
        last_gold = g
    starts = names.sentence_starts(text, toks)
    return names.sequence_features([t[2] for t in toks], starts, freq), labels


def frequency() -> dict[str, int]:
    """Zipf bucket (3-7) of each alphabetic lower-case word of wordfreq's da/nb/sv/en lists."""
    import wordfreq

    out: dict[str, int] = {}
    for lang in FREQ_LANGS:
        for word, f in wordfreq.get_frequency_dict(lang, wordlist="best").items():
            if f <= 0 or not word.isalpha():
                continue
            z = int(math.log10(f) + 9)
            if z >= MIN_ZIPF and z > out.get(word, 0):
                out[word] = min(z, 7)
    return out


def train(
    data: list[tuple[list[list[str]], list[str]]], freq: dict[str, int], info: dict[str, Any]
) -> dict[str, Any]:
    """Train a CRF with python-crfsuite and return the model document (JSON-ready)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in data:
        trainer.append(xseq, yseq)
    trainer.set_params(PARAMS)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "names.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        crf = tagger.info()
        tagger.close()
    index = {label: k for k, label in enumerate(names.LABELS)}
    weights: dict[str, list[float]] = {}
    for (attr, label), w in crf.state_features.items():
        if abs(w) >= 1e-4:
            weights.setdefault(attr, [0.0, 0.0, 0.0])[index[label]] = round(w, 4)
    trans = [[0.0] * 3 for _ in range(3)]
    for (a, b), w in crf.transitions.items():
        trans[index[a]][index[b]] = round(w, 4)
    buckets: dict[str, list[str]] = {}
    for word, z in freq.items():
        buckets.setdefault(str(z), []).append(word)
    return {
        "format": "rettesnor-names-crf/1",
        "labels": list(names.LABELS),
        "transitions": trans,
        "features": dict(sorted(weights.items())),
        "frequency": {z: " ".join(sorted(ws)) for z, ws in sorted(buckets.items())},
        "training": info,
    }


def count(sentences: list[Sentence], tagger: names.Model | None, min_score: float = 0.0) -> Counter[str]:
    """Token-level PER counts (tp, fp, fn) of ``names.detect`` with ``tagger`` over gold sentences."""
    from rettesnor.analysis.context import AnalysisContext

    ctx = AnalysisContext(kind="comment", language="da", country="DK")
    c: Counter[str] = Counter()
    for sentence in sentences:
        text, spans = as_text(sentence)
        found = [(s.start, s.end) for s in names.detect(text, ctx, tagger) if s.score >= min_score]
        for (a, b), (_, tag) in zip(spans, sentence, strict=True):
            gold = is_person(tag)
            pred = any(a < e and s < b for s, e in found)
            c["tp" if gold and pred else "fp" if pred else "fn" if gold else "tn"] += 1
    return c


def prf(c: Counter[str]) -> dict[str, Any]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
        **{k: c[k] for k in ("tp", "fp", "fn")},
    }


def folds(
    parts: dict[str, list[Sentence]],
) -> Iterator[tuple[int, list[Sentence], dict[str, list[Sentence]]]]:
    for k in range(FOLDS):
        train_part = [s for sents in parts.values() for i, s in enumerate(sents) if i % FOLDS != k]
        test = {key: [s for i, s in enumerate(sents) if i % FOLDS == k] for key, sents in parts.items()}
        yield k, train_part, test


def cross_validate(parts: dict[str, list[Sentence]], freq: dict[str, int]) -> dict[str, Any]:
    totals: dict[str, dict[float, Counter[str]]] = {key: {0.0: Counter(), 0.6: Counter()} for key in parts}
    for k, train_part, test in folds(parts):
        doc = train([example(s, freq) for s in augmented(train_part)], freq, {})
        tagger = names.Model(doc)
        for key, sents in test.items():
            for min_score in (0.0, 0.6):
                totals[key][min_score].update(count(sents, tagger, min_score))
        print(f"  fold {k + 1}/{FOLDS} done", flush=True)
    return {
        key: {"all_signals": prf(c[0.0]), "min_score_0.6": prf(c[0.6]), "sentences": len(parts[key])}
        for key, c in totals.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--no-lower-copies", action="store_true", help="no lower-cased copies (to compare)")
    args = parser.parse_args()
    global AUGMENT
    AUGMENT = not args.no_lower_copies

    parts = {key: train_part for key, (train_part, _) in splits(args.datasets).items()}
    freq = frequency()
    info: dict[str, Any] = {
        "command": "scripts/train_names.py",
        "date": dt.date.today().isoformat(),
        "algorithm": "linear-chain CRF (python-crfsuite, L-BFGS)",
        "params": {k: v for k, v in PARAMS.items()},
        "threshold": names.THRESHOLD,
        "data": {key: len(s) for key, s in parts.items()},
        "augmentation": "a lower-cased copy of every fifth training sentence (index % 5 == 2)",
        "heldout": "every fifth sentence of each set (index % 5 == 4); DaN+ news dev",
        "frequency": f"wordfreq {'/'.join(FREQ_LANGS)} 'best' lists, zipf >= {MIN_ZIPF}, bucket = int(zipf)",
    }
    if not args.no_cv:
        print(f"{FOLDS}-fold cross-validation on the training parts …", flush=True)
        cv = cross_validate(parts, freq)
        info["cross_validation"] = cv
        print(f"{'set':12} {'P':>6} {'R':>6} {'F1':>6}   (>= 0.6: {'P':>6} {'R':>6} {'F1':>6})")
        for key, r in cv.items():
            a, b = r["all_signals"], r["min_score_0.6"]
            print(
                f"{key:12} {a['precision']:6.3f} {a['recall']:6.3f} {a['f1']:6.3f}   "
                f"          {b['precision']:6.3f} {b['recall']:6.3f} {b['f1']:6.3f}"
            )
    data = [example(s, freq) for s in augmented([s for sents in parts.values() for s in sents])]
    doc = train(data, freq, info)
    args.out.write_text(
        json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n", "utf-8"
    )
    print(f"wrote {args.out} ({len(doc['features'])} features, {sum(map(len, parts.values()))} sentences)")


if __name__ == "__main__":
    main()
