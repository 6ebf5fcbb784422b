"""Writing a codebook as YAML into the document it was loaded from, so comments survive.

ruamel.yaml's round-trip document keeps comments attached to the nodes around
them. Saving updates only the values that changed, re-files section comments
under the code they introduce before codes move or disappear, and quotes text
that would otherwise read back differently (commas inside ``[a, b]`` keyword
lists, Unicode line separators).
"""

from __future__ import annotations

import io
import re
from typing import Any

from evalbench.codebook.files import (
    CODE_KEYS,
    FORMAT_KEY,
    FORMAT_VERSION,
    TOP_KEYS,
    code_to_data,
    make_yaml,
    plain_data,
)
from evalbench.codebook.model import META_FIELDS, Codebook
from evalbench.model import Code


def _same(old: Any, new: Any) -> bool:
    return plain_data(old) == plain_data(new)


#: Items that may stay unquoted inside a flow list like ``[a, b]`` (commas, '?', ':' and
#: friends would change its meaning; ruamel does not always quote them there).
_PLAIN_IN_FLOW = re.compile(r"^[A-Za-z][A-Za-z0-9 _.'/&()+\-]*$")
#: Line breaks YAML folds on reading unless they are escaped in double quotes.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def _yaml_text(value: Any, *, flow: bool = False) -> Any:
    """A string as it must be emitted to read back unchanged (double-quoted when needed)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, str) and (
        _ODD_BREAKS.search(value) or (flow and (not _PLAIN_IN_FLOW.match(value) or value != value.strip()))
    ):
        return DoubleQuotedScalarString(value)
    return value


def _yaml_value(key: str, value: Any, *, flow: bool = False) -> Any:
    if isinstance(value, dict):
        return {_yaml_text(k): _yaml_value(key, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml_value(key, v, flow=flow) for v in value]
    return _yaml_text(value, flow=flow)


def _keyword_list(values: list[str]):
    """Keywords as a one-line flow list: ``[a, b, "c, d"]``."""
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(_yaml_value("keywords", values, flow=True))
    seq.fa.set_flow_style()
    return seq


def _yaml_code(code: Code):
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap()
    for key, value in code_to_data(code).items():
        m[key] = _keyword_list(value) if key == "keywords" else _yaml_value(key, value)
    return m


def _tail_slot(node) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment that follows a code mapping's last value.

    Returns (comment holder, key, index into its ``ca.items[key]``): the last
    item of a block list value, else the mapping's last key.
    """
    from ruamel.yaml.comments import CommentedSeq

    if not len(node):
        return None
    last = list(node)[-1]
    value = node[last]
    if isinstance(value, CommentedSeq) and len(value) and not value.fa.flow_style():
        return value, len(value) - 1, 0
    return node, last, 2


def _pop_tail_comment(node):
    slot = _tail_slot(node)
    if slot is None:
        return None
    holder, key, index = slot
    entry = holder.ca.items.get(key)
    if not entry or entry[index] is None:
        return None
    token, entry[index] = entry[index], None
    return token


def _put_tail_comment(node, token) -> None:
    """Attach a comment after a code mapping's (new) last value, after any comment already there."""
    slot = _tail_slot(node) if token is not None else None
    if slot is None:
        return
    holder, key, index = slot
    entry = holder.ca.items.setdefault(key, [None, None, None, None])
    if entry[index] is None:
        entry[index] = token
    else:
        text = token.value[1:] if token.value.startswith("\n") else token.value
        entry[index].value = entry[index].value + text


