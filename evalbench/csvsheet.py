"""Reading a spreadsheet saved as CSV that a person or another program wrote: the one reader for every sheet.

Codings sheets (``evalbench code --from-csv``) and themes sheets
(``evalbench themes import``) are read here, so a hostile sheet meets the same
limits wherever it is loaded: the file is refused over the transcript size cap;
a cell may be as long as the file (Python's ``csv`` stops at 131,072
characters by default and raised ``_csv.Error`` from deep inside the loop);
the delimiter (comma, semicolon or tab) is guessed from the start of the
header line only (the sniffer's patterns are slow on a very long line); text
goes through :func:`evalbench.textsafe.clean_text`; and a header echoed in a
message is quoted and shortened.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from evalbench.errors import UserError, quote


@dataclass
class Sheet:
    """A CSV sheet: its header (trimmed, lower case) and its non-empty rows, numbered as a spreadsheet shows them."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def header_text(self, shown: int = 8) -> str:
        """The header for a message: each cell quoted and shortened, at most ``shown`` of them."""
        cells = ", ".join(quote(h, 30) for h in self.header[:shown])
        return cells + (", ..." if len(self.header) > shown else "")


def allow_long_cells() -> None:
    """Let a CSV cell be as long as the file it is in (the size cap bounds it); a process-wide setting."""
    from evalbench.ingest.files import DEFAULT_MAX_BYTES

    csv.field_size_limit(max(csv.field_size_limit(), DEFAULT_MAX_BYTES))


def read_sheet(path: str | Path) -> Sheet:
    """Read a CSV sheet, or raise a one-line UserError naming the file (and the line, for a broken row)."""
    from evalbench.ingest.decode import decode_bytes
    from evalbench.ingest.files import DEFAULT_MAX_BYTES
    from evalbench.textsafe import clean_text

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > DEFAULT_MAX_BYTES:
            raise UserError(
                f"{path.name}: file is {size / 1e6:.1f} MB, over the {DEFAULT_MAX_BYTES / 1e6:g} MB "
                "limit for a spreadsheet"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path.name}: cannot read file ({exc.strerror or exc})") from None
    # The decoder is strict, so no lone surrogate can arrive; clean_text keeps that true for any future path.
    text, _ = clean_text(decode_bytes(data, path))
    if not text.strip():
        raise UserError(f"{path.name}: empty file")
    allow_long_cells()
    try:
        delimiter = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
        rows = [(n, cells) for n, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    except csv.Error as exc:
        raise UserError(f"{path.name}: line {reader.line_num}: not a readable CSV row ({exc})") from None
    return Sheet(path.name, header, rows)
