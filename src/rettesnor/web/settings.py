"""Settings of the web application, from the environment or given by the caller (tests, ``serve``)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from rettesnor.platforms.settings import PlatformSettings
from rettesnor.records.settings import data_dir

SECRET_ENV = "RETTESNOR_SECRET_KEY"
SECRET_FILE = "secret_key"


def _secret_from_file(folder: Path) -> str:
    """A random key kept beside the embedded database (created on first use, readable only by us)."""
    path = folder / SECRET_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


@dataclass(frozen=True, slots=True)
class Settings:
    """``database_url`` None: ``RETTESNOR_DATABASE_URL`` or the embedded SQLite file.

    ``secret_key`` None: ``RETTESNOR_SECRET_KEY`` or a key file in the data folder. It signs the session
    cookie. ``secure_cookies``: the cookie is sent over HTTPS only (turn off only for plain HTTP on
    loopback). ``max_body_bytes``: larger requests get 413. ``login_attempts`` failed logins per client
    within ``login_window_s`` seconds, then 429.
    """

    database_url: str | None = None
    secret_key: str | None = None
    secure_cookies: bool = True
    max_body_bytes: int = 2_000_000
    session_max_age_s: int = 8 * 3600
    login_attempts: int = 10
    login_window_s: float = 300.0
    platforms: PlatformSettings | None = None  # None: from the environment (see rettesnor.platforms.settings)

    def resolved_secret(self) -> str:
        key = self.secret_key or os.environ.get(SECRET_ENV)
        if key:
            if len(key) < 32:
                raise ValueError(f"{SECRET_ENV} must be at least 32 characters")
            return key
        return _secret_from_file(data_dir())
