"""Code colours that stay readable on a dark or a light theme.

A code's colour is its own if the codebook sets one, else a stable palette
colour. What is drawn with it depends on the theme in force (:func:`set_theme`,
called by the app at start and on every theme change):

- *ink* (swatches, margin stripes, underlines): the colour moved toward black on
  a light background or toward white on a dark one until it stands out from the
  background by a contrast ratio of at least 3:1 (WCAG's figure for graphics);
- *highlights* behind coded text: the colour blended into the background
  (45 % on dark, 30 % on light), so the theme's own text colour stays readable;
- valence marks and their words take a darker set on light themes.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

from rich.color import Color

from evalbench.model import Code

#: Twelve hues around the colour wheel, far enough apart to tell neighbouring codes by.
PALETTE = (
    "#e06c75",
    "#f0a050",
    "#e5c07b",
    "#b8d65a",
    "#7fc97f",
    "#4fc1a6",
    "#56b6e2",
    "#6f8ff5",
    "#a98bf0",
    "#c678dd",
    "#e86fb8",
    "#c49a6c",
)
VALENCE_MARK = {"barrier": "▼", "facilitator": "▲", "mixed": "◆", "neutral": "○", "none": "·"}
_VALENCE_DARK = {
    "barrier": "bold #e06c75",
    "facilitator": "bold #98c379",
    "mixed": "bold #e5c07b",
    "neutral": "#8a8a8a",
    "none": "dim",
}
_VALENCE_LIGHT = {
    "barrier": "bold #b3261e",
    "facilitator": "bold #2e7d32",
    "mixed": "bold #8a5a00",
    "neutral": "#5f5f5f",
    "none": "dim",
}
#: Valence styles for the theme in force (updated in place by :func:`set_theme`).
VALENCE_STYLE = dict(_VALENCE_DARK)

MIN_CONTRAST = 3.0
_theme = {"light": False, "background": (30, 30, 30)}


def set_theme(light: bool, background: str | None = None) -> None:
    """Draw for a light or dark theme whose background is ``background`` (a colour Rich parses)."""
    rgb = _rgb(background) if background else None
    _theme["light"] = light
    _theme["background"] = rgb or ((250, 250, 250) if light else (30, 30, 30))
    VALENCE_STYLE.clear()
    VALENCE_STYLE.update(_VALENCE_LIGHT if light else _VALENCE_DARK)
    ink.cache_clear()
    code_background.cache_clear()


def theme_is_light() -> bool:
    return bool(_theme["light"])


def code_colors(codes: list[Code]) -> dict[str, str]:
    """code id -> the colour to draw it in on the theme in force (its own colour, or a palette colour).

    A code without a colour of its own takes the palette colour its ID hashes
    to (so it keeps it when other codes come and go), moving on to the next
    colour its siblings and parent do not use yet: codes that sit side by side
    in the codebook, and so often on one passage, are told apart by colour.
    """
    raw: dict[str, str] = {}
    taken: dict[str | None, set[str]] = {}
    for code in codes:
        color = code.color
        if not color:
            used = taken.get(code.parent_id, set()) | ({raw[code.parent_id]} if code.parent_id in raw else set())
            start = zlib.crc32(code.id.encode()) % len(PALETTE)
            color = next(
                (
                    PALETTE[(start + i) % len(PALETTE)]
                    for i in range(len(PALETTE))
                    if PALETTE[(start + i) % len(PALETTE)] not in used
                ),
                PALETTE[start],
            )
        raw[code.id] = color
        taken.setdefault(code.parent_id, set()).add(color)
    return {code_id: ink(color) for code_id, color in raw.items()}


def _rgb(color: str) -> tuple[int, int, int] | None:
    try:
        return Color.parse(color).get_truecolor()
    except Exception:
        return None


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


@lru_cache(maxsize=512)
def ink(color: str) -> str:
    """``color`` adjusted to stand out from the background in force (grey for a colour Rich cannot parse)."""
    rgb = _rgb(color)
    if rgb is None:
        return "grey50"
    background = _theme["background"]
    toward = (0, 0, 0) if _theme["light"] else (255, 255, 255)
    step = 0
    while contrast(rgb, background) < MIN_CONTRAST and step < 10:
        rgb = tuple(round(c + (t - c) * 0.15) for c, t in zip(rgb, toward, strict=True))  # type: ignore[assignment]
        step += 1
    return _hex(rgb)


def code_color(color: str) -> str:
    """A colour string Rich accepts, readable on the theme in force."""
    return ink(color)


@lru_cache(maxsize=512)
def code_background(color: str, strength: float | None = None) -> str:
    """The code colour blended into the theme's background, for highlighted text."""
    rgb = _rgb(color)
    if rgb is None:
        return "grey30" if not _theme["light"] else "grey85"
    if strength is None:
        strength = 0.30 if _theme["light"] else 0.45
    r, g, b = (round(c * strength + bg * (1 - strength)) for c, bg in zip(rgb, _theme["background"], strict=True))
    return _hex((r, g, b))
