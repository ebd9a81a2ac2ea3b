"""Approved channels for work communication per unit (Norddjurs ND-3, ND-7), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import channels, checking, people, tenants
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.records import migrate
from rettesnor.records.db import unit_of_work
from support.clisupport import run_cli
from support.dbsupport import FreshDatabase
from support.govdata import make_town, snapshot

WORK_ON_MESSENGER = (
    "Skal vi ikke tage snakken om de nye arbejdsforhold her i Messenger-gruppen "
    "i stedet for på personalemødet?"
)


def test_a_leader_keeps_the_units_channels_and_the_check_uses_them(db: Session) -> None:
    town = make_town(db, "norddjursish", pack="dk-norddjurs")
    org = town.org
    # no register yet: the guideline's default list (e-mail, Outlook, Teams, intranet) applies
    assert channels.approved_keys(db, org, "school") == ("email", "outlook", "teams", "intranet")
    warned = checking.check_internal_message(db, org, "school", WORK_ON_MESSENGER, "messenger")
    assert [f.rule.code for f in warned.findings] == ["ND002"]

    channels.approve_channel(
        db,
        org,
        "school",
        "Teams",
        "Microsoft Teams",
        "every teacher of the school and its leader",
        town.leader.id,
        open_to_colleagues=True,
        open_to_management=True,
    )
    # the register now decides: only Teams; a sub-unit inherits it
    assert channels.approved_keys(db, org, "school") == ("teams",)
    class_unit = tenants.add_unit(db, org, slug_="class-5a", name="5.A", parent="school")
    assert channels.approved_keys(db, org, class_unit.id) == ("teams",)
    on_teams = checking.check_internal_message(db, org, "class-5a", WORK_ON_MESSENGER, "teams")
    assert on_teams.findings == []
    # e-mail is not in the school's register, so it is no longer approved there
    assert checking.check_internal_message(db, org, "school", WORK_ON_MESSENGER, "email").findings

    messenger = channels.approve_channel(
        db,
        org,
        "school",
        "messenger",
        "Messenger group of the staff room",
        "every teacher and the leader",
        town.leader.id,
        open_to_colleagues=True,
        open_to_management=True,
    )
    assert checking.check_internal_message(db, org, "school", WORK_ON_MESSENGER, "messenger").findings == []
    channels.withdraw_channel(db, org, messenger.id, town.leader.id)
    again = checking.check_internal_message(db, org, "school", WORK_ON_MESSENGER, "messenger")
    assert [f.rule.code for f in again.findings] == ["ND002"]
    assert [c.key for c in channels.list_channels(db, org, "class-5a")] == ["teams"]


def test_closed_rooms_and_non_leaders_are_refused_and_change_nothing(db: Session) -> None:
    town = make_town(db, "norddjursclosed", pack="dk-norddjurs")
    org = town.org
    channels.approve_channel(
        db,
        org,
        "school",
        "teams",
        "Teams",
        "all staff",
        town.leader.id,
        open_to_colleagues=True,
        open_to_management=True,
    )
    before = snapshot(db)
    with pytest.raises(NotAllowed, match=r"closed to the colleagues concerned .*\(ND-7\)"):
        channels.approve_channel(
            db,
            org,
            "school",
            "snapchat",
            "Snap group",
            "three of us",
            town.leader.id,
            open_to_colleagues=False,
            open_to_management=True,
        )
    with pytest.raises(NotAllowed, match="closed to management"):
        channels.approve_channel(
            db,
            org,
            "school",
            "signal",
            "Signal group",
            "all teachers",
            town.leader.id,
            open_to_colleagues=True,
            open_to_management=False,
        )
    with pytest.raises(NotAllowed, match="is not a leader of unit school"):
        channels.approve_channel(
            db,
            org,
            "school",
            "sms",
            "SMS group",
            "all staff",
            town.a.id,
            open_to_colleagues=True,
            open_to_management=True,
        )
    with pytest.raises(Conflict, match="already approved"):
        channels.approve_channel(
            db,
            org,
            "school",
            "TEAMS",
            "Teams again",
            "all staff",
            town.leader.id,
            open_to_colleagues=True,
            open_to_management=True,
        )
    with pytest.raises(InvalidValue, match="channel key"):
        channels.approve_channel(
            db,
            org,
            "school",
            "Team chat!",
            "x",
            "all staff",
            town.leader.id,
            open_to_colleagues=True,
            open_to_management=True,
        )
    assert snapshot(db) == before


def test_channels_of_one_organisation_are_invisible_to_another(db: Session) -> None:
    one = make_town(db, "channelsone", pack="dk-norddjurs")
    other = make_town(db, "channelstwo", pack="dk-norddjurs")
    row = channels.approve_channel(
        db,
        one.org,
        "school",
        "teams",
        "Teams",
        "all staff",
        one.leader.id,
        open_to_colleagues=True,
        open_to_management=True,
    )
    people.grant_role(db, other.org, other.a.id, "unit_leader", unit="school")
    with pytest.raises(Exception, match="no approved channel"):
        channels.withdraw_channel(db, other.org, row.id, other.a.id)
    assert channels.list_channels(db, other.org, "school") == []


def test_channels_cli(
    empty_db: FreshDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    migrate.upgrade(empty_db.engine)
    with unit_of_work(empty_db.engine) as s:
        town = make_town(s, "norddjurscli", pack="dk-norddjurs")
        slug, leader = town.org.slug, str(town.leader.id)
    monkeypatch.setenv("RETTESNOR_DATABASE_URL", empty_db.url)
    approve = [
        "channels",
        "approve",
        "school",
        "teams",
        "-o",
        slug,
        "--by",
        leader,
        "--name",
        "Teams",
        "--open-to",
        "all staff and the leader",
    ]
    code, out, err = run_cli(capsys, *approve, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["key"] == "teams"
    code, out, err = run_cli(capsys, *approve[:3], "snapchat", *approve[4:], "--closed-to-colleagues")
    assert code == 2 and out == ""
    assert "(ND-7)" in err and err.count("\n") == 1
    message = tmp_path / "msg.txt"
    message.write_text(WORK_ON_MESSENGER, encoding="utf-8")
    code, out, err = run_cli(
        capsys,
        "channels",
        "check",
        "school",
        str(message),
        "-o",
        slug,
        "--channel",
        "messenger",
        "--format",
        "json",
    )
    assert code == 0, err  # ND002 warns in the area pack; it does not block
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ND002"]
    code, out, err = run_cli(capsys, "channels", "list", "school", "-o", slug, "--format", "json")
    assert [c["key"] for c in json.loads(out)] == ["teams"]
