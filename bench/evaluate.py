"""One-command evaluation of what the engine notices (issues 3 and 16). Detection is measured through
``rettesnor analyse`` (:func:`rettesnor.analyse.analyse_text`, no pack), policy behaviour through
``check`` separately. Prints each part, then one summary table (today's figure, what it is compared
with, the trivial baseline, the target), and writes ``bench/results/evaluate-<date>.json`` and ``.txt``.

    .venv/bin/python bench/evaluate.py                      # everything (about 4 minutes on 2 loaded cores)
    .venv/bin/python bench/evaluate.py --only names language # some parts
    .venv/bin/python bench/evaluate.py --errors             # also print the suite's misses

Parts (see docs/evaluation.md for the method and the latest figures):

(a) ``offensive``: DKHate (OffensEval 2020 Danish training split) stratified 5-fold CV, split seed 42:
    macro-F1 and OFF precision/recall/F1 of the classifier (trained per fold on the other DKHate folds,
    the written Norwegian/Swedish comments and the harm corpus's train split; and without the lexicon
    features, text only, with ``--text-only``, since the lexicons were written with DKHate in view): its
    offensive head alone
    and any head (as check applies it); of the lexicon alone (a profanity, insult, hate or threat hit
    with score >= 0.5 means OFF) and of both combined; and the classifier's speed in µs per text.
(h) ``harm``: the harm corpus's untouched test split (``corpora/harm/``, see its DATASHEET.md): precision
    and recall per category and language of the shipped classifier's signals, next to the lexicon alone
    (a signal of that category with score >= 0.5), the two together (what ``analyse`` gives), and the
    majority class (never the category: recall 0; the share of positives is what "always" would get as
    precision).
(b) ``names``: token-level PER of the name tagger: through ``analyse`` on DaN+ news dev (never trained
    or tuned on), and its 5-fold cross-validated figures on each set it is trained on (DaN+ news train,
    twitter and arto dev, the Swedish corpus, NorNE nb and nn dev; from the model file), next to the
    rules before the tagger (``bench/names_rules.py``) and the trivial baseline (every capitalised word
    not starting a sentence), both measured on the whole set.
(b2) ``language``: accuracy per language of ``analyse``'s identification on up to 500 dev sentences of
    5+ words per language, next to ``check``'s word-list detector (with the language's own country and
    with another) and the trivial "the pack's country's language".
(c) ``suite``: detection: the written examples of ``bench/suite/suite.yaml`` through ``analyse``,
    precision and recall per category per language.
(c2) ``policy``: the same examples as comments through ``check`` with a seed pack of the language's
    country: precision and recall of findings per category the pack can flag, and how many texts get a
    verdict other than "keep".
(d) ``faces``: recall and false-positive rate on scikit-image's ``lfw_subset`` (100 faces, 100 non-faces,
    25 × 25 pixels) with the shipped parameters and with parameters chosen by 5-fold CV on it; faces
    found on ``astronaut`` (one face) and on scikit-image's people-free samples (false alarms).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import io
import itertools
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from rettesnor.analysis import lexicon
from rettesnor.analysis.context import AnalysisContext

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
RESULTS_DIR = REPO / "bench" / "results"
SUITE = REPO / "bench" / "suite" / "suite.yaml"
PARTS = ("offensive", "harm", "names", "language", "suite", "policy", "faces")
COUNTRY = {"da": "DK", "nb": "NO", "nn": "NO", "sv": "SE", "en": "DK"}
MIN_SCORE = {"person_name": 0.6}  # a pack that flags private persons only; others 0.5
OFFENSIVE_LEXICON = ("profanity", "insult", "hate", "threat")


def _module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


# ---------------------------------------------------------------------------------------------------
# (a) offensive comments


def _train_offensive() -> ModuleType:
    return _module(REPO / "scripts" / "train_offensive.py", "train_offensive")


def offensive(seed: int = 42, text_only: bool = False) -> dict[str, Any]:
    train = _train_offensive()
    from rettesnor.analysis import offensive as off

    corpus = train.load_all(DATASETS / "dkhate" / "offenseval-da-training-v1.tsv")
    dk_rows = [i for i, s in enumerate(corpus.sources) if s == "dkhate"]
    dk_texts = [corpus.texts[i] for i in dk_rows]
    gold = [corpus.off[i] for i in dk_rows]
    out: dict[str, Any] = {
        "data": {
            "dkhate_texts": len(dk_rows),
            "dkhate_off": sum(gold),
            "extra": corpus.sources.count("extra"),
            "harm_train": corpus.sources.count("harm"),
            "harm_train_extra": corpus.sources.count("harm_extra"),
        }
    }
    ctx = AnalysisContext(kind="comment", language="da", country="DK")
    lex_off = [
        any(s.name in OFFENSIVE_LEXICON and s.score >= 0.5 for s in lexicon.scan(t, ctx)) for t in dk_texts
    ]
    out["lexicon"] = train.f1_scores(gold, lex_off)
    lex = train.lexicon_features(corpus)
    folds = train.dkhate_folds(corpus, seed)
    thresholds = train.thresholds_for("da")  # DKHate is Danish: the Danish thresholds, as check applies them
    for scale in (0.0, train.LEXICON_SCALE) if text_only else (train.LEXICON_SCALE,):
        params = train.Params(scale=scale)
        probs = train.out_of_fold(corpus, lex, folds, params)
        head = [train.decide(probs[i][0], lex[i], *thresholds[off.OFFENSIVE_HEAD]) for i in dk_rows]
        anyh = [train.any_head(probs[i], lex[i], thresholds) for i in dk_rows]
        suffix = "" if scale else "_text_only"
        out[f"offensive_head{suffix}"] = train.f1_scores(gold, head)
        out[f"any_head{suffix}"] = train.f1_scores(gold, anyh)
        if scale:
            out["combined_either"] = train.f1_scores(
                gold, [a or b for a, b in zip(anyh, lex_off, strict=True)]
            )
            out["combined_both"] = train.f1_scores(
                gold, [a and b for a, b in zip(anyh, lex_off, strict=True)]
            )
    out["classifier_as_in_check"] = out["any_head"]
    out["cv"] = {"folds": 5, "stratified": True, "seed": seed, "thresholds": thresholds}

    m = off.model()
    names = [lex[i] for i in dk_rows]
    for t, n in zip(dk_texts, names, strict=True):
        m.margins(t, n)
    best = 1 << 62
    for _ in range(7):
        start = time.perf_counter_ns()
        for t, n in zip(dk_texts, names, strict=True):
            m.firing(m.margins(t, n), bool(n))
        best = min(best, time.perf_counter_ns() - start)
    out["speed"] = {"us_per_text": round(best / len(dk_texts) / 1000, 2), "texts": len(dk_texts)}
    print(f"\n(a) offensive comments: DKHate stratified 5-fold CV (seed {seed}), the shipped thresholds")
    print(f"{'system':26} {'macro-F1':>8} {'OFF F1':>7} {'OFF P':>6} {'OFF R':>6}")
    keys = ("lexicon", "offensive_head_text_only", "any_head_text_only", "offensive_head", "any_head")
    for key in (k for k in (*keys, "combined_either", "combined_both") if k in out):
        r = out[key]
        f1, prec, rec = r["off_f1"], r["off_precision"], r["off_recall"]
        print(f"{key:26} {r['macro_f1']:8.3f} {f1:7.3f} {prec:6.3f} {rec:6.3f}")
    print("any_head is what check reports (every head with its thresholds)")
    print(
        f"classifier speed: {out['speed']['us_per_text']} µs per text, all heads (lexicon categories given)"
    )
    return out


# ---------------------------------------------------------------------------------------------------
# (h) the harm corpus's test split

HARM_TARGET = 0.85


def harm() -> dict[str, Any]:
    """Per category and language on the harm corpus's test split (nothing was trained or tuned on it):
    the classifier's signals (``offensive.detect`` on the lexicon's hits in the text's language, as
    ``analyse`` runs it), the lexicon's, both, and the majority class."""
    train = _train_offensive()
    from rettesnor.analysis import offensive as off

    results: dict[str, Any] = {"categories": list(off.CATEGORY_HEADS), "languages": {}}
    for lang in train.HARM_LANGUAGES:
        test = train.read_harm(split="test", languages=(lang,))
        if not len(test):
            continue
        ctx = AnalysisContext(kind="comment", language=lang, country=COUNTRY[lang])
        fired: dict[str, list[set[str]]] = {"classifier": [], "lexicon": [], "either": []}
        for text in test.texts:
            lex_signals = lexicon.scan(text, ctx)
            by_lex = {s.name for s in lex_signals if s.score >= 0.5}
            by_clf = {s.name for s in off.detect(text, ctx, lex_signals)}
            fired["classifier"].append(by_clf)
            fired["lexicon"].append(by_lex)
            fired["either"].append(by_clf | by_lex)
        per: dict[str, Any] = {"comments": len(test), "harmless": sum(1 for y in test.off if not y)}
        for cat in off.CATEGORY_HEADS:
            gold = [int(y or 0) for y in test.labels[cat]]
            cell: dict[str, Any] = {"positives": sum(gold)}
            for system, sets in fired.items():
                cell[system] = train.prf(gold, [cat in f for f in sets])
            cell["majority"] = {
                "precision": None,
                "recall": 0.0,
                "share_positive": round(sum(gold) / len(gold), 3),
            }
            per[cat] = cell
        results["languages"][lang] = per
    langs = list(results["languages"])
    print("\n(h) harm corpus, untouched test split: P/R per category and language")
    for system in ("classifier", "lexicon", "either"):
        print(f"{system:10} " + " ".join(f"{lang:>11}" for lang in langs))
        for cat in off.CATEGORY_HEADS:
            cells = [results["languages"][lang][cat][system] for lang in langs]
            print(
                f"  {cat:9} " + " ".join(f"{c['precision']:.2f}/{c['recall']:.2f}".rjust(11) for c in cells)
            )
    print("majority (never the category): recall 0.00; share of positives (the precision of 'always'):")
    for cat in off.CATEGORY_HEADS:
        cells = [results["languages"][lang][cat]["majority"]["share_positive"] for lang in langs]
        print(f"  {cat:9} " + " ".join(f"{c:11.2f}" for c in cells))
    print(
        "comments (positives per category): "
        + ", ".join(f"{lang} {results['languages'][lang]['comments']}" for lang in langs)
    )
    return results


