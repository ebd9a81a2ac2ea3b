"""Settings of the platform connectors, from the environment (``serve``, the worker) or given by tests.

=============================== ===================================================================
``RETTESNOR_META_APP_SECRET``   the Meta app's secret: verifies ``X-Hub-Signature-256`` of webhooks and
                                signs Graph API calls (``appsecret_proof``)
``RETTESNOR_META_VERIFY_TOKEN`` the verify token typed into the app's webhook settings (GET handshake)
``RETTESNOR_GRAPH_VERSION``     the pinned Graph API version (default below)
``RETTESNOR_GRAPH_BASE_URL``    default ``https://graph.facebook.com``; tests point it at the stand-in
``RETTESNOR_TOKEN_KEYS``        Fernet keys, comma-separated, newest first; without it a key file
                                ``token_keys`` beside the embedded database (created on first use)
=============================== ===================================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

GRAPH_VERSION = "v26.0"
GRAPH_BASE_URL = "https://graph.facebook.com"


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


@dataclass(frozen=True, slots=True)
class PlatformSettings:
    """``backoff_s`` is the first wait after a rate limit or a transient error; it doubles up to
    ``backoff_max_s``. A wait Meta asks for that is longer than ``backoff_max_s`` is not waited: the
    moderator is told to try later instead."""

    app_secret: str | None = field(default=None, repr=False)
    verify_token: str | None = field(default=None, repr=False)
    graph_version: str = GRAPH_VERSION
    graph_base_url: str = GRAPH_BASE_URL
    token_keys: tuple[str, ...] = field(default=(), repr=False)
    timeout_s: float = 10.0
    max_attempts: int = 4
    backoff_s: float = 1.0
    backoff_max_s: float = 30.0

    @classmethod
    def from_env(cls) -> PlatformSettings:
        keys = tuple(k.strip() for k in (_env("RETTESNOR_TOKEN_KEYS") or "").split(",") if k.strip())
        return cls(
            app_secret=_env("RETTESNOR_META_APP_SECRET"),
            verify_token=_env("RETTESNOR_META_VERIFY_TOKEN"),
            graph_version=_env("RETTESNOR_GRAPH_VERSION") or GRAPH_VERSION,
            graph_base_url=_env("RETTESNOR_GRAPH_BASE_URL") or GRAPH_BASE_URL,
            token_keys=keys,
        )

    @property
    def graph_url(self) -> str:
        return f"{self.graph_base_url.rstrip('/')}/{self.graph_version}"
