"""The ``rettesnor`` command. Thin: parse arguments, call the library, print. Errors are one line."""

from __future__ import annotations

import atexit
import copy
import errno
import gc
import inspect
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, TextIO, cast

import typer

from rettesnor.cli.common import (
    MAX_FILE_BYTES,
    Format,
    check_format,
    open_input,
    out,
    print_json,
    read_text,
    tenant,
)
from rettesnor.item import KINDS, LANGUAGES, OVERSIZED_LINE, InputError, Item, Photo, validate_text

if TYPE_CHECKING:
    from rich.text import Text

    from rettesnor.check import JsonlChunk
    from rettesnor.governance import checking
    from rettesnor.policy.model import Pack

# The engine (word lists, models, patterns) and the packs' models are imported by the commands that use
# them, so `rettesnor --help` and the commands that check nothing start without them (issue 17); rich
# (tables, styled text) by the commands that print them, so `check --jsonl` starts without it.

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)
policy_app = typer.Typer(no_args_is_help=True, help="Show, document and compare policy packs.")
demo_app = typer.Typer(no_args_is_help=True, help="Try the product on the demo material.")
app.add_typer(policy_app, name="policy")
app.add_typer(demo_app, name="demo")
# --- sub-commands of other parts of the product: add them here ---
from rettesnor.cli import (  # noqa: E402  (typer only; services load lazily)
    accounts,
    channels,
    consents,
    db,
    guidelines,
    incidents,
    org,
    people,
    tasks,
)
from rettesnor.cli import demo as demo_cli  # noqa: E402

for _module in (db, org, people, accounts, consents, tasks, guidelines, incidents, channels):
    for _name, _sub_app in _module.SUB_APPS:  # db, org, people, accounts, permissions, consents, …
        app.add_typer(_sub_app, name=_name)
demo_cli.register_demo(demo_app)
from rettesnor.cli import archive as archive_cli  # noqa: E402  (typer only; services load lazily)

for _name, _sub_app in archive_cli.SUB_APPS:  # archive, moderation, retention
    app.add_typer(_sub_app, name=_name)
from rettesnor.cli import web as web_cli  # noqa: E402  (typer only; the web app loads lazily)

for _name, _sub_app in web_cli.SUB_APPS:  # web (API tokens)
    app.add_typer(_sub_app, name=_name)
web_cli.register(app, demo_app)  # serve; `demo load` also creates the demo logins
from rettesnor.cli import platforms as platforms_cli  # noqa: E402  (typer only; connectors load lazily)

for _name, _sub_app in platforms_cli.SUB_APPS:  # platforms (Facebook Pages, Instagram)
    app.add_typer(_sub_app, name=_name)
from rettesnor.cli import publish as publishing_cli  # noqa: E402  (typer only; services load lazily)

for _name, _sub_app in publishing_cli.SUB_APPS:  # publish (compose, submit, decide, worker)
    app.add_typer(_sub_app, name=_name)

Lang = Annotated[str | None, typer.Option("--lang", help="language of messages: da, nb, nn, sv, en")]


def _lang(value: str | None, pack: Pack) -> str:
    if value is None:
        return pack.language
    if value not in LANGUAGES:
        raise InputError(f"unknown language {value!r}; choose one of: {', '.join(LANGUAGES)}")
    return value


def _load_pack(name: str) -> Pack:
    from rettesnor.policy.loader import load_pack

    return load_pack(name)


