"""The check service (rettesnor.governance.checking): one pack lookup and one check for every way in,
photos included.

Issue 14's test: an internal message on a channel the unit has not approved gives the same finding through
the CLI, the check page, the API and the intake of the archive. Issue 13's photos: a face and GPS in the
metadata give a consent finding and a location finding, with a copy without metadata; a file that is not a
photo is a one-line error in the user's language. The photo is scikit-image's ``astronaut`` with GPS
added by Pillow (nothing is downloaded).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from rettesnor import labels
from rettesnor.analysis import images
from rettesnor.archive.ingest import Incoming
from rettesnor.governance import channels, checking, people, tenants
from rettesnor.intake import ingest
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import make_engine, unit_of_work
from support.clisupport import run_cli
from support.photos import photo_with_face_and_gps
from support.webapp import TestClient, api_token, csrf_of, load_demo, login, make_app

WORK_CHAT = (
    "Skal vi ikke tage snakken om de nye arbejdsforhold her i mailtråden i stedet for på personalemødet?"
)
CYCLE_PATH = "Vores nye cykelsti mellem Hjørring og Sindal er åbnet i dag. God tur!"


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return photo_with_face_and_gps(tmp_path_factory.mktemp("photos") / "sommerfest.jpg")


# --- one finding through the four ways in -------------------------------------------------------------


@pytest.fixture(scope="module")
def norddjurs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, str]:
    """The demo on its own database; Tandplejen's register approves Teams only (so e-mail, which the
    guideline's default list approves, is not approved there)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('svc') / 'svc.db'}"
    engine = make_engine(url)
    load_demo(engine)
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, "norddjurs")
        unit = tenants.get_unit(session, org, "tandplejen")
        leader = people.unit_leaders(session, org, unit.id)[0]
        channels.approve_channel(
            session,
            org,
            unit.id,
            "teams",
            "Microsoft Teams",
            "all of Tandplejen and its leaders",
            leader,
            open_to_colleagues=True,
            open_to_management=True,
        )
    return engine, url


