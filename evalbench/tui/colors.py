"""Code colours: a code's own colour if the codebook sets one, else a stable palette colour.

Highlights blend the colour into a dark background so coded text stays readable.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

from rich.color import Color

from evalbench.model import Code

PALETTE = ("#e06c75", "#61afef", "#98c379", "#e5c07b", "#c678dd", "#56b6c2",
           "#d19a66", "#7f9cf5", "#f78fb3", "#a3be8c", "#ffb86c", "#8be9fd")
BACKGROUND = (30, 30, 30)
VALENCE_STYLE = {"barrier": "bold #e06c75", "facilitator": "bold #98c379", "mixed": "bold #e5c07b",
                 "neutral": "#8a8a8a", "none": "dim"}
VALENCE_MARK = {"barrier": "▼", "facilitator": "▲", "mixed": "◆", "neutral": "○", "none": "·"}


def code_colors(codes: list[Code]) -> dict[str, str]:
    """code id -> colour; children without a colour take a palette colour of their own."""
    out = {}
    for code in codes:
        out[code.id] = code.color or PALETTE[zlib.crc32(code.id.encode()) % len(PALETTE)]
    return out


@lru_cache(maxsize=256)
def code_color(color: str) -> str:
    """A colour string Rich accepts (falls back to grey for anything it does not)."""
    try:
        Color.parse(color)
        return color
    except Exception:
        return "grey50"


@lru_cache(maxsize=256)
def code_background(color: str, strength: float = 0.45) -> str:
    """The code colour blended into the dark background, for highlighted text."""
    try:
        triplet = Color.parse(color).get_truecolor()
    except Exception:
        return "grey30"
    r, g, b = (round(c * strength + bg * (1 - strength)) for c, bg in zip(triplet, BACKGROUND, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"
