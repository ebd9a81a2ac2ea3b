"""Page access tokens, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256) under a key ring.

The key ring is ``RETTESNOR_TOKEN_KEYS`` (newest first) or, for the embedded setup, a key file beside the
database. New tokens are encrypted with the first key; any key of the ring decrypts. Rotation: put a new
key first, keep the old ones after it, run ``rettesnor platforms rotate-keys`` (every token re-encrypted
with the new key), then drop the old keys. A token is shown only when it is typed in; afterwards only
its fingerprint (the first 16 hex digits of its SHA-256). Tokens are written with Core statements, so
neither the audit log nor any log line ever holds one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from rettesnor.item import InputError
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.records.platform_models import PlatformToken
from rettesnor.records.settings import data_dir
from rettesnor.records.types import utcnow

KEY_FILE = "token_keys"
TOKEN_TABLE: Table = PlatformToken.__table__  # type: ignore[assignment]


class TokenError(InputError):
    """A token cannot be stored or read (no key, a key that does not fit, no token)."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _key_file(folder: Path) -> tuple[str, ...]:
    path = folder / KEY_FILE
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(new_key() + "\n")
    return tuple(line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip())


def keyring(settings: PlatformSettings) -> MultiFernet:
    keys = settings.token_keys or _key_file(data_dir())
    try:
        return MultiFernet([Fernet(k.encode("ascii")) for k in keys])
    except (ValueError, UnicodeEncodeError):
        raise TokenError(
            "a token key is not a Fernet key (32 url-safe base64 bytes); make one with "
            "`rettesnor platforms new-key`"
        ) from None


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def _clean(token: str) -> str:
    token = token.strip()
    if not token or len(token) > 2000 or any(c.isspace() for c in token):
        raise TokenError("an access token is one line of at most 2000 characters without spaces")
    return token


def store(session: Session, connection_id: int, token: str, settings: PlatformSettings) -> str:
    """Encrypt and store the token of a connection (replacing any before it); its fingerprint."""
    token = _clean(token)
    ciphertext = keyring(settings).encrypt(token.encode("utf-8"))
    session.execute(delete(TOKEN_TABLE).where(TOKEN_TABLE.c.connection_id == connection_id))
    digest = fingerprint(token)
    session.execute(
        insert(TOKEN_TABLE).values(
            connection_id=connection_id, ciphertext=ciphertext, fingerprint=digest, stored_at=utcnow()
        )
    )
    return digest


def load(session: Session, connection_id: int, settings: PlatformSettings) -> str:
    row = session.execute(
        select(TOKEN_TABLE.c.ciphertext).where(TOKEN_TABLE.c.connection_id == connection_id)
    ).first()
    if row is None:
        raise TokenError(f"connection {connection_id} has no access token; connect the page again")
    try:
        return keyring(settings).decrypt(bytes(row[0])).decode("utf-8")
    except InvalidToken:
        raise TokenError(
            f"the access token of connection {connection_id} was encrypted with a key that is not in "
            "the key ring; put the old key back (after the new one) and run `rettesnor platforms rotate-keys`"
        ) from None


def rotate(session: Session, settings: PlatformSettings) -> int:
    """Re-encrypt every token with the first key of the ring; the number of tokens."""
    ring = keyring(settings)
    rows = session.execute(select(TOKEN_TABLE.c.connection_id, TOKEN_TABLE.c.ciphertext)).all()
    for connection_id, ciphertext in rows:
        try:
            fresh = ring.rotate(bytes(ciphertext))
        except InvalidToken:
            raise TokenError(
                f"the access token of connection {connection_id} was encrypted with a key that is not in "
                "the key ring; nothing was rotated"
            ) from None
        session.execute(
            update(TOKEN_TABLE).where(TOKEN_TABLE.c.connection_id == connection_id).values(ciphertext=fresh)
        )
    return len(rows)
