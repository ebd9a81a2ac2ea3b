"""Convert an offensive-comment model from the all-JSON form to the stored form (start-up time, issue 17).

The all-JSON form (``rettesnor.offensive/2``: every feature a row ``[name, idf, coef …]`` of one 6.5 MB
JSON file) takes ≈ 0.2 s to load; the stored form (``rettesnor.offensive/3``) is the same model in two
files: ``offensive.json`` (the heads, thresholds, training notes and the feature names) and
``offensive.weights.npy`` (the numbers, float64), read in ≈ 0.01 s with bit-identical scores. See
:mod:`rettesnor.analysis.offensive`. ``scripts/train_offensive.py`` writes the stored form itself; this
command is for a model trained by an older trainer (e.g. one merged from another branch)::

    .venv/bin/python scripts/convert_offensive_model.py     # src/rettesnor/models/offensive.json, in place
    .venv/bin/python scripts/convert_offensive_model.py old.json --out src/rettesnor/models/offensive.json

It checks its work: the written files are read back and every feature's name and numbers must equal the
input's, bit for bit. A model already in the stored form is left as it is (exit status 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rettesnor.analysis import offensive

MODEL = Path(__file__).resolve().parents[1] / "src" / "rettesnor" / "models" / "offensive.json"


def convert(source: Path, out: Path) -> str:
    """Write the stored form of the all-JSON model ``source`` to ``out`` (and its weights file); what was
    done, in words."""
    doc = json.loads(source.read_text(encoding="utf-8"))
    if isinstance(doc, dict) and doc.get("format") == offensive.STORED_FORMAT:
        if source.resolve() != out.resolve():
            raise SystemExit(f"{source} is in the stored form already: copy it with its weights file")
        return f"{source} is in the stored form already: nothing to do"
    offensive.OffensiveModel(doc)  # refuses a malformed model before anything is written
    npy = offensive.write_model(doc, out)
    back = offensive.read_document(out)
    for old, new in zip(doc["features"], back["features"], strict=True):
        if [str(old[0]), *map(float, old[1:])] != new or any(
            float(a).hex() != float(b).hex() for a, b in zip(old[1:], new[1:], strict=True)
        ):
            raise SystemExit(f"feature {old[0]!r} did not survive the conversion: {old} → {new}")
    return f"wrote {out} and {npy} ({len(doc['features'])} features)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, nargs="?", default=MODEL, help="the all-JSON model file")
    parser.add_argument("--out", type=Path, help="the model file to write (default: the source, in place)")
    args = parser.parse_args(argv)
    print(convert(args.source, args.out or args.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
