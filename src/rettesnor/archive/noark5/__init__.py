"""The Noark 5 arkivuttrekk (archival extract, Noark 5 v5.0) of an organisation's archive.

One folder, one module per document::

    arkivuttrekk.xml       ADDML 8.3: creator, system, period, counts, SHA-256 of every other XML/XSD file
                           (arkivuttrekk.py, which also writes and checks the extract as a whole)
    arkivstruktur.xml      arkiv → arkivdel → mappe per account → mappe per thread → registrering per record
                           (a journalpost where the record has a registration task)
                           → dokumentbeskrivelse → dokumentobjekt per version (sjekksum, SHA-256)
                           (arkivstruktur.py)
    endringslogg.xml       new versions (edits, hides, deletions, evidence), task changes, disposals
                           (endringslogg.py)
    loependeJournal.xml    } only when there are journal entries (journalposts from registration tasks)
    offentligJournal.xml   } (journal.py)
    *.xsd                  the schemas the files name, copied from the package (archive/schemas)
    DOKUMENT/              each version as XML (records.xsd), a PDF/A-2b of each journalpost's thread,
                           and the attachments (dokument.py)

What they share (namespaces, system ids, the element helpers, the context) is in common.py.

Documents are in archival formats (XML, PDF/A; JSON is not one). A version's XML keeps, in ``<canonical>``,
exactly the text whose SHA-256 the hash chain holds (``content_sha256``), so the extract can be checked
against ``archive verify``'s head without the database. Titles and descriptions are in the organisation's
language; code values (dokumentstatus, journalposttype …) are Noark's. Disposed versions have no file;
their dokumentbeskrivelse carries ``utfoertKassasjon`` and the disposal is in the change log.
"""

from rettesnor.archive.noark5.arkivstruktur import journalpost_xml
from rettesnor.archive.noark5.arkivuttrekk import export, listed_checksums, summary, validate
from rettesnor.archive.noark5.common import NS, Extract, schema_dir, schema_path

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
