"""Codebook files: the YAML and JSON formats described in docs/codebook-format.md.

A file is a mapping with ``evalbench_codebook: 1``, optional descriptive
fields and a flat ``codes`` list; each code names its ``parent`` by ID, so a
move is a one-line diff. YAML goes through ruamel.yaml in round-trip mode;
:mod:`evalbench.codebook.yaml_write` writes it back into the loaded document
so the user's comments and key order survive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalbench.codebook.model import META_FIELDS, Codebook, CodebookError, Mark, make_codebook, replaced_warning
from evalbench.model import Code
from evalbench.safewrite import atomic_write, replacing  # noqa: F401 - re-exported: callers import them from here

FORMAT_KEY = "evalbench_codebook"
FORMAT_VERSION = 1
#: Keys a code may carry in a file, in the order they are written.
CODE_KEYS = (
    "id",
    "parent",
    "name",
    "definition",
    "inclusion",
    "exclusion",
    "examples",
    "keywords",
    "color",
    "valence_applies",
    "extra",
)
TOP_KEYS = (FORMAT_KEY, *META_FIELDS, "codes")
_TEXT_KEYS = ("definition", "inclusion", "exclusion")
_LIST_KEYS = ("examples", "keywords")


# --- reading -----------------------------------------------------------------
#: Largest codebook file read. CFIR 2.0 is 45 KB; ruamel reads YAML at ~0.4 MB/s here,
#: so this keeps the slowest load near ten seconds.
MAX_FILE_BYTES = 5_000_000


def make_yaml():
    """A round-trip ruamel YAML instance: keeps comments, quotes and key order; limits nesting."""
    from evalbench.safeparse import yaml_loader

    y = yaml_loader()
    y.width = 4096  # one line per field: clean git diffs
    y.indent(mapping=2, sequence=2, offset=0)
    y.preserve_quotes = True
    return y


def _mark(node: Any, key: Any = None) -> Mark:
    """1-based (line, column) of a ruamel node, or of one key within a mapping."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None, None
    try:
        if key is not None:
            line, col = lc.key(key)
        else:
            line, col = lc.line, lc.col
    except (KeyError, TypeError, AttributeError):
        return None, None
    return line + 1, col + 1


def _codebook_error(exc) -> CodebookError:
    return CodebookError(exc.source, exc.problem, exc.line, exc.column)


def _parse(text: str, source: str, fmt: str):
    from evalbench.safeparse import DataError, load_json, load_yaml

    try:
        return load_json(text, source) if fmt == "json" else load_yaml(text, source, yaml=make_yaml())
    except DataError as exc:
        raise _codebook_error(exc) from None


#: Values that are never text: containers, and binary data (YAML ``!!binary``).
_NOT_TEXT = (bool, list, dict, set, tuple, bytes, bytearray)


def _text(source: str, value: Any, what: str, where) -> str:
    if value is None:
        return ""
    if isinstance(value, _NOT_TEXT):
        raise CodebookError(source, f"{what} must be text", *where)
    return str(_plain_scalar(value))


def _strings(source: str, value: Any, what: str, where) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise CodebookError(source, f"{what} must be a list of text", *where)
    out = []
    for item in value:
        if isinstance(item, _NOT_TEXT) and not isinstance(item, bool) or item is None:
            raise CodebookError(source, f"{what} must be a list of text", *where)
        out.append(str(_plain_scalar(item)))
    return tuple(out)


_PLAIN_BUDGET = 1_000_000


def plain_data(value: Any, budget: int = _PLAIN_BUDGET) -> Any:
    """ruamel containers to plain dicts and lists of JSON values (for Code.extra), iteratively.

    Dates become ISO text, sets lists, non-finite numbers text; binary data
    is refused (ValueError). The node budget guards against an alias bomb
    or a self-referring structure that reached here unchecked.
    """
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        budget -= 1
        if budget < 0:
            raise ValueError("data too large (YAML aliases expanding?)")
        src, holder, key = stack.pop()
        if isinstance(src, dict):
            out: Any = {_plain_key(k): None for k in src}
            stack.extend((v, out, _plain_key(k)) for k, v in src.items())
        elif isinstance(src, list | tuple | set | frozenset):
            items = sorted(src, key=str) if isinstance(src, set | frozenset) else list(src)
            out = [None] * len(items)
            stack.extend((v, out, i) for i, v in enumerate(items))
        else:
            out = _plain_scalar(src)
        holder[key] = out
    return root[0]