# ---------------------------------------------------------------------------------------------------
# (b) person names, through ``analyse``


def _train_names() -> ModuleType:
    return _module(REPO / "scripts" / "train_names.py", "train_names")


def _trivial_names(sentence: list[tuple[str, str]]) -> list[bool]:
    """The trivial baseline: every capitalised word that does not start a sentence is a name."""
    out = []
    prev = ""
    for i, (tok, _) in enumerate(sentence):
        out.append(i > 0 and prev not in (".", "!", "?", ":") and tok[:1].isupper() and tok[:1].isalpha())
        prev = tok
    return out


def names() -> dict[str, Any]:
    """Token-level PER of the name tagger, next to the rules before it (``bench/names_rules.py``, score
    >= 0.6) and the trivial baseline, on every set: on DaN+ news dev (never trained or tuned on) the
    shipped model through :func:`rettesnor.analyse.analyse_text` (language identified, the set's country
    as the prior); on the sets it is trained on (DaN+ news train, twitter and arto dev, the Swedish
    corpus, NorNE nb and nn dev) its 5-fold cross-validated figures, which ``scripts/train_names.py``
    computed and wrote into the model file (the model itself has seen those sentences)."""
    from rettesnor.analyse import analyse_text

    tn = _train_names()
    rules = _module(REPO / "bench" / "names_rules.py", "names_rules")
    from rettesnor.analysis.names import model

    cv = model().info.get("cross_validation", {})
    country = {"da": "DK", "sv": "SE", "nb": "NO", "nn": "NO"}
    sets = {**tn.untouched(DATASETS), **tn.training_sets(DATASETS)}
    results: dict[str, Any] = {}
    for name, sentences in sets.items():
        lang = name.split("_")[0]
        ctx = AnalysisContext(kind="comment", language=lang, country=country[lang])
        live = name in ("da_news_dev",)
        keys = ("model", "model_0.6", "rules", "trivial") if live else ("rules", "trivial")
        counts = {k: Counter[str]() for k in keys}
        for sentence in sentences:
            text, spans = tn.as_text(sentence)
            found = (
                [
                    (s["start"], s["end"], s["score"])
                    for s in analyse_text(text, "comment", None, country[lang]).to_dict()["signals"]
                    if s["category"] == "person_name"
                ]
                if live
                else []
            )
            old = [(s.start, s.end) for s in rules.detect(text, ctx) if s.score >= 0.6]
            trivial = _trivial_names(sentence)
            for k, ((a, b), (_, tag)) in enumerate(zip(spans, sentence, strict=True)):
                gold = tn.is_person(tag)
                preds = {
                    "model": any(a < e and s < b for s, e, _ in found),
                    "model_0.6": any(a < e and s < b for s, e, sc in found if sc >= 0.6),
                    "rules": any(a < e and s < b for s, e in old),
                    "trivial": trivial[k],
                }
                for key in keys:
                    pred = preds[key]
                    counts[key]["tp" if gold and pred else "fp" if pred else "fn" if gold else "tn"] += 1
        r: dict[str, Any] = {
            "sentences": len(sentences),
            "gold_per_tokens": sum(1 for s in sentences for _, t in s if tn.is_person(t)),
            "figure": "untouched" if live else "5-fold CV",
        }
        r.update({key: _prf(c["tp"], c["fp"], c["fn"]) for key, c in counts.items()})
        if not live and name in cv:
            r["model"] = cv[name]["all_signals"]
            r["model_0.6"] = cv[name]["min_score_0.6"]
        results[name] = r
    print(
        "\n(b) person names: token-level PER (P / R); model = untouched (DaN+ news dev, through `analyse`) "
        f"or 5-fold CV (the others; threshold {model().threshold}, chosen by that CV)"
    )
    print(
        f"{'set':14} {'gold':>5} {'figure':>10} "
        + " ".join(f"{h:>11}" for h in ("model", "model>=0.6", "old rules", "trivial"))
    )
    for name, r in results.items():
        cells = [
            f"{r[k]['precision']:.2f} / {r[k]['recall']:.2f}" if k in r else "-"
            for k in ("model", "model_0.6", "rules", "trivial")
        ]
        print(f"{name:14} {r['gold_per_tokens']:5} {r['figure']:>10} " + " ".join(f"{c:>11}" for c in cells))
    return results


