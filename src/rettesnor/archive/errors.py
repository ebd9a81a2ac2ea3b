"""One-line errors of the archive; the CLI prints them as they are (they are ``InputError``)."""

from __future__ import annotations

from rettesnor.governance.errors import Conflict, GovernanceError, InvalidValue, NotAllowed, NotFound

__all__ = ["ArchiveError", "Conflict", "EvidenceError", "InvalidValue", "NotAllowed", "NotFound"]


class ArchiveError(GovernanceError):
    """The archive refused the request."""


class EvidenceError(ArchiveError):
    """The evidence could not be saved, so nothing was sent to the platform."""
