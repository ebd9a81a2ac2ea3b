"""Issue 18 through the API and the CLI: a designated author writes a post with a photo of a person, is
stopped by the consent finding, acknowledges it and submits; an approver (never the author) approves; the
publisher sends it to the Graph API stand-in; someone who is not a designated author cannot submit.
Refusals are one line: problem+json in the request's language, ``rettesnor: error: …`` on the CLI."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_publishing import astronaut_jpeg

from rettesnor.archive.blobs import BlobStore
from rettesnor.i18n import catalogue
from rettesnor.platforms.standin import GraphStandin, Page
from rettesnor.publishing import publisher
from rettesnor.records.db import unit_of_work
from rettesnor.web import tokens
from support.clisupport import run_cli
from support.platformdata import APP_SECRET, KEY, connected_town, settings
from support.webapp import make_app

TEXT = "Se billedet fra sommerfesten på Skovbo Skole i dag."
ACK = "Forældrene har givet skriftligt samtykke; erklæringerne ligger i sagen."


@pytest.fixture
def standin() -> Iterator[GraphStandin]:
    with GraphStandin(app_secret=APP_SECRET) as running:
        yield running


def _town(engine: Engine, standin: GraphStandin) -> tuple[dict[str, int], Page]:
    with unit_of_work(engine, actor="test") as db:
        c = connected_town(db, standin, settings(standin.base_url))
        t = c.town
        assert t.account is not None
        ids = {"account": t.account.id, "author": t.b.id, "other": t.staff[2].id, "leader": t.leader.id}
        return ids, c.page


def _tokens(engine: Engine, ids: dict[str, int]) -> dict[str, dict[str, str]]:
    out = {}
    with unit_of_work(engine, actor="test") as db:
        for who in ("author", "other", "leader"):
            secret, _ = tokens.create(db, "alpha", ids[who], "test", ["publish", "check"])
            out[who] = {"Authorization": f"Bearer {secret}", "Accept-Language": "da"}
    return out


def test_the_journey_through_the_api(fresh_engine: Engine, standin: GraphStandin, tmp_path: Path) -> None:
    ids, page = _town(fresh_engine, standin)
    headers = _tokens(fresh_engine, ids)
    da = catalogue("da")
    photo = {
        "name": "sommerfest.jpg",
        "base64": base64.b64encode(astronaut_jpeg()).decode(),
        "alt": "En astronaut i hvid rumdragt",
    }
    with TestClient(make_app(fresh_engine)) as client:
        # not a designated author: a draft, but no submission
        closed = {"account": ids["account"], "text": "Biblioteket holder lukket mandag."}
        r = client.post("/api/v1/publications", headers=headers["other"], json=closed)
        assert r.status_code == 201 and r.json()["status"] == "draft"
        refused = client.post(
            f"/api/v1/publications/{r.json()['id']}/submit", headers=headers["other"], json={}
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["detail"].startswith("Signe Holmgaard er ikke udpeget forfatter")
        # the author: stopped by the consent finding until it is acknowledged
        r = client.post(
            "/api/v1/publications",
            headers=headers["author"],
            json={"account": ids["account"], "text": TEXT, "photos": [photo]},
        )
        assert r.status_code == 201
        post = r.json()
        assert "HJ010" in [f["code"] for f in post["check"]["findings"]]
        url = f"/api/v1/publications/{post['id']}"
        stopped = client.post(f"{url}/submit", headers=headers["author"], json={})
        assert stopped.status_code == 422
        wanted = da["Acknowledge each warning in your own words before you submit: {codes}."]
        assert stopped.json()["detail"] == wanted.format(codes="HJ010")
        r = client.post(f"{url}/submit", headers=headers["author"], json={"acknowledgements": {"HJ010": ACK}})
        assert r.status_code == 200 and r.json()["status"] == "submitted"
        assert r.json()["approvers"] == [ids["leader"]]
        own = client.post(f"{url}/decision", headers=headers["author"], json={"act": "approve"})
        assert own.status_code == 403 and own.json()["detail"] == da["Nobody approves their own post."]
        r = client.post(
            f"{url}/decision", headers=headers["leader"], json={"act": "approve", "comment": "OK"}
        )
        assert r.status_code == 200 and r.json()["status"] == "scheduled"
        bad = client.post(f"{url}/decision", headers=headers["leader"], json={"act": "maybe"})
        assert bad.status_code == 422
        # out through the publisher, with the photo from the signed URL (served by this application)
        cfg = publisher.PublishSettings(
            settings(standin.base_url), "test-secret-" + "x" * 40, "http://testserver", BlobStore(tmp_path)
        )
        report = _publish_with_photo_fetch(fresh_engine, cfg, standin, client)
        assert report.published == 1
        shown = client.get(url, headers=headers["author"]).json()
        assert shown["status"] == "published" and shown["platform_id"] == standin.posts(page)[0].id
        assert [s["act"] for s in shown["approval_chain"]][-3:] == ["submitted", "approved", "published"]
        listed = client.get("/api/v1/publications?status=published", headers=headers["author"]).json()
        assert [p["id"] for p in listed["items"]] == [post["id"]]
        assert client.get("/api/v1/publications?status=nope", headers=headers["author"]).status_code == 422


def _publish_with_photo_fetch(
    engine: Engine, cfg: publisher.PublishSettings, standin: GraphStandin, client: TestClient
) -> publisher.PublishReport:
    """The stand-in fetches photos over HTTP; here the application runs in the test client, so the
    stand-in's fetch is answered by it."""
    original = standin._fetch

    def fetch(url: str) -> bytes | None:
        answer = client.get(url.replace("http://testserver", ""))
        return answer.content if answer.status_code == 200 else None

    standin._fetch = fetch  # type: ignore[method-assign]
    try:
        return publisher.publish_due(engine, cfg)
    finally:
        standin._fetch = original  # type: ignore[method-assign]