# ---------------------------------------------------------------------------------------------------
# (b2) language identification, through ``analyse`` (and what ``check`` uses)


LANG_SETS = 500  # sentences per language
MIN_WORDS = 5


def language_sentences() -> dict[str, list[str]]:
    """Up to 500 sentences of 5+ words per language: DaN+ news dev, the Swedish held-out 20 %, NorNE
    bokmål and nynorsk dev (none of which any language detector was built from)."""
    tn = _train_names()
    b = _module(REPO / "scripts" / "build_name_gazetteer.py", "build_name_gazetteer")
    sources = {
        "da": b.read_conll(DATASETS / "danplus" / "da_news_dev.tsv"),
        "sv": b.swedish_split(DATASETS)[1],
        "nb": tn.read_norne(DATASETS / "norne" / "no_bokmaal-ud-dev.conllu"),
        "nn": tn.read_norne(DATASETS / "norne" / "no_nynorsk-ud-dev.conllu"),
    }
    out: dict[str, list[str]] = {}
    for lang, sentences in sources.items():
        texts = [tn.as_text(s)[0] for s in sentences]
        out[lang] = [t for t in texts if sum(w[:1].isalpha() for w in t.split()) >= MIN_WORDS][:LANG_SETS]
    return out


def language() -> dict[str, Any]:
    from rettesnor.analyse import analyse_text
    from rettesnor.analysis.language import detect_language

    own = {"da": "DK", "sv": "SE", "nb": "NO", "nn": "NO", "en": "DK"}
    other = {"da": "NO", "sv": "DK", "nb": "SE", "nn": "DK", "en": "SE"}
    systems: dict[str, Any] = {
        "analyse": lambda t, lang: analyse_text(t, "comment", None, own[lang]).language,
        # The same without a country, and with another country's: the country is a prior in the second
        # stage, so these show what it is worth (and what it costs a text from abroad).
        "analyse_no_country": lambda t, lang: analyse_text(t, "comment", None, None).language,
        "analyse_other_country": lambda t, lang: analyse_text(t, "comment", None, other[lang]).language,
        "check_own_country": lambda t, lang: detect_language(t, own[lang]),
        "check_other_country": lambda t, lang: detect_language(t, other[lang]),
        "trivial_country": lambda t, lang: {"DK": "da", "NO": "nb", "SE": "sv"}[own[lang]],
    }
    sentences = language_sentences()
    results: dict[str, Any] = {"sentences": {k: len(v) for k, v in sentences.items()}}
    for system, fn in systems.items():
        per: dict[str, Any] = {}
        nbnn = Counter[str]()
        for lang, texts in sentences.items():
            got = [fn(t, lang) for t in texts]
            per[lang] = round(sum(g == lang for g in got) / len(texts), 3)
            if lang in ("nb", "nn"):
                told = [g for g in got if g in ("nb", "nn")]
                nbnn.update({"right": sum(g == lang for g in told), "all": len(told)})
        per["nb_vs_nn"] = round(nbnn["right"] / nbnn["all"], 3) if nbnn["all"] else 0.0
        results[system] = per
    print(
        f"\n(b2) language: accuracy on dev sentences of {MIN_WORDS}+ words"
        " (nb vs nn: among those read as nb or nn)"
    )
    cols = [*sentences, "nb_vs_nn"]
    print(f"{'system':22} " + " ".join(f"{c:>8}" for c in cols))
    for system in systems:
        print(f"{system:22} " + " ".join(f"{results[system][c]:8.3f}" for c in cols))
    comments = corpus_comments()
    if comments:
        results["comments"] = per_comments = {
            system: {lang: _accuracy(fn, texts, lang) for lang, texts in comments.items()}
            for system, fn in systems.items()
        }
        per_comments["texts"] = {lang: len(texts) for lang, texts in comments.items()}
        print("\n(b2) language of comments: accuracy on the harm corpus's untouched test split (all lengths)")
        print(f"{'system':22} " + " ".join(f"{c:>8}" for c in comments))
        for system in systems:
            print(f"{system:22} " + " ".join(f"{per_comments[system][c]:8.3f}" for c in comments))
    return results


