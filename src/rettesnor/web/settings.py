"""Settings of the web application, from the environment or given by the caller (tests, ``serve``)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


OIDC_ENV = "RETTESNOR_OIDC_"  # one provider from RETTESNOR_OIDC_ISSUER, …_CLIENT_ID, …
OIDC_FILE_ENV = "RETTESNOR_OIDC_FILE"  # several: a JSON list of OidcProvider fields


@dataclass(frozen=True, slots=True)
class OidcProvider:
    """An OpenID Connect provider to sign in with (Entra ID, Keycloak, a national login broker…).

    They differ only by these settings. ``issuer``: the issuer URL (its discovery document is
    ``<issuer>/.well-known/openid-configuration``) or ``discovery_url`` given directly. The login must
    exist before: the person is found by a linked subject, else by the ``username_claim`` (a login's user
    name), else by the ``email_claim`` (the person's e-mail, when the provider does not say it is
    unverified), within the ``organisation`` (a slug) or the organisation that ``organisation_claim``
    names (through ``organisation_values``, claim value → slug, or the slug itself). Nobody is created.
    """

    name: str  # in the URLs: /login/oidc/<name>
    client_id: str
    issuer: str | None = None
    discovery_url: str | None = None
    client_secret: str | None = field(default=None, repr=False)  # None: a public client (PKCE only)
    label: str = ""  # on the button: "Sign in with <label>"
    scopes: str = "openid profile email"
    username_claim: str | None = "preferred_username"
    email_claim: str | None = "email"
    organisation: str | None = None
    organisation_claim: str | None = None
    organisation_values: dict[str, str] = field(default_factory=dict)
    redirect_uri: str | None = None  # default: this site's /login/oidc/<name>/callback as requested
    token_endpoint_auth_method: str = "client_secret_basic"

    def metadata_url(self) -> str:
        if self.discovery_url:
            return self.discovery_url
        if not self.issuer:
            raise ValueError(f"OIDC provider {self.name!r}: give issuer or discovery_url")
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _provider(values: dict[str, Any]) -> OidcProvider:
    known = set(OidcProvider.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown OIDC setting {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return OidcProvider(**values)


def oidc_from_env(environ: dict[str, str] | None = None) -> tuple[OidcProvider, ...]:
    """Providers from ``RETTESNOR_OIDC_FILE`` (a JSON list) or one from ``RETTESNOR_OIDC_*`` variables."""
    env = dict(os.environ if environ is None else environ)
    if env.get(OIDC_FILE_ENV):
        raw = json.loads(Path(env[OIDC_FILE_ENV]).read_text(encoding="utf-8"))
        return tuple(_provider(v) for v in (raw if isinstance(raw, list) else [raw]))
    if not env.get(OIDC_ENV + "CLIENT_ID"):
        return ()
    values: dict[str, Any] = {"name": env.get(OIDC_ENV + "NAME", "sso")}
    for key in OidcProvider.__dataclass_fields__:
        value = env.get(OIDC_ENV + key.upper())
        if value is not None and key != "name":
            values[key] = json.loads(value) if key == "organisation_values" else (value or None)
    return (_provider(values),)


@dataclass(frozen=True, slots=True)
class Settings:
    """``database_url`` None: ``RETTESNOR_DATABASE_URL`` or the embedded SQLite file.

    ``secret_key`` None: ``RETTESNOR_SECRET_KEY`` or a key file in the data folder. It signs the session
    cookie. ``secure_cookies``: the cookie is sent over HTTPS only, named ``__Host-…``, and answers carry
    HSTS (turn off only for plain HTTP on loopback). ``max_body_bytes``: larger requests get 413.
    A session ends ``session_idle_s`` after its last request and ``session_max_age_s`` after it began.
    ``login_attempts`` failed logins (passwords and one-time codes) of one login within ``login_window_s``
    seconds, then that login waits (429); ``login_address_attempts`` failed logins from one address, then
    that address waits: the right password of another login from the same address is not refused before.
    ``forwarded_allow_ips``: the reverse proxies (comma-separated addresses or networks, ``*`` for any)
    whose ``X-Forwarded-For``/``-Proto`` are believed; None: none, the peer is the client.
    ``public_requests`` requests per client to the public pages within ``public_window_s`` seconds, then
    429. ``oidc``: providers of OpenID Connect logins.
    """

    database_url: str | None = None
    secret_key: str | None = None
    secure_cookies: bool = True
    max_body_bytes: int = 2_000_000
    session_max_age_s: int = 8 * 3600
    session_idle_s: int = 3600
    login_attempts: int = 10
    login_address_attempts: int = 50
    forwarded_allow_ips: str | None = None
    login_window_s: float = 300.0
    public_requests: int = 120  # requests per client to the pages open to everyone, within …
    public_window_s: float = 60.0
    platforms: PlatformSettings | None = None  # None: from the environment (see rettesnor.platforms.settings)
    oidc: tuple[OidcProvider, ...] | None = None  # None: from the environment (oidc_from_env)

    def oidc_providers(self) -> tuple[OidcProvider, ...]:
        return oidc_from_env() if self.oidc is None else self.oidc

    def resolved_secret(self) -> str:
        key = self.secret_key or os.environ.get(SECRET_ENV)
        if key:
            if len(key) < 32:
                raise ValueError(f"{SECRET_ENV} must be at least 32 characters")
            return key
        return _secret_from_file(data_dir())
