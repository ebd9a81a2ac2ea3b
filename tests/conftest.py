from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


pytest_plugins = ("support.dbsupport",)  # database fixtures of the governance tests (SQLite and PostgreSQL)


@pytest.fixture(autouse=True, scope="session")
def _startup_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The start-up cache (rettesnor.diskcache) of the test run in a folder of its own, not the user's:
    the commands the tests run (in this process and in child processes) fill it and read it back."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RETTESNOR_CACHE_DIR", str(tmp_path_factory.mktemp("rettesnor-cache")))
        yield