def _accuracy(fn: Any, texts: list[str], lang: str) -> float:
    return round(sum(fn(t, lang) == lang for t in texts) / len(texts), 3)


def corpus_comments() -> dict[str, list[str]]:
    """The test split of the harm corpus per language (``corpora/harm/DATASHEET.md``): comments in the
    register of municipal pages, none of which the language models were trained on."""
    train = _train_offensive()
    out: dict[str, list[str]] = {}
    for lang in train.HARM_LANGUAGES:
        texts = train.read_harm(split="test", languages=(lang,)).texts
        if texts:
            out[lang] = list(texts)
    return out


# ---------------------------------------------------------------------------------------------------
# (c) the written suite


def load_suite(path: Path = SUITE) -> list[dict[str, Any]]:
    """The suite's examples as ``{"lang", "category", "positive", "text", "also"}`` dicts."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[dict[str, Any]] = []
    for lang, categories in doc["languages"].items():
        for category, groups in categories.items():
            for group in ("positive", "negative"):
                for item in groups.get(group) or ():
                    text, also = (
                        (item, []) if isinstance(item, str) else (item["text"], list(item.get("also", [])))
                    )
                    out.append(
                        {
                            "lang": lang,
                            "category": category,
                            "positive": group == "positive",
                            "text": text,
                            "also": also,
                        }
                    )
    return out


def _score(
    items: list[dict[str, Any]], fired: list[set[str]], categories: list[str], lang: str, misses: list[str]
) -> dict[str, Any]:
    """Precision/recall per category over all texts of a language (another category's text that fires
    counts against precision), and over all categories."""
    per: dict[str, Any] = {}
    for c in categories:
        tp = fp = fn = 0
        for e, found in zip(items, fired, strict=True):
            expected = (e["category"] == c and e["positive"]) or c in e["also"]
            if c in found and expected:
                tp += 1
            elif c in found:
                fp += 1
                misses.append(f"FP {lang} {c}: {e['text']}")
            elif expected:
                fn += 1
                misses.append(f"FN {lang} {c}: {e['text']}")
        per[c] = _prf(tp, fp, fn)
    total = Counter[str]()
    for r in per.values():
        total.update({k: r[k] for k in ("tp", "fp", "fn")})
    per["all"] = _prf(total["tp"], total["fp"], total["fn"])
    return per


def _by_lang() -> dict[str, list[dict[str, Any]]]:
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for e in load_suite():
        by_lang.setdefault(e["lang"], []).append(e)
    return by_lang


def _print_grid(results: dict[str, Any], title: str) -> None:
    cats = [*sorted({c for r in results.values() for c in r["categories"]} - {"all"}), "all"]
    print(title)
    print(f"{'category':18} " + " ".join(f"{lang:>11}" for lang in results))
    for c in cats:
        row = []
        for r in results.values():
            x = r["categories"].get(c)
            row.append(f"{x['precision']:.2f}/{x['recall']:.2f}" if x else "-")
        print(f"{c:18} " + " ".join(f"{v:>11}" for v in row))


def suite(errors: bool = False) -> dict[str, Any]:
    """Detection: the suite's categories as ``analyse`` gives them (language given, no pack)."""
    from rettesnor.analyse import analyse_text

    results: dict[str, Any] = {}
    misses: list[str] = []
    for lang, items in _by_lang().items():
        fired = []
        for e in items:
            signals = analyse_text(e["text"], "comment", lang, COUNTRY[lang]).signals
            fired.append({s.name for s in signals if s.score >= MIN_SCORE.get(s.name, 0.5)})
        categories = sorted({e["category"] for e in items})
        results[lang] = {"examples": len(items), "categories": _score(items, fired, categories, lang, misses)}
    _print_grid(
        results, "\n(c) detection on the written suite through `analyse`: P/R per category and language"
    )
    print("examples: " + ", ".join(f"{lang} {r['examples']}" for lang, r in results.items()))
    if errors:
        for line in misses:
            print("  " + line)
    return {"min_score": {"default": 0.5, **MIN_SCORE}, "languages": results, "misses": misses}


