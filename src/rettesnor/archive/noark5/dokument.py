"""The files under DOKUMENT/: each version as XML (records.xsd), a thread as PDF/A-2b, the attachments."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from rettesnor.archive.noark5.common import Context, Version
from rettesnor.archive.xmlsafe import safe_suffix
from rettesnor.records.archive_models import ArchiveRecord


class Documents:
    """Writes the files under DOKUMENT/ and remembers what it wrote."""

    def __init__(self, ctx: Context, folder: Path) -> None:
        self.ctx, self.folder = ctx, folder
        self.written = 0

    def version(self, record: ArchiveRecord, v: Version) -> tuple[str, int, str]:
        """The version as XML (records.xsd): its reference, size and SHA-256."""
        from rettesnor.archive import recordxml

        assert v.body is not None
        one = recordxml.Version(v.entry_id, v.version, v.event, v.recorded_at, v.digest, v.body)
        data = recordxml.to_bytes(recordxml.element(self.ctx.org, recordxml.Item(record), [one]))
        ref = f"DOKUMENT/{record.id // 1000:05d}/{record.id}-v{v.version}.xml"
        self._write(ref, data)
        return ref, len(data), hashlib.sha256(data).hexdigest()

    def thread(self, record: ArchiveRecord) -> tuple[str, int, str] | None:
        """The record's thread as PDF/A-2b, in the organisation's language."""
        from rettesnor.archive.pdfa import thread_pdf

        data = thread_pdf(self.ctx.session, self.ctx.org, record.id, self.ctx.lang)
        ref = f"DOKUMENT/{record.id // 1000:05d}/{record.id}-traad.pdf"
        self._write(ref, data)
        return ref, len(data), hashlib.sha256(data).hexdigest()

    def attachment(self, sha: str, name: str) -> str | None:
        if not self.ctx.blobs.has(sha):
            return None
        ref = f"DOKUMENT/vedlegg/{sha[:2]}/{sha}{safe_suffix(name)}"
        target = self.folder / ref
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.ctx.blobs.path(sha), target)
            self.written += 1
        return ref

    def _write(self, ref: str, data: bytes) -> None:
        target = self.folder / ref
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written += 1
