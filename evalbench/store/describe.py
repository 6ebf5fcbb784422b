"""Rows named in the user's words, for undo labels and messages: never "coding 659".

An undo label is read back later ("Undid: memo on Culture, P03 “we never had
protected…”"), by a person who does not know row IDs or code IDs. So a coding
is named by its code's label, the participant (or the document when no
participant is linked) and the first words of the coded text; a code by its
name, or the shortest path that tells it apart from same-named codes. Each
function reads a handful of rows by primary key, so naming an action costs
well under a millisecond.
"""

from __future__ import annotations

from evalbench.store.codes import Codes
from evalbench.store.repo import Repository

QUOTE_WORDS = 4
QUOTE_CHARS = 32


def first_words(text: str, words: int = QUOTE_WORDS, chars: int = QUOTE_CHARS) -> str:
    """The first few whole words of ``text`` in quotes, with an ellipsis when there is more."""
    parts = text.split()
    taken: list[str] = []
    for word in parts[:words]:
        if taken and len(" ".join([*taken, word])) > chars:
            break
        taken.append(word)
    head = " ".join(taken)
    if len(head) > chars:
        head = head[: chars - 1]
    if len(taken) < len(parts) or len(head) < len(" ".join(taken)):
        return f"“{head.rstrip('.,;:!?')}…”"
    return f"“{head}”"


class Describe(Repository):
    """Rows named in the user's words (see the module docstring)."""

    def code(self, code_id: str) -> str:
        """A code's name, or (when another code has the same name) the shortest path that tells it apart."""
        codes = Codes(self._conn, self._where)
        found = codes.sharing_name(code_id)
        if found is None:
            return code_id
        name, shared = found
        if shared < 2:
            return name
        from evalbench.codebook.labels import code_labels

        return code_labels(codes.list()).get(code_id, name)

    def who(self, document_id: int) -> str:
        """The participant a document belongs to, else the document's name."""
        row = self._conn.execute(
            "SELECT p.label, d.name FROM documents d LEFT JOIN participants p "
            "ON p.id = d.participant_id WHERE d.id = ?",
            (document_id,),
        ).fetchone()
        if row is None:
            return "a removed document"
        return str(row[0] or row[1])

    def span(self, document_id: int, start: int, end: int, code_id: str | None = None) -> str:
        """``Culture, P03 “we never had protected…”``: a code (if given), whose words, and the first of them."""
        row = self._conn.execute(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
            (start + 1, max(0, min(end - start, 400)), document_id),
        ).fetchone()
        quote = first_words(row[0]) if row and row[0] else ""
        head = f"{self.code(code_id)}, " if code_id else ""
        return f"{head}{self.who(document_id)} {quote}".rstrip()

    def coding(self, coding_id: int) -> str:
        """A coding in the user's words (see :meth:`span`)."""
        row = self._conn.execute(
            'SELECT document_id, start, "end", code_id FROM codings WHERE id = ?', (coding_id,)
        ).fetchone()
        if row is None:
            return "a removed coding"
        return self.span(*row)

    def turn(self, turn_id: int) -> str:
        """``turn 12 of P03 (Dr Patel)``."""
        row = self._conn.execute(
            "SELECT t.seq, t.document_id, s.label FROM turns t LEFT JOIN speakers s "
            "ON s.id = t.speaker_id WHERE t.id = ?",
            (turn_id,),
        ).fetchone()
        if row is None:
            return "a removed turn"
        seq, document_id, speaker = row
        return f"turn {seq} of {self.who(document_id)}" + (f" ({speaker})" if speaker else "")

    def memo_target(self, target_type: str, target_id: str | int) -> str:
        """What a memo is written on, in the user's words."""
        if target_type == "coding" and str(target_id).isdigit():
            return self.coding(int(target_id))
        if target_type == "turn" and str(target_id).isdigit():
            return self.turn(int(target_id))
        if target_type == "code":
            return f"code {self.code(str(target_id))}"
        if target_type == "document" and str(target_id).isdigit():
            return self.who(int(target_id))
        if target_type == "cell":
            participant, _sep, code_id = str(target_id).rpartition("|")  # analysis.rapid.cell_key
            if code_id:
                return f"{participant} × {self.code(code_id)}"
        return f"{target_type} {target_id}"
