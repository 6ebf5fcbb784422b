"""App-wide messages: widgets and screens post these up; the app routes them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenDocument(Message):
    """Open a document in the coding view, optionally at a document offset."""

    document_id: int
    offset: int | None = None


@dataclass
class BrowseCode(Message):
    """Show every excerpt of a code in the code browser."""

    code_id: str


class ProjectChanged(Message):
    """The project's data changed (undo, import, coder switch): screens reload."""
