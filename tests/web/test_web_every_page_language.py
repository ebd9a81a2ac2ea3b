"""Every page a person reads, in Danish, Norwegian bokmål and Swedish, holds no English message.

Each demo login of a Danish, a Norwegian and a Swedish organisation (communications officer, unit
leader, records manager, employee) opens every page of its menu and one page of each kind linked from
them, the error pages (not found, forbidden, a bad value, a missing record) and the login page as the
browser's language asks. The visible text (and the labels read aloud: aria-label, title, placeholder,
alt) is searched for English: two or more English words in one text, a code such as ``case_inquiry``
or ``undesignated-author:``, or an English label alone ("Off", "None"). Rule codes (HJ005, NB012),
``<code>``, typed input and anything marked with another ``lang`` are not read.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from support.webapp import TestClient, login, make_app

ORGS = {"hjorring": "da", "hustadvika": "nb", "norsjo": "sv"}
CHECKED = "Ring til Mette på 20 12 34 56 eller skriv til mette@example.dk, CPR 120385-1234. Vi er idioter."
ROLES = ("komm", "leder", "arkiv", "ansat")
MAX_PAGES = 40
# Words that are English and not Danish, Norwegian or Swedish (not "for", "by", "at", "in", "to", "be",
# "have", "person": those are words of the Nordic languages too).
ENGLISH = frozenset(
    "the is are of and with this that which has was were been needs must should would could from there "
    "their what when where your you our into than these those its or an any every not only already "
    "unknown invalid choose one none yes on off true false open closed deleted hidden keep hide delete "
    "review record records account accounts leader task tasks comment comments page implemented partial "
    "planned missing error found such please allow roles no more less than complaint inquiry takedown "
    "question "
    "reply answer".split()
)
ALONE = frozenset(
    "on off none unknown true false yes no implemented partial planned missing open closed approved applied "
    "active archived".split()
)
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # case_inquiry, person_name
KEBAB_LABEL = re.compile(r"\b[a-z]{3,}(?:-[a-z]{3,})+:")  # undesignated-author: …
WORD = re.compile(r"[^\W\d_]+")
PATH = re.compile(r"(?<!\w)/[\w/.?=&%-]*")  # a path of the site is no language
SKIP = frozenset({"script", "style", "code", "pre", "textarea", "svg"})
SPOKEN = ("aria-label", "title", "placeholder", "alt")


class Visible(HTMLParser):
    """The texts a reader sees or hears, each with the path of its element."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []

    def _skipped(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        other = a.get("lang") not in (None, self.lang) or a.get("translate") == "no"
        void = tag in ("input", "img", "br", "hr", "meta", "link", "source", "col", "area", "wbr")
        skipped = tag in SKIP or other
        if not (self._skipped() or skipped):
            self.texts.extend(v for k, v in a.items() if k in SPOKEN and v)
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.texts.append(a["value"] or "")
        if not void:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipped():
            self.texts.append(" ".join(data.split()))


def english_in(html: str, lang: str) -> list[str]:
    """The texts of the page that read as English."""
    parser = Visible(lang)
    parser.feed(html)
    found = []
    for text in parser.texts:
        words = [w.lower() for w in WORD.findall(PATH.sub(" ", text))]
        hits = [w for w in words if w in ENGLISH]
        alone = len(words) == 1 and words[0] in ALONE
        if len(hits) >= 2 or alone or SNAKE.search(text) or KEBAB_LABEL.search(text):
            found.append(text[:120])
    return list(dict.fromkeys(found))


def test_the_detector_finds_english_and_leaves_nordic_text() -> None:
    english = "<main><p>deleting record 17 needs a ground</p><td>Off</td><td>case_inquiry</td></main>"
    assert len(english_in(english, "da")) == 3
    assert english_in("<p>undesignated-author: konto 3 mangler en ansvarlig</p>", "da")
    nordic = (
        "<main><p>Kommentaren er skjult, og sagen er sendt videre til en leder.</p>"
        "<p>Kommentaren är dold och ärendet har skickats vidare.</p><code>the is of</code>"
        '<option lang="en">English</option><p>HJ005 · NB012</p></main>'
    )
    assert english_in(nordic, "da") == []


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _links(html: str, scope: str) -> list[str]:
    part = html
    if scope == "nav":
        part = html.split("</header>", 1)[0]
    elif '<main id="main">' in html:
        part = html.split('<main id="main">', 1)[1]
    out = []
    for href in re.findall(r'href="(/[^"#]*)"', part):
        path = urlsplit(href).path
        if not href.startswith("//") and not path.startswith("/static/") and path not in out:
            out.append(href)
    return out


def _visit(client: TestClient) -> dict[str, str]:
    """Every page of the menu and one page of each kind linked from them: path → HTML."""
    start = client.get("/check").text
    queue = [*_links(start, "nav"), "/account/security"]
    seen = {_shape(urlsplit(p).path) for p in queue}
    pages: dict[str, str] = {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        r = client.get(url)
        assert r.status_code < 500, f"{url}: {r.status_code}"
        if r.status_code >= 400 or "text/html" not in r.headers.get("content-type", ""):
            continue
        pages[url] = r.text
        for linked in _links(r.text, "main"):
            shape = _shape(urlsplit(linked).path)
            if shape not in seen and not linked.startswith("/logout"):
                seen.add(shape)
                queue.append(linked)
    return pages


ERROR_PAGES = (
    "/no-such-page",  # 404
    "/archive/records/999999999",  # a record that is not there
    "/archive?since=31-12-2026",  # a bad date
    "/archive?page=0",  # request validation
    "/moderation?page=x",
    "/people?mine=2",
    "/accounts",  # forbidden to some roles
    "/archive",
    "/dashboard",
)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("org", list(ORGS))
def test_every_page_is_in_the_users_language(org: str, role: str) -> None:
    lang = ORGS[org]
    client = TestClient(make_app())
    login(client, f"{org}.{role}")
    pages = _visit(client)
    assert len(pages) >= 3, sorted(pages)
    for url in ERROR_PAGES:
        r = client.get(url)
        assert r.status_code < 500, f"{url}: {r.status_code}"
        if "text/html" in r.headers.get("content-type", ""):
            pages[f"{url} ({r.status_code})"] = r.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', pages.get("/check") or client.get("/check").text)
    assert csrf
    checked = client.post("/check", data={"csrf": csrf.group(1), "kind": "official_post", "text": CHECKED})
    pages["/check (with findings)"] = checked.text
    found = {}
    for url, html in pages.items():
        assert f'<html lang="{lang}">' in html, url
        if english := english_in(html, lang):
            found[url] = english
    assert not found, f"English on the pages of {org}.{role} ({lang}): {found}"


@pytest.mark.parametrize("lang", ["da", "nb", "sv"])
def test_the_login_and_public_pages_follow_the_browsers_language(lang: str) -> None:
    client = TestClient(make_app())
    accept = {"da": "da-DK,da;q=0.9,en;q=0.5", "nb": "nb-NO,no;q=0.9,en;q=0.5", "sv": "sv-SE,sv;q=0.9"}[lang]
    for url in ("/login", "/public/hjorring/accounts", "/no-such-page"):
        r = client.get(url, headers={"Accept-Language": accept})
        assert f'<html lang="{lang}">' in r.text, url
        assert english_in(r.text, lang) == [], (url, english_in(r.text, lang))


@pytest.mark.parametrize("lang", ["da", "nb", "sv"])
def test_the_apis_problem_details_follow_the_callers_language(lang: str) -> None:
    from support.webapp import api_token, demo_engine

    client = TestClient(make_app())
    token = api_token(demo_engine(), "hjorring")
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": lang}
    for url in ("/api/v1/archive/records/999999999", "/api/v1/tasks?limit=0", "/api/v1/nothing"):
        r = client.get(url, headers=auth)
        assert r.status_code >= 400 and r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert r.headers["content-language"] == lang
        assert english_in(f"<p>{body['title']}</p><p>{body['detail']}</p>", lang) == [], (url, body)