POLICY_PACK = {
    "da": "dk-hjorring",
    "nb": "no-hustadvika",
    "nn": "no-hustadvika",
    "sv": "se-norsjo",
    "en": "nordic-baseline",
}


def _pack_categories(pack: Any) -> set[str]:
    """The categories a pack can turn into a finding on a comment."""
    out: set[str] = set()
    for rule in pack.rules:
        if "comment" in rule.applies_to:
            out.update([rule.category] if rule.category else rule.signals)
    return out


def policy(errors: bool = False) -> dict[str, Any]:
    """Policy behaviour: the same suite as comments through ``check_many`` with a seed pack of the
    language's country (language given, so that identification errors do not count here). A category
    counts as flagged when a finding of it comes out; "-" where the pack has no rule for it on comments.
    The verdict row: the share of positives that are not kept, and of negatives that are."""
    from rettesnor.check import check_many
    from rettesnor.item import Item
    from rettesnor.policy.evaluate import categories_of
    from rettesnor.policy.loader import load_pack

    results: dict[str, Any] = {}
    misses: list[str] = []
    for lang, items in _by_lang().items():
        pack = load_pack(POLICY_PACK[lang])
        checked = check_many([Item(e["text"], "comment", language=lang) for e in items], pack)
        fired = [set(categories_of(r.findings)) for r in checked]
        flaggable = _pack_categories(pack)
        categories = sorted({e["category"] for e in items} & flaggable)
        per = _score(items, fired, categories, lang, misses)
        pos = [r.verdict != "keep" for e, r in zip(items, checked, strict=True) if e["positive"]]
        neg = [r.verdict != "keep" for e, r in zip(items, checked, strict=True) if not e["positive"]]
        results[lang] = {
            "pack": pack.name,
            "examples": len(items),
            "categories": per,
            "positives_acted_on": round(sum(pos) / len(pos), 3),
            "negatives_acted_on": round(sum(neg) / len(neg), 3),
        }
    _print_grid(results, "\n(c2) policy on the written suite through `check` (comments): P/R of findings")
    print("pack: " + ", ".join(f"{lang} {r['pack']}" for lang, r in results.items()))
    print(
        "verdict other than keep, positives / negatives: "
        + ", ".join(
            f"{lang} {r['positives_acted_on']:.2f}/{r['negatives_acted_on']:.2f}"
            for lang, r in results.items()
        )
    )
    if errors:
        for line in misses:
            print("  policy " + line)
    return {"languages": results, "misses": misses}