@app.command("check")
def check_cmd(
    source: Annotated[str, typer.Argument(help="file to check, or - for standard input")] = "-",
    policy: Annotated[str, typer.Option("--policy", "-p", help="pack name or pack file")] = "nordic-baseline",
    kind: Annotated[str | None, typer.Option("--kind", "-k", help=f"one of: {', '.join(KINDS)}")] = None,
    fmt: Format = "text",
    jsonl: Annotated[bool, typer.Option("--jsonl", help='batch: one {"id","text","kind"} per line')] = False,
    image: Annotated[
        list[str] | None, typer.Option("--image", help="a photo attached to the post (repeatable)")
    ] = None,
    alt: Annotated[
        list[str] | None, typer.Option("--alt", help="the alt text of each --image, in the same order")
    ] = None,
    strip_to: Annotated[
        Path | None, typer.Option("--strip-to", help="write copies of the photos without metadata here")
    ] = None,
    channel: Annotated[str | None, typer.Option(help="channel of an internal message")] = None,
    org: Annotated[
        str | None, typer.Option("--org", "-o", help="check with this organisation's guideline")
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="with --org: the unit (slug or id) whose guideline applies")
    ] = None,
    account: Annotated[int | None, typer.Option(help="with --org: the account (id) the text is for")] = None,
    lang: Lang = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="with --jsonl: processes that check (0: one per core)")
    ] = 1,
) -> None:
    """Check a draft, reply, comment or profile text, and its photos, against a guideline.

    With --org the organisation's guideline applies (the unit's, with its approved channels), as on the
    check page and in the API. Exit status: 0 nothing blocking, 1 blocking findings, 2 usage or input error.
    """
    from rettesnor.governance import checking

    pack = _load_pack(policy)
    msg_lang = _lang(lang, pack)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if jsonl:
        raise typer.Exit(_batch(source, pack, kind, msg_lang, _workers(workers)))
    if workers != 1:
        raise InputError("--workers needs --jsonl (one text is checked in one process)")
    check_format(fmt)
    photos = _photos(image or [], alt or [], msg_lang)
    item = Item(text=read_text(source), kind=kind or "official_post", images=photos, channel=channel)
    if org is not None:
        with tenant(org) as (session, organisation):
            pack = checking.pack_for(session, organisation, account, unit)
        msg_lang = _lang(lang, pack)
    elif unit is not None or account is not None:
        raise InputError("--unit and --account need --org (the organisation they belong to)")
    try:
        result = checking.check(item, pack, msg_lang)
        stripped = [checking.stripped_copy(p, strip_to) for p in photos] if strip_to is not None else []
    except checking.PhotoError as exc:
        raise InputError(_photo_error(exc, msg_lang)) from None
    if fmt == "json":
        print_json(result.to_dict(msg_lang) | ({"stripped": [str(p) for p in stripped]} if stripped else {}))
    else:
        from rettesnor.render import print_result  # rich: only for the text output

        print_result(out, result, msg_lang, "" if source == "-" else source)
        for p in stripped:
            out.print(f"  → {p}")
    raise typer.Exit(1 if result.blocking else 0)


def _photos(paths: list[str], alts: list[str], lang: str) -> tuple[Photo, ...]:
    """The --image files with their --alt texts, each one checked to be a readable file."""
    from rettesnor.governance import checking

    if len(alts) > len(paths):
        raise InputError(f"{len(alts)} --alt texts for {len(paths)} --image files")
    photos = tuple(Photo(path, alts[i] if i < len(alts) else None) for i, path in enumerate(paths))
    for p in photos:
        try:
            checking.readable(p.path)
        except checking.PhotoError as exc:
            raise InputError(_photo_error(exc, lang)) from None
    return photos


def _photo_error(exc: checking.PhotoError, lang: str) -> str:
    """A photo's problem in the user's language (the pages' catalogues; nn reads the bokmål one)."""
    from rettesnor.governance import checking
    from rettesnor.i18n import ALIASES, translator

    _ = translator(ALIASES.get(lang, "en"))
    return _(checking.PHOTO_ERRORS[exc.code]).format(name=exc.name)


def _batch(source: str, pack: Pack, kind: str | None, lang: str, workers: int) -> int:
    """Stream JSONL in, JSONL out; constant memory. Bad lines are reported and skipped."""
    from rettesnor.check import numbered_chunks

    status = 0
    sys.stdout.flush()
    out = getattr(sys.stdout, "buffer", None)
    with open_input(source) as fh:
        for done in _checked(numbered_chunks(_bounded_lines(fh)), pack, kind, lang, workers):
            if out is not None:
                out.write(done.output)
                out.flush()
            else:  # a text-only stream (tests that replace sys.stdout)
                sys.stdout.write(done.output.decode())
                sys.stdout.flush()
            for number, message in done.errors:
                print(f"rettesnor: error: line {number}: {message}", file=sys.stderr)
                status = 2
            if status == 0 and done.blocking:
                status = 1
    return status