def _update_yaml_code(node, code: Code) -> None:
    """Bring one loaded code mapping up to date, touching only keys whose value changed."""
    from ruamel.yaml.comments import CommentedSeq

    want = code_to_data(code)
    if _same(dict(node), want) or (
        _same({k: v for k, v in node.items() if k != "parent"}, want) and node.get("parent") is None
    ):
        return
    tail = _pop_tail_comment(node)  # e.g. a section header before the next code
    if "parent" not in want and "parent" in node and node["parent"] is not None:
        want["parent"] = None
    for key in list(node):
        if key not in want and key != "parent":
            del node[key]
    for key, value in want.items():
        if key in node and _same(node[key], value):
            continue
        if key in node and isinstance(node[key], CommentedSeq) and isinstance(value, list):
            flow = bool(node[key].fa.flow_style())
            node[key].clear()
            node[key].extend(_yaml_value(key, value, flow=flow))
        elif key not in node:
            # Keep the usual key order for a newly added field.
            order = [k for k in CODE_KEYS if k in node or k == key]
            new = _keyword_list(value) if key == "keywords" else _yaml_value(key, value)
            node.insert(order.index(key), key, new)
        else:
            node[key] = _yaml_value(key, value)
    _put_tail_comment(node, tail)


def _attach_comments_to_following_codes(seq, kept: set[int]) -> None:
    """Before codes are reordered or removed, file full-line comments under the code they precede.

    ruamel attaches a comment line such as a section header to the end of the
    code *above* it; moved or deleted with that code, the header would land in
    the wrong place or vanish. Re-filed as "before the next code", a header
    travels with the first code of its section. End-of-line comments stay put;
    "before" comments of a removed code pass to the next code that stays.
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    nodes = list(seq)
    for i, node in enumerate(nodes[:-1]):
        if not isinstance(node, dict):
            continue
        token = _pop_tail_comment(node)
        if token is None:
            continue
        eol, _, rest = token.value.partition("\n")
        if eol.strip():
            _put_tail_comment(node, CommentToken(eol + "\n", token.start_mark, None))
        if rest.strip():
            entry = seq.ca.items.setdefault(i + 1, [None, None, None, None])
            entry[1] = [CommentToken(rest, CommentMark(0), None), *(entry[1] or [])]
    for i, node in enumerate(nodes):
        if id(node) in kept:
            continue
        entry = seq.ca.items.pop(i, None)
        after = [j for j in range(i + 1, len(nodes)) if id(nodes[j]) in kept]
        if entry and entry[1] and after:
            target = seq.ca.items.setdefault(after[0], [None, None, None, None])
            target[1] = [*entry[1], *(target[1] or [])]


def codebook_to_yaml(book: Codebook) -> str:
    """YAML text for a codebook, reusing the loaded document (and its comments) when present."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    doc = book.document
    if not isinstance(doc, CommentedMap) or not isinstance(doc.get("codes"), CommentedSeq):
        doc = CommentedMap()
        doc["codes"] = CommentedSeq()
    doc[FORMAT_KEY] = FORMAT_VERSION
    for key in META_FIELDS:
        value = book.meta.get(key)
        if value and not _same(doc.get(key), value):
            doc[key] = _yaml_text(value)
        elif not value and key in doc:
            del doc[key]
    # Top-level key order: format key first, codes last.
    order = [k for k in TOP_KEYS if k in doc]
    if list(doc) != order:
        for i, key in enumerate(order):
            value = doc.pop(key)
            doc.insert(i, key, value)
    seq = doc["codes"]
    existing = {m.get("id"): m for m in seq if isinstance(m, dict)}
    new_items = []
    for code in book.tree_order():
        node = existing.get(code.id)
        if node is None:
            node = _yaml_code(code)
        else:
            _update_yaml_code(node, code)
        new_items.append(node)
    if [id(n) for n in seq] != [id(n) for n in new_items]:
        _attach_comments_to_following_codes(seq, {id(n) for n in new_items})
        comments = {id(n): seq.ca.items.get(i) for i, n in enumerate(seq)}
        seq.ca.items.clear()
        seq.clear()
        for i, node in enumerate(new_items):
            seq.append(node)
            if comments.get(id(node)) is not None:
                seq.ca.items[i] = comments[id(node)]
    buf = io.StringIO()
    make_yaml().dump(doc, buf)
    return buf.getvalue()
