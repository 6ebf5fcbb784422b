"""The codebook as a tree, each code with how many codings it has in this document.

Enter (or a double click) on a code applies it; a single click only moves
there, to read the code's definition. (Textual's Tree selects on a single
click, so reading a definition with the mouse used to code the turn.)
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from evalbench.model import Code


class CodebookTree(Tree[str]):
    """Tree of codes (data = code ID); Enter on a code posts Tree.NodeSelected."""

    def __init__(self, **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._code_nodes: dict[str, TreeNode[str]] = {}
        self._codes: dict[str, Code] = {}
        self._colors: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def load(self, codes: list[Code], colors: dict[str, str], counts: dict[str, int]) -> None:
        """(Re)build the tree; top-level codes start expanded."""
        self.clear()
        self._code_nodes = {}
        self._codes = {c.id: c for c in codes}
        self._colors = colors
        self._counts = dict(counts)
        for code in codes:
            parent = self._code_nodes.get(code.parent_id) if code.parent_id else None
            anchor = parent if parent is not None else self.root
            node = anchor.add(self._label(code, counts.get(code.id, 0)), data=code.id, expand=parent is None)
            self._code_nodes[code.id] = node
        for node in self._code_nodes.values():
            if not node.children:
                node.allow_expand = False

    def set_counts(self, counts: dict[str, int]) -> None:
        """Relabel only the codes whose count changed (each relabel redraws tree lines)."""
        for code_id, node in self._code_nodes.items():
            n = counts.get(code_id, 0)
            if self._counts.get(code_id, 0) != n:
                node.set_label(self._label(self._codes[code_id], n))
        self._counts = dict(counts)

    def _label(self, code: Code, count: int) -> Text:
        text = Text()
        text.append("■ ", style=self._colors.get(code.id, "white"))
        text.append(code.name)
        if count:
            text.append(f" {count}", style="bold cyan")
        return text

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor (or opens/closes a branch at its arrow); a double click applies."""
        line = event.style.meta.get("line") if event.style else None
        if line is None:
            return
        event.prevent_default()  # not Tree's own click, which selects (applies) at once
        node = self.get_node_at_line(line)
        if node is None:
            return
        if event.style.meta.get("toggle", False):
            node.toggle()
            return
        self.move_cursor(node)
        if event.chain >= 2:
            self.select_node(node)

    def focus_code(self, code_id: str) -> None:
        """Move the cursor to a code, expanding its ancestors."""
        node = self._code_nodes.get(code_id)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self.move_cursor, node)

    @property
    def focused_code(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None