def _checked(
    chunks: Iterator[list[tuple[int, bytes]]], pack: Pack, kind: str | None, lang: str, workers: int
) -> Iterator[JsonlChunk]:
    """Each chunk checked, in order: here, or by ``workers`` processes with a few chunks in flight each
    (the input is read only as fast as they check it, so memory stays constant)."""
    from rettesnor.check import check_jsonl_chunk

    first = next(chunks, None)
    if first is None:
        return
    # The first chunk is checked here: the word lists, patterns and models it loads are then shared
    # with the forked workers instead of being loaded again in each.
    done = check_jsonl_chunk(first, pack, kind, lang)
    # What start-up and the first chunk loaded (pack, patterns, models, the caches so far) lives until the
    # end: frozen, the collections of the batch no longer walk it (100,000 lines: 0.10 -> 0.05 s of
    # collection), nor touch the pages that forked workers share. Frozen objects are still freed by
    # their reference counts; only a cycle among them would stay.
    gc.freeze()
    _resume_gc()  # start-up is over (see _pause_gc)
    yield done
    if workers == 1:
        for part in chunks:
            yield check_jsonl_chunk(part, pack, kind, lang)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    window: deque[Future[JsonlChunk]] = deque()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_init, initargs=(pack, kind, lang)
    ) as pool:
        for parts in _grouped(chunks, _TASK_CHUNKS):
            window.append(pool.submit(_worker_check, parts))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


# Chunks per task of a worker: each task is a round trip through the pool's queues and threads (≈ 2 ms
# of the reading process's CPU); a few chunks per task make them rarer. Memory stays constant: at most
# 2 × workers tasks are in flight.
_TASK_CHUNKS = 4


def _grouped(chunks: Iterator[list[tuple[int, bytes]]], size: int) -> Iterator[list[list[tuple[int, bytes]]]]:
    group: list[list[tuple[int, bytes]]] = []
    for part in chunks:
        group.append(part)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


_WORKER: tuple[Pack, str | None, str] | None = None


def _worker_init(pack: Pack, kind: str | None, lang: str) -> None:
    global _WORKER
    _WORKER = (pack, kind, lang)


def _worker_check(parts: list[list[tuple[int, bytes]]]) -> JsonlChunk:
    """The chunks of one task, checked in order, as one :class:`JsonlChunk` (sent back encoded)."""
    from rettesnor.check import JsonlChunk, check_jsonl_chunk

    assert _WORKER is not None
    pack, kind, lang = _WORKER
    done = [check_jsonl_chunk(part, pack, kind, lang) for part in parts]
    if len(done) == 1:
        return done[0]
    return JsonlChunk(
        b"".join(d.output for d in done), [e for d in done for e in d.errors], any(d.blocking for d in done)
    )


def _workers(value: int) -> int:
    if value < 0:
        raise InputError(f"--workers must be 0 (every core) or more, not {value}")
    return value or os.cpu_count() or 1


@app.command("analyse")
def analyse_cmd(
    source: Annotated[str, typer.Argument(help="file to analyse, or - for standard input")] = "-",
    kind: Annotated[str, typer.Option("--kind", "-k", help=f"one of: {', '.join(KINDS)}")] = "comment",
    language: Annotated[
        str | None, typer.Option("--language", help="da, nb, nn, sv, en (default: identified)")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="DK, NO or SE: a prior for very short texts")
    ] = None,
    fmt: Format = "text",
    jsonl: Annotated[bool, typer.Option("--jsonl", help='batch: one {"id","text","kind"} per line')] = False,
) -> None:
    """What the detectors notice in a text, without any pack: each signal's category, span, score,
    detector and evidence, and the language with its confidence.

    Exit status: 0 analysed, 2 usage or input error.
    """
    from rettesnor.analyse import analyse_lines, analyse_text

    if jsonl:
        status = 0
        with open_input(source) as fh:
            for result in analyse_lines(_bounded_lines(fh), kind):
                print_json(result)
                if "error" in result:
                    print(f"rettesnor: error: line {result['line']}: {result['error']}", file=sys.stderr)
                    status = 2
                sys.stdout.flush()
        raise typer.Exit(status)
    check_format(fmt)
    analysis = analyse_text(read_text(source), kind, language, country.upper() if country else None)
    doc = analysis.to_dict()
    if fmt == "json":
        print_json(doc)
        return
    from rich.table import Table
    from rich.text import Text

    lang = doc["language"]
    out.print(f"language: {lang['code']} (confidence {lang['confidence']:.2f})")
    table = Table("category", "text", "score", "detector", "why")
    for s in doc["signals"]:
        why = str(s["evidence"].get("explanation") or s["evidence"].get("pattern") or "")
        table.add_row(
            s["category"], Text(s["text"][:60]), f"{s['score']:.2f}", s["detector"], Text(why[:100])
        )
    out.print(table if doc["signals"] else "no signals")


