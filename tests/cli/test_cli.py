"""The `rettesnor check` contract: output shapes, exit codes, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rettesnor.analysis.signals import CATEGORIES

CPR_POST = "Tillykke til Mette Kjærgaard, cpr 120385-1234, med de 25 år i kommunen."


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-c", "from rettesnor.cli import main; main()", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=60, check=False)


def test_json_result_has_the_contract_fields() -> None:
    proc = run(
        "check",
        "-",
        "--policy",
        "dk-hjorring",
        "--kind",
        "official_post",
        "--format",
        "json",
        stdin=CPR_POST.encode(),
    )
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) >= {"id", "policy", "kind", "language", "verdict", "findings"}
    assert result["policy"] == "dk-hjorring" and result["kind"] == "official_post"
    assert result["language"] == "da" and result["verdict"] == "block"
    finding = next(f for f in result["findings"] if f["category"] == "national_id")
    assert set(finding) >= {
        "rule",
        "code",
        "clauses",
        "severity",
        "category",
        "spans",
        "message",
        "remedy",
        "evidence",
    }
    assert finding["spans"][0]["text"] == "120385-1234"
    assert CPR_POST[finding["spans"][0]["start"] : finding["spans"][0]["end"]] == "120385-1234"
    assert all(f["category"] in CATEGORIES for f in result["findings"])
    assert finding["evidence"][0]["detector"].startswith("national_id")


def test_clean_text_exits_zero_and_publishes() -> None:
    text = "Husk at genbrugspladsen holder lukket på mandag. Vi glæder os til at se jer igen tirsdag."
    proc = run("check", "-", "-p", "dk-hjorring", "-k", "official_post", "-f", "json", stdin=text.encode())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "publish"


def test_text_output_marks_the_span_and_quotes_the_clause() -> None:
    proc = run("check", "-", "-p", "dk-hjorring", "-k", "official_post", stdin=CPR_POST.encode())
    text = proc.stdout.decode()
    assert "⟦120385-1234⟧" in text
    assert "HJ-5" in text and "»" in text


def test_batch_streams_and_survives_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Din idiot, jeg ved hvor du bor", "kind": "comment"}),
        "{not json",
        json.dumps({"id": "c", "text": "Tak for en dejlig dag på biblioteket", "kind": "comment"}),
        json.dumps({"id": "d", "text": "hej", "kind": "tweet"}),
    ]
    proc = run("check", "--jsonl", "-", "-p", "dk-hjorring", stdin="\n".join(lines).encode())
    results = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r.get("id") for r in results] == ["a", None, "c", None]
    assert results[1] == {"line": 2, "error": results[1]["error"]} and "JSON" in results[1]["error"]
    assert "unknown kind 'tweet'" in results[3]["error"]
    assert results[2]["verdict"] == "keep"
    assert proc.returncode == 2
    errors = proc.stderr.decode().strip().splitlines()
    assert errors[0].startswith("rettesnor: error: line 2:")
    assert "Traceback" not in proc.stderr.decode()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check", "-", "-p", "no-such-pack"], b"hej", "unknown pack 'no-such-pack'"),
        (["check", "-", "-p", "dk-hjorring", "-k", "tweet"], b"hej", "unknown kind 'tweet'"),
        (["check", "-", "-p", "dk-hjorring"], b"\xff\xfe hej", "not valid UTF-8"),
        (["check", "-", "-p", "dk-hjorring"], b"PK\x03\x04\x00\x00", "binary"),
        (["check", "-", "-p", "dk-hjorring"], b"  \n ", "empty"),
        (["check", "missing.txt", "-p", "dk-hjorring"], b"", "no such file: missing.txt"),
        (["check", "-", "-p", "dk-hjorring", "--format", "xml"], b"hej", "unknown format 'xml'"),
        (["check", "-", "-p", "dk-hjorring", "--bogus"], b"hej", "No such option: --bogus"),
        (["check", "-", "-p", "dk-hjorring"], b"a" * 4_000_001, "size limit"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], stdin: bytes, message: str) -> None:
    proc = run(*args, stdin=stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert message in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert proc.stdout == b""


def test_text_over_the_character_limit_in_batch_is_refused_alone() -> None:
    big = json.dumps({"id": "big", "text": "å" * 1_000_001, "kind": "comment"})
    ok = json.dumps({"id": "ok", "text": "Tak for svaret", "kind": "comment"})
    proc = run("check", "--jsonl", "-", "-p", "dk-hjorring", stdin=f"{big}\n{ok}\n".encode())
    results = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert "limit" in results[0]["error"] and results[1]["id"] == "ok"


def test_policy_coverage_lists_every_clause_of_the_organisation() -> None:
    proc = run("policy", "coverage", "dk-hjorring", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["clause"] for r in rows] == [f"HJ-{i}" for i in range(1, 11)]
    check_rows = [r for r in rows if "check" in r["kinds"]]
    assert all(r["implementation"].startswith("check") and r["tests"] for r in check_rows)


def test_policy_compare_shows_parameter_differences() -> None:
    proc = run("policy", "compare", "dk-hjorring", "no-hustadvika", "--format", "json")
    diffs = json.loads(proc.stdout)
    names = {d["name"] for d in diffs if d["topic"] == "parameter"}
    assert {"deletion_grounds", "private_use_at_work", "direct_messages"} <= names


def test_policy_rule_documents_like_ruff() -> None:
    proc = run("policy", "show", "dk-hjorring", "--format", "json")
    code = json.loads(proc.stdout)["rules"][0]["code"]
    doc = run("policy", "rule", code, "--policy", "dk-hjorring", "--lang", "en").stdout.decode()
    assert "What it does" in doc and "Remedy" in doc


def test_demo_check_runs_every_example(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = run("demo", "check", str(root / "examples"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().count("dk-hjorring") >= 3


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--help"],
        ["analyse", "--help"],
        ["check", "--no-such-option"],
        ["check", "-p", "no-such-pack", "-"],
        ["check", "--jsonl", "-", "--workers", "-1"],
    ],
)
def test_check_built_alone_behaves_as_in_the_whole_tree(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # `check` and `analyse` are built alone for start-up time; help, usage errors and exit statuses
    # must be those of the command inside the tree of every command.
    import typer

    from rettesnor import cli

    outputs = []
    for command in (cli._command_for(args), typer.main.get_command(cli.app)):
        try:
            code = command.main(args=list(args), prog_name="rettesnor", standalone_mode=False)
        except typer.Exit as exc:
            code = exc.exit_code
        except Exception as exc:  # usage errors and input errors, as main() reports them
            code = f"{type(exc).__name__}: {exc}"
        captured = capsys.readouterr()
        outputs.append((code, captured.out, captured.err))
    assert outputs[0] == outputs[1]
    assert type(cli._command_for(args)).__name__ == "TyperGroup"
    assert list(cli._command_for(args).commands) == [args[0]]  # type: ignore[attr-defined]


FAST_FORMS = [
    ["check"],
    ["check", "-"],
    ["check", "-", "-p", "dk-hjorring"],
    ["check", "--jsonl", "-", "--policy", "dk-hjorring", "--workers", "2"],
    ["check", "-p", "dk-hjorring", "-k", "comment", "-f", "json", "--lang", "en", "--channel", "snapchat"],
    ["check", "--policy=dk-hjorring", "--kind=reply", "--format=text", "--workers=0", "text.txt"],
    ["check", "-", "-p", "", "-w", "1", "--jsonl"],
]
SLOW_FORMS = [
    ["check", "--help"],
    ["check", "-", "-p", "a", "-p", "b"],  # an option twice
    ["check", "-", "extra"],  # two sources
    ["check", "-pdk-hjorring"],  # a short option glued to its value
    ["check", "-p=dk-hjorring"],
    ["check", "-", "-p"],  # no value
    ["check", "-", "-p", "-x"],  # a value that looks like an option
    ["check", "-", "-w", "-1"],
    ["check", "-", "-w", "²"],
    ["check", "-", "--workers", " 2"],
    ["check", "-", "--jsonl=1"],
    ["check", "--", "-"],
    ["check", "-", "--image", "a.jpg"],
    ["check", "-", "--org", "hjorring"],
    ["analyse", "-"],
]


@pytest.mark.parametrize("args", FAST_FORMS)
def test_check_without_click_gets_the_values_click_parses(args: list[str]) -> None:
    # `rettesnor check` in its plain forms is called without click (start-up time, issue 17): its
    # values must be exactly those click would have given the command.
    import typer

    from rettesnor import cli

    fast = cli._fast_check_args(args)
    group = cli._command_for(args)
    parent = group.make_context("rettesnor", list(args), resilient_parsing=True)
    sub = group.get_command(parent, "check")  # type: ignore[attr-defined]
    assert sub is not None
    params = sub.make_context("check", list(args[1:]), parent=parent).params
    # what typer then hands the function (a repeatable option given no value: None, not ())
    given = {p.name: typer.main._normalize_collection_value(p, params[p.name]) for p in sub.params if p.name}
    assert fast == given


@pytest.mark.parametrize("args", SLOW_FORMS)
def test_other_forms_of_check_go_through_click(args: list[str]) -> None:
    from rettesnor import cli

    assert cli._fast_check_args(args) is None


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["check", "-", "-p", "dk-hjorring"], "Hej med dig, din idiot"),
        (["check", "-", "-p", "dk-hjorring", "-f", "json", "-k", "reply"], "Ring på 20 30 40 50"),
        (
            ["check", "--jsonl", "-", "-p", "dk-hjorring"],
            '{"id": "1", "text": "Hej", "kind": "comment"}\nbad\n',
        ),
        (["check", "-", "-p", "no-such-pack"], "Hej"),
        (["check", "-", "-p", "dk-hjorring", "-f", "xml"], "Hej"),
        (["check", "-", "-p", "dk-hjorring", "-w", "2"], "Hej"),
        (["check", "-", "-p", "dk-hjorring"], ""),
    ],
)
def test_check_without_click_prints_and_exits_as_through_click(
    args: list[str], stdin: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rettesnor import cli

    outputs = []
    for fast in (True, False):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        if not fast:  # the environment variable of click's shell completion makes main() use click
            monkeypatch.setattr(cli, "_fast_check_args", lambda _args: None)
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            cli.main(list(args))
        captured = capsys.readouterr()
        outputs.append((exit_.value.code, captured.out, captured.err))
    assert outputs[0] == outputs[1]


def test_check_as_a_process_of_its_own_ends_as_the_interpreter_would(tmp_path: Path) -> None:
    # `rettesnor check` ends without tearing down every module (start-up time, issue 17): the exit
    # status, the output and what is registered to run at exit (benchmarks read their peak memory so)
    # must be as before.
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "from rettesnor.cli import main\n"
        "main()\n"
    )
    for stdin, status in ((b"Hej din idiot", 1), (b"Hej med dig", 0)):
        proc = subprocess.run(
            [sys.executable, "-c", script, "check", "-", "-p", "dk-hjorring", "-f", "json"],
            input=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == status, proc.stderr
        assert json.loads(proc.stdout)["policy"] == "dk-hjorring"
        assert proc.stderr.decode().splitlines() == ["atexit ran"]
