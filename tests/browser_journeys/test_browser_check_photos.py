"""Check a post with a photo in Chromium (issue 13, item 1): upload, see the consent and location findings
in the page's language, download the copy without metadata. Danish (Hjørring) and Swedish (Norsjö)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rettesnor.analysis import images
from support import browsersupport as bs
from support.photos import photo_with_face_and_gps

REASON = bs.missing()
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)

CASES = [
    # login, text, the consent finding's code and words, words of the location finding, the download link
    (
        "hjorring.ansat",
        "Vores nye cykelsti mellem Hjørring og Sindal er åbnet i dag.",
        ("HJ010", "samtykke"),
        "GPS-positionen",
        "Hent en kopi uden metadata",
    ),
    (
        "norsjo.ansat",
        "Nu är den nya cykelvägen mellan Norsjö och Bastuträsk öppen.",
        ("NB017", "sagt ja"),
        "GPS-positionen",
        "Ladda ned en kopia utan metadata",
    ),
]


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


@pytest.mark.parametrize(("login", "text", "consent", "gps_words", "download"), CASES)
def test_check_a_post_with_a_photo_and_download_the_stripped_copy(
    browser: Any,
    server: bs.Server,
    tmp_path: Path,
    login: str,
    text: str,
    consent: tuple[str, str],
    gps_words: str,
    download: str,
) -> None:
    photo = photo_with_face_and_gps(tmp_path / "sommerfest.jpg")
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        bs.sign_in(page, server.url, login)
        page.goto(f"{server.url}/check")
        page.fill("#text", text)
        page.set_input_files("#photo-1", str(photo))
        page.click("form[action='/check'] button[type=submit]")
        page.wait_for_load_state()
        findings = page.locator("ol.findings li")
        assert findings.count() >= 2
        # a face: a finding that asks for consent or a stated basis, naming the photo and its face
        code, words = consent
        person = findings.filter(has=page.locator("code", has_text=code))
        assert person.count() == 1 and words in person.inner_text()
        assert person.locator("p.photo-evidence", has_text="sommerfest.jpg").count() == 1  # the photo named
        # GPS: a finding in the page's language, and a copy without metadata to download
        assert page.locator("ol.findings li", has_text=gps_words).count() == 1
        link = page.locator("a.download-stripped", has_text=download)
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == "sommerfest-stripped.jpg"
        assert images.read_metadata(photo).gps is not None
        assert not images.read_metadata(saved).any and len(images.detect_faces(saved)) == 1
    finally:
        context.close()
