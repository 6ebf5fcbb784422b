"""The coding service (``project.coding``): validated, undoable changes to codings and memos.

Every change is one undoable action of the store's current coder, labelled
in the user's words ("Mark Culture, P03 “we never had…” as barrier"), never
with a row id. :meth:`CodingService.row` is the one place a coding is checked
before it is written; the suggestion and bulk-coding services build their
codings through it.
"""

from __future__ import annotations

import builtins
from typing import Any

from evalbench.errors import UserError
from evalbench.model import Coding
from evalbench.store.db import now
from evalbench.store.schema import VALENCES
from evalbench.store.store import Store

#: What :meth:`CodingService.update` may change.
EDITABLE = frozenset({"code_id", "valence", "memo", "start", "end", "starred"})


class CodingService:
    """Codings and memos of one open project."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- reading ------------------------------------------------------------------------------
    def list(
        self, *, document_id: int | None = None, coder: str | None = None, code_id: str | None = None
    ) -> list[Coding]:
        return self.store.codings.list(document_id=document_id, coder=coder, code_id=code_id)

    def get(self, coding_id: int) -> Coding:
        return self.store.codings.get(coding_id)

    def __call__(self, coding_id: int) -> Coding:
        """One coding: ``project.coding(12)`` reads as it did when this was a method of Project."""
        return self.get(coding_id)

    def recent_codes(self, n: int = 5) -> builtins.list[str]:
        """The codes the current coder applied most recently, newest first (the picker lists them first)."""
        return self.store.codings.recent_codes(self.store.coder, n)

    # --- writing ------------------------------------------------------------------------------
    def row(
        self,
        document_id: int,
        start: int,
        end: int,
        code_id: str,
        *,
        valence: str = "none",
        memo: str = "",
        origin: str = "manual",
        coder: str | None = None,
        suggestion_id: int | None = None,
    ) -> dict[str, Any]:
        """The ``codings`` row for a new coding, checked: a UserError names what is wrong."""
        if valence not in VALENCES:
            raise UserError(f"valence must be one of {', '.join(VALENCES)}, not {valence!r}")
        length = self.store.documents.length(document_id)
        if length is None:
            raise UserError(f"{self.store.where}: no document with id {document_id}")
        if not (0 <= start < end <= length):
            raise UserError(f"span {start}-{end} is outside the document (0-{length})")
        if not self.store.codes.exists(code_id):
            raise UserError(f"{self.store.where}: no code {code_id!r}")
        return {
            "document_id": document_id,
            "start": start,
            "end": end,
            "code_id": code_id,
            "coder": coder or self.store.coder,
            "valence": valence,
            "memo": memo,
            "origin": origin,
            "suggestion_id": suggestion_id,
            "created_at": now(),
        }

    def add(
        self,
        document_id: int,
        start: int,
        end: int,
        code_id: str,
        *,
        valence: str = "none",
        memo: str = "",
        origin: str = "manual",
        coder: str | None = None,
        suggestion_id: int | None = None,
    ) -> int:
        """Code ``text[start:end]`` of a document; one undoable action. Returns the coding id."""
        row = self.row(
            document_id,
            start,
            end,
            code_id,
            valence=valence,
            memo=memo,
            origin=origin,
            coder=coder,
            suggestion_id=suggestion_id,
        )
        with self.store.action(f"Code {self.store.describe.span(document_id, start, end, code_id)}") as act:
            return act.insert("codings", row)

    def add_many(self, rows: builtins.list[dict[str, Any]], *, label: str) -> builtins.list[int]:
        """Add many codings as one action: all land or none.

        Each row holds the keyword arguments of :meth:`add` plus ``document_id``,
        ``start``, ``end`` and ``code_id``.
        """
        prepared = []
        for i, r in enumerate(rows, 1):
            r = dict(r)
            try:
                prepared.append(
                    self.row(
                        r.pop("document_id"),
                        r.pop("start"),
                        r.pop("end"),
                        r.pop("code_id"),
                        valence=r.pop("valence", "none"),
                        memo=r.pop("memo", ""),
                        origin=r.pop("origin", "manual"),
                        coder=r.pop("coder", None),
                        suggestion_id=r.pop("suggestion_id", None),
                    )
                )
            except UserError as exc:
                raise UserError(f"row {i}: {exc}") from exc
        with self.store.action(label) as act:
            for row in prepared:
                self.store.coders.ensure(row["coder"])
            return [act.insert("codings", row) for row in prepared]

    def update(self, coding_id: int, **changes: Any) -> None:
        """Change a coding's code, valence, memo, span or star; one undoable action."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise UserError(f"cannot change {', '.join(sorted(unknown))} of a coding")
        current = self.get(coding_id)
        if "valence" in changes and changes["valence"] not in VALENCES:
            raise UserError(f"valence must be one of {', '.join(VALENCES)}, not {changes['valence']!r}")
        if "code_id" in changes:
            self.store.codes.get(changes["code_id"])
        if "start" in changes or "end" in changes:
            self.row(
                current.document_id,
                changes.get("start", current.start),
                changes.get("end", current.end),
                changes.get("code_id", current.code_id),
                valence=changes.get("valence", current.valence),
            )
        if "starred" in changes:
            changes["starred"] = int(bool(changes["starred"]))
        with self.store.action(self._change_label(current, changes)) as act:
            act.update("codings", {"id": coding_id}, changes)

    def _change_label(self, current: Coding, changes: dict[str, Any]) -> str:
        """'Mark Culture, P03 “we never had…” as barrier': the undo label of a coding change, in the user's words."""
        words = self.store.describe.coding(current.id)
        if set(changes) == {"valence"}:
            v = changes["valence"]
            return f"Clear the valence of {words}" if v == "none" else f"Mark {words} as {v}"
        if set(changes) == {"code_id"}:
            return f"Recode {words} as {self.store.describe.code(changes['code_id'])}"
        if set(changes) == {"memo"}:
            return f"Memo on {words}" if changes["memo"] else f"Delete the memo on {words}"
        if set(changes) == {"starred"}:
            return f"{'Star' if changes['starred'] else 'Unstar'} {words}"
        if set(changes) <= {"start", "end"}:
            return f"Resize {words}"
        return f"Change {', '.join(sorted(changes))} of {words}"

    def star(self, coding_id: int, starred: bool = True) -> None:
        """Mark (or unmark) a coding as an exemplar quote; one undoable action."""
        self.update(coding_id, starred=starred)

    def remove(self, coding_id: int) -> None:
        """Delete a coding; one undoable action."""
        self.get(coding_id)
        with self.store.action(f"Remove {self.store.describe.coding(coding_id)}") as act:
            act.delete("codings", {"id": coding_id})

    # --- memos ----------------------------------------------------------------------------------
    def memo(self, target_type: str, target_id: str | int, coder: str | None = None) -> str:
        """The memo text a coder (default: the current one) wrote on a target ('' when none)."""
        return self.store.memos.text(target_type, target_id, coder or self.store.coder)

    def set_memo(self, target_type: str, target_id: str | int, text: str) -> None:
        """Write (or with empty text, delete) the current coder's memo on a target; one undoable action."""
        if target_type == "coding":
            self.update(int(target_id), memo=text)
            return
        coder = self.store.coder
        found = self.store.memos.find(target_type, target_id, coder)
        what = self.store.describe.memo_target(target_type, target_id)
        kind = "summary of" if target_type == "cell" else "memo on"  # a cell's memo is its rapid-analysis summary
        with self.store.action(f"{kind.capitalize()} {what}" if text else f"Delete the {kind} {what}") as act:
            if found and text:
                act.update("memos", {"id": found[0]}, {"text": text, "updated_at": now()})
            elif found:
                act.delete("memos", {"id": found[0]})
            elif text:
                act.insert(
                    "memos",
                    {
                        "target_type": target_type,
                        "target_id": str(target_id),
                        "coder": coder,
                        "text": text,
                        "created_at": now(),
                        "updated_at": now(),
                    },
                )
