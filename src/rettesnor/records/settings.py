"""Where the database is: ``RETTESNOR_DATABASE_URL``, or an SQLite file under the data folder."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DATABASE_URL_ENV = "RETTESNOR_DATABASE_URL"
DATA_DIR_ENV = "RETTESNOR_DATA_DIR"
DEFAULT_DATA_DIR = Path("data")
SQLITE_FILE = "rettesnor.db"


def data_dir() -> Path:
    """The folder of the embedded database (``RETTESNOR_DATA_DIR``, default ``./data``)."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def database_url() -> URL:
    """The configured database. PostgreSQL URLs get the psycopg 3 driver when none is named."""
    raw = os.environ.get(DATABASE_URL_ENV)
    if not raw:
        return make_url(f"sqlite:///{data_dir() / SQLITE_FILE}")
    return normalise_url(raw)


def normalise_url(raw: str | URL) -> URL:
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def safe_url(url: URL) -> str:
    """The URL with its password hidden, for messages."""
    return url.render_as_string(hide_password=True)
