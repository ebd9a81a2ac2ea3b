"""Signals that depend on the kind of content and the organisation: disclaimers, work e-mail, channels."""

from __future__ import annotations

import time

import pytest

from rettesnor.analysis import analyse, discourse
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal
from support.worstcase import GUARD_S

HJ = ("Hjørring Kommune",)
HU = ("Hustadvika kommune",)


def ctx(kind: str, language: str = "da", country: str = "DK", **kw: object) -> AnalysisContext:
    return AnalysisContext(kind=kind, language=language, country=country, **kw)  # type: ignore[arg-type]


def detect(text: str, c: AnalysisContext) -> list[Signal]:
    return list(discourse.detect(text, c))


def names(text: str, c: AnalysisContext) -> set[str]:
    return {s.name for s in detect(text, c)}


# -- the organisation and the workplace ---------------------------------------------------------------


def test_org_name_any_case_and_genitive() -> None:
    text = "Jeg er stolt af HJØRRING  kommunes nye bibliotek"
    sigs = detect(text, ctx("official_post", organisation_names=HJ))
    org = [s for s in sigs if s.name == "marker.org_named"]
    assert [text[s.start : s.end] for s in org] == ["HJØRRING  kommunes"]
    assert {"marker.org_named", "marker.workplace"} <= {s.name for s in sigs}


def test_org_name_is_a_whole_word() -> None:
    assert "marker.org_named" not in names("Nordhjørring Kommunestyre", ctx("comment", organisation_names=HJ))


def test_no_org_names_configured() -> None:
    assert names("Hjørring Kommune", ctx("comment")) == set()


# -- private posts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "country", "names_", "text"),
    [
        ("da", "DK", HJ, "Hjørring Kommune har lavet en elendig plan for skolerne"),
        ("da", "DK", HJ, "Der er dårlig stemning på min arbejdsplads for tiden"),
        ("da", "DK", HJ, "Kommunens ledelse lytter ikke"),
        ("nb", "NO", HU, "Hustadvika kommune bør skjerpe seg"),
        ("nb", "NO", HU, "Det er kaos på jobben for tiden"),
        ("sv", "SE", ("Norsjö kommun",), "Norsjö kommuns nya plan är dålig"),
        ("sv", "SE", ("Norsjö kommun",), "Min arbetsplats har dålig ledning"),
    ],
)
def test_private_post_about_the_workplace_without_disclaimer(
    language: str, country: str, names_: tuple[str, ...], text: str
) -> None:
    sigs = detect(text, ctx("private_post", language, country, organisation_names=names_))
    missing = [s for s in sigs if s.name == "missing_disclaimer"]
    assert len(missing) == 1
    assert missing[0].evidence["subtype"] == "no_disclaimer"
    assert missing[0].end > missing[0].start  # points at the workplace mention


@pytest.mark.parametrize(
    ("language", "country", "names_", "text"),
    [
        ("da", "DK", HJ, "Jeg er ansat i Hjørring Kommune, og planen for skolerne er dårlig"),
        ("da", "DK", HJ, "Hjørring Kommune har en dårlig plan. Det er mine egne holdninger."),
        ("nb", "NO", HU, "Jeg jobber i Hustadvika kommune, men skriver som privatperson"),
        ("nn", "NO", HU, "Eg er tilsett i Hustadvika kommune. Planen er dårleg."),
        ("sv", "SE", ("Norsjö kommun",), "Norsjö kommun gör fel. Åsikterna är mina egna."),
        ("en", "DK", HJ, "Hjørring Kommune is slow. Views are my own."),
    ],
)
def test_private_post_with_disclaimer_or_role(
    language: str, country: str, names_: tuple[str, ...], text: str
) -> None:
    found = names(text, ctx("private_post", language, country, organisation_names=names_))
    assert "missing_disclaimer" not in found
    assert "marker.workplace" in found


def test_private_post_not_about_work() -> None:
    assert "missing_disclaimer" not in names(
        "Dejlig tur i skoven i dag", ctx("private_post", organisation_names=HJ)
    )


def test_only_private_posts_need_a_disclaimer() -> None:
    text = "Hjørring Kommune har en ny plan"
    for kind in ("official_post", "reply", "comment", "internal_message"):
        assert "missing_disclaimer" not in names(text, ctx(kind, organisation_names=HJ))


def test_work_email_in_private_post() -> None:
    text = "Skriv til mig på mette.hansen@hjoring.dk eller mh@post.hjoring.dk, ikke privat@gmail.com"
    sigs = [
        s
        for s in detect(text, ctx("private_post", work_email_domains=("hjoring.dk",)))
        if s.name == "work_email_private"
    ]
    assert [text[s.start : s.end] for s in sigs] == ["mette.hansen@hjoring.dk", "mh@post.hjoring.dk"]
    assert sigs[0].evidence["domain"] == "hjoring.dk"


