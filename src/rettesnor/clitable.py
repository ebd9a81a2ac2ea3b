"""Tables for the command line that stay readable in an 80-column terminal, and "no results".

A table whose columns fit is drawn as a table; short columns (ids, dates, codes) never wrap and long
ones (texts) wrap within the width left. Where even that would squeeze a column below a readable width
(rich then puts one word per line), each row is printed as a block of ``column: value`` lines instead.
An empty result is a sentence in the user's language (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), not a bare
table header.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

Cell = str | Text
SHORT = 24  # a column whose longest value is at most this wide never wraps
READABLE = 24  # the least width a wrapping column gets before rows become blocks
NO_RESULTS = {
    "da": "Ingen resultater.",
    "nb": "Ingen treff.",
    "nn": "Ingen treff.",
    "sv": "Inga träffar.",
    "en": "No results.",
}


def user_language() -> str:
    """The language of the terminal's locale (``da_DK.UTF-8`` → da); English otherwise."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name, "")
        code = value.split(":")[0].split(".")[0].split("_")[0].lower()
        if code:
            return {"no": "nb", "nb": "nb", "nn": "nn", "da": "da", "sv": "sv"}.get(code, "en")
    return "en"


def no_results(console: Console, lang: str | None = None) -> None:
    console.print(NO_RESULTS.get(lang or user_language(), NO_RESULTS["en"]))


def _width(cell: Cell) -> int:
    plain = cell.plain if isinstance(cell, Text) else cell
    return max((len(line) for line in plain.splitlines()), default=0)


def print_table(
    console: Console, columns: Sequence[str], rows: Sequence[Sequence[Cell]], lang: str | None = None
) -> None:
    """``rows`` under ``columns``; "no results" when there are none."""
    if not rows:
        no_results(console, lang)
        return
    widths = [max(len(c), *(_width(r[i]) for r in rows)) for i, c in enumerate(columns)]
    short = [w <= SHORT for w in widths]
    fixed = sum(w for w, s in zip(widths, short, strict=True) if s) + 3 * len(columns) + 1
    wrapping = len(columns) - sum(short)
    natural = sum(widths) + 3 * len(columns) + 1
    if natural > console.width and wrapping and (console.width - fixed) // wrapping < READABLE:
        _blocks(console, columns, rows)
        return
    if natural > console.width and not wrapping:
        _blocks(console, columns, rows)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name, is_short in zip(columns, short, strict=True):
        table.add_column(name, no_wrap=is_short, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _blocks(console: Console, columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """One block per row: ``column: value`` lines, a blank line between rows."""
    label = max(len(c) for c in columns) + 2
    for n, row in enumerate(rows):
        if n:
            console.print()
        for name, cell in zip(columns, row, strict=True):
            line = Text(f"{name}:".ljust(label), style="bold")
            line.append(cell if isinstance(cell, Text) else Text(cell))
            console.print(line)
