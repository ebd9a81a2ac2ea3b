"""What the command line prints for people (issue 13, smaller items): tables readable at 80 columns,
parameters without ``None``, "no results" in the user's language, and one clear line for a wrong pack
or a folder given as the text to check. The command runs as a user runs it (tests/clisupport.run_cli);
pytest's captured output is not a terminal, so rich draws at its default 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rettesnor.policy.coverage import coverage
from rettesnor.policy.loader import load_pack
from support.clisupport import run_cli


def test_policy_show_fits_80_columns_with_every_title_whole_and_no_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(capsys, "policy", "show", "dk-hjorring")
    assert code == 0 and not err
    lines = out.splitlines()
    assert "None" not in out and "deletion_grounds: –" in out  # not set: a dash, not Python's None
    pack = load_pack("dk-hjorring")
    for rule in pack.rules:  # one word per line would break every title over several lines
        title = pack.text(rule.title, pack.language)
        assert any(title in line for line in lines), title
    assert "organisation_names: Hjørring Kommune" in out  # a list is joined, not ['…']


def test_policy_coverage_keeps_each_clause_on_readable_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "policy", "coverage", "no-hustadvika")
    assert code == 0
    lines = out.splitlines()
    rows = coverage(load_pack("no-hustadvika"))
    short = [r.implementation for r in rows if len(r.implementation) <= 60]
    assert short and all(any(text in line for line in lines) for text in short)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("da_DK.UTF-8", "Ingen resultater."),
        ("nb_NO.UTF-8", "Ingen treff."),
        ("sv_SE.UTF-8", "Inga träffar."),
        ("C.UTF-8", "No results."),
    ],
)
def test_an_empty_search_says_so_in_the_users_language(
    lang: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    assert run_cli(capsys, "db", "upgrade")[0] == 0
    assert (
        run_cli(
            capsys,
            "org",
            "add",
            "testby",
            "--name",
            "Testby Kommune",
            "--country",
            "DK",
            "--pack",
            "dk-hjorring",
            "--service-office",
            "web@testby.example",
        )[0]
        == 0
    )
    code, out, err = run_cli(capsys, "archive", "search", "--org", "testby", "nothingmatches")
    assert code == 0 and not err
    assert out.strip() == expected  # a sentence, not a bare table header
    code, out, _ = run_cli(capsys, "archive", "search", "--org", "testby", "x", "--format", "json")
    assert code == 0 and json.loads(out) == []  # JSON stays an empty list


def test_a_pack_option_naming_a_file_that_is_no_pack_says_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Hej alle sammen.", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", str(draft), "-p", str(draft))
    assert code == 2 and not out and err.count("\n") == 1
    assert "is not a pack file" in err and ".yaml" in err and "unknown pack" not in err
    code, _, err = run_cli(capsys, "check", str(draft), "-p", str(tmp_path))
    assert code == 2 and "is a folder, not a pack" in err
    code, _, err = run_cli(capsys, "check", str(draft), "-p", "no-such-pack")
    assert code == 2 and "unknown pack 'no-such-pack'" in err  # a name that is not there: still unknown


def test_a_folder_as_the_text_to_check_is_named_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "check", str(tmp_path), "-p", "dk-hjorring")
    assert code == 2 and not out and err.count("\n") == 1
    assert "is a folder" in err and "no such file" not in err
    code, _, err = run_cli(capsys, "check", str(tmp_path / "missing.txt"), "-p", "dk-hjorring")
    assert code == 2 and "no such file" in err
