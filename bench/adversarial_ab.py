"""The worst-case inputs of ``check_throughput.py``, timed on two source trees in turns (A/B).

Two long-lived worker processes, one per tree (``PYTHONPATH`` set to each tree's ``src``), each warm
(pack loaded, a few corpus texts checked); the driver asks them in turns to check one worst case in a
forked child (as ``check_throughput.py`` does) and reads back its CPU time, so both trees share the
machine's moods. With ``--stages`` the stages of every case are timed too (a separate check, not counted
in the CPU time). The harness (the inputs, the forked child, the stages) is this tree's
``check_throughput.py`` for both trees.

    .venv/bin/python bench/adversarial_ab.py --base /tmp/main-src --rounds 2          # base vs this tree
    .venv/bin/python bench/adversarial_ab.py --base /tmp/main-src --only "e-mail"    # cases matching
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))


def worker(size: int, pack_name: str, stages: bool) -> None:
    """Read ``name<TAB>kind`` lines; answer one JSON line per case."""
    import check_throughput as ct
    from rettesnor.check import check
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    pack = load_pack(pack_name)
    comments = ct.read_comments(ct.DEFAULT_CORPUS)
    for text in comments[:300]:
        check(Item(text, kind="comment"), pack)
    # the texts check_throughput.py joins: the corpus with its synthetic identifiers ("with ids")
    inputs = ct.adversarial_inputs(size, [s.text for s in ct.build_corpus(comments)])
    print(json.dumps({"ready": list(inputs)}), flush=True)
    for line in sys.stdin:
        name, kind = line.rstrip("\n").split("\t")
        row: dict[str, Any] = ct.time_once(inputs[name], kind, pack, 20.0)
        if stages:
            row["stages_s"] = ct.stages_once(inputs[name], kind, pack, 40.0)
        print(json.dumps(row), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--base", type=Path, default=None, help="the other tree's src folder (required)")
    ap.add_argument("--new", type=Path, default=REPO / "src", help="this tree's src (default)")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--pack", default="dk-hjorring")
    ap.add_argument("--rounds", type=int, default=2, help="checks per case and tree; the least CPU is kept")
    ap.add_argument("--only", default="", help="only the cases whose name contains this")
    ap.add_argument("--kind", default="", help="only this kind (comment, official_post)")
    ap.add_argument("--stages", action="store_true", help="also time the stages of each case")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    args = ap.parse_args()
    if args.worker:
        worker(args.size, args.pack, args.stages)
        return 0
    if args.base is None:
        ap.error("--base SRC is required")
    procs: dict[str, subprocess.Popen[str]] = {}
    names: list[str] = []
    for label, src in (("base", args.base), ("new", args.new)):
        env = {**os.environ, "PYTHONPATH": str(src.resolve())}
        cmd = [sys.executable, __file__, "--worker", "--size", str(args.size), "--pack", args.pack]
        if args.stages:
            cmd.append("--stages")
        procs[label] = subprocess.Popen(
            cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
    for proc in procs.values():
        assert proc.stdout is not None
        names = json.loads(proc.stdout.readline())["ready"]
    rows: list[dict[str, Any]] = []
    kinds = [args.kind] if args.kind else ["comment", "official_post"]
    print(f"{'input':<40} {'kind':<13} {'base CPU s':>10} {'new CPU s':>10}  spans base/new")
    for name in names:
        if args.only not in name:
            continue
        for kind in kinds:
            best: dict[str, dict[str, Any]] = {}
            for r in range(args.rounds):
                order = ("base", "new") if r % 2 == 0 else ("new", "base")
                for label in order:
                    proc = procs[label]
                    assert proc.stdin is not None and proc.stdout is not None
                    proc.stdin.write(f"{name}\t{kind}\n")
                    proc.stdin.flush()
                    row = json.loads(proc.stdout.readline())
                    if "cpu_s" in row and (
                        "cpu_s" not in best.get(label, {}) or row["cpu_s"] < best[label]["cpu_s"]
                    ):
                        best[label] = row
                    best.setdefault(label, row)
            b, n = best["base"], best["new"]
            rows.append({"input": name, "kind": kind, "base": b, "new": n})
            cell = lambda x: f"{x['cpu_s']:10.3f}" if "cpu_s" in x else f"{x.get('error')!s:>10}"  # noqa: E731
            spans = f"{b.get('findings')}f/{b.get('spans')}s → {n.get('findings')}f/{n.get('spans')}s"
            flag = "EXCEEDS" if n.get("cpu_s", 99) >= 0.5 else "ok"
            print(f"{name:<40} {kind:<13} {cell(b)} {cell(n)}  {spans}  {flag}", flush=True)
            if args.stages:
                for label, x in (("base", b), ("new", n)):
                    st = x.get("stages_s")
                    if isinstance(st, dict):
                        top = ", ".join(
                            f"{k.removeprefix('detector ')} {v:.3f}" for k, v in list(st.items())[:5]
                        )
                        print(f"    {label}: {top}")
    for proc in procs.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
