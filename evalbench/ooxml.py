"""Office Open XML packages (.docx, .xlsx) that are the same bytes for the same content.

An Office file is a zip package whose entries carry the time they were written
and whose core properties (docProps/core.xml) name an author and dates.
python-docx fills them with "python-docx" and the current time. So that the
same content gives the same file, and no login name leaks into a shared
report, packages are rewritten with fixed entry times and explicit core
properties: no author, the given title, and the given dates.

Shared by the analysis exports (:mod:`evalbench.export`) and the codebook
appendix (:mod:`evalbench.codebook.appendix`), which sits below them.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

#: Dates for content that has none of its own (a codebook, an empty project).
UNDATED = "2000-01-01T00:00:00Z"


def core_xml(title: str, stamp: str) -> bytes:
    """docProps/core.xml with a title, dates, and no author."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator></dc:creator>"
        "<cp:lastModifiedBy></cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def deterministic_package(data: bytes, *, title: str, stamp: str) -> bytes:
    """Rewrite an Office zip package: fixed entry times, sorted-stable order, our core properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = core_xml(title, stamp)
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, payload)
    return out.getvalue()
