"""The one way in: every source hands its events to :func:`ingest`.

The sources are the CLI's ``archive import`` and ``platforms import``, the platforms' webhook worker and
backfill (:mod:`rettesnor.platforms`), and the demo. One call, in the caller's transaction::

    events ─▶ store (archive: idempotent, hash-chained, full-text indexed)
                 └─ check each new text with its organisation's pack (findings stored with the version)
          ─▶ queue (moderation: comments that are not simply kept)
                 └─ tasks (complaints and case questions become registration tasks)

The archive does not know the moderation queue (it is the layer below); this module is where the two
meet, so that no source can store a comment without queueing it, and no service imports upwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.ingest import CHUNK, Incoming, IngestReport, store
from rettesnor.moderation.queue import enqueue
from rettesnor.records.models import Organisation


def ingest(
    session: Session,
    org: Organisation,
    events: Iterable[Incoming],
    *,
    blobs: BlobStore | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Archive and check ``events`` and queue the comments for moderation; the counts of what happened."""
    return store(session, org, events, enqueue=enqueue, blobs=blobs, chunk=chunk, progress=progress)
