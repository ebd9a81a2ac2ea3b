"""Score the fresh context cases (tests/analysis/data/context_cases.jsonl) through the product as its
users call it: ``rettesnor analyse --jsonl`` and ``rettesnor check --jsonl -p PACK`` as processes, or the
Python API.

A development figure: the cases were written before they were run, and the fixes made after were chosen
on them; they are no held-out measure.

    PYTHONPATH=src python bench/context_cases.py [--api] [--misses] [--fresh | --third | --file PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

CASES = Path(__file__).resolve().parent.parent / "tests" / "analysis" / "data" / "context_cases.jsonl"
COUNTRY = {"dk": "DK", "no": "NO", "se": "SE"}


# Cases written after the fixes were made and before they were run; scored, never tuned on or tested.
FRESH = CASES.with_name("context_cases_fresh.jsonl")
# The third round (2026-12-05): written as a user before any run and before the word lists were read; each
# case has a "topic", and "expected_miss" (why) where the gap is a model's (the name tagger, the harm
# classifier) that no word list or pattern should paper over.
THIRD = CASES.with_name("context_cases_3.jsonl")


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def country(case: dict[str, Any]) -> str:
    return COUNTRY[case["pack"][:2]]


def _cli(args: list[str], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    data = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    cmd = [sys.executable, "-c", "from rettesnor.cli import main; main()", *args]
    out = subprocess.run(cmd, input=data.encode(), capture_output=True, check=False).stdout
    return [json.loads(x) for x in out.decode().splitlines() if x.strip()]


def analyses_cli(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    lines = [{"id": c["id"], "text": c["text"], "kind": c["kind"], "country": country(c)} for c in cases]
    return {r["id"]: r for r in _cli(["analyse", "--jsonl"], lines)}


def analyses_api(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from rettesnor.analyse import analyse_text

    return {
        c["id"]: analyse_text(c["text"], c["kind"], country=country(c), id=c["id"]).to_dict() for c in cases
    }


def checks_cli(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    by_pack: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cases:
        by_pack[c["pack"]].append({"id": c["id"], "text": c["text"], "kind": c["kind"]})
    for pack, lines in by_pack.items():
        out.update({r["id"]: r for r in _cli(["check", "--jsonl", "-p", pack], lines)})
    return out


def checks_api(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from rettesnor.check import check
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    return {
        c["id"]: check(Item(c["text"], c["kind"], id=c["id"]), load_pack(c["pack"])).to_dict() for c in cases
    }


def expectations(
    case: dict[str, Any], analysis: dict[str, Any], result: dict[str, Any]
) -> list[tuple[str, bool]]:
    """(what was expected, whether it holds) for each expectation of one case."""
    signals = analysis["signals"]
    text = case["text"]
    out: list[tuple[str, bool]] = []
    for category, span in case["signals"]:
        where = text.find(span) if span else -1
        hit = any(
            s["category"] == category and (not span or (s["start"] < where + len(span) and s["end"] > where))
            for s in signals
        )
        out.append((f"signal {category} {span!r}", hit))
    for category in case["absent"]:
        out.append((f"no signal {category}", all(s["category"] != category for s in signals)))
    found = {c for f in result["findings"] for c in f.get("categories", [f["category"]])}
    for category in case["findings"]:
        out.append((f"finding {category}", category in found))
    for category in case["no_findings"]:
        out.append((f"no finding {category}", category not in found))
    if case["language"]:
        out.append((f"language {case['language']}", analysis["language"]["code"] == case["language"]))
        out.append((f"check language {case['language']}", result["language"] == case["language"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", action="store_true", help="the Python API instead of the CLI processes")
    ap.add_argument("--misses", action="store_true", help="list each expectation that does not hold")
    ap.add_argument("--fresh", action="store_true", help=f"the cases of {FRESH.name} instead")
    ap.add_argument("--third", action="store_true", help=f"the cases of {THIRD.name} instead")
    ap.add_argument("--file", type=Path, help="the cases of this JSON Lines file instead")
    args = ap.parse_args()
    path = args.file or (THIRD if args.third else FRESH if args.fresh else CASES)
    cases = load_cases(path)
    analyses = (analyses_api if args.api else analyses_cli)(cases)
    results = (checks_api if args.api else checks_cli)(cases)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    whole: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # cases (every expectation held) per topic
    for case in cases:
        held = expectations(case, analyses[case["id"]], results[case["id"]])
        for key in (case.get("topic", "-"), "all"):
            whole[key][0] += all(ok for _, ok in held)
            whole[key][1] += 1
        for what, ok in held:
            kind = what.split()[0] if not what.startswith("no ") else "look-alike"
            for key in (case["id"][:2], kind, "all"):
                per[key][0] += ok
                per[key][1] += 1
            if args.misses and not ok:
                known = f" (expected: {case['expected_miss']})" if case.get("expected_miss") else ""
                print(f"MISS {case['id']}: {what}{known}  | {case['text']}")
    print("expectations")
    for key in ("da", "nb", "nn", "sv", "en", "signal", "finding", "look-alike", "language", "check", "all"):
        if key in per:
            print(f"  {key:<11} {per[key][0]:>3} / {per[key][1]:<3}")
    print("cases passed, per topic")
    for key in sorted(whole, key=lambda k: (k == "all", k)):
        print(f"  {key:<22} {whole[key][0]:>3} / {whole[key][1]:<3}")


if __name__ == "__main__":
    main()
