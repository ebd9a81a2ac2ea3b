"""Build the generated name gazetteers src/rettesnor/lexicons/names_*.train.txt from TRAINING data only.

Sources (in ../shared/datasets/, see its README for licences):

* ``danplus/da_news_train.tsv`` -- DaN+ news, train split (token, BIO tag, nested tag). MIT / CC BY-SA 4.0.
* ``swedish-ner/train_corpus.txt`` -- Swedish NER corpus (token, tag, ``0`` = outside). CC BY 4.0. Only the
  sentences that :func:`swedish_is_heldout` does NOT hold out (80 %); the other 20 % are the Swedish
  evaluation set of ``bench/evaluate_names.py``, which imports the same function.

The DaN+ dev splits are never read here: they are for evaluation only.

Outputs (plain text, one entry per line, sorted, with a provenance header; each file name starts with
``names_``):

* ``given_names.train.txt`` -- first tokens of multi-token person names.
* ``surnames.train.txt`` -- last and middle tokens of multi-token person names, and one-token person names
  that are not known given names (news mostly repeats a surname: "Christensen sagde").
* ``non_names.train.txt`` -- capitalised tokens used as places, organisations, works or ordinary words
  (tag LOC/ORG/MISC, or ``O`` when not sentence-initial) and never as a person.
* ``common_words.train.txt`` -- lower-case words seen at least twice in lower case (function words and
  common nouns; they make a capitalised name such as "Hans" or "Dag" ambiguous at a sentence start).

A name token is kept only if it has the shape of a name (capital letter, then letters; hyphenated parts
allowed) and is used as a person at least as often as it is used otherwise. The build is deterministic:
same input, same output. Run::

    .venv/bin/python scripts/build_name_gazetteer.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"
OUT_DIR = ROOT / "src" / "rettesnor" / "lexicons"
PREFIX = "names_"  # the lexicon loader of lexicon.py owns the sub-folders of lexicons/ (one per language)

DANPLUS_TRAIN = "danplus/da_news_train.tsv"
SWEDISH_CORPUS = "swedish-ner/train_corpus.txt"

# Every SWEDISH_HOLDOUT_MODULUS-th sentence (index % modulus == modulus - 1, in file order) is held out.
SWEDISH_HOLDOUT_MODULUS = 5

Sentence = list[tuple[str, str]]  # (token, tag); tags normalised to BIO with PER/LOC/ORG/MISC or "O"

_NAME_SHAPE = re.compile(r"[^\W\d_][^\W\d_]*(?:['’][^\W\d_]+)?(?:-[^\W\d_]+)*")
_SENTENCE_END = {".", "!", "?", ":", "…", "...", '"', "”", "“", "–", "—", "-", "«", "»"}
_TEXT_LETTERS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def read_conll(path: Path) -> list[Sentence]:
    """Read a token/tag file (tab- or space-separated, blank line between sentences).

    Lines with fewer than two fields are skipped; soft hyphens are removed from tokens.
    """
    sentences: list[Sentence] = []
    current: Sentence = []
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                parts = line.rsplit(None, 1)
            if len(parts) < 2:
                continue
            token = parts[0].replace("\xad", "").strip()
            if token:
                current.append((token, parts[1].strip()))
    if current:
        sentences.append(current)
    return sentences


def swedish_to_bio(sentence: Sentence) -> Sentence:
    """The Swedish corpus has IO tags (PER, ``0``): turn them into BIO (adjacent persons merge)."""
    out: Sentence = []
    previous = "O"
    for token, tag in sentence:
        kind = "O" if tag in ("0", "O", "") else tag
        if kind == "O":
            out.append((token, "O"))
        else:
            out.append((token, ("I-" if previous == kind else "B-") + kind))
        previous = kind
    return out


def swedish_is_heldout(index: int) -> bool:
    """True for the 20 % of Swedish sentences kept for evaluation (index in file order, from 0)."""
    return index % SWEDISH_HOLDOUT_MODULUS == SWEDISH_HOLDOUT_MODULUS - 1


def swedish_split(datasets: Path) -> tuple[list[Sentence], list[Sentence]]:
    """(train 80 %, held-out 20 %) of the Swedish corpus, BIO-tagged."""
    train: list[Sentence] = []
    heldout: list[Sentence] = []
    for i, sentence in enumerate(read_conll(datasets / SWEDISH_CORPUS)):
        (heldout if swedish_is_heldout(i) else train).append(swedish_to_bio(sentence))
    return train, heldout


def person_spans(sentence: Sentence) -> Iterator[list[str]]:
    """Token lists of the B-PER/I-PER spans (derived and part tags such as B-PERpart are not persons)."""
    span: list[str] = []
    for token, tag in sentence:
        if tag == "B-PER":
            if span:
                yield span
            span = [token]
        elif tag == "I-PER" and span:
            span.append(token)
        else:
            if span:
                yield span
            span = []
    if span:
        yield span


def _is_name_shape(token: str) -> bool:
    if len(token) < 2 or not token[0].isupper() or not _NAME_SHAPE.fullmatch(token):
        return False
    letters = token.replace("-", "").replace("'", "").replace("’", "")
    return not letters.isupper()  # all capitals: an acronym or a shouted word, not a gazetteer entry


def _sentence_initial(sentence: Sentence, i: int) -> bool:
    return i == 0 or sentence[i - 1][0] in _SENTENCE_END


def read_list(path: Path) -> list[str]:
    """Entries of a hand-written list (one per line; blank lines and ``#`` comments skipped)."""
    lines = (line.strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def build(sentences: list[Sentence], known_given: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Derive the four generated lists from BIO-tagged training sentences.

    ``known_given`` (lower case) are the hand-written given names: a one-token person name found among
    them is a given name, not a surname.
    """
    as_person: Counter[str] = Counter()
    as_other: Counter[str] = Counter()
    lower_words: Counter[str] = Counter()
    first: Counter[str] = Counter()
    rest: Counter[str] = Counter()
    single: Counter[str] = Counter()

    for sentence in sentences:
        for i, (token, tag) in enumerate(sentence):
            if tag.endswith("-PER"):
                as_person[token] += 1
            elif token[:1].isupper():
                if tag != "O" or not _sentence_initial(sentence, i):
                    as_other[token] += 1
            elif _TEXT_LETTERS.fullmatch(token) and token.islower():
                lower_words[token] += 1
        for span in person_spans(sentence):
            names = [t for t in span if _is_name_shape(t)]
            if len(span) == 1:
                if names:
                    single[names[0]] += 1
                continue
            if span[0] in names:
                first[span[0]] += 1
            for token in span[1:]:
                if token in names:
                    rest[token] += 1

    def personal(token: str) -> bool:
        return as_person[token] >= as_other[token]

    given = {t for t in first if personal(t)}
    given_keys = {t.lower() for t in given} | known_given
    surnames = {t for t in rest if personal(t) and t.lower() not in given_keys}
    surnames |= {t for t in single if personal(t) and t.lower() not in given_keys}
    non_names = {
        t for t, n in as_other.items() if as_person[t] == 0 and _is_name_shape(t) and n >= 1 and len(t) > 1
    }
    common = {w for w, n in lower_words.items() if n >= 2 and len(w) > 1}
    return {
        "given_names.train.txt": sorted(given),
        "surnames.train.txt": sorted(surnames),
        "non_names.train.txt": sorted(non_names),
        "common_words.train.txt": sorted(common),
    }


_HEADER = """\
# GENERATED by scripts/build_name_gazetteer.py -- do not edit; rerun the script instead.
# {what}
# Sources (training data only): DaN+ da_news_train.tsv (MIT / CC BY-SA 4.0, Plank et al. 2020) and
# the Swedish NER corpus train_corpus.txt minus every {modulus}th sentence (CC BY 4.0,
# klintan/swedish-ner-corpus).
# {count} entries.
"""

_WHAT = {
    "given_names.train.txt": "Given names: first tokens of multi-token person names.",
    "surnames.train.txt": "Surnames: later tokens of person names and one-token person names.",
    "non_names.train.txt": "Capitalised tokens used as places, organisations, works or words, never persons.",
    "common_words.train.txt": "Lower-case words seen at least twice (they make look-alike names ambiguous).",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()

    danish = read_conll(args.datasets / DANPLUS_TRAIN)
    swedish_train, swedish_heldout = swedish_split(args.datasets)
    known_given = frozenset(n.lower() for n in read_list(args.out / f"{PREFIX}given_names.txt"))
    lists = build(danish + swedish_train, known_given)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, entries in lists.items():
        header = _HEADER.format(what=_WHAT[name], modulus=SWEDISH_HOLDOUT_MODULUS, count=len(entries))
        (args.out / f"{PREFIX}{name}").write_text(header + "\n".join(entries) + "\n", "utf-8")
        print(f"{PREFIX}{name:26} {len(entries):6d}")
    print(
        f"from {len(danish)} Danish and {len(swedish_train)} Swedish training sentences "
        f"({len(swedish_heldout)} Swedish sentences held out for bench/evaluate_names.py)"
    )


if __name__ == "__main__":
    main()
