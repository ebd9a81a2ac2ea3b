"""The Graph API client and the connectors against the stand-in on loopback: paging (backfill), fetch
before action, hide/unhide/delete/reply, Instagram, retries with backoff on rate limits and transient
errors, no retry on permission and token errors, the moderator's messages in four languages."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from rettesnor.platforms.connector import FacebookPage, InstagramAccount
from rettesnor.platforms.meta_client import GraphClient, GraphError, classify
from rettesnor.platforms.standin import ENGAGE, GraphStandin, Page
from support.platformdata import APP_SECRET, PAGE_TOKEN, settings


@pytest.fixture
def standin() -> Iterator[GraphStandin]:
    with GraphStandin(app_secret=APP_SECRET) as s:
        yield s


@pytest.fixture
def page(standin: GraphStandin) -> Page:
    return standin.add_page("Skovbo Skole", PAGE_TOKEN)


def _client(standin: GraphStandin, page: Page, **changes: object) -> GraphClient:
    return GraphClient(settings(standin.base_url, **changes), page.token)


def test_backfill_follows_paging_through_posts_comments_and_replies(
    standin: GraphStandin, page: Page
) -> None:
    posts = [standin.add_post(page, f"Opslag nummer {i}", created=1_700_000_000 + i) for i in range(130)]
    first = standin.add_comment(posts[0], "Hvornår åbner svømmehallen?", "u1", "Jonna Brask", 1_700_000_500)
    standin.add_comment(first, "Den åbner mandag.", page.id, page.name, 1_700_000_600)  # the page answers
    fb = FacebookPage(_client(standin, page), page.id)
    found = list(fb.backfill())
    assert len([e for e in found if e.kind == "post"]) == 130  # two pages of 100 posts
    assert sum(1 for m, p, q in standin.calls if p.endswith("/feed")) == 2
    comment = next(e for e in found if e.kind == "comment")
    reply = next(e for e in found if e.kind == "reply")
    assert (comment.parent, comment.author_name, comment.text) == (posts[0].id, "Jonna Brask", first.text)
    assert reply.parent == first.id and reply.published_at is not None
    assert all("access_token" not in q for _, _, q in standin.calls)  # the token travels in the header


def test_fetch_hide_unhide_reply_delete(standin: GraphStandin, page: Page) -> None:
    post = standin.add_post(page, "Ny busplan")
    c = standin.add_comment(post, "Du er en klovn", "u2", "Birk Almind")
    fb = FacebookPage(_client(standin, page), page.id)
    shot = fb.fetch(c.id)
    assert shot is not None and (shot.text, shot.author_id, shot.author_name, shot.visible) == (
        "Du er en klovn",
        "u2",
        "Birk Almind",
        True,
    )
    fb.hide(c.id)
    assert standin.objects[c.id].hidden and fb.fetch(c.id).visible is False  # type: ignore[union-attr]
    fb.unhide(c.id)
    assert not standin.objects[c.id].hidden
    reply_id = fb.act("reply", c.id, "Vi svarer på mail.")
    assert reply_id in standin.objects and standin.objects[str(reply_id)].from_id == page.id
    fb.delete(c.id)
    assert fb.fetch(c.id) is None  # a deleted comment: None, not an error (evidence comes from the archive)


def test_instagram_read_hide_delete(standin: GraphStandin) -> None:
    ig = standin.add_page("skovbo.skole", PAGE_TOKEN + "ig", platform="instagram")
    media = standin.add_post(ig, "Sommerfest på skolen")
    c = standin.add_comment(media, "Flot billede", "17841400000000001", "jonna.b")
    account = InstagramAccount(_client(standin, ig), ig.id)
    found = list(account.backfill())
    assert [(e.kind, e.platform) for e in found] == [("post", "instagram"), ("comment", "instagram")]
    assert found[1].parent == media.id and found[1].author_name == "jonna.b"
    account.hide(c.id)
    assert standin.objects[c.id].hidden and account.fetch(c.id).visible is False  # type: ignore[union-attr]
    assert any(q.get("hide") == "true" for m, p, q in standin.calls if m == "POST")
    account.delete(c.id)
    assert account.fetch(c.id) is None and account.settings().messaging == "unknown"


@pytest.mark.parametrize(
    ("code", "status"), [(613, 400), (4, 400), (17, 400), (32, 400), (None, 429), (2, 500)]
)
def test_rate_limits_and_transient_errors_are_retried_with_backoff(
    standin: GraphStandin, page: Page, code: int | None, status: int
) -> None:
    post = standin.add_post(page, "Ny busplan")
    c = standin.add_comment(post, "Tak", "u3", "Signe Holmgaard")
    standin.fail("POST", c.id, code, status=status, times=2)
    client = _client(standin, page)
    client.set_hidden(c.id, True)
    assert standin.objects[c.id].hidden
    assert len(client.waited) == 2 and client.waited[1] > client.waited[0] * 1.1  # exponential, with jitter


def test_a_rate_limit_that_outlasts_the_attempts_is_reported(standin: GraphStandin, page: Page) -> None:
    post = standin.add_post(page, "Ny busplan")
    standin.fail("GET", post.id, 613, times=10)
    client = _client(standin, page, max_attempts=3)
    with pytest.raises(GraphError) as caught:
        client.get(post.id)
    assert caught.value.kind == "rate_limit" and len(client.waited) == 2
    assert "prøv igen om et par minutter" in caught.value.message("da")


def test_a_long_wait_asked_by_meta_is_not_waited(standin: GraphStandin, page: Page) -> None:
    post = standin.add_post(page, "Ny busplan")
    usage = json.dumps({page.id: [{"type": "pages", "estimated_time_to_regain_access": 30}]})
    standin.fail("GET", post.id, 80001, times=1, headers={"X-Business-Use-Case-Usage": usage})
    client = _client(standin, page)
    with pytest.raises(GraphError) as caught:
        client.get(post.id)
    assert caught.value.retry_after == 1800 and client.waited == []


def test_permission_errors_are_not_retried_and_name_the_missing_permission(standin: GraphStandin) -> None:
    page = standin.add_page("Skovbo Skole", PAGE_TOKEN, permissions={"pages_read_user_content"})
    post = standin.add_post(page, "Ny busplan")
    c = standin.add_comment(post, "Du er en idiot", "u4", "Aksel Fenger")
    fb = FacebookPage(_client(standin, page), page.id)
    with pytest.raises(GraphError) as caught:
        fb.hide(c.id)
    error = caught.value
    assert (error.kind, error.code, error.permission) == ("permission", 200, ENGAGE)
    assert sum(1 for m, p, _ in standin.calls if m == "POST") == 1 and fb.client.waited == []
    assert not standin.objects[c.id].hidden
    messages = {lang: error.message(lang) for lang in ("da", "nb", "sv", "en")}
    assert messages["en"].startswith("The app lacks the permission pages_manage_engagement")
    assert messages["da"].startswith("Appen mangler tilladelsen pages_manage_engagement")
    assert messages["nb"].startswith("Appen mangler tillatelsen pages_manage_engagement")
    assert messages["sv"].startswith("Appen saknar behörigheten pages_manage_engagement")
    assert str(error) == messages["en"]


def test_an_expired_token_is_not_retried_and_says_connect_again(standin: GraphStandin, page: Page) -> None:
    client = GraphClient(settings(standin.base_url), "EAAexpired")
    with pytest.raises(GraphError) as caught:
        client.page(page.id)
    assert caught.value.kind == "token" and caught.value.code == 190 and client.waited == []
    assert "forbind siden igen" in caught.value.message("da")
    assert "EAAexpired" not in repr(client) and "EAAexpired" not in str(caught.value)


def test_a_wrong_app_secret_proof_is_refused(standin: GraphStandin, page: Page) -> None:
    client = GraphClient(settings(standin.base_url, app_secret="another-secret"), page.token)
    with pytest.raises(GraphError, match="appsecret_proof"):
        client.page(page.id)


def test_page_settings_read_messaging(standin: GraphStandin) -> None:
    on = standin.add_page("Med beskeder", PAGE_TOKEN + "on", messaging=True)
    off = standin.add_page("Uden beskeder", PAGE_TOKEN + "off", messaging=False)
    unknown = standin.add_page("Uden tilladelse", PAGE_TOKEN + "no", permissions={"pages_read_user_content"})
    found = [FacebookPage(_client(standin, p), p.id).settings().messaging for p in (on, off, unknown)]
    assert found == ["on", "off", "unknown"]


def test_unreachable_graph_api_is_a_clear_error() -> None:
    client = GraphClient(settings("http://127.0.0.1:9", max_attempts=2), PAGE_TOKEN)
    with pytest.raises(GraphError) as caught:
        client.get("123")
    assert caught.value.kind == "unreachable" and len(client.waited) == 1
    assert "kunne ikke nås" in caught.value.message("da")


def test_classify_maps_meta_codes() -> None:
    kinds = {
        (400, 10): "permission",
        (403, 200): "permission",
        (400, 299): "permission",
        (400, 190): "token",
        (400, 4): "rate_limit",
        (400, 17): "rate_limit",
        (400, 32): "rate_limit",
        (400, 613): "rate_limit",
        (429, None): "rate_limit",
        (500, None): "transient",
        (400, 1): "transient",
        (400, 2): "transient",
        (400, 100): "invalid",
    }
    for (status, code), kind in kinds.items():
        payload = {"error": {"code": code, "message": "x"}} if code is not None else None
        assert classify(status, payload).kind == kind, (status, code)
    gone = {"error": {"code": 100, "error_subcode": 33, "message": "does not exist"}}
    assert classify(400, gone).kind == "not_found"