def _plain_key(key: Any) -> str:
    return key if type(key) is str else str(_plain_scalar(key))


def _plain_scalar(value: Any) -> Any:
    import datetime
    import math

    if value is None or type(value) in (str, int, bool):
        return value
    if type(value).__name__ == "ScalarBoolean":  # ruamel keeps an anchored boolean as an int subclass
        return bool(value)
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        raise ValueError("holds binary data, which a codebook cannot keep")
    return str(getattr(value, "value", value))


def _extra(source: str, extra: Any, label: str, where) -> dict:
    try:
        return plain_data(extra)
    except ValueError as exc:
        raise CodebookError(source, f"{label}: extra: {exc}", *where) from None


def codebook_from_data(data: Any, source: str) -> Codebook:
    """Check a parsed YAML/JSON document and build a Codebook from it."""
    if not isinstance(data, dict):
        raise CodebookError(source, "a codebook file must be a mapping with a 'codes' list", 1, 1)
    for key in data:
        if key not in TOP_KEYS:
            raise CodebookError(source, f"unknown key {key!r} (allowed: {', '.join(TOP_KEYS)})", *_mark(data, key))
    version = data.get(FORMAT_KEY, FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise CodebookError(
            source,
            f"{FORMAT_KEY}: {version!r} is not a format version this evalbench reads (it reads {FORMAT_VERSION})",
            *_mark(data, FORMAT_KEY),
        )
    items = data.get("codes")
    if not isinstance(items, list):
        raise CodebookError(source, "'codes' must be a list of codes", *_mark(data, "codes"))
    codes: list[Code] = []
    positions: dict[str, Mark] = {}
    field_positions: dict[tuple[str, str], Mark] = {}
    for i, item in enumerate(items, 1):
        where = _mark(item)
        if where == (None, None):
            where = _mark(data, "codes")
        if not isinstance(item, dict):
            raise CodebookError(source, f"codes[{i}] must be a mapping", *where)
        for key in item:
            if key not in CODE_KEYS:
                raise CodebookError(
                    source, f"codes[{i}]: unknown key {key!r} (allowed: {', '.join(CODE_KEYS)})", *_mark(item, key)
                )
        cid = item.get("id")
        if not isinstance(cid, str) or not cid.strip():
            raise CodebookError(source, f"codes[{i}] has no 'id'", *where)
        label = f"code {cid!r}"
        if cid in positions:
            first = positions[cid][0]
            raise CodebookError(source, f"duplicate code ID {cid!r} (first defined on line {first})", *where)
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise CodebookError(source, f"{label}: parent must be a code ID", *_mark(item, "parent"))
        valence = item.get("valence_applies", True)
        if not isinstance(valence, bool):
            raise CodebookError(
                source, f"{label}: valence_applies must be true or false", *_mark(item, "valence_applies")
            )
        extra = item.get("extra") or {}
        if not isinstance(extra, dict):
            raise CodebookError(source, f"{label}: extra must be a mapping", *_mark(item, "extra"))
        color = item.get("color")
        codes.append(
            Code(
                id=cid,
                name=_text(source, item.get("name"), f"{label}: name", where).strip(),
                parent_id=parent or None,
                definition=_text(source, item.get("definition"), f"{label}: definition", where).strip(),
                inclusion=_text(source, item.get("inclusion"), f"{label}: inclusion", where).strip(),
                exclusion=_text(source, item.get("exclusion"), f"{label}: exclusion", where).strip(),
                examples=_strings(source, item.get("examples"), f"{label}: examples", where),
                keywords=_strings(source, item.get("keywords"), f"{label}: keywords", where),
                color=str(color) if color is not None else None,
                valence_applies=valence,
                position=i,
                extra=_extra(source, extra, label, _mark(item, "extra")),
            )
        )
        positions[cid] = where
        for key in ("parent", "color"):
            if key in item and _mark(item, key) != (None, None):
                field_positions[(cid, key)] = _mark(item, key)
    meta = {k: _text(source, data[k], k, _mark(data, k)).strip() for k in META_FIELDS if data.get(k) is not None}
    return make_codebook(
        codes, source=source, meta=meta, positions=positions, document=data, field_positions=field_positions
    )


def read_codebook_file(path: str | Path) -> Codebook:
    """Load a .yaml/.yml/.json/.qdc codebook file and validate it."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    try:
        if path.is_dir():
            raise CodebookError(source, "is a folder, not a codebook file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and suffix != ".qdpx":
            raise CodebookError(
                source, f"file is {size / 1e6:.1f} MB; a codebook file may be at most {MAX_FILE_BYTES / 1e6:g} MB"
            )
        raw = b"" if suffix == ".qdpx" else path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(source, "no such file") from None
    except OSError as exc:
        raise CodebookError(source, f"cannot read: {exc.strerror or exc}") from None
    if suffix == ".qdc":
        from evalbench.codebook.refi import read_qdc

        return read_qdc(raw, source=source)
    if suffix == ".qdpx":
        from evalbench.codebook.refi import read_qdpx

        return read_qdpx(path, source=source)  # with the code fields evalbench keeps in its own member
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(source, f"not UTF-8 text (byte {exc.start})") from None
    fmt = "json" if suffix == ".json" else "yaml"
    parsed = _parse(text, source, fmt)
    book = codebook_from_data(parsed.data, source)
    if fmt == "json":
        book.document = None
    if parsed.replaced:
        book.warnings.insert(0, replaced_warning(source, parsed.replaced))
    return book


# --- writing -------------------------------------------------------------------
def code_to_data(code: Code) -> dict[str, Any]:
    """The file form of one code; empty optional fields are left out."""
    out: dict[str, Any] = {"id": code.id}
    if code.parent_id is not None:
        out["parent"] = code.parent_id
    out["name"] = code.name
    for key in _TEXT_KEYS:
        if getattr(code, key):
            out[key] = getattr(code, key)
    for key in _LIST_KEYS:
        if getattr(code, key):
            out[key] = list(getattr(code, key))
    if code.color:
        out["color"] = code.color
    if not code.valence_applies:
        out["valence_applies"] = False
    if code.extra:
        out["extra"] = code.extra
    return out


def codebook_to_data(book: Codebook) -> dict[str, Any]:
    """Plain dict form of a codebook (the JSON file)."""
    data: dict[str, Any] = {FORMAT_KEY: FORMAT_VERSION}
    for key in META_FIELDS:
        if book.meta.get(key):
            data[key] = book.meta[key]
    data["codes"] = [code_to_data(c) for c in book.tree_order()]
    return data


def codebook_to_json(book: Codebook) -> str:
    return json.dumps(codebook_to_data(book), indent=2, ensure_ascii=False) + "\n"


def write_codebook_file(book: Codebook, path: str | Path, fmt: str | None = None) -> None:
    """Save a codebook as yaml, json or qdc (chosen by ``fmt`` or the file suffix)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "yaml").lower()
    if fmt in ("yaml", "yml"):
        from evalbench.codebook.yaml_write import codebook_to_yaml

        text: str | bytes = codebook_to_yaml(book)
    elif fmt == "json":
        text = codebook_to_json(book)
    elif fmt == "qdc":
        from evalbench.codebook.refi import codebook_to_qdc

        text = codebook_to_qdc(book)
    else:
        raise CodebookError(str(path), f"unknown codebook format {fmt!r} (use yaml, json or qdc)")
    if not path.parent.exists():
        raise CodebookError(str(path), f"folder {path.parent} does not exist")
    atomic_write(path, text)
