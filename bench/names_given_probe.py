"""Lone given names in comment-like sentences: how many does the name tagger find? A probe, not a measure.

Written on 2026-12-04 after a user-style try showed "Tak til Anna for hjælpen." with no name found: 59
common Nordic given names in five sentence frames per language (da, nb, sv), each name alone. The frames
were written after that miss was seen, so this is a regression check of that weakness, not a fair
figure (docs/evaluation.md, "Lone given names").

    PYTHONPATH=src .venv/bin/python bench/names_given_probe.py [MODEL.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rettesnor.analysis import names
from rettesnor.analysis.context import AnalysisContext

GIVEN = """Anna Maria Emma Ida Sofia Laura Julia Clara Ella Freja Alma Olivia Nora Karla Agnes Mathilde Frida
Astrid Ingrid Lea Sara Eva Hanna Johanna Signe Nanna Ulla Birgitta Kristina Malin Linnea Elin Tove Marta
Helga Solveig Silje Ragnhild Kari Ingeborg Nina Mikkel Lars Jens Ole Peter Anders Magnus Oskar Noah
William Emil Lucas Erik Nils Sven Ola Per Knut""".split()

FRAMES = {
    "da": [
        "Tak til {} for hjælpen i går.",
        "Jeg har talt med {} om sagen, men intet sker.",
        "{} fra nr. 12 parkerer altid på fortovet.",
        "Spørg bare {}, hun ved det hele.",
        "Min søn og {} går i samme klasse.",
    ],
    "nb": [
        "Takk til {} for hjelpen i går.",
        "Jeg har snakket med {} om saken, men ingenting skjer.",
        "{} i nr. 12 parkerer alltid på fortauet.",
        "Spør bare {}, hun vet alt.",
        "Sønnen min og {} går i samme klasse.",
    ],
    "sv": [
        "Tack till {} för hjälpen i går.",
        "Jag har pratat med {} om saken men inget händer.",
        "{} på nummer 12 parkerar alltid på trottoaren.",
        "Fråga bara {}, hon vet allt.",
        "Min son och {} går i samma klass.",
    ],
}
COUNTRY = {"da": "DK", "nb": "NO", "sv": "SE"}


def found(text: str, name: str, ctx: AnalysisContext, tagger: names.Model | None) -> bool:
    """Whether a person_name signal covers the name's first character."""
    start = text.index(name)
    return any(s.start <= start < s.end for s in names.detect(text, ctx, tagger) if s.name == "person_name")


def main(argv: list[str]) -> int:
    tagger = names.Model(json.loads(Path(argv[0]).read_text())) if argv else None
    hits = total = 0
    for lang, frames in FRAMES.items():
        ctx = AnalysisContext(kind="comment", language=lang, country=COUNTRY[lang])
        per_frame = [sum(found(f.format(g), g, ctx, tagger) for g in GIVEN) for f in frames]
        n = len(frames) * len(GIVEN)
        print(f"{lang}  {sum(per_frame)} / {n}  {sum(per_frame) / n:.3f}   per frame {per_frame}")
        hits += sum(per_frame)
        total += n
    print(f"all {hits} / {total}  {hits / total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
