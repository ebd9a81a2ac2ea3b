"""Write the inflected forms of lexicon terms as generated lexicon files ``<lang>/<signal>.forms.yaml``.

A term is written in one form ("eg vil klage"); Nynorsk and Bokmål writers inflect it in several ("eg
vil klaga", "klagar", "saka mi"). simplemma's dictionaries (form -> lemma, ``nb`` and ``nn``) give every
form of a word's lemma; this script replaces one word of a term at a time by each other form of its
lemma and writes the variants, with the term's score, into a file beside the hand-written one. The
product reads the generated files like any other (``rettesnor.analysis.lexicon``) and needs no
simplemma: the lookup happens here, once.

    .venv/bin/pip install simplemma      # the train extra has it
    .venv/bin/python scripts/build_lexicon_forms.py

What is expanded: the exact words (no ``*``, no ``<n>``) of at least four letters in the terms and
hard negatives (``except``) of the categories the issue names (complaint, case questions, crisis,
special categories); for crisis and special categories only phrases ("savnet" is missing, "savner" misses
someone). Forms shorter than four letters, and forms of a homograph's lemma (those that do not share
the word's stem: "fått" and "færre" share the lemma "få"), are left out. Terms with wildcards
already cover their inflections; ``context_terms`` are not expanded. Deterministic: sorted output, the
simplemma version in the header.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
LEXICONS = ROOT / "src" / "rettesnor" / "lexicons"
LANGUAGES = ("nb", "nn")
SIGNALS = ("complaint", "case_inquiry", "crisis", "special_category")
# Single words of these inflect into everyday ones ("savnet" missing, "savner" misses someone; "tro"
# faith, "tror" believes): phrases only.
PHRASES_ONLY = frozenset({"crisis", "special_category"})
MIN_LETTERS = 4


def inverse(lang: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(form -> lemma, lemma -> its forms) of simplemma's dictionary for ``lang``."""
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    forms: dict[str, str] = {}
    lemmas: dict[str, list[str]] = {}
    for form, lemma in DefaultDictionaryFactory().get_dictionary(lang).items():
        f, lem = str(form), lemma.decode() if isinstance(lemma, bytes) else str(lemma)
        if f.isalpha() and f.islower():
            forms[f] = lem
            lemmas.setdefault(lem, []).append(f)
    for lem in lemmas:
        lemmas[lem].sort()
    return forms, lemmas


def _same_stem(a: str, b: str) -> bool:
    """Forms of one word, not of a homograph's lemma ("fått" and "færre" share the lemma "få"): they
    share all but the last two letters of the shorter one, and at least three."""
    n = max(3, min(len(a), len(b)) - 2)
    return a[:n] == b[:n]


def variants(term: str, forms: dict[str, str], lemmas: dict[str, list[str]], phrases_only: bool) -> list[str]:
    """The term with one word replaced by another form of that word's lemma."""
    if any(c in term for c in "*<>#©:") or not term.replace(" ", "").replace("-", "").isalpha():
        return []
    words = term.lower().split()
    if phrases_only and len(words) < 2:
        return []
    out: set[str] = set()
    for i, w in enumerate(words):
        if len(w) < MIN_LETTERS:
            continue
        lemma = forms.get(w, w)
        for other in lemmas.get(lemma, ()):
            if other != w and len(other) >= MIN_LETTERS and _same_stem(w, other):
                out.add(" ".join([*words[:i], other, *words[i + 1 :]]))
    return sorted(out)


def _entries(items: Iterable[Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for item in items or ():
        if isinstance(item, str):
            out.append((item, {}))
        elif isinstance(item, dict) and isinstance(item.get("term"), str):
            out.append((item["term"], {k: v for k, v in item.items() if k == "score"}))
    return out


def expand(path: Path, forms: dict[str, str], lemmas: dict[str, list[str]]) -> dict[str, Any] | None:
    doc = yaml.safe_load(path.read_text("utf-8"))
    phrases_only = path.name.removesuffix(".yaml") in PHRASES_ONLY
    known = {t.lower() for t, _ in _entries(doc.get("terms", ()))} | {
        t.lower() for t, _ in _entries(doc.get("except", ()))
    }
    out: dict[str, Any] = {}
    for key in ("terms", "except"):
        new: dict[str, dict[str, Any]] = {}
        for term, extra in _entries(doc.get(key, ())):
            for v in variants(term, forms, lemmas, phrases_only):
                if v not in known and v not in new:
                    new[v] = extra
        if new:
            out[key] = [({"term": v, **extra} if extra else v) for v, extra in sorted(new.items())]
    if "terms" not in out:
        return None
    lang, signal = path.parent.name, path.name.removesuffix(".yaml")
    head = {
        "signal": signal,
        "language": lang,
        "description": f"{doc['description'].strip()} Inflected forms of the terms of {lang}/{signal}.yaml.",
    }
    if "score" in doc:
        head["score"] = doc["score"]
    return {**head, **out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lexicons", type=Path, default=LEXICONS)
    args = parser.parse_args()
    header = (
        "# GENERATED by scripts/build_lexicon_forms.py from the hand-written file beside it and simplemma "
        f"{version('simplemma')}'s dictionary; do not edit (edit the hand-written file and rerun).\n"
    )
    for lang in LANGUAGES:
        forms, lemmas = inverse(lang)
        for signal in SIGNALS:
            source = args.lexicons / lang / f"{signal}.yaml"
            target = args.lexicons / lang / f"{signal}.forms.yaml"
            doc = expand(source, forms, lemmas) if source.is_file() else None
            if doc is None:
                target.unlink(missing_ok=True)
                continue
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110)
            target.write_text(header + text, "utf-8")
            print(
                f"{target.relative_to(ROOT)}: {len(doc['terms'])} terms, {len(doc.get('except', []))} except"
            )


if __name__ == "__main__":
    main()
