"""``rettesnor demo load``: a demo municipality per seed guideline.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

import typer

from rettesnor.cli.common import (
    Format,
    check_format,
    db_session,
    out,
    print_json,
)

# --- demo ----------------------------------------------------------------------------------------


def register_demo(demo_app: typer.Typer) -> None:
    """Add ``rettesnor demo load`` to the product's demo command."""

    @demo_app.command("load")
    def demo_load(fmt: Format = "text") -> None:
        """A demo municipality per seed guideline: units, people, accounts, consents, reviews, archive."""
        from rettesnor import demo

        with db_session() as s:
            summary = demo.load(s)
        if check_format(fmt) == "json":
            print_json(summary)
            return
        for row in summary:
            out.print(
                f"{row['organisation']:<12} {row['units']} units, {row['people']} people, "
                f"{row['accounts']} accounts, {row['consents']} consents, {row['overdue']} reviews overdue"
            )
