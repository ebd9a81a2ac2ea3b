"""The Noark 5 arkivuttrekk (archival extract); the code is being split into one module per document."""

from rettesnor.archive.noark5.arkivstruktur import (
    NS,
    Extract,
    export,
    journalpost_xml,
    listed_checksums,
    schema_dir,
    schema_path,
    summary,
    validate,
)

__all__ = [
    "NS",
    "Extract",
    "export",
    "journalpost_xml",
    "listed_checksums",
    "schema_dir",
    "schema_path",
    "summary",
    "validate",
]