# ---------------------------------------------------------------------------------------------------
# (d) faces


GRID: dict[str, tuple[Any, ...]] = {
    "cascade_name": (
        "haarcascade_frontalface_alt2.xml",
        "haarcascade_frontalface_alt.xml",
        "haarcascade_frontalface_default.xml",
    ),
    "min_neighbors": (3, 4, 5),
    "scale_factor": (1.05, 1.1),
}
NO_PEOPLE = (
    "coffee",
    "chelsea",
    "rocket",
    "coins",
    "brick",
    "grass",
    "gravel",
    "moon",
    "page",
    "text",
    "horse",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "cat",
    "colorwheel",
    "logo",
    "clock",
    "binary_blobs",
    "microaneurysms",
)


def faces() -> dict[str, Any]:
    import importlib

    import numpy as np

    from rettesnor.analysis import images

    skimage: Any = importlib.import_module("skimage")
    data: Any = importlib.import_module("skimage.data")

    crops = data.lfw_subset()
    labels = np.array([1] * 100 + [0] * 100)
    combos: list[dict[str, Any]] = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    found = {
        i: np.array([len(images.detect_faces(c, **combo)) > 0 for c in crops])
        for i, combo in enumerate(combos)
    }

    def rates(pred: Any, idx: Any) -> tuple[float, float]:
        y = labels[idx]
        return float(pred[idx][y == 1].mean()), float(pred[idx][y == 0].mean())

    # 5-fold CV: choose the combination with the best recall - false-positive rate on four folds
    # (stratified, seeded), count its hits on the fifth.
    rng = np.random.default_rng(0)
    folds = np.empty(200, dtype=int)
    for cls in (0, 1):
        where = np.flatnonzero(labels == cls)
        folds[rng.permutation(where)] = np.arange(where.size) % 5
    cv_pred = np.zeros(200, dtype=bool)
    chosen = []
    for k in range(5):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        best = max(found, key=lambda i: (lambda r: r[0] - r[1])(rates(found[i], train)))
        chosen.append(combos[best])
        cv_pred[test] = found[best][test]
    cv_recall, cv_fpr = rates(cv_pred, np.arange(200))
    shipped = {
        "cascade_name": images.CASCADE,
        "min_neighbors": images.MIN_NEIGHBORS,
        "scale_factor": images.SCALE_FACTOR,
    }
    pred = np.array([len(images.detect_faces(c)) > 0 for c in crops])
    recall, fpr = rates(pred, np.arange(200))
    start = time.perf_counter()
    astronaut = images.detect_faces(data.astronaut())
    astronaut_s = time.perf_counter() - start
    false_alarms = {}
    for name in NO_PEOPLE:
        n = len(images.detect_faces(getattr(data, name)()))
        if n:
            false_alarms[name] = n
    out = {
        "skimage": skimage.__version__,
        "shipped": {"parameters": shipped, "recall": recall, "false_positive_rate": fpr},
        "cv": {"recall": cv_recall, "false_positive_rate": cv_fpr, "chosen_per_fold": chosen},
        "astronaut": {
            "faces": len(astronaut),
            "boxes": [list(b) for b in astronaut],
            "seconds": round(astronaut_s, 3),
        },
        "no_people_samples": {"images": len(NO_PEOPLE), "with_false_faces": false_alarms},
    }
    print("\n(d) faces: scikit-image lfw_subset (100 faces, 100 non-faces, 25x25 px)")
    print(f"shipped parameters {shipped}: recall {recall:.2f}, false-positive rate {fpr:.2f}")
    print(f"chosen by 5-fold CV on lfw_subset: recall {cv_recall:.2f}, false-positive rate {cv_fpr:.2f}")
    print(
        f"astronaut: {len(astronaut)} face(s) {out['astronaut']['boxes']}; people-free samples with a false "
        f"face: {len(false_alarms)}/{len(NO_PEOPLE)} {false_alarms or ''}"
    )
    return out


