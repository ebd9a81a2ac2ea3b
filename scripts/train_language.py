"""Train the west Nordic second stage of language identification: ``src/rettesnor/models/language.json``.

    .venv/bin/python scripts/train_language.py          # 5-fold CV figures, then the model
    .venv/bin/python scripts/train_language.py --no-cv  # the model only
    .venv/bin/python scripts/train_language.py --no-cv --check-figures  # and check's detector's figures

heliport (the first stage) knows bokmål from nynorsk, but on sentences it mixes up Danish, bokmål and
nynorsk in 3-5 % of cases. When its best guess is one of the three, a multinomial logistic regression
decides among them from heliport's own scores, the words of the text and their three-letter endings
(features in :func:`rettesnor.analysis.language.west_features`, shared with the product).

Data (../shared/datasets, see its README): DaN+ news train (da), NorNE bokmål and nynorsk dev (nb, nn)
**without their first 500 sentences of 5+ words**, which ``bench/evaluate.py`` measures on (with DaN+
news dev for Danish); nothing here reads those. Beside them, the comments of the harm corpus
(``corpora/harm/{da,nb,nn}.jsonl``, its train split only), so that the register of comments is known.

It also writes ``src/rettesnor/models/language_words.json``: telling words of each of da, nb, nn and sv
learnt from the same training text (with the Swedish corpus's training 80 % and the harm corpus's sv and
en train split), which ``check``'s word-list detector adds to its hand-written lists, and dictionary
words that tell Danish from Norwegian (wordfreq's commonest words checked against simplemma's
dictionaries, :func:`dictionary_words`).

Needs the ``train`` extra (scikit-learn, wordfreq, simplemma); the product reads the JSON with plain Python.
Deterministic: the same data give the same file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

from rettesnor.analysis.language import _WRITTEN, COUNTRY_PRIOR, NYNORSK_FORM_LOGODDS, WEST, west_features

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
MODEL_OUT = ROOT / "src" / "rettesnor" / "models" / "language.json"
WORDS_OUT = ROOT / "src" / "rettesnor" / "models" / "language_words.json"
FORMAT = "rettesnor.language-west/1"
WORDS_FORMAT = "rettesnor.language-words/1"
HELD_OUT = 500  # the first sentences of 5+ words of each NorNE file are bench/evaluate.py's
MIN_WORDS = 5
# Chosen by 5-fold CV over blocks (``cross_validate``, with the country's prior) from {0.3, 1, 3}: news
# nb / nn 0.967 / 0.971 at 0.3, 0.964 / 0.963 at 1, 0.959 / 0.967 at 3. Tried there and not kept: word
# bigrams, character 3-4-grams, counts of hand-listed nb-only / nn-only / da-only words, heliport's costs
# times the text's length (each within 0.006 of these or worse).
C = 0.3
MIN_DF = 2


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def long_enough(text: str) -> bool:
    return sum(w[:1].isalpha() for w in text.split()) >= MIN_WORDS


def training_parts() -> dict[tuple[str, str], list[str]]:
    """The training sentences by language and kind, in file order: ``news`` (da: DaN+ news train; nb,
    nn: NorNE dev after the held-out first 500 sentences of 5+ words) and ``comments`` (the harm
    corpus's train split in that language)."""
    tn = _module("train_names")
    gazetteer = _module("build_name_gazetteer")
    sources = {
        "da": gazetteer.read_conll(DATASETS / "danplus" / "da_news_train.tsv"),
        "nb": tn.read_norne(DATASETS / "norne" / "no_bokmaal-ud-dev.conllu"),
        "nn": tn.read_norne(DATASETS / "norne" / "no_nynorsk-ud-dev.conllu"),
    }
    out: dict[tuple[str, str], list[str]] = {}
    for lang, sentences in sources.items():
        texts = [t for t in (tn.as_text(s)[0] for s in sentences) if long_enough(t)]
        out[lang, "news"] = texts if lang == "da" else texts[HELD_OUT:]
        out[lang, "comments"] = corpus_comments(lang)
    return out


def corpus_comments(lang: str) -> list[str]:
    """The train split of the harm corpus in ``lang`` (none when the corpus is not there), read as
    ``scripts/train_offensive.py`` reads it."""
    return list(_module("train_offensive").read_harm(split="train", languages=(lang,)).texts)


# The telling words of check's word-list detector (``detect_language``) that are learnt from the training
# text: a lower-case word seen WORDS_MIN_COUNT+ times in one language whose frequency there is WORDS_RATIO
# times its (smoothed) frequency in every other one, the WORDS_TOP commonest per language. Chosen by
# 2-fold CV over halves of the training text from {(8, 20, 200), (5, 10, 300), (5, 20, 500)} (with the
# written lists only -> with the learnt words: bokmål under a Swedish pack 0.616 -> 0.723 on sentences,
# 0.742 -> 0.856 on comments; nynorsk 0.742 -> 0.791 and 0.913 -> 0.941; no language under its own
# pack lost more than 0.001). English is counted (as another language) but gets no learnt words: its
# learnt words (council, to, on …) made Danish comments under a Danish pack read as English.
WORDS_MIN_COUNT, WORDS_RATIO, WORDS_TOP = 5, 10.0, 300
WORDS_LANGUAGES = ("da", "nb", "nn", "sv")
_TOKEN = re.compile(r"[^\W\d_]+")
_LOWER = re.compile(r"[a-zæøåäöéü]+")


def word_texts(parts: dict[tuple[str, str], list[str]]) -> dict[str, list[str]]:
    """The text the word lists are counted on: the training sentences and comments of da, nb and nn,
    the Swedish corpus's training 80 % (sentences of 5+ words) and the harm corpus's sv and en train
    split (its test split and the held-out sentences are not read)."""
    tn, gazetteer = _module("train_names"), _module("build_name_gazetteer")
    out = {lang: parts[lang, "news"] + parts[lang, "comments"] for lang in WEST}
    swedish = [tn.as_text(s)[0] for s in gazetteer.swedish_split(DATASETS)[0]]
    out["sv"] = [t for t in swedish if long_enough(t)] + corpus_comments("sv")
    out["en"] = corpus_comments("en")
    return out


def lower_words(text: str) -> list[str]:
    """The words of ``text`` written in lower case (names and sentence starts left out)."""
    return [w for w in _TOKEN.findall(text) if _LOWER.fullmatch(w)]


def telling_words(texts: dict[str, list[str]]) -> dict[str, list[str]]:
    """Per language of WORDS_LANGUAGES, its telling words, commonest first (ties alphabetically), and
    under ``no`` those of Norwegian (bokmål and nynorsk alike, within a factor of 3 of each other, such
    as the infinitive "å"), which the detector counts for both. Only words written in lower case count,
    so names ("Nielsen") are not taken."""
    counts = {lang: Counter(w for t in ts for w in lower_words(t)) for lang, ts in texts.items()}
    counts["no"] = counts["nb"] + counts["nn"]
    totals = {lang: sum(c.values()) for lang, c in counts.items()}

    def share(lang: str, word: str) -> float:
        return (counts[lang][word] + 0.5) / totals[lang]

    def telling(lang: str, word: str) -> bool:
        others = [o for o in texts if o != lang]  # ``texts`` has no "no"
        if lang == "no":
            others = [o for o in texts if o not in ("nb", "nn")]
            if max(share("nb", word), share("nn", word)) > 3 * min(share("nb", word), share("nn", word)):
                return False
        return all(counts[lang][word] / totals[lang] > WORDS_RATIO * share(o, word) for o in others)

    out: dict[str, list[str]] = {}
    for lang in (*WORDS_LANGUAGES, "no"):
        chosen = [(-n, w) for w, n in counts[lang].items() if n >= WORDS_MIN_COUNT and telling(lang, w)]
        out[lang] = [w for _, w in sorted(chosen)[:WORDS_TOP]]
    return out


# Dictionary words of check's detector. Nynorsk: the forms of simplemma's nynorsk dictionary that no other
# has (58,000; nynorsk sentences of the training text under any pack 0.840 -> 0.912, comments 0.957 ->
# 0.977, bokmål under its own pack unchanged). Danish against Norwegian (the pair that short texts under
# another country's pack mix up): of wordfreq's DICTIONARY_TOP commonest words of bokmål (of Danish),
# those that simplemma's bokmål dictionary has and its Danish one has not (its Danish one has and its
# bokmål and nynorsk ones have not), none that its Swedish or English dictionary has, none already a
# written or learnt telling word (whose languages stay as they are). Bokmål's count for nb and nn alike
# (simplemma's nynorsk dictionary lacks common forms such as "ei", "veit"), so they tell Norwegian from
# Danish and leave nb against nn to the other words. DICTIONARY_TOP chosen from {5,000, 10,000, 20,000}
# on the training text (no CV needed: nothing is learnt from it): under another country's pack Danish
# sentences 0.744 -> 0.878 / 0.914 (5,000 / 20,000), bokmål 0.770 -> 0.858 / 0.890; nn, sv and en
# under any pack and every language under its own unchanged (within 0.002) or better.
DICTIONARY_TOP = 20_000
_DICT_WORD = re.compile(r"[a-zæøå]+")


def dictionary_words(known: set[str]) -> dict[str, list[str]]:
    """``{"da": [...], "no": [...], "nn": [...]}``: the dictionary words above (da, no: wordfreq's order;
    nn: alphabetical), leaving out ``known``."""
    import wordfreq
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory()
    forms = {lang: set(factory.get_dictionary(lang)) for lang in ("da", "nb", "nn", "sv", "en")}
    foreign = forms["sv"] | forms["en"] | known

    def top(lang: str) -> list[str]:
        return [
            w
            for w in wordfreq.top_n_list(lang, DICTIONARY_TOP)
            if _DICT_WORD.fullmatch(w) and w not in foreign
        ]

    # Nynorsk: every form of simplemma's nynorsk dictionary that its bokmål, Danish, Swedish and English
    # ones lack, less the words of wordfreq's lists that are names or loans (its 100,000 commonest of
    # Danish, Swedish, English and German, its 30,000 commonest of bokmål: "olav", "hansen", "tyskland"
    # are in the nynorsk dictionary).
    common = {w for lang in ("da", "sv", "en", "de") for w in wordfreq.top_n_list(lang, 100_000)}
    common |= set(wordfreq.top_n_list("nb", 30_000))
    nynorsk = forms["nn"] - forms["nb"] - forms["da"] - foreign - common
    return {
        "da": [w for w in top("da") if w in forms["da"] and w not in forms["nb"] and w not in forms["nn"]],
        "no": [w for w in top("nb") if w in forms["nb"] and w not in forms["da"]],
        "nn": sorted(w for w in nynorsk if _DICT_WORD.fullmatch(w)),
    }


def fit(features: list[dict[str, float]], labels: list[str]) -> dict[str, object]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    df = Counter(k for f in features for k in f if not k.startswith("h:"))
    keep = [{k: v for k, v in f.items() if k.startswith("h:") or df[k] >= MIN_DF} for f in features]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(keep)
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, labels)
    assert tuple(model.classes_) == WEST, model.classes_
    weights = {
        name: [round(float(model.coef_[k][j]), 4) for k in range(len(WEST))]
        for j, name in enumerate(vectorizer.feature_names_)
    }
    return {
        "format": FORMAT,
        "classes": list(WEST),
        "intercept": [round(float(b), 4) for b in model.intercept_],
        "weights": {k: v for k, v in sorted(weights.items()) if any(v)},
    }


