"""Screenshots of the main pages into docs/screenshots/*.png, for the README.

The same set-up as the browser tests (tests/support/browsersupport.py): ``rettesnor serve`` on a fresh demo
database, Debian's Chromium through Playwright. The pages are shown in English to the communications
officer of Hjørring (the public list and the login to nobody). Run::

    make screenshots        # or: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import browsersupport as bs  # noqa: E402
from support.photos import photo_with_face_and_gps  # noqa: E402

CPR_TEXT = (
    "Kom til sommerfest på Skovbo Skole fredag kl. 15! Spørg efter Mette Hansen, CPR 120385-1234, "
    "ved indgangen, eller ring på 20 12 34 56."
)
# (file name, path) of each page, in the order of the README (the check and the moderation queue are
# shot apart: the check with a photo, the queue at a comment with its recommended ground)
PAGES = (
    ("accounts", "/accounts"),
    ("archive", "/archive"),
    ("dashboard", "/dashboard"),
    ("people", "/people"),
    ("tasks", "/tasks"),
    ("guideline", "/guideline"),
)


def shoot(page: Any, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
    print(f"{out / name}.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    reason = bs.missing()
    if reason:
        print(f"screenshots: {reason}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with bs.Server() as server, sync_playwright() as p:
        browser = bs.launch(p)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
        page = context.new_page()
        page.goto(f"{server.url}/login")
        shoot(page, args.out, "login")
        bs.sign_in(page, server.url, "hjorring.komm")
        with page.expect_navigation():  # the demo login reads Danish; the README is in English
            page.select_option("#lang-select", "en")
        with tempfile.TemporaryDirectory() as tmp:  # a photo with a face and a GPS position in its EXIF
            photo = photo_with_face_and_gps(Path(tmp) / "sommerfest.jpg")
            page.goto(f"{server.url}/check")
            page.fill("#text", CPR_TEXT)
            page.set_input_files("#photo-1", str(photo))
            page.click("form[action='/check'] button[type=submit]")
            page.wait_for_load_state()
        page.eval_on_selector("#result-heading", "h => h.scrollIntoView({block: 'start'})")
        shoot(page, args.out, "check")
        page.goto(f"{server.url}/moderation")  # the first comment whose recommendation has a ground
        grounded = page.locator("select[id^='ground-']").filter(has=page.locator("option[selected]"))
        if grounded.count():
            grounded.first.evaluate(
                "s => (s.closest('article, li, section') || s).scrollIntoView({block: 'start'})"
            )
        shoot(page, args.out, "moderation")
        for name, path in PAGES:
            response = page.goto(server.url + path)
            if response is None or response.status >= 400:
                print(f"skipped {path}: {response and response.status}", file=sys.stderr)
                continue
            shoot(page, args.out, name)
        page.goto(f"{server.url}/account/security")  # setting up two-step login (a throwaway key)
        page.click("form[action='/account/security/totp/start'] button[type=submit]")
        page.wait_for_load_state()
        shoot(page, args.out, "two-step-login")
        page.goto(f"{server.url}/public/hjorring/accounts")
        shoot(page, args.out, "public-accounts")
        context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
