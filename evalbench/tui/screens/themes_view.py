"""What the Themes screen shows, as Rich text (no widgets): the list, a theme's head, rules and quotes.

Also which coding the screen counts: the issue's rule (the only coder's, or a
complete consensus), and where that rule would stop a command and ask, the
current coder's coding with a note saying so — a screen cannot stop, and the
note keeps the choice in sight (``c`` changes it).
"""

from __future__ import annotations

from rich.text import Text

from evalbench.errors import UserError
from evalbench.findings.choice import CodingChoice
from evalbench.findings.model import NO_PARTICIPANT, Category, FindingQuote, FindingRow, Rule, Theme
from evalbench.tui.colors import VALENCE_STYLE

AUTO, ALL = "auto", "all coders"
PICKED, PROPOSED, ADDED, EXCLUDED = "★", "○", "+", "✗"


def coding_modes(project) -> list[str]:
    """What ``c`` cycles through: the rule, each coder with codings, every coder."""
    return [AUTO, *project.themes.coders(), ALL]


def resolve_choice(project, mode: str) -> tuple[CodingChoice, str]:
    """The coding to count for a mode, and a note for the screen's bar."""
    service = project.themes
    if mode == ALL:
        return service.choose(all_coders=True), ""
    if mode != AUTO:
        return service.choose(mode), ""
    try:
        return service.choose(), ""
    except UserError:
        coders = project.themes.coders()
        fallback = project.coder if project.coder in coders else coders[0]
        return service.choose(fallback), f"{len(coders)} coders, no complete consensus: c chooses"


def people(value: str) -> str:
    return value.replace("_", " ")


def counts_line(row: FindingRow | None) -> Text:
    """``7 participants: 2 leader, 2 physician · 7 interviews · 21 codings``."""
    text = Text()
    if row is None:
        return text
    text.append(f"{row.participants} participant{'s' if row.participants != 1 else ''}", style="bold")
    groups = [(v, n) for v, n in row.by_group.items() if v != NO_PARTICIPANT]
    if groups:
        text.append(": " + ", ".join(f"{n} {people(v)}" for v, n in groups))
    text.append(
        f" · {row.documents} interview{'s' if row.documents != 1 else ''} · {row.codings} coding"
        + ("s" if row.codings != 1 else ""),
        style="dim",
    )
    if row.unlinked_documents:
        text.append(
            f" · {len(row.unlinked_documents)} transcript(s) with no participant linked: "
            + ", ".join(row.unlinked_documents[:3]),
            style="yellow",
        )
    return text


def list_options(categories: list[Category], themes: list[Theme], rows: dict[int, FindingRow]) -> list[tuple]:
    """(option id, text) for the left list: each category, then its themes, participants first.

    One line each, cut with an ellipsis: plain Text, no Rich table per line (a grid per option cost
    ~1 ms to render, and the whole list renders again after every change).
    """
    out = []
    by_category: dict[int, list[Theme]] = {}
    for theme in themes:
        by_category.setdefault(theme.category_id, []).append(theme)
    for category in categories:
        inside = by_category.get(category.id, [])
        head = Text(category.name, style="bold", no_wrap=True, overflow="ellipsis")
        head.append(f" · {len(inside)} theme{'' if len(inside) == 1 else 's'}", style="dim")
        out.append((f"category:{category.id}", head))
        for theme in inside:
            out.append((f"theme:{theme.id}", theme_line(theme, rows.get(theme.id))))
    return out


def theme_line(theme: Theme, row: FindingRow | None) -> Text:
    """``  7  No protected time``: participants (with transcripts that have none linked), then the name."""
    n = row.participants + len(row.unlinked_documents) if row else 0
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{n:>4}  ", style="bold cyan" if n else "dim")
    text.append(theme.name)
    return text


def head_text(theme: Theme, row: FindingRow | None, cfir: str | None) -> Text:
    text = Text(theme.name, style="bold")
    text.append(f"\n{theme.category}", style="dim")
    if cfir:
        text.append(f" · CFIR: {cfir}", style="dim")
    text.append("\n")
    text.append_text(counts_line(row))
    return text


def description_text(theme: Theme) -> Text:
    if theme.description:
        return Text(theme.description)
    return Text("No description yet: e writes the paragraph a paper prints.", style="dim italic")


def rule_text(rule: Rule, label: str, color: str | None) -> Text:
    """``barrier      ■ Relative Priority``: the valence (or any) in a column, then the code."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if rule.valence:
        text.append(f"{rule.valence:<12}", style=VALENCE_STYLE.get(rule.valence, ""))
    else:
        text.append(f"{'any valence':<12}", style="dim")
    text.append("■ ", style=color or "white")
    text.append(label)
    return text


def quote_text(q: FindingQuote, mark: str, label: str, limit: int = 300) -> Text:
    """A quote line: its mark (★ picked, ○ proposed, + added, ✗ excluded), who, code, valence, coder, words."""
    text = Text()
    style = {PICKED: "bold #e9c46a", PROPOSED: "dim", ADDED: "bold green", EXCLUDED: "bold red"}.get(mark, "")
    text.append(f"{mark or ' '} ", style=style)
    text.append(q.participant or f"no participant ({q.document})", style="bold")
    if q.role:
        text.append(f" ({people(q.role)})", style="dim")
    text.append(f"  {label}", style="cyan")
    if q.valence != "none":
        text.append(f"  {q.valence}", style=VALENCE_STYLE.get(q.valence, ""))
    text.append(f"  [{q.coder}]\n", style="dim")
    words = " ".join(q.text.split())
    text.append(
        "  “" + (words if len(words) <= limit else words[: limit - 1] + "…") + "”",
        style="dim strike" if mark == EXCLUDED else "",
    )
    return text
