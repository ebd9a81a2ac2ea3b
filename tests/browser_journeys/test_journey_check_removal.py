"""A finding of two categories on the check page, in Chromium: Norwegian (Hustadvika) and Danish (Hjørring).

A communications officer pastes a comment that asks about the writer's own case and gives its case number.
The rule that reads both (Hustadvika's HU003, the baseline's NB014 in Hjørring) gives one finding with the
categories case question and case number: the page shows it once, with both categories named in the
officer's language, and its "remove from the text" button offers the case number only. One click takes the
number out and checks the text again: the question stays, the finding is still there as a case question
alone, with nothing left to remove. Nothing on the page is in English, though the browser asks for English.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from rettesnor import labels
from rettesnor.i18n import catalogue
from support import browsersupport as bs

REASON = bs.missing() or (None if bs.AXE.is_file() else f"{bs.AXE} is missing (make test runs npm ci)")
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)

NUMBER = "25/01234"
CASES = {  # organisation: (language, the rule, the comment, the question that stays)
    "hustadvika": (
        "nb",
        "HU003",
        f"Når får jeg svar på søknaden min om barnehageplass? Saksnummer {NUMBER}.",
        "Når får jeg svar på søknaden min om barnehageplass?",
    ),
    "hjorring": (
        "da",
        "NB014",
        f"Hvornår får jeg svar på min ansøgning om plads i børnehaven? Sagsnr. {NUMBER}.",
        "Hvornår får jeg svar på min ansøgning om plads i børnehaven?",
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[bs.Server]:
    if REASON:
        pytest.fail(f"browser tests cannot run in CI: {REASON}")
    with bs.Server() as running:
        yield running


@pytest.fixture(scope="module")
def browser(server: bs.Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = bs.launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # The browser asks for English: what the officer sees in their own language comes from their setting.
    context = browser.new_context(bypass_csp=True, locale="en-GB")  # axe-core is injected inline
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def tr(lang: str, message: str) -> str:
    return catalogue(lang)[message]


def _english_left(text: str, lang: str) -> list[str]:
    """The English source strings of the page catalogue that stand untranslated in ``text``: every msgid
    whose translation differs, as whole words, case-sensitive (the officer's own Norwegian or Danish words
    never spell an English sentence or label)."""
    found = []
    for msgid, translated in catalogue(lang).items():
        english = msgid.split("{")[0].strip(" :.…")  # "Removed {n} place(s)…": the words before a value
        if len(english) < 4 or english == translated or english in translated:
            continue
        if re.search(rf"(?<!\w){re.escape(english)}(?!\w)", text):
            found.append(english)
    return found


def _finding(page: Any, rule: str) -> Any:
    """The one finding of the rule on the page (there is exactly one)."""
    items = page.locator("ol.findings > li").filter(has=page.locator("code", has_text=rule))
    assert items.count() == 1, page.locator("ol.findings").inner_text()
    return items


def _categories(finding: Any) -> str:
    return str(finding.locator(".categories").inner_text())


@pytest.mark.parametrize("org", list(CASES))
def test_a_case_question_with_its_number_is_one_finding_and_the_number_is_removed_with_one_click(
    page: Any, server: bs.Server, org: str
) -> None:
    lang, rule, comment, question = CASES[org]
    question_label = tr(lang, labels.CATEGORIES["case_inquiry"])
    number_label = tr(lang, labels.CATEGORIES["case_number"])
    remove = tr(lang, "Remove from the text")
    bs.sign_in(page, server.url, f"{org}.komm")
    page.goto(f"{server.url}/check")
    page.fill("#text", comment)
    page.select_option("#kind", "comment")
    with page.expect_navigation():
        page.click("form[action='/check'] button[type=submit]")

    # one finding, both categories named in the officer's language, its button offering the number only
    assert page.locator("ol.findings code", has_text=rule).count() == 1
    finding = _finding(page, rule)
    shown = _categories(finding)
    assert question_label in shown and number_label in shown, shown
    button = finding.locator("form[action='/check/redact'] button")
    assert button.count() == 1
    assert button.inner_text().strip() == f"{remove}: “{NUMBER}”"  # not the question's words
    assert page.locator("#marked mark", has_text=NUMBER).count() == 1
    body = page.locator("body").inner_text()
    assert "case_inquiry" not in body and "case_number" not in body
    assert _english_left(body, lang) == []
    found = bs.axe_violations(page)
    assert not found, found

    # one click: the number is out, the question stays, the text is checked again
    with page.expect_navigation():
        button.click()
    text = page.input_value("#text")
    assert NUMBER not in text
    assert text.startswith(question) and f"[{tr(lang, 'removed')}]" in text
    assert page.locator("#redacted").inner_text() == tr(lang, "Removed {n} place(s) from the text.").replace(
        "{n}", "1"
    )
    assert page.locator("#placeholders").count() == 1  # the officer is told to rewrite the sentence
    # the question is still a question about the writer's own case: the finding stays, as that alone,
    # and there is nothing left in it to remove
    finding = _finding(page, rule)
    shown = _categories(finding)
    assert question_label in shown and number_label not in shown, shown
    assert finding.locator("form[action='/check/redact']").count() == 0
    assert page.locator("#marked mark", has_text=NUMBER).count() == 0
    assert page.locator("#marked mark").count() >= 1  # the question's words are still marked
    body = page.locator("body").inner_text()
    assert "case_inquiry" not in body and _english_left(body, lang) == []
    assert "Internal Server Error" not in page.content()