def _pr(x: dict[str, Any]) -> str:
    return f"{x['precision']:.2f} / {x['recall']:.2f}"


def summary(results: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """The one table: each figure of issue 16 with what it is compared against and its target."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for name, r in results.get("names", {}).items():
        met = r["model"]["precision"] >= 0.9 and r["model"]["recall"] >= 0.9
        rows.append(
            (
                f"names {name} P/R ({r.get('figure', 'older run')})",
                _pr(r["model"]),
                _pr(r["rules"]),
                _pr(r["trivial"]),
                ">= 0.90 / 0.90",
                "yes" if met else "no",
            )
        )
    lang = results.get("language")
    if lang:
        for code in (*lang["sentences"], "nb_vs_nn"):
            target = 0.95 if code == "nb_vs_nn" else 0.98
            got = lang["analyse"][code]
            rows.append(
                (
                    f"language {code} accuracy",
                    f"{got:.3f}",
                    f"{lang['check_own_country'][code]:.3f}",
                    f"{lang['trivial_country'][code]:.3f}",
                    f">= {target}",
                    "yes" if got >= target else "no",
                )
            )
        for code, got in lang.get("comments", {}).get("analyse", {}).items():
            rows.append(
                (
                    f"language {code} accuracy, comments",
                    f"{got:.3f}",
                    f"{lang['comments']['check_own_country'][code]:.3f}",
                    f"{lang['comments']['trivial_country'][code]:.3f}",
                    ">= 0.98",
                    "yes" if got >= 0.98 else "no",
                )
            )
    off = results.get("offensive")
    if off:
        n, pos = off["data"]["dkhate_texts"], off["data"]["dkhate_off"]
        trivial = 0.5 * (2 * (n - pos) / (2 * n - pos))  # always NOT: F1(NOT) averaged with F1(OFF) = 0
        got = off["classifier_as_in_check"]["macro_f1"]
        rows.append(
            (
                "offensive DKHate 5-fold macro-F1",
                f"{got:.3f}",
                f"{off['lexicon']['macro_f1']:.3f}",
                f"{trivial:.3f}",
                ">= 0.82",
                "yes" if got >= 0.82 else "no",
            )
        )
    rows.extend(_harm_rows(results.get("harm")))
    det = results.get("suite", {}).get("languages", {})
    pol = results.get("policy", {}).get("languages", {})
    for code, r in det.items():
        p = pol.get(code)
        rows.append(
            (
                f"suite {code} all P/R (analyse | check)",
                _pr(r["categories"]["all"]),
                _pr(p["categories"]["all"]) if p else "-",
                "-",
                "development set",
                "-",
            )
        )
    return rows


def _harm_rows(h: dict[str, Any] | None) -> list[tuple[str, str, str, str, str, str]]:
    """One row per category and language of the harm corpus's test split: the classifier's P/R, the
    lexicon's, the majority class's."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    if not h:
        return rows
    for cat in h["categories"]:
        for lang, per in h["languages"].items():
            c = per[cat]
            got = c["classifier"]
            met = got["precision"] >= HARM_TARGET and got["recall"] >= HARM_TARGET
            rows.append(
                (
                    f"harm {cat} {lang} P/R (test split, n+ {c['positives']})",
                    _pr(got),
                    _pr(c["lexicon"]),
                    "- / 0.00",
                    f">= {HARM_TARGET:.2f} / {HARM_TARGET:.2f}",
                    "yes" if met else "no",
                )
            )
    return rows


def print_summary(rows: list[tuple[str, str, str, str, str, str]]) -> None:
    head = ("measure", "today", "old rules / check / lexicon", "trivial", "target", "met")
    widths = [max(len(x[k]) for x in (head, *rows)) for k in range(6)]
    print("\nSummary (issue 16): today's figure, what it is compared with, the trivial baseline, the target")
    for row in (head, tuple("-" * w for w in widths), *rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class _Tee:
    """Print to the terminal and keep a copy for bench/results."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.append(text)
        return int(self.stream.write(text))

    def flush(self) -> None:
        self.stream.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--errors", action="store_true", help="print the suite's false alarms and misses")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--text-only", action="store_true", help="(a) also without the lexicon features (5 more fits, ~4 min)"
    )
    args = parser.parse_args()
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    started = time.perf_counter()
    cpu = time.process_time()
    results: dict[str, Any] = {}
    parts = {
        "offensive": lambda: offensive(text_only=args.text_only),
        "harm": harm,
        "names": names,
        "language": language,
        "suite": lambda: suite(args.errors),
        "policy": lambda: policy(args.errors),
        "faces": faces,
    }
    for part, run in parts.items():
        if part in args.only:
            results[part] = run()
    rows = summary(results)
    print_summary(rows)
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    print(
        f"\n{time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU; "
        f"load average {load}"
    )
    sys.stdout = tee.stream
    if not args.no_write:
        write_results(args.only, results, "".join(tee.lines), load)


_SECTION = re.compile(r"^\((a|h|b|b2|c|c2|d)\) ", re.M)
_SECTION_PART = {"a": "offensive", "h": "harm", "b": "names", "b2": "language", "c": "suite", "c2": "policy"}


def _sections(text: str) -> dict[str, str]:
    """The printed part tables of an earlier run's text, by part (up to the summary)."""
    body = text.split("\nSummary (issue 16)")[0]
    marks = list(_SECTION.finditer(body))
    out = {}
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(body)
        out[_SECTION_PART.get(m.group(1), "faces")] = "\n" + body[m.start() : end].strip("\n") + "\n"
    return out


def write_results(parts: list[str], results: dict[str, Any], printed: str, load: Any) -> None:
    """Write ``bench/results/evaluate-<date>.json`` and ``.txt``. When only some parts ran, the parts of
    an earlier run of the same day are kept beside them (and the summary covers all)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = RESULTS_DIR / f"evaluate-{dt.date.today().isoformat()}"
    old_json, old_txt = stem.with_suffix(".json"), stem.with_suffix(".txt")
    merged, kept_text = dict(results), ""
    if set(parts) != set(PARTS) and old_json.is_file():
        earlier = json.loads(old_json.read_text("utf-8"))
        kept = {k: v for k, v in earlier.get("results", {}).items() if k not in results}
        merged = {**kept, **results}
        sections = _sections(old_txt.read_text("utf-8")) if old_txt.is_file() else {}
        kept_text = "".join(sections[k] for k in PARTS if k in kept and k in sections)
    rows = summary(merged)
    if kept_text:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            print_summary(rows)
        head = printed.split("\nSummary (issue 16)")[0]
        tail = (
            printed.split("\nSummary (issue 16)", 1)[1].split("\n\n", 1)[1] if "\nSummary" in printed else ""
        )
        note = f"\n(earlier today: {', '.join(k for k in PARTS if k in merged and k not in results)})\n"
        printed = head + note + kept_text + buffer.getvalue() + "\n" + tail
    payload = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "parts": [k for k in PARTS if k in merged],
        "rerun": parts,
        "results": merged,
        "summary": [list(r) for r in rows],
        "python": sys.version.split()[0],
        "load_average": load,
    }
    old_json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    old_txt.write_text(printed, "utf-8")
    print(f"wrote {stem.relative_to(REPO)}.json and .txt")


if __name__ == "__main__":
    main()
