"""JSON and YAML from outside, parsed with limits: nesting depth, expanded size, storable text.

Codebook files, the ``[evalbench]`` line of a REFI-QDA description and the
``evalbench.json`` member of a .qdpx come from other people and programs.
Parsing them naively fails in three ways that a file-size cap does not stop:

- *depth*: ``[[[[…]]]]`` or a YAML block nested a thousand levels deep makes
  the YAML composer, the JSON scanner or any later recursive walk raise
  ``RecursionError``. Here nesting is limited to :data:`MAX_DEPTH` levels,
  far beyond any real codebook (CFIR 2.0 needs 5);
- *expansion*: YAML aliases let a 100 KB file describe 200 million characters
  ("billion laughs"). The parsed value is measured as it would be written
  out -- every alias counted again -- and refused when it is more than
  :data:`EXPANSION` times the text it came from (plus a small allowance);
- *unstorable text*: ``\\ud83d\\ude00`` escapes (JSON, YAML) give strings
  holding surrogates that SQLite and UTF-8 files refuse. Every string and key
  goes through :func:`evalbench.textsafe.clean_text`: pairs are joined, lone
  surrogates replaced and counted in :attr:`Parsed.replaced`.

Use :func:`load_json` and :func:`load_yaml` for text, or :func:`checked` for
data parsed elsewhere. Problems raise :class:`DataError` (a one-line
``UserError`` with ``problem``, ``line`` and ``column`` for callers that wrap
it in their own error type or turn it into a warning).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from evalbench.errors import UserError, describe_failure
from evalbench.textsafe import clean_text, has_surrogates

#: Deepest nesting of lists and mappings accepted.
MAX_DEPTH = 64
#: How much larger than its text a parsed value may be (YAML aliases), and the allowance on top.
EXPANSION = 10
ALLOWANCE = 1_000_000
#: Integers beyond Python's 4300-digit printing limit (hex or octal YAML has no parsing limit).
_MAX_INT_BITS = 14_000


class DataError(UserError):
    """JSON or YAML that cannot be used; ``str()`` is ``"<source>[:line[:column]]: <problem>"``."""

    def __init__(self, source: str, problem: str, line: int | None = None, column: int | None = None) -> None:
        self.source, self.problem, self.line, self.column = source, problem, line, column
        where = source + (f":{line}" if line is not None else "") + (f":{column}" if line and column else "")
        super().__init__(f"{where}: {problem}")


@dataclass
class Parsed:
    """A parsed document and how many lone surrogates were replaced in its strings."""

    data: Any
    replaced: int = 0


def load_json(text: str | bytes, source: str, *, max_depth: int = MAX_DEPTH) -> Parsed:
    """Parse JSON text (bytes are read as UTF-8), refusing deep nesting and cleaning surrogates.

    JSON has no aliases, so its parsed size is bounded by the text; depth is
    measured on the text itself (brackets outside strings), which costs a
    sixth of walking the parsed value (0.14 s against 0.75 s for 5.7 MB of
    ``evalbench.json``). The full walk runs only when a surrogate escape is present.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(source, f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(source, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:  # the C scanner's own guard, far beyond MAX_DEPTH
        raise DataError(source, f"nested more than {max_depth} levels deep") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise DataError(source, f"invalid JSON: {describe_failure(exc)}") from None
    if _SURROGATE_ESCAPE.search(text):
        return checked(data, source, size=len(text), max_depth=max_depth)
    if json_depth(text) > max_depth:
        raise DataError(source, f"nested more than {max_depth} levels deep")
    return Parsed(data)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)
_NOT_BRACKETS = str.maketrans("", "", "".join(chr(i) for i in range(128) if chr(i) not in "[]{}"))


def json_depth(text: str) -> int:
    """Deepest nesting of arrays and objects in well-formed JSON text (0 for a scalar)."""
    if text.count("[") + text.count("{") <= 1:
        return min(1, text.count("[") + text.count("{"))
    brackets = _JSON_STRING.sub("", text).translate(_NOT_BRACKETS)
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


if TYPE_CHECKING:
    from ruamel.yaml.composer import Composer as _Composer
else:  # ruamel is imported only when a YAML file is read
    _Composer = object


class _DepthLimit(_Composer):
    """Mix-in for ruamel's Composer: refuse nesting deeper than ``max_depth`` before recursing into it."""

    max_depth = MAX_DEPTH

    def compose_node(self, parent: Any, index: Any) -> Any:
        depth = getattr(self, "_evalbench_depth", 0) + 1
        if depth > self.max_depth + 1:  # +1: the scalars inside the deepest allowed container
            raise _too_deep(self.parser.peek_event().start_mark)
        self._evalbench_depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._evalbench_depth = depth - 1


_TOO_DEEP = "nested too deeply (evalbench depth limit)"


def _too_deep(mark):
    from ruamel.yaml.composer import ComposerError

    return ComposerError(None, None, _TOO_DEEP, mark)


def yaml_loader(*, max_depth: int = MAX_DEPTH):
    """A round-trip ruamel ``YAML`` (keeps comments, quotes and key order) whose composer limits depth."""
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer

    y = YAML(typ="rt")
    limit = max_depth

    class DepthLimitedComposer(_DepthLimit, Composer):
        max_depth = limit

    y.Composer = DepthLimitedComposer
    y.allow_duplicate_keys = False
    return y


def load_yaml(text: str, source: str, *, yaml=None, max_depth: int = MAX_DEPTH) -> Parsed:
    """Parse YAML text (round-trip, one document), then apply :func:`checked`.

    ``yaml`` is a loader from :func:`yaml_loader` (configured further by the
    caller, e.g. for writing back), made here when not given.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    y = yaml or yaml_loader(max_depth=max_depth)
    try:
        with warnings.catch_warnings():  # e.g. ReusedAnchorWarning: several lines on stderr, not ours to print
            warnings.simplefilter("ignore")
            data = y.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        if exc.problem == _TOO_DEEP:
            problem = f"nested more than {max_depth} levels deep"
        else:
            problem = f"invalid YAML: {problem}"
        raise DataError(source, problem, *where) from None
    except YAMLError as exc:
        raise DataError(source, f"invalid YAML: {str(exc).strip() or 'cannot be parsed'}") from None
    except RecursionError:
        raise DataError(source, f"nested more than {max_depth} levels deep") from None
    except Exception as exc:  # ruamel's constructors raise ValueError, TypeError… on odd values
        raise DataError(source, f"invalid YAML: {describe_failure(exc)}") from None
    return checked(data, source, size=len(text), max_depth=max_depth)


def checked(data: Any, source: str, *, size: int | None, max_depth: int = MAX_DEPTH) -> Parsed:
    """``data`` with its strings made storable, after checking its depth and expanded size.

    ``size`` is the length of the text ``data`` was parsed from (None: data
    already checked for size, e.g. a field of a parsed document). The walk is
    iterative and stops as soon as a limit is passed, so an alias bomb costs
    no more than the budget. Strings (and string keys) holding surrogates are
    replaced in place, which keeps a ruamel document's comments and order.
    """
    budget = EXPANSION * size + ALLOWANCE if size is not None else float("inf")
    replaced = 0
    on_path: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(data, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if isinstance(node, str):
            budget -= len(node)
        elif isinstance(node, dict | list | tuple | set | frozenset):
            if depth > max_depth:
                raise DataError(source, f"nested more than {max_depth} levels deep")
            if id(node) in on_path:
                raise DataError(source, "refers to itself (a YAML alias inside its own anchor)")
            on_path.add(id(node))
            stack.append((node, depth, True))
            if isinstance(node, dict):
                replaced += _clean_mapping(node)
                items = [v for kv in node.items() for v in kv]
            else:
                if isinstance(node, list):
                    replaced += _clean_list(node)
                items = list(node)
            budget -= 1 + len(items)
            stack.extend((item, depth + 1, False) for item in reversed(items) if not _scalar(item))
            for item in items:
                if isinstance(item, str):
                    budget -= len(item)
                elif isinstance(item, int) and item.bit_length() > _MAX_INT_BITS:
                    raise DataError(source, "holds a number too long to read (thousands of digits)")
        if budget < 0:
            raise DataError(source, f"expands to more than {EXPANSION} times its own size (YAML aliases?); refusing it")
    if isinstance(data, str) and has_surrogates(data):
        data, replaced = clean_text(data)
    return Parsed(data, replaced)


def _scalar(value: Any) -> bool:
    """Scalars need no visit: strings are counted by their container, the rest is small."""
    return not isinstance(value, dict | list | tuple | set | frozenset)


def _clean_list(node: list) -> int:
    replaced = 0
    for i, value in enumerate(node):
        if isinstance(value, str) and has_surrogates(value):
            node[i], n = clean_text(value)
            replaced += n
    return replaced


def _clean_mapping(node: dict) -> int:
    replaced = 0
    for key, value in list(node.items()):
        if isinstance(value, str) and has_surrogates(value):
            node[key], n = clean_text(value)
            replaced += n
    bad_keys = [k for k in node if isinstance(k, str) and has_surrogates(k)]
    if bad_keys:  # rebuild in order (ruamel's CommentedMap keeps its comments by position)
        items = list(node.items())
        node.clear()
        for key, value in items:
            if isinstance(key, str) and has_surrogates(key):
                key, n = clean_text(key)
                replaced += n
            node[key] = value
    return replaced
