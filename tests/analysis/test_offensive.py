"""The offensive-comment classifier: safe model format, deterministic scores, examples per language,
and the training command on a small subset."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from rettesnor.analysis import offensive
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.offensive import ModelError, OffensiveModel
from support.scriptload import load_script

REPO = Path(__file__).resolve().parents[2]
MODEL_FILE = REPO / "src" / "rettesnor" / "models" / "offensive.json"
DKHATE = REPO.parent / "shared" / "datasets" / "dkhate" / "offenseval-da-training-v1.tsv"
COUNTRY = {"da": "DK", "nb": "NO", "nn": "NO", "sv": "SE", "en": "DK"}


def ctx(lang: str) -> AnalysisContext:
    return AnalysisContext(kind="comment", language=lang, country=COUNTRY[lang])


def _trainer() -> ModuleType:
    return load_script(REPO / "scripts" / "train_offensive.py")


def test_model_is_plain_json_with_the_documented_fields() -> None:
    doc = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert doc["format"] == offensive.FORMAT
    assert set(doc["lexicon_weights"]) == set(offensive.LEXICON_SIGNALS)
    assert all(isinstance(f[0], str) and len(f) == 3 for f in doc["features"][:100])
    assert doc["training"]["data"]["dkhate"]["texts"] == 2960
    assert {"nb", "sv"} <= set(doc["training"]["data"])
    m = offensive.model()
    assert len(m.coef) == len(doc["features"]) > 10_000


def test_broken_model_files_are_refused() -> None:
    with pytest.raises(ModelError):
        OffensiveModel.from_json("{not json")
    with pytest.raises(ModelError):
        OffensiveModel.from_json('{"format": "pickle"}')
    with pytest.raises(ModelError):
        OffensiveModel.from_json(json.dumps({"format": offensive.FORMAT, "max_n": 5}))


def test_scores_are_deterministic_and_match_a_fresh_load() -> None:
    text = "Du er en idiot og kommunen er noget lort"
    first = offensive.model().probability(text, ("insult",))
    fresh = OffensiveModel.from_json(MODEL_FILE.read_text(encoding="utf-8"))
    assert fresh.probability(text, ("insult",)) == first
    assert offensive.model().probability(text, ("insult",)) == first


OFFENSIVE = [
    ("da", "Du er en kæmpe idiot og et dumt svin"),
    ("da", "Hold kæft din lorte kælling"),
    ("nb", "Du er en jævla idiot som ikke skjønner noe"),
    ("nn", "Du er ein idiot som ikkje skjønar noko"),
    ("sv", "Du är en jävla idiot som inte fattar någonting"),
    ("sv", "Håll käften ditt pucko"),
    ("en", "You are a fucking idiot"),
]
CLEAN = [
    ("da", "Tak for en dejlig dag i parken, godt arbejde alle sammen"),
    ("da", "Hvornår åbner svømmehallen igen efter sommerferien?"),
    ("nb", "Når blir veien brøytet? Vi har ventet siden i går"),
    ("nn", "Kvifor er biblioteket stengt på laurdagar?"),
    ("sv", "Tack för en fin dag på torget, bra jobbat allihop"),
    ("sv", "Den här kakan är syndigt god"),
    ("en", "Thank you for fixing the street light so quickly"),
]


@pytest.mark.parametrize(("lang", "text"), OFFENSIVE)
def test_offensive_comments_give_a_signal(lang: str, text: str) -> None:
    signals = list(offensive.detect(text, ctx(lang)))
    assert len(signals) == 1
    s = signals[0]
    assert s.name in ("insult", "hate", "profanity") and s.detector == offensive.DETECTOR
    assert (s.start, s.end) == (0, 0)
    ev = s.evidence
    assert ev["classifier"] >= 0.5 and ev["top_features"]
    assert ev["agreement"] in ("lexicon and classifier", "classifier only")


@pytest.mark.parametrize(("lang", "text"), CLEAN)
def test_clean_comments_give_none(lang: str, text: str) -> None:
    assert list(offensive.detect(text, ctx(lang))) == []
    assert offensive.assess(text, ctx(lang)).agreement in ("neither", "lexicon only")


def test_agreement_is_reported() -> None:
    both = offensive.assess("Du er en idiot", ctx("da"))
    assert both.offensive and both.lexicon == ("insult",) and both.agreement == "lexicon and classifier"
    [signal] = offensive.detect("Du er en idiot", ctx("da"))
    assert signal.name == "insult" and signal.evidence["lexicon"] == ["insult"]
    # the classifier alone: no lexicon signals given
    alone = offensive.assess("Du er en idiot", ctx("da"), lexicon_signals=[])
    assert alone.agreement in ("classifier only", "neither")


def test_detect_many_gives_what_detect_gives() -> None:
    texts = [t for _, t in OFFENSIVE + CLEAN if _ == "da"] + ["", "   ", "!!!"]
    many = offensive.detect_many(texts, ctx("da"))
    for i, text in enumerate(texts):
        assert many.get(i, []) == list(offensive.detect(text, ctx("da")))


def test_bounded_on_long_input() -> None:
    assert offensive.model().probability("idiot " * 200_000) > 0.5
    assert offensive.model().probability("") < 0.5


@pytest.mark.skipif(not DKHATE.is_file(), reason="DKHate is not beside the repository")
def test_training_command_on_a_subset(tmp_path: Path) -> None:
    train = _trainer()
    out = tmp_path / "model.json"
    assert train.main(["--limit", "300", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert train.main(["--limit", "300", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text  # deterministic
    model = OffensiveModel.from_json(text)
    assert model.meta["data"]["dkhate"]["texts"] == 300
    # the stored model computes what scikit-learn computed when training
    dk = train.read_dkhate(DKHATE).subset(range(300))
    corpus = dk + train.read_extra()
    lex = train.lexicon_features(corpus)
    feats = train.Featurizer(corpus, lex)
    idx = list(range(len(corpus)))
    doc = train.fit(feats, corpus.labels, idx)
    names, idf = feats.vocabulary(idx, train.MIN_DF)
    x = feats.matrix(idx[:50], names, idf, train.LEXICON_SCALE)
    weights = [0.0] * x.shape[1]
    column = {f: k for k, f in enumerate(names)}
    for name, _, coef in doc["features"]:
        weights[column[name]] = coef
    for k, n in enumerate(offensive.LEXICON_SIGNALS):
        weights[len(names) + k] = doc["lexicon_weights"][n]
    fitted = OffensiveModel(doc)
    for row, i in enumerate(idx[:50]):
        start, end = x.indptr[row], x.indptr[row + 1]
        margin = doc["intercept"] + sum(
            v * weights[c] for c, v in zip(x.indices[start:end], x.data[start:end], strict=True)
        )
        assert fitted.margin(corpus.texts[i], lex[i]) == pytest.approx(margin, abs=1e-6)


@pytest.mark.parametrize(
    ("pack", "text"),
    [
        ("no-hustadvika", "Du er en jævla idiot som ikke skjønner noe"),
        ("se-norsjo", "Du är en jävla idiot som inte fattar någonting"),
        ("dk-sonderborg", "Hold kæft din lorte kælling"),
    ],
)
def test_check_carries_the_classifier_evidence(pack: str, text: str) -> None:
    """The classifier runs inside check: a comment's finding names it, with score and top features."""
    from rettesnor.check import check
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    result = check(Item(text, kind="comment"), load_pack(pack)).to_dict()
    evidence = [e for f in result["findings"] for e in f["evidence"] if e["detector"] == offensive.DETECTOR]
    assert evidence, result["findings"]
    assert evidence[0]["classifier"] >= 0.5 and evidence[0]["top_features"]
    assert result["verdict"] in ("review", "hide", "delete")


def test_a_classifier_only_hit_needs_more_confidence() -> None:
    """A harmless short text that one rare word lifts past 0.5 is not reported without the lexicon."""
    text = "Hjørring Kommune inviterer til borgermøde."
    a = offensive.assess(text, ctx("da"))
    assert offensive.model().threshold <= a.probability < offensive.SOLO_THRESHOLD
    assert not a.offensive and a.agreement == "neither"
    assert list(offensive.detect(text, ctx("da"))) == []
    # the same probability with the lexicon's support is reported
    assert offensive.fires(a.probability, offensive.model().threshold, ("insult",))


def test_a_threat_keeps_its_category() -> None:
    [signal] = offensive.detect("Næste gang slår jeg ham ihjel.", ctx("da"))
    assert signal.name == "threat" and signal.evidence["agreement"] == "lexicon and classifier"
