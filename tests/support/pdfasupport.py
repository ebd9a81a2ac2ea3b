"""What a PDF/A-2b document must declare and carry, read with pikepdf: the PDF/A identification in the XMP
metadata, every font embedded, an output intent, a document language and title, a file identifier."""

from __future__ import annotations

import io
from typing import Any

import pikepdf


def _fonts(pdf: pikepdf.Pdf) -> list[Any]:
    found = []
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            found.append(font)
            found.extend(font.get("/DescendantFonts", []))
    return found


def pdfa_facts(data: bytes) -> dict[str, Any]:
    """The title, language, PDF/A part and conformance, and the names of fonts that are not embedded."""
    assert data[:5] == b"%PDF-", "not a PDF"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        not_embedded = []
        for font in _fonts(pdf):
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                continue  # its descendant carries the descriptor
            if descriptor is None or not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                not_embedded.append(str(font.get("/BaseFont")))
        intents = pdf.Root.get("/OutputIntents", [])
        return {
            "part": meta.get("pdfaid:part"),
            "conformance": meta.get("pdfaid:conformance"),
            "title": meta.get("dc:title"),
            "lang": str(pdf.Root.get("/Lang", "")),
            "fonts": len(_fonts(pdf)),
            "not_embedded": not_embedded,
            "intent": [str(i.get("/S")) for i in intents],
            "id": "/ID" in pdf.trailer,
            "encrypted": pdf.is_encrypted,
        }


def assert_pdfa(data: bytes, lang: str | None = None) -> dict[str, Any]:
    facts = pdfa_facts(data)
    assert (facts["part"], facts["conformance"]) == ("2", "B"), facts
    assert facts["fonts"] > 0 and not facts["not_embedded"], facts["not_embedded"]
    assert facts["intent"] == ["/GTS_PDFA1"] and facts["id"] and not facts["encrypted"]
    assert facts["title"]
    if lang is not None:
        assert facts["lang"] == lang, facts["lang"]
    return facts
