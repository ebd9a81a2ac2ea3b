"""The optional second factor of local logins: time-based one-time codes (TOTP, RFC 6238, with pyotp).

A person enrols on the page *Two-step login*: the application makes a secret, shows it as an
``otpauth://`` URI, as text and as a QR code, and turns it on once the person types a code from their app.
From then on the login asks for a code after the password. The secret is stored encrypted with a key
derived from the application's secret key (Fernet), never in clear and never logged; a code is accepted
once: its time step is written with a unique key on (login, step), so of two requests that bring the
same code at the same moment only one gets in. Recovery: an administrator resets it with
``rettesnor web reset-totp USER`` and the person enrols again.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from rettesnor.records.web_models import WebTotpUse, WebUser

ISSUER = "Rettesnor"
DIGITS = 6
PERIOD = 30
WINDOW = 1  # one step of clock drift either way
CODE = re.compile(r"^\d{6}$")


class SecretBox:
    """Encrypts secrets at rest with a key derived from the application's secret key."""

    def __init__(self, app_secret: str) -> None:
        key = hmac.new(app_secret.encode("utf-8"), b"rettesnor/totp-secret/v1", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("ascii")).decode("ascii")

    def open(self, sealed: str) -> str | None:
        """The secret, or None when it was sealed with another key (the secret key changed)."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError):
            return None

    def __repr__(self) -> str:
        return "SecretBox(…)"


def enabled(user: WebUser) -> bool:
    return user.totp_enabled_at is not None and user.totp_secret is not None


def new_secret() -> str:
    return pyotp.random_base32()


def uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).provisioning_uri(
        name=username, issuer_name=ISSUER
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str) -> str | None:
    """A QR code of ``data`` as an SVG ``data:`` URI (the CSP allows ``img-src data:``)."""
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency; the text secret works without it
        return None
    uri_: str = segno.make(data, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")
    return uri_


def matching_step(secret: str, code: str, now: dt.datetime | None = None) -> int | None:
    """The time step whose code ``code`` is (within the allowed drift), or None."""
    code = code.strip().replace(" ", "")
    if not CODE.match(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD)
    at = now or dt.datetime.now(dt.UTC)
    step = totp.timecode(at)
    for delta in range(-WINDOW, WINDOW + 1):
        candidate = step + delta
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def verify(
    session: Session, user: WebUser, box: SecretBox, code: str, now: dt.datetime | None = None
) -> bool:
    """Whether ``code`` is a fresh code of the user's secret. Its step is spent in ``session`` (commit it):
    the unique key refuses a second use, also by a request running at the same moment."""
    if user.totp_secret is None:
        return False
    secret = box.open(user.totp_secret)
    if secret is None:
        return False
    step = matching_step(secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    try:
        with session.begin_nested():  # on PostgreSQL this waits for a concurrent insert, then fails
            session.add(WebTotpUse(user_id=user.id, step=step))
    except IntegrityError:
        return False
    session.execute(delete(WebTotpUse).where(WebTotpUse.user_id == user.id, WebTotpUse.step < step - 10))
    user.totp_last_step = step
    return True


def reset(user: WebUser) -> None:
    """Turn the second factor off (an administrator's recovery); the person may enrol again."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session = object_session(user)
    if session is not None:  # the steps of the old secret say nothing about the codes of a new one
        session.execute(delete(WebTotpUse).where(WebTotpUse.user_id == user.id))