def _codes(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((f["code"], f["category"]) for f in findings)


def test_an_unapproved_channel_gives_the_same_finding_everywhere(
    norddjurs: tuple[Engine, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, url = norddjurs
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, "norddjurs")
        unit_id = tenants.get_unit(session, org, "tandplejen").id
        pack = checking.pack_for(session, org, unit="tandplejen")
    assert pack.parameters.approved_channels == ["teams"]  # the register, not the pack's default list

    # the CLI
    monkeypatch.setenv("RETTESNOR_DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", _stdin(WORK_CHAT))
    code, out, err = run_cli(
        capsys,
        "check",
        "-",
        "--org",
        "norddjurs",
        "--unit",
        "tandplejen",
        "-k",
        "internal_message",
        "--channel",
        "email",
        "-f",
        "json",
    )
    assert code in (0, 1), err
    cli = _codes(json.loads(out)["findings"])
    unapproved = [r.code for r in pack.rules if "marker.unapproved_channel" in r.signals]
    assert {c for c, _ in cli} & set(unapproved), f"no unapproved-channel finding: {cli}"

    # the check page (HTTP)
    client = TestClient(make_app(engine))
    token = login(client, "norddjurs.komm")
    html = client.post(
        "/check",
        data={
            "csrf": token,
            "text": WORK_CHAT,
            "kind": "internal_message",
            "unit": str(unit_id),
            "channel": "email",
        },
    ).text
    page = sorted(re.findall(r"<code>([A-Z]{2,3}\d{3})</code>", html))
    assert page == sorted(c for c, _ in cli)

    # the API (HTTP)
    secret = api_token(engine, "norddjurs")
    r = client.post(
        "/api/v1/check",
        headers={"Authorization": f"Bearer {secret}"},
        json={"text": WORK_CHAT, "kind": "internal_message", "unit": "tandplejen", "channel": "email"},
    )
    assert r.status_code == 200, r.text
    assert _codes(r.json()["findings"]) == cli

    # the intake (the door webhooks and import files go through): a message on the account of the unit
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, "norddjurs")
        report = ingest(
            session,
            org,
            [
                Incoming(
                    platform="instagram",
                    platform_id="svc-internal-1",
                    kind="private_message",
                    text=WORK_CHAT,
                    account="tandplejen.norddjurs",
                    channel="email",
                )
            ],
        )
        assert report.queued == 0  # between colleagues: archived, not moderated
        record = session.scalars(
            select(ArchiveRecord).where(ArchiveRecord.platform_id == "svc-internal-1")
        ).one()
        from rettesnor.archive.chain import latest_doc

        _, doc = latest_doc(session, record.id)
    assert doc is not None
    assert _codes(doc["rettesnor:findings"]) == cli

    # and on Teams, which the unit approved, nothing is said about the channel anywhere
    r = client.post(
        "/api/v1/check",
        headers={"Authorization": f"Bearer {secret}"},
        json={"text": WORK_CHAT, "kind": "internal_message", "unit": "tandplejen", "channel": "teams"},
    )
    assert not {f["code"] for f in r.json()["findings"]} & set(unapproved)


def _stdin(text: str) -> Any:
    import io

    class _In(io.TextIOWrapper):
        pass

    return _In(io.BytesIO(text.encode("utf-8")), encoding="utf-8")


# --- photos ------------------------------------------------------------------------------------------


def test_cli_photo_with_a_face_and_gps(
    photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _stdin(CYCLE_PATH))
    code, out, err = run_cli(
        capsys,
        "check",
        "-",
        "-p",
        "dk-hjorring",
        "-k",
        "official_post",
        "--image",
        str(photo),
        "--strip-to",
        str(tmp_path),
        "-f",
        "json",
    )
    assert code == 0, err
    result = json.loads(out)
    by_code = {f["code"]: f for f in result["findings"]}
    assert "HJ010" in by_code and by_code["HJ010"]["category"] == "person_name"  # consent or basis
    assert "samtykke" in by_code["HJ010"]["remedy"].lower()
    assert by_code["HJ010"]["evidence"][0]["faces"] == 1
    assert "NB018" in by_code and by_code["NB018"]["category"] == "address"
    assert "GPS" in by_code["NB018"]["message"] and "spans" not in by_code["NB018"]
    assert "NB019" in by_code  # no --alt given
    [copy] = result["stripped"]
    assert images.read_metadata(photo).gps is not None and not images.read_metadata(copy).any

    # with alt text and a stated basis the photo finding goes; with a child in the text it is stricter
    monkeypatch.setattr("sys.stdin", _stdin(CYCLE_PATH + " Alle på billedet har givet samtykke."))
    code, out, err = run_cli(
        capsys,
        "check",
        "-",
        "-p",
        "dk-hjorring",
        "-k",
        "official_post",
        "--image",
        str(photo),
        "--alt",
        "Borgmesteren klipper snoren",
        "-f",
        "json",
    )
    assert {f["code"] for f in json.loads(out)["findings"]} == {"NB018"}
    monkeypatch.setattr("sys.stdin", _stdin("Se billederne fra Vrå Børnehave, hvor børnene bagte boller."))
    code, out, err = run_cli(
        capsys, "check", "-", "-p", "dk-hjorring", "-k", "official_post", "--image", str(photo), "-f", "json"
    )
    assert code == 1 and "HJ011" in {f["code"] for f in json.loads(out)["findings"]}


def test_cli_refuses_a_text_file_or_a_folder_as_a_photo_in_the_users_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Hej", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", _stdin(CYCLE_PATH))
    code, out, err = run_cli(capsys, "check", "-", "-p", "dk-hjorring", "--image", str(draft))
    assert code == 2 and out == ""
    assert err.strip() == f"rettesnor: error: {draft} er ikke et billede (JPEG, PNG, WebP, GIF, TIFF, BMP)"
    monkeypatch.setattr("sys.stdin", _stdin("Hej"))
    code, out, err = run_cli(capsys, "check", "-", "-p", "se-norsjo", "--image", str(tmp_path))
    assert code == 2 and err.strip() == f"rettesnor: error: {tmp_path} är en mapp, inte en bild"
    code, out, err = run_cli(capsys, "check", "-", "-p", "se-norsjo", "--image", str(draft), "--lang", "en")
    assert code == 2 and err.count("\n") == 1 and "is not a photo" in err


def test_photo_error_texts_are_the_ones_the_pages_translate() -> None:
    assert labels.PHOTO_ERRORS == checking.PHOTO_ERRORS


