"""The name tagger's 5-fold CV (``scripts/train_names.py``'s :func:`cross_validate`, its threshold rule)
with the CRF's parameters changed; writes no model. How the c2 / iteration rows of docs/evaluation.md
("Person names: the learned tagger") were measured on 2026-12-04.

    PYTHONPATH=src nice .venv/bin/python bench/names_cv_params.py --c2 0.03 [--c1 C] [--maxit N]
        [--comments N] [--json OUT]

Prints each fold's L-BFGS iterations and final loss, the threshold the rule chooses, how many sets reach
the target and the macro-F1 at every threshold, and each set's figures at the chosen threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import pycrfsuite  # noqa: E402
import train_names as tn  # noqa: E402


class _LoggedTrainer(pycrfsuite.Trainer):  # type: ignore[misc]
    def train(self, *args: Any, **kwargs: Any) -> Any:
        out = super().train(*args, **kwargs)
        its = self.logparser.iterations
        last = its[-1] if its else {}
        print(
            f"    {len(its)} iterations, loss {last.get('loss')}, {last.get('active_features')} active",
            flush=True,
        )
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--c1", type=float, default=tn.PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=tn.PARAMS["c2"])
    parser.add_argument("--maxit", type=int, default=tn.PARAMS["max_iterations"])
    parser.add_argument(
        "--comments", type=int, default=tn.SYNTH_COMMENTS, help="synthetic comments a language"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the CV figures here")
    args = parser.parse_args()
    pycrfsuite.Trainer = _LoggedTrainer  # train_names.train looks it up at each call (forked folds too)
    tn.PARAMS.update(c1=args.c1, c2=args.c2, max_iterations=args.maxit)
    tn.SYNTH_COMMENTS = args.comments  # read by comment_sentences at each call (forked folds too)
    print(tn.PARAMS, f"synthetic comments a language: {tn.SYNTH_COMMENTS}", flush=True)
    t0 = time.time()
    parts = tn.training_sets()
    best, cv = tn.cross_validate(parts, tn.frequency(), tn.wide_names(), args.jobs)
    print(f"threshold {best}; sets at target {cv['thresholds_sets_at_target']}")
    print(f"macro-F1 {cv['thresholds_macro_f1']}")
    for key in parts:
        f = cv[key]["all_signals"]
        print(
            f"  {key:12} {f['precision']:.3f} {f['recall']:.3f} {f['f1']:.3f}  "
            f"tp {f['tp']} fp {f['fp']} fn {f['fn']}"
        )
    print(f"wall {time.time() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"params": tn.PARAMS, "threshold": best, "cv": cv}, indent=1) + "\n")


if __name__ == "__main__":
    main()
