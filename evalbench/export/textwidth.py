"""How wide a piece of text prints, so table columns can be sized from their content.

Word breaks a word in the middle only when the word is wider than its column
("Implementati / on Process" in a 1.25-inch Domain column). Sizing each column
to at least its longest word prevents that. Widths use Helvetica's advance
widths (the standard Adobe metrics, in thousandths of an em): Calibri, the
report's font, and Carlito, its metric twin, are narrower than Helvetica for
all but a few thin letters (i and l: 229 against 222), so a word is narrower
in Calibri than measured here; the table code adds a margin on top. A column
sized this way holds the word in whichever of the usual sans-serif fonts Word
or LibreOffice ends up using.
"""

from __future__ import annotations

import unicodedata

# Advance widths of ASCII 32..126 (space to tilde), regular and bold, in 1/1000 em.
# fmt: off
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584)
# fmt: on
_OTHER, _WIDE = 667, 1000  # any other character; East Asian wide characters


def _char(ch: str, table: tuple[int, ...]) -> int:
    code = ord(ch)
    if 32 <= code <= 126:
        return table[code - 32]
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE
    if unicodedata.combining(ch):
        return 0
    return _OTHER


def text_points(text: str, size: float, *, bold: bool = False) -> float:
    """Width of ``text`` on one line, in points, at ``size`` points."""
    table = _BOLD if bold else _REGULAR
    return sum(_char(ch, table) for ch in text) * size / 1000


def longest_word_points(text: str, size: float, *, bold: bool = False) -> float:
    """Width of the widest word of ``text`` (the least a column must give it), in points."""
    return max((text_points(word, size, bold=bold) for word in text.split()), default=0.0)
