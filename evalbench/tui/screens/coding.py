"""The coding view: one transcript, turn by turn, coded from the keyboard.

The screen owns the state (document, layout, codings, current turn, active
coding) and calls :class:`~evalbench.project.Project` for every change, so each
key press that changes data is committed (and undoable) at once. Widgets only
display what they are given. Suggestions come from a thread worker on its own
connection, because the suggester may load spaCy.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, Tree

from evalbench.codebook.labels import code_labels
from evalbench.model import Coding, Suggestion
from evalbench.store.describe import first_words
from evalbench.tui.colors import code_colors
from evalbench.tui.layout import TranscriptLayout
from evalbench.tui.screens.coding_frame import FrameMixin
from evalbench.tui.screens.coding_memos import MemosMixin
from evalbench.tui.screens.coding_navigation import NavigationMixin
from evalbench.tui.screens.coding_picking import PickingMixin
from evalbench.tui.screens.coding_suggestions import SuggestionsMixin
from evalbench.tui.widgets.code_detail import CodeDetail
from evalbench.tui.widgets.code_margin import CodeMargin
from evalbench.tui.widgets.codebook_tree import CodebookTree
from evalbench.tui.widgets.suggestions import SuggestionsPanel
from evalbench.tui.widgets.title_bar import TitleBar
from evalbench.tui.widgets.transcript import Transcript
from evalbench.tui.widgets.turn_codes import TurnCodeRow, TurnCodes


class CodingScreen(FrameMixin, NavigationMixin, SuggestionsMixin, PickingMixin, MemosMixin, Screen):
    """Read and code one document."""

    # A fixed hint line (#keys-hint) instead of Textual's Footer: the Footer recomposes on every
    # focus change and cost a quarter of the first paint on a long transcript.
    BINDINGS = [
        Binding("j", "turn(1)", "Next turn", id="coding.next-turn"),
        Binding("k", "turn(-1)", "Prev turn", id="coding.prev-turn"),
        Binding("right_parenthesis", "sentence(1)", "Next sentence", show=False, id="coding.next-sentence"),
        Binding("left_parenthesis", "sentence(-1)", "Prev sentence", show=False, id="coding.prev-sentence"),
        Binding("g", "next_uncoded", "Next uncoded", id="coding.next-uncoded"),
        Binding("w", "extend('word', True)", "Select +word", show=False, id="coding.select-word"),
        Binding("W", "extend('word', False)", "Select −word", show=False, id="coding.unselect-word"),
        Binding("s", "extend('sentence', True)", "Select +sentence", show=False, id="coding.select-sentence"),
        Binding("S", "extend('sentence', False)", "Select −sentence", show=False, id="coding.unselect-sentence"),
        Binding("t", "select_turn", "Select turn", show=False, id="coding.select-turn"),
        Binding("slash", "find", "Find text", id="coding.find"),
        Binding("ctrl+n", "find_next", "Find next", show=False, id="coding.find-next"),
        Binding("c", "code", "Code the selection or turn", id="coding.code"),
        Binding("enter", "enter", "Code the selection; with none, next turn", show=False, id="coding.enter"),
        Binding("full_stop", "repeat_code", "Apply last code again", show=False, id="coding.repeat-code"),
        Binding("b", "valence('barrier')", "Barrier", id="coding.barrier"),
        Binding("f", "valence('facilitator')", "Facilitator", id="coding.facilitator"),
        Binding("m", "valence('mixed')", "Mixed", show=False, id="coding.mixed"),
        Binding("n", "valence('neutral')", "Neutral", show=False, id="coding.neutral"),
        Binding("1", "accept(1)", "Accept 1", show=False, id="coding.accept-1"),
        Binding("2", "accept(2)", "Accept 2", show=False, id="coding.accept-2"),
        Binding("3", "accept(3)", "Accept 3", show=False, id="coding.accept-3"),
        Binding("exclamation_mark", "reject(1)", "Reject 1", show=False, id="coding.reject-1"),
        Binding("at", "reject(2)", "Reject 2", show=False, id="coding.reject-2"),
        Binding("number_sign", "reject(3)", "Reject 3", show=False, id="coding.reject-3"),
        Binding("right_square_bracket", "cycle_coding(1)", "Next coding", show=False, id="coding.next-coding"),
        Binding("left_square_bracket", "cycle_coding(-1)", "Prev coding", show=False, id="coding.prev-coding"),
        Binding("r", "recode", "Recode", show=False, id="coding.recode"),
        Binding("asterisk", "star", "Star quote", show=False, id="coding.star"),
        Binding("T", "send_to_theme", "Send to a theme", show=False, id="coding.send-to-theme"),
        Binding("L", "more_like_this", "More like this", show=False, id="coding.more-like-this"),
        Binding("d,delete", "remove_coding", "Remove", show=False, id="coding.remove"),
        Binding("o", "memo('coding')", "Memo", show=False, id="coding.memo"),
        Binding("O", "memo('turn')", "Turn memo", show=False, id="coding.turn-memo"),
        Binding("C", "memo('code')", "Code memo", show=False, id="coding.code-memo"),
        Binding("v", "other_coder", "Other coder", show=False, id="coding.other-coder"),
        Binding("M", "margin", "Margin: coding stripes", show=False, id="coding.margin"),
        Binding("u", "app.undo", "Undo", show=False, id="coding.undo"),
        Binding("U", "app.redo", "Redo", show=False, id="coding.redo"),
        Binding("escape", "back", "Back", id="coding.back"),
    ]

    # Textual repaints the whole screen on every focus change (tab between the
    # transcript and the codebook, a memo box opening); each widget restyles and
    # redraws itself anyway, so the full repaint only cost time.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, document_id: int, offset: int | None = None) -> None:
        super().__init__()
        self.document_id = document_id
        self.start_offset = offset
        self.other_coder: str | None = None
        self.active_id: int | None = None
        self.mine: list[Coding] = []
        self.others: list[Coding] = []
        self.suggestions: list[Suggestion] = []
        self.block = 0
        self.margin_on = True
        self._position: int | None = None
        self._position_saved: int | None = None
        self._position_timer = None

    @property
    def project(self):
        return self.app.project

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="coding"):
            with Vertical(id="transcript-pane"):
                with Horizontal(id="reading"):
                    yield Transcript(id="transcript")
                    yield CodeMargin(id="margin")
                yield Static(id="status")
            with Vertical(id="side"):
                yield Static("Codes on this turn", classes="panel-title")
                yield TurnCodes(id="turn-codes")
                yield Static("Suggestions", classes="panel-title")
                yield SuggestionsPanel(id="suggestions")
                yield Static("Codebook", classes="panel-title")
                yield CodebookTree(id="codebook")
                yield CodeDetail(id="code-detail")
                # The code picker joins here, in its own layer over the panels, when first opened.
        yield Static(id="keys-hint")

    # --- loading ------------------------------------------------------------
    def on_mount(self) -> None:
        project = self.project
        self.doc = project.document(self.document_id)
        self.layout_map = TranscriptLayout(self.doc.text or "", project.turns(self.document_id))
        self.codes = project.codes()
        self.code_by_id = {c.id: c for c in self.codes}
        self.labels = code_labels(self.codes)
        self.code_palette = code_colors(self.codes)
        self.depth = _depths(self.codes)
        self.title = self.doc.name
        self.margin_on = self.app.margin_default
        self._fit_columns(self.app.size.width)  # before the first layout: a later width change re-wraps the text
        self._load_codings()
        transcript = self.query_one(Transcript)
        transcript.show(self.layout_map, self.mine, self.others, self.code_palette)
        margin = self.query_one(CodeMargin)
        margin.display = self.margin_on
        margin.follow(transcript)
        margin.set_codes(
            {c.id: c.name for c in self.codes}, self.code_palette, {c.id: i for i, c in enumerate(self.codes)}
        )
        self.query_one(CodebookTree).load(self.codes, self.code_palette, self._counts())
        offset = self.start_offset
        if offset is None:
            offset = project.reading_position(self.document_id)  # where this coder left off
        index = self.layout_map.block_index_at_doc(offset) if offset is not None else 0
        self._position = self._position_saved = offset
        self.goto_block(index, doc_offset=offset)
        transcript.focus()

    def on_screen_suspend(self) -> None:
        self._save_position()

    def on_unmount(self) -> None:
        self._save_position()
        self.app.settle_heap_when_idle()

    def reload(self) -> None:
        """Re-read codings after an outside change (undo, coder switch, import)."""
        self._memos = {}
        self._load_codings()
        self._repaint()

    def memo_of(self, target: str, key) -> str:
        """Your memo on a turn or code, read once per view (reload forgets them): the status line and
        the code detail ask on every key press."""
        memos = self.__dict__.setdefault("_memos", {})
        if (target, key) not in memos:
            memos[target, key] = self.project.memo(target, key)
        return memos[target, key]

    def _load_codings(self) -> None:
        project = self.project
        self.mine = project.codings(document_id=self.document_id, coder=project.coder)
        self.others = project.codings(document_id=self.document_id, coder=self.other_coder) if self.other_coder else []
        self.sub_title = f"coder {project.coder}" + (f" · showing {self.other_coder}" if self.other_coder else "")

    def theme_changed(self) -> None:
        """Another colour theme: draw the codes in colours readable on it."""
        self.code_palette = code_colors(self.codes)
        self.query_one(Transcript).forget_paint()
        self.query_one(CodeMargin).set_codes(
            {c.id: c.name for c in self.codes}, self.code_palette, {c.id: i for i, c in enumerate(self.codes)}
        )
        self.query_one(CodebookTree).load(self.codes, self.code_palette, self._counts())
        self._repaint()

    def _counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.mine:
            counts[c.code_id] = counts.get(c.code_id, 0) + 1
        return counts

    def _repaint(self) -> None:
        self.query_one(Transcript).paint(self.mine, self.others, self.code_palette)
        self.query_one(CodeMargin).changed()
        self.query_one(CodebookTree).set_counts(self._counts())
        self._show_turn()

    # --- the current turn ---------------------------------------------------------
    @property
    def turn(self):
        return self.layout_map.blocks[self.block].turn

    def goto_block(self, index: int, doc_offset: int | None = None) -> None:
        """Put the cursor in turn ``index`` (at ``doc_offset`` if given) and show it."""
        index = max(0, min(index, len(self.layout_map.blocks) - 1))
        block = self.layout_map.blocks[index]
        transcript = self.query_one(Transcript)
        display = self.layout_map.to_display(doc_offset) if doc_offset is not None else block.display_start
        transcript.move_cursor(self.layout_map.location(display))
        self._scroll_to(index)
        self._set_block(index)

    def _scroll_to(self, index: int) -> None:
        """Bring turn ``index`` into view — all of it if it fits, else from its header — and the cursor.

        One immediate scroll to a place worked out here: scrolling for the turn
        and then again for the cursor drew the view twice.
        """
        transcript = self.query_one(Transcript)
        if not transcript.is_wrapped:  # not laid out yet: placed as soon as it is, before its first frame
            transcript.when_sized(lambda: self._scroll_to(index))
            return
        block = self.layout_map.blocks[index]
        row_of = transcript.row_of
        y = row_of((block.header_line, 0))
        last = self.layout_map.line_starts[block.last_line + 1] - self.layout_map.line_starts[block.last_line] - 1
        y_end = row_of((block.last_line, max(0, last)))
        top, height = int(transcript.scroll_offset.y), transcript.scrollable_content_region.height
        target = top
        if y - 1 < top:
            target = max(0, y - 1)
        elif y_end + 1 >= top + height:  # scroll just enough to show the turn's end, never past its header
            target = max(0, min(y - 1, y_end + 2 - height))
        cursor = row_of(transcript.cursor_location)
        if cursor < target:
            target = cursor
        elif height and cursor >= target + height:
            target = cursor - height + 1
        if target != top:
            transcript.scroll_to(y=target, animate=False, force=True, immediate=True)

    def _set_block(self, index: int) -> None:
        changed = index != self.block or self.active_id is None
        self.block = index
        self.query_one(Transcript).set_current_block(index)
        if changed:
            mine = self._turn_codings(self.mine)
            self.active_id = mine[-1].id if mine else None
        self._show_turn()
        self._moved()
        if changed:
            self._load_suggestions()

    def on_transcript_selection_changed(self, event: Transcript.SelectionChanged) -> None:
        index = self.layout_map.block_index_at_line(event.selection.end[0])
        if index != self.block:
            self._set_block(index)
        else:
            self._show_status()
            self._moved()

    def _turn_codings(self, codings: list[Coding]) -> list[Coding]:
        t = self.turn
        return [c for c in codings if c.start < t.end and c.end > t.start]

    def quote_of(self, coding: Coding) -> str:
        """The first words of a coding's text, in quotes."""
        return first_words((self.doc.text or "")[coding.start : coding.end])

    def _show_turn(self) -> None:
        rows = []
        text = self.doc.text or ""
        for coding, mine in [(c, True) for c in self._turn_codings(self.mine)] + [
            (c, False) for c in self._turn_codings(self.others)
        ]:
            excerpt = " ".join(text[coding.start : min(coding.end, coding.start + 200)].split())
            rows.append(
                TurnCodeRow(
                    coding,
                    self.code_name(coding.code_id),
                    self.code_palette.get(coding.code_id, "white"),
                    excerpt,
                    mine,
                    bool(coding.memo),
                    coding.starred,
                )
            )
        if self.active_id not in {r.coding.id for r in rows if r.mine}:
            mine_rows = [r for r in rows if r.mine]
            self.active_id = mine_rows[-1].coding.id if mine_rows else None
        self.query_one(TurnCodes).show(rows, self.active_id, self.app.key_of("coding.code"))
        tree = self.query_one(CodebookTree)
        active = next((r.coding for r in rows if r.coding.id == self.active_id), None)
        if active is not None and not tree.has_focus:
            self._show_code(active.code_id)
        self._show_status()

    def _show_code(self, code_id: str | None) -> None:
        code = self.code_by_id.get(code_id) if code_id else None
        self.query_one(CodeDetail).show(
            code,
            memo=self.memo_of("code", code.id) if code else "",
            label=self.labels.get(code.id, "") if code else "",
            path=self._path_of(code.id) if code else "",
        )

    def _path_of(self, code_id: str) -> str:
        """The names of a code's ancestors, outermost first: 'Process › Engaging'."""
        names, code = [], self.code_by_id.get(self.code_by_id[code_id].parent_id or "")
        while code is not None and len(names) < 8:
            names.append(code.name)
            code = self.code_by_id.get(code.parent_id or "")
        return " › ".join(reversed(names))

    # --- codebook panel -------------------------------------------------------------
    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.tree.has_focus:
            self._show_code(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data:
            self.apply_code(event.node.data)

    # --- enter ------------------------------------------------------------------------
    async def action_enter(self) -> None:
        """Enter codes what you selected; with nothing selected it moves on to the next turn."""
        if self.query_one(Transcript).doc_selection() is not None:
            await self.action_code()
        else:
            self.action_turn(1)

    # --- coding ---------------------------------------------------------------------------
    def target_span(self) -> tuple[int, int]:
        """What a new code applies to: the selection (kept inside its turn), else the whole turn."""
        t = self.turn
        sel = self.query_one(Transcript).doc_selection()
        if sel is None:
            return t.start, t.end
        start, end = max(sel[0], t.start), min(sel[1], t.end)
        return (start, end) if end > start else (t.start, t.end)

    async def action_code(self) -> None:
        await self.pick_code("Apply code", self.apply_code)

    def apply_code(self, code_id: str) -> None:
        """Code the target span; the new coding becomes the active one."""
        start, end = self.target_span()
        block = self.block
        transcript = self.query_one(Transcript)
        transcript.move_cursor(transcript.cursor_location)  # the selection is taken

        def done(new_id: int) -> None:
            if self.block == block:  # (saved later, the coder may have moved on)
                self.active_id = new_id
            self._took(new_id)

        self.app.writes.run(
            lambda: self.project.add_coding(self.document_id, start, end, code_id),
            done,
            what=f"{self.code_name(code_id)} on turn {self.turn.seq}",
            owner=self,
        )

    def _took(self, coding_id: int) -> None:
        """Show one new or changed coding of yours: read only that row, not every coding of the document
        (reading 500 codings back cost more than the rest of applying a code)."""
        fresh = self.project.coding(coding_id)
        self.mine = sorted([c for c in self.mine if c.id != coding_id] + [fresh], key=lambda c: (c.start, c.id))
        self._repaint()

    def _active(self) -> Coding | None:
        coding = next((c for c in self.mine if c.id == self.active_id), None)
        if coding is None:
            self.notify("No coding of yours on this turn — press c to code it first.", severity="warning")
        return coding

    def _change(self, coding_id: int, what: str, then=None, **changes) -> None:
        def done(_result) -> None:
            self._took(coding_id)
            if then is not None:
                then()

        self.app.writes.run(lambda: self.project.update_coding(coding_id, **changes), done, what=what, owner=self)

    def action_valence(self, valence: str) -> None:
        coding = self._active()
        if coding is not None:
            valence = "none" if coding.valence == valence else valence
            self._change(coding.id, f"{valence} on {self.code_name(coding.code_id)}", valence=valence)

    async def action_recode(self) -> None:
        coding = self._active()
        if coding is not None:
            await self.pick_code(
                f"Recode {self.code_name(coding.code_id)} as",
                lambda code_id: self._change(coding.id, f"recoding as {self.code_name(code_id)}", code_id=code_id),
            )

    def action_remove_coding(self) -> None:
        coding = self._active()
        if coding is None:
            return

        def done(_result) -> None:
            if self.active_id == coding.id:
                self.active_id = None
            self.reload()
            self.notify(f"Removed {self.code_name(coding.code_id)} (u to undo)")

        self.app.writes.run(
            lambda: self.project.remove_coding(coding.id),
            done,
            what=f"removing {self.code_name(coding.code_id)}",
            owner=self,
        )

    def action_send_to_theme(self) -> None:
        """Add the active coding to a theme picked from a list (evalbench/tui/screens/theme_send.py)."""
        from evalbench.tui.screens.theme_send import send_to_theme

        coding = self._active()
        if coding is not None:
            send_to_theme(self, coding.id)

    def action_more_like_this(self) -> None:
        """List the turns most like the active coding, to code them in a row (evalbench/tui/screens/similar.py)."""
        from evalbench.tui.screens.similar import SimilarScreen

        coding = self._active()
        if coding is not None:
            self.app.push_screen(SimilarScreen(coding.id))

    def action_star(self) -> None:
        """Star (or unstar) the active coding as an exemplar quote: exports list starred quotes first."""
        coding = self._active()
        if coding is not None:
            name = self.code_name(coding.code_id)
            self._change(
                coding.id,
                f"{'unstarring' if coding.starred else 'starring'} {name}",
                lambda: self.notify(
                    f"{'Unstarred' if coding.starred else 'Starred'} {name} as an exemplar quote (u to undo)"
                ),
                starred=not coding.starred,
            )

    def action_cycle_coding(self, step: int) -> None:
        ids = [c.id for c in self._turn_codings(self.mine)]
        if ids:
            i = ids.index(self.active_id) if self.active_id in ids else -1
            self.active_id = ids[(i + step) % len(ids)]
            self._show_turn()

    def code_name(self, code_id: str) -> str:
        """A code as people read it: its name, or the path that tells it from same-named codes."""
        return self.labels.get(code_id) or code_id


def _depths(codes) -> dict[str, int]:
    depth: dict[str, int] = {}
    for c in codes:
        depth[c.id] = depth.get(c.parent_id, -1) + 1 if c.parent_id else 0
    return depth
