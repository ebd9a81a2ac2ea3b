"""Running the ``rettesnor`` command in the test's process, as a user would from the shell."""

from __future__ import annotations

import pytest

from rettesnor.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of ``rettesnor ARGS``."""
    capsys.readouterr()  # what the test printed before is not the command's
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    got = capsys.readouterr()
    return int(exit_.value.code or 0), got.out, got.err
