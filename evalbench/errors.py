"""Errors a user can cause, and the one formatter that turns any message into one printable line.

Each :class:`UserError` carries one line naming the file and the problem. The
CLI prints ``str(error)`` on stderr and exits non-zero; tracebacks are
reserved for bugs.

Messages often echo what came from outside: a CSV header cell, a code name, a
path, a library's own error text. Those may hold newlines, terminal escape
sequences, bidirectional overrides or lone surrogates (which cannot even be
written to a UTF-8 terminal), and may be thousands of characters long. So
every :class:`UserError` passes its message through :func:`one_line` when it is
made: whatever the raising code put together, the user sees one printable,
shortened line. :func:`quote` shortens a single echoed value, and
:func:`describe_failure` says what an unexpected library exception means about
a file, in words, instead of leaking the exception's class name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

#: Longest message shown (characters). Wide enough for a long path and the problem;
#: longer messages keep their head and tail, which name the file and the conclusion.
MAX_MESSAGE = 400
#: Longest single echoed value (a cell, a name) inside a message.
MAX_VALUE = 60

_BREAKS = re.compile("[ \t]*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+[ \t]*")
#: Categories never shown raw: controls (incl. ESC), format (bidi overrides,
#: zero-width), surrogates, line/paragraph separators.
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def _escape(ch: str) -> str:
    if unicodedata.category(ch) not in _HIDDEN:
        return ch
    if ch == "\t":
        return " "
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, keeping its head and its tail around ``…``."""
    if len(text) <= limit:
        return text
    tail = max(limit // 3 - 1, 0)
    head = max(limit - tail - 1, 0)
    return text[:head] + "\u2026" + (text[-tail:] if tail else "")


def one_line(text: object, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one printable line of at most ``limit`` characters.

    Line breaks become spaces; control, format and surrogate characters are
    shown as ``\\xNN``/``\\uNNNN`` escapes (so an ESC sequence or a bidi override
    cannot rewrite the terminal, and a lone surrogate cannot break the
    output); long text keeps its head and tail.
    """
    text = str(text)
    if not text.isprintable():
        text = _BREAKS.sub(" ", text)
        if not text.isprintable():
            text = "".join(_escape(ch) for ch in text)
    return shorten(text.strip(), limit)


def quote(value: object, limit: int = MAX_VALUE) -> str:
    """One echoed value, quoted like ``repr`` (escapes visible) and shortened to ``limit``."""
    text = str(value)
    if len(text) > limit:
        text = shorten(text, limit)
    return repr(text)


def describe_failure(exc: BaseException) -> str:
    """What an unexpected exception from a file-reading library says about the file, in words.

    For the generic "could not be read (...)" fallbacks: a noun phrase such as
    ``a number too long to read (thousands of digits)``, never the
    exception's class name.
    """
    name = type(exc).__name__
    detail = one_line(exc, 120)

    def with_detail(phrase: str) -> str:
        return f"{phrase}: {detail}" if detail else phrase

    if isinstance(exc, ValueError) and "digits" in detail and "limit" in detail.lower():
        return "a number too long to read (thousands of digits)"
    if isinstance(exc, OverflowError) or "too large to convert" in detail:
        return "a number too large to read"
    if isinstance(exc, RecursionError):
        return "nesting too deep to read"
    if isinstance(exc, MemoryError):
        return "more data than fits in memory"
    if isinstance(exc, UnicodeError):
        return "text that is not valid in its encoding"
    if name in ("InvalidXmlError", "XmlchemyError"):
        return with_detail("an XML value its format does not allow")
    if name in ("XMLSyntaxError", "ParseError", "ExpatError", "DocumentInvalid"):
        return with_detail("XML that is not well formed")
    if name in ("error", "LZMAError", "BadZipFile", "BadZipfile", "EOFError") or isinstance(exc, EOFError):
        return "damaged compressed data"
    lower = detail.lower()
    if "ended unexpectedly" in lower or "unexpected end" in lower or "eof" in lower or "truncated" in lower:
        return "data that ends too early; the file is cut short or damaged"
    if isinstance(exc, RuntimeError) and "encrypted" in detail:
        return "an encrypted part; remove the password, save it again and retry"
    if isinstance(exc, NotImplementedError) and "compression" in detail:
        return "a part packed with a compression method evalbench cannot unpack"
    if isinstance(exc, KeyError):
        return with_detail("a missing part")
    if isinstance(exc, OSError) and exc.strerror:
        return one_line(exc.strerror, 120).lower()
    return with_detail("content it cannot make sense of")


class UserError(Exception):
    """A problem with the user's input or project, reported in one line.

    The message is made one printable, shortened line here, once, so every
    subclass and every caller gets the same treatment.
    """

    def __init__(self, *args: object) -> None:
        if len(args) == 1:
            args = (one_line(args[0]),)
        super().__init__(*args)


class IngestError(UserError):
    """A file that cannot be imported; ``str()`` is ``"<file name>: <reason>"``."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = one_line(reason)
        super().__init__(f"{Path(self.path).name}: {self.reason}")


class ProjectBusyError(UserError):
    """Another process holds the project's write lock for longer than the busy timeout."""


class ProjectError(UserError):
    """The project file is missing, not a project, corrupt or from a newer evalbench."""
