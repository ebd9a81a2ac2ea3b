"""Attachments stored content-addressed: ``<root>/<first two hex>/<sha256>``, written atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from rettesnor.records.settings import data_dir


class BlobStore:
    """Files by their SHA-256. Writing the same bytes twice stores them once."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else data_dir() / "blobs"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` durably (fsync before rename) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)
