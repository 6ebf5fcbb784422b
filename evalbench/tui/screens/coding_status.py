"""The coding view's two text lines: the status under the transcript and the key hints at the bottom.

Both are fitted to the width they get (:func:`evalbench.tui.fit.fit_parts`):
at 80 columns the turn number and what a code applies to stay, the coder's
name and the role give way; the key hints keep turn, code and help. The hints
name the keys in force, so a remapped key shows as the user set it.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from evalbench.tui.fit import Part, fit_parts

#: (priority, binding ids, what they do): the coding view's key hints, most useful first.
HINTS = (
    (0, ("coding.next-turn", "coding.prev-turn"), "turn"),
    (0, ("coding.code",), "code"),
    (1, ("coding.barrier", "coding.facilitator", "coding.mixed", "coding.neutral"), "valence"),
    (1, ("coding.select-word", "coding.select-sentence"), "select"),
    (2, ("coding.accept-1", "coding.accept-2", "coding.accept-3"), "accept"),
    (3, ("coding.reject-1",), "reject"),
    (2, ("coding.find",), "find"),
    (3, ("coding.next-uncoded",), "uncoded"),
    (3, ("coding.memo",), "memo"),
    (2, ("coding.margin",), "margin"),
    (1, ("coding.undo",), "undo"),
    (0, ("app.help",), "help"),
)


def key_hints(width: int, key_of: Callable[[str], str]) -> Text:
    """The hint line for ``width`` columns; ``key_of(binding id)`` is the key in force ('' if unbound)."""
    shown = []
    for priority, ids, words in HINTS:
        keys = " ".join(k for k in (key_of(i) for i in ids) if k)
        if keys:
            shown.append((Part(priority, f"{keys} {words}"), keys, words))
    fitted = fit_parts([p for p, _k, _w in shown], width, sep="  ")
    text = Text(no_wrap=True, overflow="ellipsis")
    for part, keys, words in shown:
        if part.full in fitted:
            if text:
                text.append("  ")
            text.append(keys, style="bold")
            text.append(f" {words}")
    return text


def status_parts(
    *,
    coder: str,
    turn: int,
    turns: int,
    role: str,
    selected_words: int | None,
    turn_memo: bool,
    other_coder: str | None,
    margin: bool,
) -> list[Part]:
    """What the status line may say, each part with its priority and a short form."""
    target = (
        Part(1, f"code applies to: {selected_words} selected words", f"{selected_words} words")
        if selected_words is not None
        else Part(1, "code applies to: whole turn", "whole turn")
    )
    parts = [Part(3, coder), Part(0, f"turn {turn}/{turns}"), Part(2, role), target]
    if turn_memo:
        parts.append(Part(2, "✎ turn memo", "✎"))
    if other_coder:
        parts.append(Part(3, f"showing {other_coder} dimmed", f"+{other_coder}"))
    if not margin:
        parts.append(Part(4, "margin off"))
    return parts


def status_line(parts: list[Part], width: int) -> str:
    return " · ".join(fit_parts(parts, width))
