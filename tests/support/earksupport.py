"""The E-ARK validator (eark-validator) without the network: it reads four CSIP vocabularies from
earkcsip.dilcis.eu when imported, so ``urlopen`` is given the copies Rettesnor ships
(src/rettesnor/archive/schemas/eark-csip, from ../shared/standards/eark-csip) for the time of the import."""

from __future__ import annotations

import io
import urllib.request
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from rettesnor.archive import eark, recordxml

VOCABS = Path(eark.schema_file("mets.xsd")).parent


def _local(url: Any, *args: Any, **kwargs: Any) -> io.BytesIO:
    name = str(url).rsplit("/", 1)[-1]
    path = VOCABS / name
    if not path.is_file():
        raise OSError(f"the tests fetch nothing from the network: {url}")
    return io.BytesIO(path.read_bytes())


@cache
def _validator() -> Any:
    real = urllib.request.urlopen
    urllib.request.urlopen = _local  # type: ignore[assignment]
    try:
        import eark_validator.ipxml.schematron  # noqa: F401  (reads the vocabularies now)
        from eark_validator.packages import PackageValidator
    finally:
        urllib.request.urlopen = real
    return PackageValidator


def eark_errors(folder: Path, version: Any = None) -> list[str]:
    """The E-ARK validator's errors for a package folder (warnings and information left out)."""
    validator = _validator()
    report = (validator(folder) if version is None else validator(folder, version)).validation_report
    out = [f"structure: {m}" for m in report.structure.messages if str(m.severity).endswith("ERROR")]
    if report.metadata is not None:
        for kind in ("schema_results", "schematron_results"):
            for m in getattr(report.metadata, kind).messages:
                if str(m.severity).upper().endswith("ERROR"):
                    out.append(f"{kind}: {m.rule_id} {m.message} {m.location}")
    return out


class _Local(etree.Resolver):
    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        if url and url.endswith("/xlink.xsd"):
            return self.resolve_filename(str(VOCABS / "xlink.xsd"), context)
        return None


@cache
def mets_schema() -> etree.XMLSchema:
    parser = etree.XMLParser()
    parser.resolvers.add(_Local())
    return etree.XMLSchema(etree.parse(str(VOCABS / "mets.xsd"), parser))


@cache
def records_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(recordxml.schema_path())))