def test_the_journey_on_the_command_line(
    fresh_engine: Engine,
    standin: GraphStandin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids, page = _town(fresh_engine, standin)
    for key, value in {
        "RETTESNOR_DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False),
        "RETTESNOR_GRAPH_BASE_URL": standin.base_url,
        "RETTESNOR_META_APP_SECRET": APP_SECRET,
        "RETTESNOR_TOKEN_KEYS": KEY,
        "RETTESNOR_SECRET_KEY": "c" * 40,
        "RETTESNOR_DATA_DIR": str(tmp_path / "data"),
    }.items():
        monkeypatch.setenv(key, value)
    text = "Dagens loppemarked på torvet blev en stor succes. Tak til alle, der kiggede forbi."
    account, author, other, leader = (str(ids[k]) for k in ("account", "author", "other", "leader"))
    code, out, err = run_cli(
        capsys,
        "publish",
        "compose",
        "-o",
        "alpha",
        "-p",
        other,
        "-a",
        account,
        "--text",
        text,
        "--format",
        "json",
    )
    assert code == 0, err
    draft = json.loads(out)["id"]
    code, out, err = run_cli(capsys, "publish", "submit", "-o", "alpha", "-p", other, "--post", str(draft))
    assert code == 2 and err.startswith("rettesnor: error: Signe Holmgaard is not a designated author")
    code, out, err = run_cli(
        capsys,
        "publish",
        "compose",
        "-o",
        "alpha",
        "-p",
        author,
        "-a",
        account,
        "--text",
        text + " Igen!",
        "--format",
        "json",
    )
    mine = json.loads(out)["id"]
    code, out, err = run_cli(capsys, "publish", "submit", "-o", "alpha", "-p", author, "--post", str(mine))
    assert code == 0 and out.strip() == f"post {mine} is scheduled", err  # no finding: no approval needed
    code, out, err = run_cli(
        capsys, "publish", "decide", "-o", "alpha", "-p", leader, "--post", str(mine), "--act", "approve"
    )
    assert code == 2 and "not waiting for a decision" in err
    code, out, err = run_cli(capsys, "publish", "worker", "--once")
    assert code == 0 and out.strip() == "published=1 recovered=0 retried=0 failed=0", err
    assert [p.text for p in standin.posts(page)] == [text + " Igen!"]
    code, out, err = run_cli(
        capsys,
        "publish",
        "revise",
        "-o",
        "alpha",
        "-p",
        author,
        "--post",
        str(mine),
        "--text",
        text + " Tak!",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["status"] == "draft", err
    code, out, err = run_cli(capsys, "publish", "calendar", "-o", "alpha")
    assert "published" in out and "draft" in out
    code, out, err = run_cli(
        capsys,
        "publish",
        "compose",
        "-o",
        "alpha",
        "-p",
        author,
        "-a",
        account,
        "--text",
        text,
        "--photo",
        str(tmp_path / "missing.jpg"),
    )
    assert code == 2 and err.strip() == f"rettesnor: error: no such photo: {tmp_path / 'missing.jpg'}"
