"""Short-lived signed URLs for the photos of a post: Meta fetches a photo from a URL (Instagram always,
Facebook here too), so the web application serves ``/media/publish/{photo}?exp=…&sig=…`` without a login.
The signature (HMAC-SHA256 with a key derived from the application's secret) covers the photo and the
expiry; a URL is good for :data:`TTL_S` seconds, long enough for Meta to fetch it, too short to share."""

from __future__ import annotations

import hashlib
import hmac
import os
import time

TTL_S = 600
BASE_URL_ENV = "RETTESNOR_BASE_URL"  # where Meta reaches this application (as for the links in e-mails)


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"rettesnor.publishing.media", hashlib.sha256).digest()


def signature(secret: str, photo_id: int, expires: int) -> str:
    return hmac.new(_key(secret), f"{photo_id}.{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(base_url: str, secret: str, photo_id: int, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + TTL_S)
    sig = signature(secret, photo_id, expires)
    return f"{base_url.rstrip('/')}/media/publish/{photo_id}?exp={expires}&sig={sig}"


def valid(secret: str, photo_id: int, expires: int, sig: str, now: float | None = None) -> bool:
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(signature(secret, photo_id, expires), sig)


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, "http://127.0.0.1:8000").rstrip("/")