def test_work_email_only_in_private_posts_and_own_domains() -> None:
    domains = ("hjoring.dk",)
    official = ctx("official_post", work_email_domains=domains)
    assert "work_email_private" not in names("Skriv til info@hjoring.dk", official)
    private = ctx("private_post", work_email_domains=domains)
    assert "work_email_private" not in names("Skriv til mig@nothjoring.dk", private)
    assert "work_email_private" not in names("Skriv til mig@hjoring.dk", ctx("private_post"))


# -- account profiles -------------------------------------------------------------------------------


def test_profile_must_name_the_organisation() -> None:
    sigs = detect("Nyheder fra skolerne i byen", ctx("account_profile", organisation_names=HJ))
    [missing] = [s for s in sigs if s.name == "missing_disclaimer"]
    assert missing.evidence["subtype"] == "org_not_named"
    assert (missing.start, missing.end) == (0, 0)
    ok = names("Officiel side for Hjørring Kommunes skoler", ctx("account_profile", organisation_names=HJ))
    assert "missing_disclaimer" not in ok and "marker.org_named" in ok


def test_profile_without_configured_names_looks_for_a_generic_word() -> None:
    assert "missing_disclaimer" not in names("Nyheter fra kommunen", ctx("account_profile", "nb", "NO"))
    assert "missing_disclaimer" in names("Nyheter fra skolen", ctx("account_profile", "nb", "NO"))


# -- internal messages ------------------------------------------------------------------------------


def test_unapproved_channel() -> None:
    approved = ("Teams", "Outlook")
    sigs = detect(
        "Hvem tager vagten?", ctx("internal_message", channel="Snapchat", approved_channels=approved)
    )
    [sig] = [s for s in sigs if s.name == "marker.unapproved_channel"]
    assert sig.evidence["channel"] == "Snapchat"
    assert sig.evidence["approved"] == ["outlook", "teams"]
    ok = ctx("internal_message", channel="teams", approved_channels=approved)
    assert "marker.unapproved_channel" not in names("Hvem tager vagten?", ok)
    no_channel = ctx("internal_message", approved_channels=approved)
    assert "marker.unapproved_channel" not in names("Hvem tager vagten?", no_channel)
    other_kind = ctx("private_post", channel="Snapchat", approved_channels=approved)
    assert "marker.unapproved_channel" not in names("Hvem tager vagten?", other_kind)


# -- images -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("da", "Dejlig dag med børnene i Fritidsklubben"),
        ("nb", "Flott innsats av elevene i dag"),
        ("sv", "Tack till alla deltagare i loppet"),
        ("en", "Thanks to all the participants"),
    ],
)
def test_image_with_people_mentioned(language: str, text: str) -> None:
    c = ctx(
        "official_post", language, {"da": "DK", "nb": "NO", "sv": "SE", "en": "DK"}[language], has_images=True
    )
    [sig] = [s for s in detect(text, c) if s.name == "marker.image_people"]
    assert sig.evidence["explanation"] == "image attached + people mentioned"


def test_image_people_needs_an_image_and_people() -> None:
    assert "marker.image_people" not in names("Dejlig dag med børnene", ctx("official_post"))
    assert "marker.image_people" not in names("Den nye cykelsti", ctx("official_post", has_images=True))
    assert "marker.image_people" not in names("Dejlig dag med børnene", ctx("comment", has_images=True))


def test_no_duplicate_when_the_lexicon_already_saw_the_photos() -> None:
    c = ctx("official_post", has_images=True)
    text = "Se billederne fra dagen med børnene"
    assert "marker.image_people" not in names(text, c)  # discourse adds nothing ...
    assert "marker.image_people" in {s.name for s in analyse(text, c)}  # ... the lexicon found it


# -- together ---------------------------------------------------------------------------------------


def test_analyse_runs_lexicon_once_for_discourse() -> None:
    c = ctx("private_post", organisation_names=HJ)
    found = {s.name for s in analyse("Hjørring Kommune er en flok idioter", c)}
    assert {"insult", "missing_disclaimer", "marker.org_named", "marker.workplace"} <= found


def test_one_megabyte_in_under_a_second() -> None:
    c = ctx(
        "private_post",
        organisation_names=HJ,
        work_email_domains=("hjoring.dk",),
        has_images=True,
    )
    for text in (
        "a" * 1_000_000,
        "@" * 1_000_000,
        "a." * 500_000 + "@",
        ("x@hjoring.dk " * 80_000)[:1_000_000],
        "Hjørring Kommune " * 60_000,
        "Hjørring " * 110_000,
    ):
        t0 = time.perf_counter()
        list(discourse.detect(text, c))
        assert time.perf_counter() - t0 < GUARD_S
