"""Text that can be stored: the one place where incoming text loses its surrogates.

Python strings can hold UTF-16 surrogates (``\\ud83d``) that no UTF-8 file or
SQLite column can: an RTF ``\\u-10240`` escape, a YAML or JSON ``\\ud83d\\ude00``
escape, or a ``surrogateescape``-decoded file name all produce them, and the
first SQLite insert then fails with ``UnicodeEncodeError``. Every boundary
where text comes in (transcripts, codebooks, REFI-QDA members, CSV cells)
passes it through :func:`clean_text`: a surrogate *pair* becomes the real
character it encodes (``\\ud83d\\ude00`` → 😀) and a lone surrogate becomes
U+FFFD, counted so the caller can report it.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

#: Characters XML 1.0 cannot hold (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF), so
#: no .docx, .xlsx, .qdc or .qdpx can carry them: each writer removes or replaces what this matches.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The same, and lone surrogates too (for text that has not been through :func:`clean_text`).
NOT_XML_OR_SURROGATE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with surrogate pairs joined and lone surrogates replaced; and how many were replaced."""
    if not _SURROGATE.search(text):  # the usual case costs one scan
        return text, 0
    before = text.count(REPLACEMENT)
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count(REPLACEMENT) - before


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a surrogate that cannot be stored as UTF-8."""
    return _SURROGATE.search(text) is not None
