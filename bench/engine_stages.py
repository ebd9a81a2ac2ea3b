"""Per-stage CPU time of batch mode: where ``check_many`` spends its time, to compare two versions.

Times ``check_many`` on the benchmark corpus (chunks of 512, pack dk-hjorring, as comments) and
``check_lines`` on the same texts as JSON Lines, best of N passes in CPU time; then, in a second set of
passes, the CPU time of each detector's ``detect_many``, the language detection and ``evaluate``. Prints
one JSON line (µs per text). Run it with one version's ``src`` on ``PYTHONPATH``, then the other's::

    PYTHONPATH=src .venv/bin/python bench/engine_stages.py 9
"""

from __future__ import annotations

import collections
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_throughput as bench


def _wrap(module: ModuleType, name: str, label: str, stage: collections.Counter[str]) -> None:
    f: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time_ns()
        out = f(*args, **kwargs)
        stage[label] += time.process_time_ns() - t
        return out

    setattr(module, name, timed)


def main() -> None:
    import rettesnor.check as chk
    from rettesnor.analysis import contact, discourse, identifiers, lexicon, names, offensive, readability
    from rettesnor.check import check_lines, check_many
    from rettesnor.item import Item
    from rettesnor.policy.loader import load_pack

    passes = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    pack = load_pack("dk-hjorring")
    texts = [s.text for s in bench.build_corpus(bench.read_comments(bench.DEFAULT_CORPUS))]
    items = [Item(t, kind="comment") for t in texts]
    lines = [
        json.dumps({"id": str(i), "text": t, "kind": "comment"}, ensure_ascii=False).encode()
        for i, t in enumerate(texts)
    ]

    def run() -> None:
        for k in range(0, len(items), 512):
            check_many(items[k : k + 512], pack)

    def run_lines() -> None:
        for _ in check_lines(lines, pack):
            pass

    run()
    run_lines()
    best = best_lines = float("inf")
    for _ in range(passes):
        t = time.process_time()
        run()
        best = min(best, time.process_time() - t)
        t = time.process_time()
        run_lines()
        best_lines = min(best_lines, time.process_time() - t)
    stage: collections.Counter[str] = collections.Counter()
    for module in (contact, identifiers, names, lexicon, discourse, readability, offensive):
        if hasattr(module, "detect_many"):  # a detector without one runs inside analyse_many's loop
            _wrap(module, "detect_many", module.__name__.rsplit(".", 1)[-1], stage)
    if hasattr(offensive.OffensiveModel, "margins_many"):  # the classifier's margins of a whole chunk
        _wrap(offensive.OffensiveModel, "margins_many", "offensive", stage)  # type: ignore[arg-type]
    # the languages of a chunk (on a branch with the shared token pass: the pass is made there)
    languages = "detect_languages_in" if hasattr(chk, "detect_languages_in") else "detect_languages"
    _wrap(chk, languages, "language", stage)
    _wrap(chk, "evaluate", "evaluate", stage)
    stages: dict[str, int] = {}
    for _ in range(passes):
        stage.clear()
        run()
        for k, v in stage.items():
            stages[k] = min(stages.get(k, v), v)
    n = len(items)
    out: dict[str, Any] = {
        "check_many_us": round(best / n * 1e6, 1),
        "check_lines_us": round(best_lines / n * 1e6, 1),
        "stages_us": {k: round(v / n / 1000, 2) for k, v in sorted(stages.items(), key=lambda x: -x[1])},
    }
    out["not_names_us"] = round(out["check_many_us"] - out["stages_us"].get("names", 0), 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