def _bounded_lines(fh: BinaryIO) -> Iterator[bytes]:
    """Lines of at most MAX_FILE_BYTES; an overlong line becomes a line the checker rejects."""
    while True:
        line = fh.readline(MAX_FILE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_FILE_BYTES and not line.endswith(b"\n"):
            while (rest := fh.readline(MAX_FILE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield OVERSIZED_LINE
            continue
        yield line


@policy_app.command("list")
def policy_list(fmt: Format = "text") -> None:
    """The built-in packs."""
    from rettesnor.policy.loader import builtin_packs

    packs = [_load_pack(name) for name in builtin_packs()]
    if check_format(fmt) == "json":
        print_json([{"pack": p.name, "extends": p.chain[1:], "title": p.title["en"]} for p in packs])
        return
    for p in packs:
        parent = f"  (extends {p.chain[1]})" if len(p.chain) > 1 else ""
        out.print(f"{p.name:<26} {p.text(p.title, p.language)}{parent}")


@policy_app.command("show")
def policy_show(pack_name: str, fmt: Format = "text", lang: Lang = None) -> None:
    """The pack's parameters and rules, readable."""
    pack = _load_pack(pack_name)
    msg_lang = _lang(lang, pack)
    if check_format(fmt) == "json":
        print_json(pack.model_dump(mode="json"))
        return
    from rich.text import Text

    from rettesnor.clitable import print_table

    out.print(f"[bold]{pack.text(pack.title, msg_lang)}[/bold]  ({' → '.join(pack.chain)})")
    if pack.source:
        out.print(pack.source, style="dim")
    for key, value in pack.parameters.model_dump().items():
        out.print(f"  {key}: {_value(value)}")
    rows: list[list[str | Text]] = [
        [
            r.code,
            Text(pack.text(r.title, msg_lang)),
            ", ".join(r.applies_to),
            r.severity + (f" → {r.action}" if r.action else ""),
            ", ".join(c.id for c in r.clauses) or "-",
        ]
        for r in pack.rules
    ]
    print_table(out, ["code", "rule", "applies to", "severity", "clauses"], rows, msg_lang)


def _value(value: Any) -> str:
    """A parameter as a person reads it: a list joined, a value not set as a dash (never ``None``)."""
    if value is None:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "–"
    return str(value)


@policy_app.command("rule")
def policy_rule(code: str, policy: Annotated[str, typer.Option("--policy", "-p")], lang: Lang = None) -> None:
    """Document one rule the way ruff documents its rules."""
    from rettesnor.policy.docs import known_problems, signals_section

    pack = _load_pack(policy)
    msg_lang = _lang(lang, pack)
    rule = pack.rule(code.upper())
    if rule is None:
        raise InputError(f"pack {pack.name} has no rule {code!r}; see `rettesnor policy show {pack.name}`")
    out.print(f"[bold]{rule.code} {rule.name}[/bold]: {pack.text(rule.title, msg_lang)}")
    out.print(f"\n[bold]What it does[/bold]\n{pack.text(rule.message, msg_lang)}")
    if rule.why:
        out.print(f"\n[bold]Why[/bold]\n{pack.text(rule.why, msg_lang)}")
    for ex in rule.examples:
        out.print(f"\n[bold]{'Example' if ex.fires else 'Use instead'}[/bold] ({ex.kind})\n{ex.text}")
    out.print(f"\n[bold]Remedy[/bold]\n{pack.text(rule.remedy, msg_lang)}")
    out.print(f"\n[bold]Applies to[/bold] {', '.join(rule.applies_to)} · severity {rule.severity}")
    out.print("\n[bold]Signals[/bold]")
    out.print("\n".join(signals_section(rule)), markup=False)
    out.print("\n[bold]Known problems[/bold]")
    out.print("\n".join(known_problems(pack, rule, msg_lang)), markup=False)
    if rule.clauses:
        out.print("\n[bold]References[/bold]")
        for c in rule.clauses:
            out.print(f"{c.id}: »{c.quote}«")


@policy_app.command("docs")
def policy_docs(pack_name: str, lang: Lang = None) -> None:
    """The pack as Markdown: every rule with its examples and clause quotes (see docs/rules/)."""
    from rettesnor.policy.docs import pack_markdown

    pack = _load_pack(pack_name)
    sys.stdout.write(pack_markdown(pack, _lang(lang, pack)) + "\n")


@policy_app.command("coverage")
def policy_coverage(pack_name: str, fmt: Format = "text") -> None:
    """Every clause of the organisation's guideline: check, workflow or guidance, and its test."""
    from rettesnor.policy.coverage import coverage

    pack = _load_pack(pack_name)
    rows = coverage(pack)
    if not rows:
        raise InputError(f"pack {pack.name} is not tied to a seed guideline (no clause_prefix)")
    if check_format(fmt) == "json":
        print_json([asdict(r) for r in rows])
        return
    from rich.text import Text

    from rettesnor.clitable import print_table

    style = {"implemented": "green", "partial": "yellow", "planned": "yellow", "missing": "bold red"}
    cells: list[list[str | Text]] = [
        [
            r.clause,
            " + ".join(r.kinds),
            r.implementation,
            Text(r.status, style=style[r.status]),
            Text(r.detail),
            Text("\n".join(r.tests) or "-"),
        ]
        for r in rows
    ]
    print_table(out, ["clause", "kind", "implemented as", "status", "where", "test"], cells)
    counts = {s: sum(r.status == s for r in rows) for s in style}
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()))


@policy_app.command("compare")
def policy_compare(left: str, right: str, fmt: Format = "text") -> None:
    """Where two packs differ."""
    from rettesnor.policy.compare import compare

    a, b = _load_pack(left), _load_pack(right)
    diffs = compare(a, b)
    if check_format(fmt) == "json":
        print_json([asdict(d) for d in diffs])
        return
    from rich.text import Text

    from rettesnor.clitable import print_table

    cells: list[list[str | Text]] = [[d.topic, d.name, Text(d.left), Text(d.right)] for d in diffs]
    print_table(out, ["topic", "name", a.name, b.name], cells)


@policy_app.command("signals")
def policy_signals() -> None:
    """The signal names a rule may fire on: the fixed categories and the markers."""
    from rettesnor.analysis.signals import CATEGORIES, MARKERS

    for name in CATEGORIES:
        out.print(name)
    for name, meaning in MARKERS.items():
        out.print(f"{name:<28} {meaning}")


@demo_app.command("check")
def demo_check(folder: Annotated[Path, typer.Argument()] = Path("examples"), lang: Lang = None) -> None:
    """Check every demo text (``<kind>.<anything>.txt``) under FOLDER against every seed pack."""
    from rettesnor.governance import checking
    from rettesnor.render import print_result

    files = sorted(folder.glob("*/*.txt"))
    if not files:
        raise InputError(f"no demo texts under {folder}/ (expected <pack>/<kind>.<name>.txt)")
    for path in files:
        pack_name, kind = path.parent.name, path.name.split(".", 1)[0]
        pack = _load_pack(pack_name)
        item = Item(text=validate_text(path.read_bytes()), kind=kind, id=path.stem)
        msg_lang = _lang(lang, pack)
        print_result(out, checking.check(item, pack, msg_lang), msg_lang, str(path))


# Commands of the top level that are run often and alone (batch checks from scripts): for them only their
# own command is built. Building the whole command tree reads the type hints of every command (≈ 0.06 s of
# start-up, issue 17); the command built alone parses, helps and fails exactly as inside the tree.
_BUILT_ALONE = frozenset({"check", "analyse"})


def _command_for(args: list[str]) -> Any:
    """The click command that runs ``args``: the group of ``check`` alone, or the whole tree."""
    first = args[0] if args else ""
    if first in _BUILT_ALONE:
        only = copy.copy(app)
        only.registered_groups = []
        only.registered_commands = [c for c in app.registered_commands if c.name == first]
        return typer.main.get_group(only)
    return typer.main.get_command(app)


# `check` as scripts run it (a source, -p, -k, -f, --jsonl, -w, --lang, --channel) is called without click:
# typer builds a pydantic validator for each of the command's options before it calls it (≈ 50 ms of
# the start-up, issue 17). Only these plain forms are taken (each option once, a value that does not
# start with "-", a number of workers in digits); anything else (--help, --image, a mistake) goes
# through click as before. tests/cli/test_cli.py holds the values to the ones click parses.
_FAST_OPTIONS: dict[str, str] = {
    "--policy": "policy",
    "-p": "policy",
    "--kind": "kind",
    "-k": "kind",
    "--format": "fmt",
    "-f": "fmt",
    "--channel": "channel",
    "--lang": "lang",
    "--workers": "workers",
    "-w": "workers",
}
_COMPLETE_VAR = "_RETTESNOR_COMPLETE"  # click's shell completion: left to click


def _fast_check_args(args: Sequence[str]) -> dict[str, Any] | None:
    """The parameters click would give ``check_cmd`` for ``args`` when they are of the plain forms, else
    None (click parses them)."""
    if not args or args[0] != "check" or _COMPLETE_VAR in os.environ:
        return None
    values = {name: p.default for name, p in inspect.signature(check_cmd).parameters.items()}
    seen: set[str] = set()
    rest = list(args[1:])
    while rest:
        token = rest.pop(0)
        value: str | int | bool
        if token == "--jsonl" or token == "-" or not token.startswith("-"):
            field, value = ("jsonl", True) if token == "--jsonl" else ("source", token)
        else:
            name, eq, text = token.partition("=")
            field = _FAST_OPTIONS.get(name, "")
            if not field or (eq and not name.startswith("--")) or (not eq and not rest):
                return None
            value = text = text if eq else rest.pop(0)
            if text.startswith("-"):
                return None
            if field == "workers":
                if not (text.isascii() and text.isdigit()):
                    return None
                value = int(text)
        if field in seen:
            return None
        seen.add(field)
        values[field] = value
    return values


def _run_check(values: dict[str, Any]) -> Any:
    """``check_cmd(**values)`` with what typer's main does around a command when it is not standalone
    (its exit status returned; end of input, Ctrl+C and a closed pipe handled the same way)."""
    try:
        try:
            return check_cmd(**values)
        except EOFError as exc:
            print(file=sys.stderr)
            raise typer.Abort() from exc
        except KeyboardInterrupt as exc:
            raise typer.Exit(130) from exc
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            from typer._click.utils import PacifyFlushWrapper

            sys.stdout = cast(TextIO, PacifyFlushWrapper(sys.stdout))
            sys.stderr = cast(TextIO, PacifyFlushWrapper(sys.stderr))
            sys.exit(1)
    except typer.Exit as exc:
        return exc.exit_code


# Start-up of `check` (issue 17): the cyclic garbage collector is paused while the engine, the pack and
# the models are loaded (hundreds of thousands of objects, none of them garbage: each collection of the
# oldest generation walked them all, ≈ 20 ms), and resumed before the first text is checked, so a long
# batch collects as before (and forked workers start with it on).
_GC_PAUSED: list[bool] = []


def _pause_gc() -> None:
    if gc.isenabled():
        gc.disable()
        _GC_PAUSED.append(True)


def _resume_gc() -> None:
    if _GC_PAUSED:
        _GC_PAUSED.clear()
        gc.enable()


def _exit_now(code: int) -> None:
    """End the process as the interpreter would (other threads joined, atexit functions run, output
    flushed), but without tearing down every module and object one by one (≈ 50 ms after a check
    has loaded its models: the teardown frees each of them and collects once more). Used only when
    ``check`` ran as the process's own command and ended with an exit status; on anything unusual it
    returns and the interpreter exits as always."""
    if not 0 <= code <= 255:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed pipe or stream: the interpreter's exit reports it as before
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()  # what the interpreter calls at exit
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error a user can cause is one line on stderr and exit status 2."""
    args = sys.argv[1:] if argv is None else argv
    fast = _fast_check_args(args)
    command = _command_for(args) if fast is None else None
    try:
        if command is None:
            _pause_gc()
            try:
                code = _run_check(fast or {})
            finally:
                _resume_gc()
        else:
            code = command.main(args=argv, prog_name="rettesnor", standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        code = 130
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument …
        print(f"rettesnor: error: {exc.format_message()}", file=sys.stderr)
        code = 2
    except InputError as exc:
        print(f"rettesnor: error: {exc}", file=sys.stderr)
        code = 2
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug of ours: still one line for the user, the trace only on request
        if os.environ.get("RETTESNOR_DEBUG"):
            raise
        print(f"rettesnor: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = 2
    code = code if isinstance(code, int) else 0
    if command is None and argv is None:  # `rettesnor check …` run as a process of its own
        _exit_now(code)
    sys.exit(code)
