"""Plain data read from a .qdpx, and the small element helpers the readers share.

:mod:`evalbench.refi.qdpx_read` reads the project (users, codebook, notes,
cases) and :mod:`evalbench.refi.qdpx_sources` each source with its selections;
both build these dataclasses, which :mod:`evalbench.refi.qdpx_import` stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evalbench.model import Code
from evalbench.refi.common import norm_guid

#: An lxml element of project.qde (lxml ships no type information).
Element = Any


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str  #: ``\n`` line endings; selections are already mapped onto it
    sha256: str
    format: str = "txt"
    path: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    turns: list[tuple[int, int, str | None, str | None]] | None = None  #: from our extension only
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    note_guids: list[str] = field(default_factory=list)
    #: REFI variables on the source itself (MAXQDA's document variables)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)  # one per coded selection: 120,000 in a 2,000-interview project
class RefiCoding:
    source_guid: str
    start: int
    end: int
    code_id: str
    user_guid: str
    valence: str = "none"
    note_guids: list[str] = field(default_factory=list)
    origin: str = "import"
    starred: bool = False
    created_at: str | None = None  #: the Coding's creationDateTime when it has one
    model: str | None = None  #: origin 'suggestion': the suggesting model's name (evalbench's own member)
    model_version: str | None = None
    selection: str | None = None  #: GUID of the selection it came from (themes in our member name codings by it)


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user_guid: str


@dataclass
class RefiSet:
    """A REFI-QDA ``<Set>``: a named group of codes, sources and notes (a theme's nearest thing)."""

    guid: str
    name: str
    description: str
    codes: list[str]  #: code IDs of its member codes, in order, once each
    sources: int = 0  #: member sources (documents)
    notes: list[str] = field(default_factory=list)  #: member note GUIDs
    unknown_codes: int = 0  #: member codes missing from the codebook
    valence_codes: list[str] = field(default_factory=list)  #: evalbench's valence codes among the members


@dataclass
class RefiCase:
    guid: str
    name: str
    attributes: dict[str, str]
    source_guids: list[str]


#: What a note is on: a code ID, source GUID, cell id or project memo name (str), a selection
#: (source GUID, start, end), or nothing (an unreferenced note, or the project's own memo).
NoteKey = str | tuple[str, int, int] | None


@dataclass
class RefiProject:
    """Everything an import needs, as plain data."""

    archive: str
    name: str
    origin: str
    users: dict[str, str]  #: GUID -> coder name
    default_user: str  #: GUID used when a coding names no user
    codes: list[Code]
    sources: list[RefiSource]
    codings: list[RefiCoding]
    cases: list[RefiCase]
    notes: dict[str, RefiNote]
    #: note GUID -> (target type, key): key is a code ID, source GUID, (source GUID, start, end) or cell id.
    note_targets: dict[str, tuple[str, NoteKey]]
    warnings: list[str] = field(default_factory=list)
    #: (source GUID, start, end) of selections that carry notes but no codes.
    bare_selections: list[tuple[str, int, int, list[str]]] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    #: Themes from our own member (snapshot data, codings named by selection GUID), when it matches project.qde.
    themes: dict | None = None


def local(el: Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def kids(el: Element, name: str) -> list[Element]:
    """Children named ``name`` in any namespace (or none)."""
    return el.findall(f"{{*}}{name}")


def kid(el: Element, name: str) -> Element | None:
    return el.find(f"{{*}}{name}")


def by_name(el: Element) -> dict[str, list[Element]]:
    """An element's children grouped by local name, in one pass (selections are many)."""
    out: dict[str, list[Element]] = {}
    for child in el:
        if isinstance(child.tag, str):
            out.setdefault(child.tag.rpartition("}")[2], []).append(child)
    return out


def int_or_none(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def variable_value(vv: Element) -> str | None:
    for kind in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
        el = kid(vv, kind)
        if el is not None:
            return (el.text or "").strip() if kind != "TextValue" else (el.text or "")
    return None


def variable_values(el: Element, variables: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        name = variables.get(norm_guid(ref.get("targetGUID"))) if ref is not None else None
        value = variable_value(vv)
        if name and value is not None:
            out[name] = value
    return out


def refs(el: Element, name: str) -> list[str]:
    return [norm_guid(x.get("targetGUID")) for x in kids(el, name) if x.get("targetGUID")]
