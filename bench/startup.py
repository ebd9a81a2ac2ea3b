"""Start-up time of ``rettesnor check`` on one short text, in CPU time of the child process.

Each case is a fresh Python process started from here; its CPU time (user + system, ``os.wait4``) is
what it cost, whatever the machine's load does to the wall clock. The cases run in turns (case 1, case
2, …, then again), so a change of load hits every case alike, and the minimum of ``--runs`` is kept.
Two baselines are measured in the same run: ``python -c pass`` (the interpreter alone) and
``import rettesnor`` (the package's top level). With ``--compare SRC`` the same cases also run on
another source tree (e.g. ``git archive <commit> src | tar -x -C /tmp/base``), interleaved, and the
outputs of the two are compared byte for byte.

Bytecode is written to a private folder (``PYTHONPYCACHEPREFIX``) and one untimed run of each case
comes first, so the figures are those of an installed package (whose ``.pyc`` files exist), not of
compiling the sources. The start-up cache (``rettesnor.diskcache``) is kept in a private folder too:
the first, untimed run fills it, as a user's first run does; ``--no-cache`` turns it off.

    PYTHONPATH=src .venv/bin/python bench/startup.py                    # 7 runs, writes results
    PYTHONPATH=src .venv/bin/python bench/startup.py --compare /tmp/base/src --runs 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO / "bench" / "results"
TARGET_S = 0.3  # issue 17: start-up of `rettesnor check` on one text
TEXT = "Hej med dig"
# The console script's own lines (pyproject's [project.scripts] entry point).
CLI = "import sys; from rettesnor.cli import main; sys.argv[0] = 'rettesnor'; sys.exit(main())"


@dataclass(frozen=True)
class Case:
    """One command: a name, the Python arguments after the interpreter, and its standard input."""

    name: str
    args: tuple[str, ...]
    stdin: bytes = b""


def cases(pack: str) -> list[Case]:
    line = json.dumps({"id": "1", "text": TEXT, "kind": "comment"}).encode() + b"\n"
    return [
        Case("python -c pass", ("-c", "pass")),
        Case("import rettesnor", ("-c", "import rettesnor")),
        Case("check --help", ("-c", CLI, "check", "--help")),
        Case(f"check - -p {pack} (text)", ("-c", CLI, "check", "-", "-p", pack), TEXT.encode() + b"\n"),
        Case(f"check - -p {pack} --jsonl", ("-c", CLI, "check", "-", "-p", pack, "--jsonl"), line),
    ]


@dataclass
class Tree:
    """A source tree to run the cases on, with its own bytecode and cache folders."""

    name: str
    src: Path
    env: dict[str, str]


def make_tree(name: str, src: Path, scratch: Path, cache: bool) -> Tree:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / name / "pyc")
    env["RETTESNOR_CACHE_DIR"] = str(scratch / name / "cache") if cache else ""
    env["COLUMNS"] = "100"  # the same width for the text output of every run
    return Tree(name, src, env)


def run_once(tree: Tree, case: Case) -> tuple[float, float, int, bytes]:
    """(CPU s, wall s, exit status, stdout + stderr) of one run of ``case`` on ``tree``."""
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as out:
        stdin.write(case.stdin)
        stdin.seek(0)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *case.args], stdin=stdin, stdout=out, stderr=subprocess.STDOUT, env=tree.env
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, wall, os.waitstatus_to_exitcode(status), out.read()


def loadavg() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def measure(trees: list[Tree], todo: list[Case], runs: int) -> dict[str, Any]:
    """Every case on every tree, ``runs`` times in turns, after one untimed run each."""
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    outputs: dict[tuple[str, str], tuple[int, str]] = {}
    for tree in trees:
        for case in todo:
            _cpu, _wall, status, output = run_once(tree, case)  # bytecode and cache written
            outputs[(tree.name, case.name)] = (status, hashlib.sha256(output).hexdigest())
    for _ in range(runs):
        for case in todo:
            for tree in trees:
                c, w, status, output = run_once(tree, case)
                if (status, hashlib.sha256(output).hexdigest()) != outputs[(tree.name, case.name)]:
                    raise SystemExit(f"{tree.name}: {case.name}: the output changed between runs")
                cpu.setdefault((tree.name, case.name), []).append(c)
                wall.setdefault((tree.name, case.name), []).append(w)
    rows = []
    for case in todo:
        for tree in trees:
            key = (tree.name, case.name)
            status, digest = outputs[key]
            rows.append(
                {
                    "tree": tree.name,
                    "case": case.name,
                    "cpu_min_s": round(min(cpu[key]), 4),
                    "cpu_median_s": round(statistics.median(cpu[key]), 4),
                    "wall_min_s": round(min(wall[key]), 4),
                    "exit_status": status,
                    "output_sha256": digest,
                }
            )
    return {"rows": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--runs", type=int, default=7, help="timed runs of each case (default 7); the minimum counts"
    )
    ap.add_argument("--pack", default="dk-hjorring")
    ap.add_argument("--src", type=Path, default=REPO / "src", help="the source tree measured (default src/)")
    ap.add_argument("--compare", type=Path, help="another source tree, run in turns with --src")
    ap.add_argument("--compare-name", default="baseline", help="what to call the --compare tree")
    ap.add_argument("--no-cache", action="store_true", help="run without the start-up cache")
    ap.add_argument("--out", type=Path, help="result file (default bench/results/startup-<date>.json)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    todo = cases(args.pack)
    with tempfile.TemporaryDirectory(prefix="rettesnor-startup-") as scratch:
        trees = [make_tree("this", args.src.resolve(), Path(scratch), not args.no_cache)]
        if args.compare is not None:
            trees.append(
                make_tree(args.compare_name, args.compare.resolve(), Path(scratch), not args.no_cache)
            )
        load_before = loadavg()
        result = measure(trees, todo, args.runs)
        load_after = loadavg()

    base = {r["tree"]: r["cpu_min_s"] for r in result["rows"] if r["case"] == "python -c pass"}
    print(
        f"CPU time of the child process (user + system), min of {args.runs};"
        f" load {load_before} → {load_after}"
    )
    print(f"{'case':<36} {'tree':<10} {'CPU min':>8} {'median':>8} {'− python':>9} {'wall min':>9}  exit")
    for r in result["rows"]:
        over = r["cpu_min_s"] - base[r["tree"]]
        print(
            f"{r['case']:<36} {r['tree']:<10} {r['cpu_min_s']:8.3f} {r['cpu_median_s']:8.3f} {over:9.3f} "
            f"{r['wall_min_s']:9.3f}  {r['exit_status']}"
        )
    if len(trees) > 1:
        by = {(r["tree"], r["case"]): (r["exit_status"], r["output_sha256"]) for r in result["rows"]}
        same = [c.name for c in todo if by[(trees[0].name, c.name)] == by[(trees[1].name, c.name)]]
        print(f"identical output and exit status in {len(same)} of {len(todo)} cases")
        result["identical_output"] = same
    result.update(
        {
            "date": dt.date.today().isoformat(),
            "target_s": TARGET_S,
            "runs": args.runs,
            "pack": args.pack,
            "text": TEXT,
            "cache": not args.no_cache,
            "trees": {t.name: str(t.src) for t in trees},
            "loadavg_before": load_before,
            "loadavg_after": load_after,
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
        }
    )
    if not args.no_write:
        out = args.out or RESULTS_DIR / f"startup-{dt.date.today().isoformat()}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
