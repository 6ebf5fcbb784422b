"""Report figures: the construct × site rating heatmap, participants per row by role, code co-occurrence.

Drawn with matplotlib's Agg canvas on a :class:`matplotlib.figure.Figure`
(never pyplot: no display, no global state, safe in a TUI worker thread), and
imported only when figures are asked for. Each figure is drawn at its printed
size, at most 7 inches wide (a journal's two-column width), with 7–8 point
text, so nothing shrinks below legibility when it is placed at 100%. Colours
are colour-blind safe: ColorBrewer RdBu for ratings (with the rating printed
in each cell), the Okabe–Ito palette for roles, a single-hue sequential scale
for counts. PNG at 300 dpi for Word; SVG (vector) beside it with
``--figures-dir``. Output is deterministic: no dates in the files, a fixed SVG
hash salt.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from evalbench.export import docx_style as ds

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.typing import RcKeyType

    from evalbench.analysis.frame import CodeTree
    from evalbench.export.ratings_table import RatingCell

T = TypeVar("T")
P = TypeVar("P")

DPI = 300
MAX_WIDTH_IN = 7.0
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MUTED = "#A6A6A6"  #: unknown role, no participant linked
MAX_BARS = 25
MAX_COOCCURRENCE = 20
NOT_RATED_FILL = "#FFFFFF"


@dataclass(frozen=True)
class Figure:
    """One figure: a file stem, a caption, PNG bytes, SVG bytes (when asked for), and its size in inches."""

    name: str
    caption: str
    png: bytes
    svg: bytes | None
    width_in: float
    height_in: float


def _style() -> dict[RcKeyType, Any]:
    return {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 8.5,
        "axes.labelsize": 8,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "svg.hashsalt": "evalbench",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
    }


def _render(fig: MplFigure, name: str, caption: str, svg: bool) -> Figure:
    """PNG (and SVG) bytes, cropped to what was drawn (``bbox_inches="tight"``), and the printed size."""
    import struct

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # The drawn extent, measured once at the PNG's resolution and handed to both files:
    # bbox_inches="tight" lays every text out again in a pass of its own per file (1.8 s instead of
    # 2.0 s for the three figures at 200 interviews). Measured at the figure's default 100 dpi the
    # extent came out too small and cut the longest labels.
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    bbox = fig.get_tightbbox(canvas.get_renderer()).padded(0.04)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches=bbox)
    vector = None
    if svg:
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
        vector = out.getvalue()
    data = png.getvalue()
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's IHDR size
    return Figure(name, caption, data, vector, width / DPI, height / DPI)


def _label_inches(labels: Iterable[str], size: float = 7.5) -> float:
    """Room for the longest of ``labels`` (DejaVu Sans runs ~10% wider than the Helvetica metrics)."""
    from evalbench.export.textwidth import text_points

    widest = max((text_points(line, size) for label in labels for line in label.split("\n")), default=0)
    return widest * 1.12 / 72 + 0.1


def _wrap(label: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


MAX_HEIGHT_IN = 8.6  #: a portrait page's text height (Letter or A4) less room for the caption


def _row_major(items: list[T], ncol: int) -> list[T]:
    """``items`` reordered so that a legend, which fills column by column, reads row by row."""
    nrow = -(-len(items) // ncol)
    grid = [items[r * ncol : (r + 1) * ncol] for r in range(nrow)]
    return [row[c] for c in range(ncol) for row in grid if c < len(row)]


def _heading_rows(items: Iterable[tuple[str | None, str, P]]) -> list[tuple[str, P | None, bool]]:
    """(label, payload, is_heading) rows with a bold heading row wherever the group changes."""
    rows: list[tuple[str, P | None, bool]] = []
    last: object = object()
    for group, label, payload in items:
        if group is not None and group != last:
            rows.append((group, None, True))
            last = group
        rows.append((label, payload, False))
    return rows


def rating_heatmap(cells: Sequence[RatingCell], tree: CodeTree, *, svg: bool = False) -> Figure | None:
    """Constructs (under bold domain headings) × sites, each cell coloured and labelled by its rating."""
    if not cells:
        return None
    import matplotlib as mpl
    import numpy as np
    from matplotlib.colors import to_rgb
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import Patch

    sites = sorted({c.site for c in cells})
    by_code: dict[str, dict[str, RatingCell]] = {}
    for c in cells:
        by_code.setdefault(c.code_id, {})[c.site] = c
    order = sorted(by_code, key=lambda cid: (tree.order.get(cid, 10**9), cid))
    rows = _heading_rows((tree.name(next(iter(by_code[cid].values())).domain_id), tree.name(cid), cid) for cid in order)
    row_in = min(0.2, (MAX_HEIGHT_IN - 1.2) / len(rows))  # many constructs: smaller rows, still ≥ 6 pt text
    text_pt = max(6.0, min(7.5, row_in * 72 * 0.62))
    site_labels = [_wrap(site, 14) for site in sites]
    with mpl.rc_context({**_style(), "ytick.labelsize": text_pt, "xtick.labelsize": 7}):
        label_in = _label_inches([label for label, _, _ in rows], text_pt)
        cell_in = 0.62
        width = label_in + cell_in * len(sites)
        height = row_in * len(rows)
        fig = MplFigure(figsize=(width, height))
        ax = fig.add_axes((label_in / width, 0, 1 - label_in / width, 1))
        # One image for the cells (a patch per cell cost 0.2 s at 60 × 8), white lines between them.
        image = np.ones((len(rows), len(sites), 3))
        for y, (_label, code_id, heading) in enumerate(rows):
            if heading:
                continue
            for x, site in enumerate(sites):
                cell = by_code[code_id or ""].get(site)
                key = (cell.rating or "") if cell else ""
                image[y, x] = to_rgb("#" + ds.RATING_FILLS[key] if key in ds.RATING_FILLS else NOT_RATED_FILL)
                if cell is not None:
                    ax.text(
                        x + 0.5,
                        y + 0.55,
                        cell.text,
                        ha="center",
                        va="center",
                        fontsize=text_pt - 0.5,
                        color="#" + ds.RATING_TEXT.get(key, "000000"),
                    )
        ax.imshow(image, extent=(0, len(sites), len(rows), 0), aspect="auto", interpolation="nearest")
        ax.vlines(range(1, len(sites)), 0, len(rows), colors="white", linewidth=1.0)
        ax.hlines(range(1, len(rows)), 0, len(sites), colors="white", linewidth=1.0)
        ax.set_xlim(0, len(sites))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks([x + 0.5 for x in range(len(sites))], site_labels)
        ax.xaxis.tick_top()
        ax.set_yticks([y + 0.5 for y in range(len(rows))], [label for label, _, _ in rows])
        for tick, (_, _, heading) in zip(ax.get_yticklabels(), rows):
            if heading:
                tick.set_fontweight("bold")
        ax.tick_params(length=0, pad=2)
        for side in ax.spines.values():
            side.set_visible(False)
        legend = [
            Patch(
                facecolor="#" + ds.RATING_FILLS[k],
                edgecolor=MUTED,
                linewidth=0.4,
                label=f"{ds.rating_text(k)} {meaning}",
            )
            for k, meaning in ds.RATING_MEANINGS
        ]
        ax.legend(
            handles=_row_major(legend, 4),
            loc="upper center",
            bbox_to_anchor=(0.5 - label_in / width / 2, -0.004),
            ncol=4,
            frameon=False,
            handlelength=1.2,
            columnspacing=1.0,
            fontsize=7,
        )
        caption = (
            "CFIR construct ratings by site. Colour and label give the rating (−2 strong negative to +2 "
            "strong positive influence; X mixed; M missing); * proposed by evalbench from the codings, not "
            "yet confirmed; – coded without a valence, not rated."
        )
        return _render(fig, "rating-heatmap", caption, svg)


def participants_by_group(
    rows: Sequence[tuple[str | None, str, dict[str, int]]],
    by: str | None,
    what: str,
    *,
    limit: bool = True,
    svg: bool = False,
) -> Figure | None:
    """Horizontal bars: distinct participants per row (construct or theme), stacked by role (or ``by``).

    ``rows`` are (group heading or None, label, {group value: participants}) in table order; with ``by``
    None the dict is {"": participants}. With ``limit``, only the ``MAX_BARS`` rows with most participants
    are drawn (in table order).
    """
    rows = [r for r in rows if sum(r[2].values())]
    if not rows:
        return None
    import matplotlib as mpl
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import MaxNLocator

    dropped = 0
    if limit and len(rows) > MAX_BARS:
        keep = set(sorted(range(len(rows)), key=lambda i: -sum(rows[i][2].values()))[:MAX_BARS])
        dropped = len(rows) - MAX_BARS
        rows = [r for i, r in enumerate(rows) if i in keep]
    values: Counter = Counter()
    for _, _, counts in rows:
        values.update(counts)
    muted = {"unknown", "no participant linked"}
    keys = sorted((v for v in values if v not in muted), key=lambda v: (-values[v], v))
    keys += sorted(v for v in values if v in muted)
    colors = {k: OKABE_ITO[i % len(OKABE_ITO)] for i, k in enumerate(x for x in keys if x not in muted)}
    colors.update({k: MUTED for k in keys if k in muted})
    lines = _heading_rows((group, _wrap(label, 48), counts) for group, label, counts in rows)
    with mpl.rc_context(_style()):
        label_in = _label_inches([label for label, _, _ in lines])
        heights = [0.16 if heading else 0.1 + 0.13 * (label.count("\n") + 1) for label, _, heading in lines]
        plot_in = max(2.2, MAX_WIDTH_IN - 0.3 - label_in)
        fig = MplFigure(figsize=(label_in + plot_in, sum(heights) + 0.5))
        ax = fig.add_axes(
            (
                label_in / (label_in + plot_in),
                0.5 / (sum(heights) + 0.5),
                plot_in / (label_in + plot_in),
                sum(heights) / (sum(heights) + 0.5),
            )
        )
        ys, y = [], 0.0
        for h in heights:
            ys.append(y + h / 2)
            y += h
        bars = [(yy, counts) for yy, (_, counts, heading) in zip(ys, lines) if counts is not None]
        left = [0] * len(bars)
        for key in keys:
            widths = [c.get(key, 0) for _, c in bars]
            ax.barh(
                [yy for yy, _ in bars],
                widths,
                left=left,
                color=colors[key] if by else OKABE_ITO[0],
                height=0.2,
                label=key or "participants",
                edgecolor="white",
                linewidth=0.4,
            )
            left = [a + b for a, b in zip(left, widths)]
        for (yy, _), total in zip(bars, left):
            ax.text(total + 0.1, yy, str(total), va="center", fontsize=7)
        ax.set_ylim(y, 0)
        ax.set_yticks(ys, [label for label, _, _ in lines])
        for tick, (_, _, heading) in zip(ax.get_yticklabels(), lines):
            if heading:
                tick.set_fontweight("bold")
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("Participants (n)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(left) * 1.08 + 0.8)
        if by:
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0, 1.0),
                ncol=min(len(keys), 5),
                frameon=False,
                handlelength=1.2,
                columnspacing=1.2,
            )
        more = f" (the {MAX_BARS} with most participants; {dropped} more in the table)" if dropped else ""
        caption = (
            f"Participants per {what}{more}"
            + (f", by {by}" if by else "")
            + ": distinct participants with at least one coded excerpt."
        )
        return _render(fig, "participants", caption, svg)


def cooccurrence_heatmap(table: pd.DataFrame | None, *, svg: bool = False) -> Figure | None:
    """Lower triangle of construct × construct: participant turns coded with both (the most coded ones)."""
    if table is None or len(table) < 2:
        return None
    import matplotlib as mpl
    import numpy as np
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import MaxNLocator

    counts = table.drop(columns=["code"])
    diag = np.diag(counts.to_numpy())
    keep = sorted(np.argsort(-diag, kind="stable")[:MAX_COOCCURRENCE])
    names = [str(table["code"].iloc[i]) for i in keep]
    matrix = counts.to_numpy()[np.ix_(keep, keep)].astype(float)
    n = len(keep)
    lower = np.tril(np.ones((n, n), dtype=bool), -1) & (matrix > 0)
    if not lower.any():
        return None
    masked = np.where(lower, matrix, np.nan)[1:, :-1]  # row 0 and the last column are empty below the diagonal
    with mpl.rc_context(_style()):
        labels = [_wrap(name, 32) for name in names]
        label_in = _label_inches(labels[1:])
        cell = min(0.24, (MAX_WIDTH_IN - label_in - 0.9) / (n - 1))
        side = cell * (n - 1)
        fig = MplFigure(figsize=(label_in + side + 0.9, side + label_in))
        ax = fig.add_axes(
            (
                label_in / (label_in + side + 0.9),
                label_in / (side + label_in),
                side / (label_in + side + 0.9),
                side / (side + label_in),
            )
        )
        cmap = mpl.colormaps["Blues"].with_extremes(bad="white")
        top = float(np.nanmax(masked))
        image = ax.imshow(masked, cmap=cmap, vmin=0, vmax=top, aspect="equal", interpolation="nearest")
        for i in range(n - 1):
            for j in range(i + 1):
                value = masked[i, j]
                if value == value:  # not NaN
                    ax.text(
                        j,
                        i,
                        f"{int(value)}",
                        ha="center",
                        va="center",
                        fontsize=6,
                        color="white" if value > 0.6 * top else "black",
                    )
        ax.set_xticks(range(n - 1), labels[:-1], rotation=90)
        ax.set_yticks(range(n - 1), labels[1:])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, shrink=0.6, anchor=(0.0, 1.0))
        bar.set_label("Participant turns coded with both", fontsize=7.5)
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
        bar.outline.set_linewidth(0.4)
        caption = (
            f"Co-occurrence of the {n} most coded constructs: participant turns coded with both "
            "(subconstructs counted with their construct; blank: never together)."
        )
        return _render(fig, "cooccurrence", caption, svg)
