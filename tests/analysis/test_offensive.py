"""The harmful-comment classifier: safe model format, deterministic scores, one head per category with
its explanation, behaviour on sentences written for these tests (not corpus rows), and the training
command on a small corpus."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

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


def names(text: str, lang: str) -> set[str]:
    return {s.name for s in offensive.detect(text, ctx(lang))}


def test_model_is_plain_json_with_the_documented_fields() -> None:
    doc = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert doc["format"] == offensive.STORED_FORMAT  # not the slow all-JSON form: convert it
    assert [h["name"] for h in doc["heads"]] == list(offensive.HEADS)
    for head in doc["heads"]:
        assert set(head["lexicon_weights"]) == set(offensive.LEXICON_SIGNALS)
        assert 0 < head["threshold"] <= max(head["threshold"], head["solo"]) < 1
    assert doc["weights"]["columns"] == ["idf", *offensive.HEADS]
    assert doc["weights"]["rows"] == len(doc["vocabulary"]) > 10_000
    assert all(isinstance(f, str) for f in doc["vocabulary"])
    data = doc["training"]["data"]
    assert data["dkhate"]["texts"] == 2960
    assert {"nb", "sv"} <= set(data)
    assert {f"harm_{lang}" for lang in ("da", "nb", "nn", "sv", "en")} <= set(data)
    m = offensive.model()
    assert len(m) == len(doc["vocabulary"])
    # the weights file is the one the model file names, and NumPy reads it without pickle
    assert offensive.read_model(MODEL_FILE, check=True).vocabulary == m.vocabulary


def test_the_weights_are_a_plain_npy_matrix() -> None:
    np = pytest.importorskip("numpy")
    weights = np.load(offensive.weights_path(MODEL_FILE), allow_pickle=False)
    m = offensive.model()
    assert weights.shape == (len(m), 1 + len(offensive.HEADS)) and weights.dtype == np.dtype("<f8")
    for k in (0, len(m) // 2, len(m) - 1):
        assert tuple(weights[k].tolist()) == m.feature(m.vocabulary[k])
    written = io.BytesIO()
    np.save(written, weights, allow_pickle=False)
    assert written.getvalue() == offensive.weights_path(MODEL_FILE).read_bytes()  # as NumPy writes it


def test_broken_model_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        OffensiveModel.from_json("{not json")
    with pytest.raises(ModelError):
        OffensiveModel.from_json('{"format": "pickle"}')
    with pytest.raises(ModelError):
        OffensiveModel.from_json(json.dumps({"format": offensive.FORMAT, "max_n": 5}))
    doc = offensive.read_document(MODEL_FILE)
    doc["heads"] = doc["heads"][:3]  # a head missing
    with pytest.raises(ModelError):
        OffensiveModel(doc)
    # the stored form: a weights file that is cut short, of another shape or type, or not the named one
    small = offensive.read_document(MODEL_FILE)
    small["features"] = small["features"][:50]
    path = tmp_path / "offensive.json"
    npy = offensive.write_model(small, path)
    assert offensive.read_model(path).vocabulary == [f[0] for f in small["features"]]
    good = npy.read_bytes()
    for broken in (
        good[:-8],
        good.replace(b"<f8", b"<f4"),
        good.replace(b"(50, 8)", b"(25, 16)"),
        b"\x80\x04",
    ):
        npy.write_bytes(broken)
        with pytest.raises(ModelError):
            offensive.read_model(path, check=False)
    npy.write_bytes(good[:-8] + bytes([0x11] * 8))  # the same size, another number
    with pytest.raises(ModelError):
        offensive.read_model(path, check=True)
    npy.unlink()
    with pytest.raises(ModelError):
        offensive.read_model(path)


def test_scores_are_deterministic_and_match_a_fresh_load() -> None:
    text = "Du er en idiot og kommunen er noget lort"
    first = offensive.model().margins(text, ("insult",))
    fresh = offensive.read_model(MODEL_FILE)
    assert fresh.margins(text, ("insult",)) == first
    assert offensive.model().margins(text, ("insult",)) == first
    assert offensive.model().probability(text, ("insult",)) == offensive.sigmoid(first[0])


def test_the_stored_form_scores_as_the_all_json_form(tmp_path: Path) -> None:
    """The converter's round trip: the model document written in the all-JSON form, converted by
    scripts/convert_offensive_model.py, read back: the same numbers bit for bit and the same scores as
    the document itself (with word pairs too)."""
    doc = offensive.read_document(MODEL_FILE)
    rows = doc["features"][::40]
    rows += [["p:du bor", 3.5, 0.25, -0.5, 0.75, 2.0, 0.0, -1.0, 0.125], ["p:jeg ved", 2.0, *([0.5] * 7)]]
    doc["features"], doc["word_pairs"] = rows, True
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    convert = load_script(REPO / "scripts" / "convert_offensive_model.py")
    assert convert.main([str(old), "--out", str(tmp_path / "new.json")]) == 0
    assert "nothing to do" in convert.convert(tmp_path / "new.json", tmp_path / "new.json")
    new = offensive.read_model(tmp_path / "new.json")
    assert offensive.read_document(tmp_path / "new.json")["features"] == rows
    reference = OffensiveModel(doc)
    unconverted = offensive.read_model(old)  # the all-JSON form is still read (no weights file beside it)
    for text in ("Jeg ved hvor du bor, din idiot", "Hej med dig", "", "ÆØÅ fuck jer alle!!"):
        for lex in ((), ("threat", "insult")):
            assert new.margins(text, lex) == reference.margins(text, lex) == unconverted.margins(text, lex)
            assert new.top_features(text, lex, head="threat") == reference.top_features(
                text, lex, head="threat"
            )
    assert new.pair_weight("p:du bor") == (3.5 * 3.5, *(3.5 * c for c in rows[-2][2:]))
    assert new.pair_weight("p:ikke her") is None


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
def test_offensive_comments_give_an_insult_signal(lang: str, text: str) -> None:
    signals = list(offensive.detect(text, ctx(lang)))
    assert "insult" in {s.name for s in signals}
    for s in signals:
        assert s.name in offensive.CATEGORY_HEADS and s.detector == offensive.DETECTOR
        assert (s.start, s.end) == (0, 0)
        ev = s.evidence
        assert ev["classifier"] >= ev["threshold"] and ev["top_features"]
        assert ev["head"] in offensive.HEADS and ev["agreement"] in (
            "lexicon and classifier",
            "classifier only",
        )


@pytest.mark.parametrize(("lang", "text"), CLEAN)
def test_clean_comments_give_none(lang: str, text: str) -> None:
    assert list(offensive.detect(text, ctx(lang))) == []
    assert offensive.assess(text, ctx(lang)).agreement in ("neither", "lexicon only")


# Written for these tests: what the label guide (corpora/harm/LABEL_GUIDE.md) says each category is and
# is not. The threats of issue 16 are among them.
HARMFUL = [
    ("nn", "Ser eg deg på kommunehuset igjen, skal eg slå deg i hel", "threat"),
    ("nn", "Viss de legg ned skulen vår, så skal eg sørgje for at rådmannen angrar", "threat"),
    ("sv", "Stänger ni skolan så vet jag var rektorn bor. Sista varningen.", "threat"),
    ("da", "Jeg slår jer ihjel.", "threat"),  # a known miss (0.70 < 0.75) until the 2026-12-03 retraining
    ("nb", "Dere har til fredag. Etter det kommer vi og tar saken i egne hender", "threat"),
    ("en", "If you shut the youth club I know where your planning officer parks his car", "threat"),
    ("nb", "Alle somaliere burde kastes ut av landet, de ødelegger alt", "hate"),
    ("sv", "Invandrarna förökar sig som råttor i förorten", "hate"),
    ("da", "Nogen burde give borgmesteren en ordentlig omgang tæsk", "violence"),
    ("en", "Nice legs on the new receptionist, I'd love to see more of them in private", "sexual"),
]
# The offensive head follows OffensEval, where any swear word and a mentioned insult are OFF; the
# category heads follow the harm corpus's label guide. Where only the offensive head fires it still gives
# a signal (DKHate needs it, docs/evaluation.md), so these two get one from it, not from a category head.
OFFENSEVAL_OFF = pytest.mark.xfail(strict=True, reason="the offensive head's signal (OffensEval's scheme)")
HARMLESS = [
    pytest.param("nb", "For et jævla stort hav, nydelig tur langs stranden i dag", marks=OFFENSEVAL_OFF),
    pytest.param(
        "da", "Han kaldte mig en idiot på mødet, og det synes jeg ikke er i orden", marks=OFFENSEVAL_OFF
    ),
    ("sv", "Jag dör av skratt åt den här bilden från julmarknaden"),
    ("nb", "Jeg kommer til å klage saken inn for Sivilombudet"),
    ("en", "A man was assaulted near the station last night, please take care walking home"),
    ("nn", "Takk for ein fin kveld på biblioteket, de gjer ein kjempejobb"),
]


@pytest.mark.parametrize(("lang", "text", "category"), HARMFUL)
def test_harmful_comments_give_their_category(lang: str, text: str, category: str) -> None:
    signals = {s.name: s for s in offensive.detect(text, ctx(lang))}
    assert category in signals, signals
    s = signals[category]
    assert s.evidence["head"] == category and s.evidence["top_features"]
    assert s.evidence["classifier"] == pytest.approx(s.score, abs=0.001)


@pytest.mark.parametrize(("lang", "text"), HARMLESS)
def test_hard_negatives_give_no_signal(lang: str, text: str) -> None:
    """Swearing as an intensifier, a quoted insult, an idiom, lawful pressure, a report, thanks."""
    assert names(text, lang) == set()


def _plain(cases: list[Any]) -> list[tuple[str, ...]]:
    """The cases without their pytest marks."""
    return [tuple(c.values) if hasattr(c, "marks") else c for c in cases]


@pytest.mark.parametrize(("lang", "text"), _plain(HARMLESS))
def test_hard_negatives_give_no_category_head(lang: str, text: str) -> None:
    """No category head fires on them (the label guide's hard negatives)."""
    heads = {s.evidence["head"] for s in offensive.detect(text, ctx(lang))}
    assert not heads & set(offensive.CATEGORY_HEADS)


def test_agreement_is_reported() -> None:
    both = offensive.assess("Du er en idiot", ctx("da"))
    assert both.offensive and both.lexicon == ("insult",) and both.agreement == "lexicon and classifier"
    assert "insult" in both.categories
    signals = {s.name: s for s in offensive.detect("Du er en idiot", ctx("da"))}
    assert signals["insult"].evidence["lexicon"] == ["insult"]
    assert signals["insult"].evidence["agreement"] == "lexicon and classifier"
    # the classifier alone: no lexicon signals given
    alone = offensive.assess("Du er en idiot", ctx("da"), lexicon_signals=[])
    assert alone.agreement in ("classifier only", "neither")


def test_each_head_explains_itself() -> None:
    """Two categories on one text: each signal has its own head's probability and top features."""
    text = "Ser eg deg på kommunehuset igjen, skal eg slå deg i hel, din jævla idiot"
    signals = {s.name: s for s in offensive.detect(text, ctx("nn"))}
    assert {"threat", "insult"} <= set(signals)
    assert signals["threat"].evidence["top_features"] != signals["insult"].evidence["top_features"]
    m = offensive.model()
    for name, s in signals.items():
        assert s.score == m.probability(text, s.evidence["lexicon"], head=name)


def test_detect_many_gives_what_detect_gives() -> None:
    texts = [t for _, t in OFFENSIVE + CLEAN if _ == "da"] + ["", "   ", "!!!"]
    texts += [t for lang, t, _ in _plain(HARMFUL) if lang == "da"]
    many = offensive.detect_many(texts, ctx("da"))
    for i, text in enumerate(texts):
        assert many.get(i, []) == list(offensive.detect(text, ctx("da")))


def test_bounded_on_long_input() -> None:
    assert offensive.model().probability("idiot " * 200_000) > 0.5
    assert offensive.model().probability("") < 0.5


def test_the_offensive_head_alone_is_named_by_a_category() -> None:
    """Where only the OFF/NOT head fires, its signal takes the lexicon's category, else the likeliest
    category head's, never a name outside the contract."""
    m = offensive.model()
    z = [10.0] + [-10.0] * len(offensive.CATEGORY_HEADS)
    z[offensive.HEADS.index("hate")] = -1.0
    [alone] = offensive._signals(m, "x", z, [0], ())
    assert alone.name == "hate" and alone.evidence["head"] == offensive.OFFENSIVE_HEAD
    [lexicon] = offensive._signals(m, "x", z, [0], ("profanity",))
    assert lexicon.name == "profanity" and lexicon.evidence["agreement"] == "lexicon and classifier"


def test_a_head_without_the_lexicon_needs_its_solo_threshold() -> None:
    m = offensive.model()
    off = m.heads[0]
    assert off.solo > off.threshold  # a classifier-only OFF hit needs more confidence
    between = (off.threshold + off.solo) / 2
    assert offensive.fires(between, off.threshold, ("insult",), off.solo)
    assert not offensive.fires(between, off.threshold, (), off.solo)
    z = [offensive.logit(between)] + [-10.0] * len(offensive.CATEGORY_HEADS)
    assert m.firing(z, True) == [0] and m.firing(z, False) == []


def test_a_head_can_have_its_own_thresholds_per_language() -> None:
    """A model may carry a (threshold, solo) pair per language for a head: a text of that language is
    held to it, any other language (or none) to the head's own pair."""
    doc = offensive.read_document(MODEL_FILE)
    for head in doc["heads"]:
        head["languages"] = {"sv": [0.999, 0.999]}
    m = OffensiveModel(doc)
    z = [5.0] * len(offensive.HEADS)  # p = 0.993: above every shipped threshold, below 0.999
    everyone = list(range(len(offensive.HEADS)))
    assert m.firing(z, True, "da") == everyone == m.firing(z, True) == m.firing(z, False, "nb")
    assert m.firing(z, True, "sv") == [] == m.firing(z, False, "sv")
    assert m.heads[1].pair("sv") == (0.999, 0.999)
    assert m.heads[1].pair(None) == (m.heads[1].threshold, m.heads[1].solo)


def test_the_naive_bayes_ratio_favours_the_positives_features() -> None:
    from scipy.sparse import csr_matrix

    train = _trainer()
    # columns: seen in the positive only, in the negative only, in both; then one lexicon column
    x = csr_matrix([[0.5, 0.0, 0.2, 0.3], [0.0, 0.5, 0.2, 0.3]])
    ratio = train.nb_ratio(x, [1, 0], None, 3)
    assert ratio[0] > 0 > ratio[1]
    assert ratio[2] == pytest.approx(0.0)
    assert ratio[3] == 1.0  # the lexicon columns are not scaled


def test_a_short_harmless_text_with_a_rare_word_gives_none() -> None:
    assert names("Hjørring Kommune inviterer til borgermøde.", "da") == set()


def test_a_threat_keeps_its_category() -> None:
    signals = {s.name: s for s in offensive.detect("Næste gang slår jeg ham ihjel.", ctx("da"))}
    assert signals["threat"].evidence["agreement"] == "lexicon and classifier"


def test_the_split_rule_is_the_datasheets() -> None:
    train = _trainer()
    ids = [f"da-{k:04d}" for k in range(1, 1001)]
    share = sum(train.split_of(i) == "test" for i in ids) / len(ids)
    assert 0.25 < share < 0.35
    assert train.split_of("nb-0001") == train.split_of("nb-0001")


TINY = [
    ("Du er en idiot", ["insult"]),
    ("Din dumme klovn på rådhuset", ["insult"]),
    ("Alle muslimer skal smides ud", ["hate"]),
    ("Sorte mennesker er dyr", ["hate"]),
    ("Jeg ved hvor du bor", ["threat"]),
    ("Jeg slår dig ihjel i morgen", ["threat", "violence"]),
    ("Fuck jer alle sammen", ["profanity"]),
    ("Sikke noget lort kommunen laver", ["profanity"]),
    ("Flotte bryster på pædagogen", ["sexual"]),
    ("Send mig nøgenbilleder skat", ["sexual"]),
    ("Nogen burde skyde ham", ["violence"]),
    ("Tak for hjælpen", []),
    ("Hvornår kommer skraldebilen", []),
    ("Godt arbejde med vejene", []),
    ("Biblioteket er lukket i dag", []),
]


@pytest.mark.skipif(not DKHATE.is_file(), reason="DKHate is not beside the repository")
def test_training_command_on_a_subset(tmp_path: Path) -> None:
    train = _trainer()
    harm = tmp_path / "harm"
    harm.mkdir()
    # Twice the tiny set (its train rows only are read), with ids numbered like the corpus.
    lines = []
    for k, (text, labels) in enumerate(TINY * 4, start=1):
        row = {"id": f"da-{k:04d}", "text": f"{text} {k}", "labels": labels, "target": "none"}
        lines.append(json.dumps(row, ensure_ascii=False))
    (harm / "da.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "model.json"
    args = ["--limit", "300", "--harm", str(harm), "--out", str(out)]
    assert train.main(args) == 0
    text, weights = out.read_bytes(), offensive.weights_path(out).read_bytes()
    assert train.main(args) == 0
    assert (out.read_bytes(), offensive.weights_path(out).read_bytes()) == (text, weights)  # deterministic
    model = offensive.read_model(out)
    assert model.meta["data"]["dkhate"]["texts"] == 300
    kept = sum(train.split_of(f"da-{k:04d}") == "train" for k in range(1, len(TINY) * 4 + 1))
    assert model.meta["data"]["harm_da"]["texts"] == kept
    # the stored model computes what scikit-learn computed when training, for every head
    corpus = train.load_all(DKHATE, harm=harm, limit=300)
    lex = train.lexicon_features(corpus)
    feats = train.Featurizer(corpus, lex)
    idx = list(range(len(corpus)))
    doc = train.fit(feats, corpus, idx)
    vocab, idf = feats.vocabulary(idx, train.MIN_DF)
    x = feats.matrix(idx[:50] + idx[-20:], vocab, idf, train.LEXICON_SCALE)
    column = {f: k for k, f in enumerate(vocab)}
    fitted = OffensiveModel(doc)
    for h, head in enumerate(doc["heads"]):
        weights = [0.0] * x.shape[1]
        for row in doc["features"]:
            weights[column[row[0]]] = row[2 + h]
        for k, n in enumerate(offensive.LEXICON_SIGNALS):
            weights[len(vocab) + k] = head["lexicon_weights"][n]
        for r, i in enumerate(idx[:50] + idx[-20:]):
            start, end = x.indptr[r], x.indptr[r + 1]
            margin = head["intercept"] + sum(
                v * weights[c] for c, v in zip(x.indices[start:end], x.data[start:end], strict=True)
            )
            assert fitted.margins(corpus.texts[i], lex[i])[h] == pytest.approx(margin, abs=1e-6)


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
    assert evidence[0]["classifier"] >= evidence[0]["threshold"] and evidence[0]["top_features"]
    assert result["verdict"] in ("review", "hide", "delete")


# Written for these tests after the threat head's false alarm on a harmless reply (docs/evaluation.md
# (h)); not in the corpus nor in corpora/harm/train-extra. Municipal replies and comments that mention a
# neighbour, an address, a deadline, a visit or the police are not threats; the same words used to
# menace someone are.
HARMLESS_REPLIES = [
    ("da", "Vi har været forbi din adresse og kigget på skraldespanden."),
    ("da", "Din nabo har fået besked om, at træet skal beskæres inden foråret."),
    ("da", "Sidste frist for at søge om plads i børnehaven er den 1. marts."),
    ("nb", "Vi har vært innom adressen din og sett på søppeldunken."),
    ("nb", "Naboen din har fått beskjed om at treet må beskjæres før våren."),
    ("nb", "Siste frist for å søke barnehageplass er 1. mars."),
    ("sv", "Vi har varit förbi din adress och tittat på soptunnan."),
    ("sv", "Din granne har fått besked om att trädet ska beskäras före våren."),
    ("sv", "Sista dag att söka förskoleplats är den 1 mars."),
]
LOOK_ALIKE_THREATS = [
    ("da", "Jeg ved hvor du bor, og jeg kommer efter dig i aften."),
    ("da", "Hvis I lukker børnehaven, brænder vi rådhuset ned."),
    ("nb", "Jeg vet hvor du bor, og jeg kommer etter deg i kveld."),
    ("sv", "Jag vet var du bor, och jag kommer efter dig i kväll."),
]


@pytest.mark.parametrize(("lang", "text"), HARMLESS_REPLIES)
def test_a_harmless_reply_about_a_neighbour_or_a_deadline_is_no_threat(lang: str, text: str) -> None:
    assert "threat" not in names(text, lang)


@pytest.mark.parametrize(("lang", "text"), LOOK_ALIKE_THREATS)
def test_the_same_words_used_to_menace_are_a_threat(lang: str, text: str) -> None:
    assert "threat" in names(text, lang)


# Written for these tests on 2026-12-04 evening, after the rows of corpora/harm/unused-2026-12-04-evening
# were measured (issue 16 item 3); in no corpus file. Swearing as a mere intensifier in praise or a neutral
# remark is harmless by the label guide, so no category head may fire on it (the offensive head follows
# OffensEval, where any swear word is OFF, and may still give its own signal: docs/evaluation.md (a)).
# Four of them get the profanity head with the model of 2026-12-04: marked as known misses, strict, so a
# retrained model that fixes one fails here until the marker is removed.
PROFANITY_HEAD_MISS = pytest.mark.xfail(
    strict=True, reason="known: the profanity head reads the swear word itself (issue 16 item 3)"
)
INTENSIFIER_SWEARING = [
    pytest.param("da", "Sikke en fandens flot regnbue over kirken i eftermiddags", marks=PROFANITY_HEAD_MISS),
    ("da", "Det var sgu en god idé med den nye bænk ved åen, tak"),
    ("nb", "Jævlig fint med nye lekeapparater i barnehagen på Haugen"),
    ("nb", "Faen så godt det smakte med vafler på dugnaden i går"),
    ("nn", "Jævleg flott at biblioteket har fått nye sofaer, takk"),
    pytest.param("nn", "Faen så fin vinterdag det var i skiløypa på Fjellstad", marks=PROFANITY_HEAD_MISS),
    pytest.param("sv", "Jävligt trevlig personal på vårdcentralen i Björkby idag", marks=PROFANITY_HEAD_MISS),
    ("sv", "Fan vad fint det blev med nya belysningen i parken"),
    ("en", "Bloody marvellous job on the new bandstand in Elm Park"),
    pytest.param(
        "en", "Damn tasty pancakes at the scout hut fundraiser this morning", marks=PROFANITY_HEAD_MISS
    ),
]
# Threats in the second person (du/deg/eg/dig/you) are threats, not sexual: the sexual head once read
# "deg" and "eg" as sexual in "Ser eg deg på kommunehuset igjen, skal eg slå deg i hel".
SECOND_PERSON_THREATS = [
    ("nb", "Ser jeg deg ved skolen i morgen, skal jeg knuse deg"),
    ("nn", "Møter eg deg ved kaia i kveld, skal eg banke deg opp"),
    # Sexual 0.61 from "eg"/"deg" with the model of 2026-12-04; none since the retraining of 2026-12-05.
    ("nn", "Eg veit kvar du bur, og eg kjem etter deg i natt"),
    ("da", "Ser jeg dig ved hallen igen, banker jeg dig sønder og sammen"),
    ("sv", "Ser jag dig vid stationen igen ska jag slå sönder dig"),
    ("en", "If I see you near the library again I'll batter you"),
]


@pytest.mark.parametrize(("lang", "text"), INTENSIFIER_SWEARING)
def test_intensifier_swearing_gets_no_category_head(lang: str, text: str) -> None:
    heads = {s.evidence["head"] for s in offensive.detect(text, ctx(lang))}
    assert not heads & set(offensive.CATEGORY_HEADS), heads


@pytest.mark.parametrize(("lang", "text"), SECOND_PERSON_THREATS)
def test_a_second_person_threat_is_a_threat_and_not_sexual(lang: str, text: str) -> None:
    got = names(text, lang)
    assert "threat" in got and "sexual" not in got, got


def test_train_extra_rows_reach_the_train_split_only(tmp_path: Path) -> None:
    train = _trainer()
    (tmp_path / "train-extra").mkdir()
    (tmp_path / "da.jsonl").write_text(
        "".join(
            json.dumps({"id": f"da-{k:04d}", "text": f"tekst {k}", "labels": []}) + "\n" for k in range(1, 21)
        ),
        encoding="utf-8",
    )
    extra = [{"id": f"da-extra-{k:04d}", "text": f"ekstra {k}", "labels": ["threat"]} for k in range(1, 21)]
    (tmp_path / "train-extra" / "da.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in extra), encoding="utf-8"
    )
    got = train.read_harm(tmp_path, languages=("da",))
    test = train.read_harm(tmp_path, split="test", languages=("da",))
    # every extra row is read into train, whatever its id hashes to, and none into test
    assert got.sources.count("harm_extra") == 20
    assert not any(t.startswith("ekstra") for t in test.texts)
    assert all(s == "harm" for s in test.sources)
    # the corpus rows come first, in their order, so CV folds over them do not move
    assert got.sources[: got.sources.count("harm")] == ["harm"] * got.sources.count("harm")


def test_an_extra_id_in_the_split_corpus_is_refused(tmp_path: Path) -> None:
    train = _trainer()
    row = {"id": "da-extra-0001", "text": "tekst", "labels": []}
    (tmp_path / "da.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        train.read_harm(tmp_path, languages=("da",))


def test_e_mail_and_web_addresses_are_not_tokens() -> None:
    text = "Skriv til anne.hansen@kommune.dk eller se https://kommune.dk/a?b=1 og www.x.dk"
    assert offensive.tokens(text) == ["skriv", "til", "eller", "se", "og"]
    assert offensive.tokens("@USER du er en idiot") == ["@user", "du", "er", "en", "idiot"]


@pytest.mark.parametrize("domain", ["hjoerring.dk", "example.dk", "kommune.no", "kommun.se"])
def test_a_post_listing_staff_addresses_gives_no_harm_signal(domain: str) -> None:
    staff = ["anne.hansen", "peter.nielsen", "mette.larsen", "jens.madsen", "lone.berg", "ole.kristensen"]
    text = "Kontakt vores medarbejdere: " + ", ".join(f"{n}@{domain}" for n in staff)
    text += " eller " + " ".join(f"borger{k}@{domain}" for k in range(30))
    assert names(text, "da") == set()


# "Someone should …" is not violence by itself. The label guide's incitement ("someone should beat him up")
# once taught the violence head the frame: harmless requests such as "Someone should complain about
# this." got violence 0.96-0.99 (top features "someone", "should", "burde", "noen"). These sentences were
# written on 2026-12-05 after the model was retrained with the "someone should" rows of
# corpora/harm/train-extra (ids -0401 to -0454), and are in no corpus file. The model before gave
# violence to the da, nb and en requests here.
SOMEONE_SHOULD_HARMLESS = [
    ("da", "Der burde nogen rydde cykelstien i morgen tidlig."),
    ("da", "Nogen burde ringe til vandværket."),
    ("nb", "Noen burde måke sykkelveien i morgen tidlig."),
    ("nb", "Noen burde sjekke hvorfor bussen alltid er forsinket."),
    ("nn", "Nokon burde ringje til vassverket."),
    ("nn", "Folk burde møte opp på folkemøtet på torsdag."),
    ("sv", "Någon borde skotta cykelbanan i morgon bitti."),
    ("sv", "Någon borde ta reda på varför bussen alltid är sen."),
    ("en", "Someone should ring the water company."),
    ("en", "Someone ought to clear the cycle path first thing tomorrow."),
]
# The false alarms as reported (found as a user). Near variants of them are among the train-extra rows,
# so these are regression checks, not a fair measurement.
SOMEONE_SHOULD_REPORTED = [
    ("en", "Someone should complain about this."),
    ("nb", "Noen burde gjøre noe med veien."),
    ("nb", "Noen burde klage på dette."),
    ("da", "Nogen burde gøre noget ved det."),
]
SOMEONE_SHOULD_INCITEMENT = [
    ("da", "Nogen burde give ham en ordentlig omgang bank."),
    ("nb", "Noen burde gi ham en skikkelig omgang juling."),
    ("nn", "Nokon burde slå han gul og blå."),
    ("sv", "Någon borde ge honom en rejäl omgång stryk."),
    ("en", "Somebody should stab that councillor."),
]


@pytest.mark.parametrize(("lang", "text"), SOMEONE_SHOULD_HARMLESS + SOMEONE_SHOULD_REPORTED)
def test_a_harmless_someone_should_request_is_no_violence(lang: str, text: str) -> None:
    got = names(text, lang)
    assert not got & {"violence", "threat"}, got


@pytest.mark.parametrize(("lang", "text"), SOMEONE_SHOULD_INCITEMENT)
def test_someone_should_with_a_call_to_violence_is_still_violence(lang: str, text: str) -> None:
    assert "violence" in names(text, lang)