def test_api_checks_photos_sent_as_base64(photo: Path) -> None:
    client = TestClient(make_app())
    from support.webapp import demo_engine

    secret = api_token(demo_engine(), "hjorring")
    data = base64.b64encode(photo.read_bytes()).decode("ascii")
    r = client.post(
        "/api/v1/check",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "text": CYCLE_PATH,
            "kind": "official_post",
            "lang": "da",
            "images": [{"name": "sommerfest.jpg", "base64": data}],
        },
    )
    assert r.status_code == 200, r.text
    findings = {f["code"]: f for f in r.json()["findings"]}
    assert {"HJ010", "NB018", "NB019"} <= set(findings)
    assert findings["NB018"]["evidence"][0]["image"] == "sommerfest.jpg"  # not the temporary file
    bad = client.post(
        "/api/v1/check",
        headers={"Authorization": f"Bearer {secret}"},
        json={"text": CYCLE_PATH, "images": [{"name": "x.txt", "base64": "aGVq"}]},
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert "x.txt" in bad.json()["detail"]


def test_check_page_takes_photos_and_offers_a_copy_without_metadata(photo: Path) -> None:
    client = TestClient(make_app())
    token = login(client, "hjorring.komm")
    with photo.open("rb") as fh:
        html = client.post(
            "/check",
            data={"csrf": token, "text": CYCLE_PATH, "kind": "official_post", "alt": ["", ""]},
            files=[("photo", ("sommerfest.jpg", fh, "image/jpeg"))],
        ).text
    codes = set(re.findall(r"<code>([A-Z]{2,3}\d{3})</code>", html))
    assert {"HJ010", "NB018", "NB019"} <= codes
    link = re.search(r'<a href="data:image/jpeg;base64,([^"]+)" download="([^"]+)"', html)
    assert link is not None and link.group(2) == "sommerfest-stripped.jpg"
    copy = Path(photo.parent / "downloaded.jpg")
    copy.write_bytes(base64.b64decode(link.group(1)))
    assert not images.read_metadata(copy).any and images.detect_faces(copy)


# --- the check page's smaller items (issue 13) ---------------------------------------------------------


def test_blank_text_says_so_in_the_users_language() -> None:
    for username, expected in (
        ("hjorring.ansat", "Der er intet at tjekke"),
        ("norsjo.ansat", "Det finns inget att kontrollera"),
    ):
        client = TestClient(make_app())
        token = login(client, username)
        html = client.post("/check", data={"csrf": token, "text": "   ", "kind": "official_post"}).text
        assert expected in html and 'role="alert"' in html


def test_redaction_is_honest_about_what_remains() -> None:
    client = TestClient(make_app())
    token = login(client, "hjorring.ansat")
    text = "Ring til Mette Thomsen på 23 45 67 89 eller 98 76 54 32, CPR 120385-1234."
    html = client.post("/check", data={"csrf": token, "text": text, "kind": "official_post"}).text
    buttons = re.findall(r'<button type="submit">Fjern fra teksten: ([^<]*)</button>', html)
    assert buttons
    for label in buttons:  # a button names every place it removes
        assert label.count("“") >= 1
    phones = next((b for b in buttons if "23 45 67 89" in b), None)
    if phones is not None:
        assert "98 76 54 32" in phones
    number = re.search(r'<mark class="sev-block" id="span-(\d+)"', html)
    assert number is not None
    html = client.post(
        "/check/redact",
        data={"csrf": token, "text": text, "kind": "official_post", "finding": number.group(1)},
    ).text
    assert "120385-1234" not in html.split("<textarea")[1].split("</textarea>")[0]
    assert 'id="redacted"' in html and 'id="placeholders"' in html and "[fjernet]" in html
    verdict = re.search(r'<span class="verdict verdict-(\w+)">', html)
    assert verdict is not None and verdict.group(1) != "publish"


def test_redaction_of_a_clean_remainder_still_asks_for_a_rewrite() -> None:
    client = TestClient(make_app())
    token = login(client, "hjorring.ansat")
    text = "Husk at genbrugspladsen holder lukket på mandag, CPR 120385-1234."
    html = client.post("/check", data={"csrf": token, "text": text, "kind": "official_post"}).text
    number = re.search(r'<mark class="sev-block" id="span-(\d+)"', html)
    assert number is not None
    html = client.post(
        "/check/redact",
        data={"csrf": token, "text": text, "kind": "official_post", "finding": number.group(1)},
    ).text
    verdict = re.search(r'<span class="verdict verdict-(\w+)">', html)
    assert verdict is not None and verdict.group(1) == "revise"  # not "ready to publish" with [fjernet]


def test_missing_disclaimer_offers_no_removal_of_the_workplace() -> None:
    client = TestClient(make_app())
    token = login(client, "norsjo.ansat")
    text = "Chefen på Norsjö kommun har ingen aning om vad hon håller på med."
    html = client.post("/check", data={"csrf": token, "text": text, "kind": "private_post"}).text
    finding = html.split('id="finding-1"')[1].split("</li>")[0]
    assert "<code>NS002</code>" in finding  # the missing disclaimer (its span is "Norsjö kommun")
    assert "<button" not in finding and "Ta bort" not in finding  # the fix is a disclaimer, not a deletion
    csrf = csrf_of(html)
    r = client.post(
        "/check/redact", data={"csrf": csrf, "text": text, "kind": "private_post", "finding": "1"}
    )
    assert r.status_code == 422


def test_classifier_findings_carry_a_real_span_or_none() -> None:
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    pack = load_pack("dk-hjorring")
    result = checking.check(Item("I er nogle idioter og klovne allesammen, skam jer", kind="comment"), pack)
    assert result.findings
    for f in result.to_dict()["findings"]:
        for s in f.get("spans", []):
            assert s["end"] > s["start"] and s["text"]
        assert f.get("spans", None) != []