def cross_validate(
    parts: dict[tuple[str, str], list[str]], nynorsk_forms: frozenset[str]
) -> dict[str, dict[str, float]]:
    """Accuracy of ``identify``'s path on the training sentences (heliport's best when it is not one of
    the three, else the second stage) by 5-fold CV, with the country's prior as ``identify`` gives it
    (texts of fewer than PRIOR_MAX_WORDS words; until 2026-12-04 this CV gave it to every length) and
    with nynorsk favoured where a word is one of ``nynorsk_forms`` (as ``identify``), without the
    latter, with the prior on every length, and without a country, next to heliport alone and the
    trivial "the country's language", per language and kind.

    The folds are contiguous blocks of each file (fifths), not every fifth sentence: neighbouring
    sentences come from the same document, and the held-out sentences are other documents (every fifth
    sentence gave 0.954 / 0.975 for news nb / nn where blocks give 0.940 / 0.962)."""
    from rettesnor.analysis.language import (
        _WORD,
        NYNORSK_FORM_LOGODDS,
        PRIOR_MAX_WORDS,
        WestModel,
        has_nynorsk_form,
        heliport_costs,
    )

    # (features, best of heliport, language, part, fold, short enough for the prior, nynorsk's log-odds)
    rows = []
    for (lang, kind), texts in parts.items():
        for i, text in enumerate(texts):
            costs = heliport_costs(text)
            best = min(costs, key=costs.__getitem__) if costs else "nb"
            short = len(_WORD.findall(text[:2000].lower())) < PRIOR_MAX_WORDS
            nynorsk = NYNORSK_FORM_LOGODDS if has_nynorsk_form(text, nynorsk_forms) else 0.0
            features = west_features(text, costs)
            rows.append((features, best, lang, f"{kind}-{lang}", i * 5 // len(texts), short, nynorsk))
    country = {"da": "DK", "nb": "NO", "nn": "NO"}
    systems = ("prior", "prior_no_nynorsk_forms", "prior_every_length", "no_prior", "heliport", "trivial")
    right: dict[str, Counter[str]] = {s: Counter() for s in systems}
    total = Counter[str]()
    for fold in range(5):
        train = [r for r in rows if r[4] != fold]
        model = WestModel(fit([r[0] for r in train], [r[2] for r in train]))
        for features, best, lang, part, k, short, nynorsk in rows:
            if k != fold:
                continue
            total[part] += 1
            right["heliport"][part] += best == lang
            right["trivial"][part] += lang == {"DK": "da", "NO": "nb"}[country[lang]]
            prior = country[lang] if short else None  # as ``identify``: the prior only for short texts
            for system, given, boost in (
                ("prior", prior, nynorsk),
                ("prior_no_nynorsk_forms", prior, 0.0),
                ("prior_every_length", country[lang], nynorsk),
                ("no_prior", None, nynorsk),
            ):
                got = model.decide(features, given, boost)[0] if best in WEST else best
                right[system][part] += got == lang
    return {s: {p: round(right[s][p] / total[p], 3) for p in sorted(total)} for s in right}


def check_figures(parts: dict[tuple[str, str], list[str]]) -> dict[str, float]:
    """Accuracy of check's word-list detector (``detect_language``, with the word lists just written) on
    the training text, under the language's own country's pack and under another's; the dictionary
    words are chosen by these figures (nothing is learnt from this text for them)."""
    import importlib

    import rettesnor.analysis.language as language

    importlib.reload(language)  # the word lists as just written
    own = {"da": "DK", "nb": "NO", "nn": "NO", "sv": "SE", "en": "DK"}
    other = {"da": "NO", "nb": "SE", "nn": "DK", "sv": "DK", "en": "SE"}
    texts = {f"{kind}-{lang}": ts for (lang, kind), ts in parts.items()}
    rest = word_texts(parts)
    texts["sv"], texts["en"] = rest["sv"], rest["en"]
    out: dict[str, float] = {}
    for part, ts in texts.items():
        lang = part.rsplit("-", 1)[-1]
        for name, pack in (("own", own), ("other", other)):
            right = sum(language.detect_language(t, pack[lang]) == lang for t in ts)
            out[f"{part}/{name}"] = round(right / len(ts), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-cv", action="store_true", help="skip the 5-fold cross-validation")
    parser.add_argument(
        "--check-figures", action="store_true", help="check's word-list detector on the training text, after"
    )
    args = parser.parse_args()
    parts = training_parts()
    texts = {lang: parts[lang, "news"] + parts[lang, "comments"] for lang in WEST}
    words = telling_words(word_texts(parts))
    known = {w for ws in (*_WRITTEN.values(), *words.values()) for w in ws}
    dictionary = dictionary_words(known)
    print("training sentences:", {k: len(v) for k, v in texts.items()})
    doc = fit(
        [west_features(t) for lang in WEST for t in texts[lang]], [lang for lang in WEST for _ in texts[lang]]
    )
    doc["training"] = {
        "sentences": {k: len(v) for k, v in texts.items()},
        "c": C,
        "min_df": MIN_DF,
        "country_prior": COUNTRY_PRIOR,
        "nynorsk_form_logodds": NYNORSK_FORM_LOGODDS,
        "held_out": f"the first {HELD_OUT} NorNE sentences of {MIN_WORDS}+ words per file; DaN+ news dev",
    }
    if not args.no_cv:
        doc["training"]["cross_validation"] = cv = cross_validate(parts, frozenset(dictionary["nn"]))
        print("5-fold CV (blocks) accuracy, identify's path on 5+ word sentences and comments:")
        for system, per in cv.items():
            print(f"  {system:9}", " ".join(f"{part}={acc:.3f}" for part, acc in per.items()))
    WORDS_OUT.write_text(
        json.dumps(
            {
                "format": WORDS_FORMAT,
                "words": words,
                "dictionary": dictionary,
                "training": {
                    "min_count": WORDS_MIN_COUNT,
                    "ratio": WORDS_RATIO,
                    "top": WORDS_TOP,
                    "dictionary_top": DICTIONARY_TOP,
                    "dictionary_sources": {m: version(m) for m in ("wordfreq", "simplemma")},
                },
            },
            ensure_ascii=False,
            sort_keys=True,
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"wrote {WORDS_OUT}:",
        {k: len(v) for k, v in words.items()},
        "dictionary:",
        {k: len(v) for k, v in dictionary.items()},
    )
    MODEL_OUT.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_OUT} ({MODEL_OUT.stat().st_size:,} bytes, {len(doc['weights']):,} features)")
    if args.check_figures:
        print("check's word-list detector on the training text (own / another country's pack):")
        print(" ", " ".join(f"{k}={v:.3f}" for k, v in check_figures(parts).items()))


if __name__ == "__main__":
    main()
