"""Coding stripes: beside each visible row of the transcript, the codes that cover it.

What NVivo, MAXQDA and QualCoder call coding stripes. Each code covering a row
gets a lane: a bar in the code's colour down every row it covers, and its name,
in the same colour, beside the bars on the row where the stripe starts (and at
the top of the view, so a stripe coming from above is always named; stripes
that start together are named on the rows after, one a row). Your
codes take the first lanes; another coder's, when shown (``v``), come after,
dimmed. When more codes cover a row than lanes fit, the row says ``+n``.

The widget draws rows with Textual's line API and reads the transcript only
through its public attributes (its scroll offset, its wrap table's row → line
mapping and the codes on each line), so it costs one short pass over the visible rows per scroll or
repaint, not per key press. It knows nothing of the project: the coding screen
hands it each code's short name and colour.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from evalbench.tui.fit import clip
from evalbench.tui.widgets.transcript_paint import LineCodes

BAR, OTHER_BAR = "▐", "╎"
MAX_LANES = 6  # more codes than this on one line show as "+n"


class Stripe(NamedTuple):
    """What one lane shows on one row: a code of yours or of another coder."""

    code_id: str
    mine: bool


class MarginRow(NamedTuple):
    """One row of the margin: its lanes, the stripe named on it, and how many codes found no lane."""

    lanes: tuple[Stripe | None, ...]
    hidden: int = 0
    labels: tuple[Stripe, ...] = ()


def row_codes(line_codes: LineCodes, line: int, start: int, end: int) -> list[tuple[str, bool]]:
    """The (code id, mine) pairs covering columns ``[start, end)`` of display line ``line``, each once."""
    seen: dict[tuple[str, bool], None] = {}
    for s, e, code_id, mine in line_codes.get(line, ()):
        if s < max(end, start + 1) and e > start:
            seen.setdefault((code_id, mine), None)
    return list(seen)


def assign_lanes(
    rows: list[list[tuple[str, bool]]],
    lanes: int,
    order: dict[str, int],
    names: dict[str, str] | None = None,
    room: int = 0,
) -> list[MarginRow]:
    """Lay stripes into ``lanes`` lanes, row by row: a code keeps its lane while it continues.

    New codes take the free lanes in order: yours before another coder's, then
    codebook order; codes that find no free lane are counted as hidden on that
    row. A stripe is named on the row it starts (or the top of the view); when
    several start together, as many names as fit ``room`` columns (at least
    one, the last perhaps shortened) go on that row and the others on the next
    rows they still cover.
    """
    names = names or {}
    held: list[tuple[str, bool] | None] = [None] * lanes
    to_name: list[tuple[str, bool]] = []
    out = []
    for index, keys in enumerate(rows):
        wanted = set(keys)
        held = [k if k in wanted else None for k in held]
        waiting = sorted((k for k in keys if k not in held), key=lambda k: (not k[1], order.get(k[0], 1 << 30), k[0]))
        hidden = 0
        for k in waiting:
            if None in held:
                held[held.index(None)] = k
            else:
                hidden += 1
        previous = set(rows[index - 1]) if index else set()
        to_name = [k for k in to_name if k in held] + [k for k in held if k is not None and k not in previous]
        labels: list[Stripe] = []
        used = 0
        # another name joins the row if at least its first four letters and an ellipsis fit
        while to_name and (not labels or used + 1 + min(5, len(names.get(to_name[0][0], to_name[0][0]))) <= room):
            key = to_name.pop(0)
            used += len(names.get(key[0], key[0])) + (1 if labels else 0)
            labels.append(Stripe(*key))
        out.append(MarginRow(tuple(Stripe(*k) if k else None for k in held), hidden, tuple(labels)))
    return out


def short_name(name: str, width: int) -> str:
    """A code's name in ``width`` columns: whole, else cut with an ellipsis, else (very narrow) its
    first letters without one ("Avail" says more than "Avai…")."""
    if len(name) <= width:
        return name
    if width >= 8:
        return clip(name, width)
    return name[: max(0, width)].rstrip()


class CodeMargin(Widget):
    """The stripes column; the coding screen calls :meth:`set_codes` and :meth:`follow`."""

    DEFAULT_CSS = """
    CodeMargin { width: 16; height: 1fr; padding: 0; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._transcript = None
        self._names: dict[str, str] = {}
        self._colors: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._rows: list[MarginRow] | None = None  # None: to be worked out at the next draw
        self._strips: dict[tuple, Strip] = {}  # drawn rows by what they show: most rows repeat the row above

    def follow(self, transcript) -> None:
        """Draw beside ``transcript`` (a :class:`~evalbench.tui.widgets.transcript.Transcript`), redrawing when
        it scrolls."""
        self._transcript = transcript
        self.watch(transcript, "scroll_y", self._scrolled, init=False)

    def set_codes(self, names: dict[str, str], colors: dict[str, str], order: dict[str, int]) -> None:
        """Each code's short name, colour and codebook position."""
        self._names, self._colors, self._order = names, colors, order
        self._strips = {}
        self._rows = None
        self.refresh()

    def changed(self) -> None:
        """The codings, the wrapping or the scroll may have changed: draw again if what the margin shows did."""
        if self._rows is None or self._shown_for != self._state():
            self._rows = None
            self.refresh()

    def _scrolled(self, _old: float, _new: float) -> None:
        self.changed()

    def _state(self) -> tuple:
        """What the rows in view depend on: the transcript's wrapping, scroll and codings, and this size."""
        transcript = self._transcript
        if transcript is None:
            return ()
        transcript.ensure_wrapped()  # drawn before the transcript: wrap it now, at the width it will have
        return transcript.wrap, int(transcript.scroll_offset.y), transcript.paint_version, self.size

    # --- drawing ------------------------------------------------------------
    _shown_for: tuple = ()

    def _visible_rows(self) -> list[MarginRow]:
        """The rows in view, worked out once per scroll, resize, rewrap or change of codings."""
        state = self._state()
        if self._rows is not None and state == self._shown_for:
            return self._rows
        transcript = self._transcript
        width, height = self.size
        if transcript is None or not height or width <= 1:
            return []
        self._shown_for = state
        top = int(transcript.scroll_offset.y)
        line_codes: LineCodes = transcript.line_codes
        span = transcript.row_span
        rows: list[list[tuple[str, bool]]] = []
        for y in range(top, min(top + height, transcript.row_count)):
            found = span(y)
            rows.append(row_codes(line_codes, *found) if found and found[0] in line_codes else [])
        lanes = max(1, min(max((len(r) for r in rows), default=1), MAX_LANES, (width - 1) // 3))
        self._rows = assign_lanes(rows, lanes, self._order, self._names, width - lanes - 2)
        return self._rows

    def render_line(self, y: int) -> Strip:
        rows = self._visible_rows()
        width = self.size.width
        if y >= len(rows) or width <= 1:
            return Strip.blank(max(0, width), self.rich_style)
        row = rows[y]
        more = row.hidden and (y == 0 or rows[y - 1].hidden != row.hidden)
        key = (row, bool(more), width)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 2000:
                self._strips = {}
            strip = self._strips[key] = self._draw(row, bool(more), width)
        return strip

    def _draw(self, row: MarginRow, show_more: bool, width: int) -> Strip:
        """One row: a space, a bar per lane, then the names of the stripes named on this row."""
        segments: list[Segment] = [Segment(" ")]
        width -= 1
        for stripe in row.lanes:
            if stripe is None:
                segments.append(Segment(" "))
            else:
                color = self._colors.get(stripe.code_id, "grey50")
                segments.append(Segment(BAR if stripe.mine else OTHER_BAR, Style(color=color, dim=not stripe.mine)))
        room = width - len(row.lanes) - 1
        segments.append(Segment(" "))
        more = f"+{row.hidden}" if show_more else ""
        used = 0
        for stripe in row.labels:
            space = room - used - (1 if used else 0) - (len(more) + 1 if more else 0)
            name = short_name(self._names.get(stripe.code_id, stripe.code_id), space)
            if not name:
                break
            color = self._colors.get(stripe.code_id, "grey50")
            segments.append(
                Segment(
                    (" " if used else "") + name,
                    Style(color=color, bold=stripe.mine, dim=not stripe.mine, italic=not stripe.mine),
                )
            )
            used += len(name) + (1 if used else 0)
        if more and used + len(more) + 1 <= room:
            segments.append(Segment((" " if used else "") + more, Style(dim=True, bold=True)))
            used += len(more) + (1 if used else 0)
        segments.append(Segment(" " * max(0, room - used)))
        return Strip(segments, width + 1).crop(0, width + 1).apply_style(self.rich_style)
