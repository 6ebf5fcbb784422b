"""REFI-QDA codebook exchange (.qdc, ``urn:QDA-XML:codebook:1.0``) and the <Codes> of .qde projects.

REFI-QDA codes carry only a GUID, a name, a colour, ``isCodable`` and one free
text ``Description``; hierarchy is nesting. evalbench writes each code's
Description as readable text, which is what NVivo, ATLAS.ti and MAXQDA users
see in their code memos::

    <definition>

    Inclusion: <inclusion>
    Exclusion: <exclusion>
    Examples:
    - <example>
    Keywords: <kw>; <kw>

The exact fields (the code's ID, every field as typed, ``valence_applies``,
``extra``) travel beside it, keyed by the code's GUID, where other programs do
not show them: in a .qdpx, in evalbench's own ``evalbench.json`` member; in a
.qdc, which is a single XML file, in an ``<?evalbench {...}?>`` processing
instruction after the root element (XML's place for one application's data;
schema validation and other programs ignore it). On import the stored fields
are authoritative while the visible text is unchanged; if someone edited the
text in another program, the edited text wins and is parsed back by its
labels, keeping the ID. Files written by older evalbench versions, which
appended an ``[evalbench] {json}`` line to the Description, still read the same.
GUIDs are the code's original REFI GUID when it came from a REFI file, else a
uuid5 of its ID, so exporting twice gives the same file.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from evalbench.codebook.model import ID_PATTERN, Codebook, CodebookError, make_codebook
from evalbench.model import Code
from evalbench.textsafe import NOT_XML

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: Namespace for deterministic code GUIDs: uuid5(EVALBENCH_NS, code id).
EVALBENCH_NS = uuid.UUID("5b0f7d2e-6c1a-4e55-9a53-2f7f0c3b9e61")
#: The Description line older versions appended (still read).
MARKER = "[evalbench] "
#: Target of the processing instruction that carries exact fields in a .qdc.
EXTENSION_PI = "evalbench"
QDC_EXTENSION_FORMAT = "evalbench-qdc-extension"
#: extra keys evalbench itself uses for REFI data.
GUID_KEY, CODABLE_KEY = "refi_guid", "refi_codable"
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?$")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters other than tab and newlines are dropped."""
    return NOT_XML.sub("", text)


def code_guid(code: Code) -> str:
    """The GUID a code is exported under: its original REFI GUID, else uuid5 of its ID."""
    guid = (code.extra or {}).get(GUID_KEY)
    if isinstance(guid, str) and _GUID.match(guid):
        return guid
    return str(uuid.uuid5(EVALBENCH_NS, code.id))


# --- Description text ----------------------------------------------------------
def _readable(code: Code) -> str:
    parts = [code.definition] if code.definition else []
    labelled = []
    if code.inclusion:
        labelled.append(f"Inclusion: {code.inclusion}")
    if code.exclusion:
        labelled.append(f"Exclusion: {code.exclusion}")
    if code.examples:
        labelled.append("Examples:\n" + "\n".join(f"- {e}" for e in code.examples))
    if code.keywords:
        labelled.append("Keywords: " + "; ".join(code.keywords))
    if labelled:
        parts.append("\n".join(labelled))
    return "\n\n".join(parts)


def _xml_ready(code: Code) -> Code:
    """The code as an XML parser will hand it back: no control characters, no CR."""

    def clean(text: str) -> str:
        return xml_text(text).replace("\r\n", "\n").replace("\r", "\n")

    return replace(
        code,
        definition=clean(code.definition),
        inclusion=clean(code.inclusion),
        exclusion=clean(code.exclusion),
        examples=tuple(clean(e) for e in code.examples),
        keywords=tuple(clean(k) for k in code.keywords),
    )


def description_for(code: Code) -> str:
    """The REFI Description for a code: readable text only, as other programs show it."""
    return _readable(_xml_ready(code))


def code_fields(code: Code) -> dict:
    """The exact fields of a code that its Description cannot carry, for evalbench's own storage."""
    code = _xml_ready(code)
    fields: dict[str, Any] = {
        "id": code.id,
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": list(code.examples),
        "keywords": list(code.keywords),
    }
    if not code.valence_applies:
        fields["valence_applies"] = False
    extra = {k: v for k, v in (code.extra or {}).items() if k not in (GUID_KEY, CODABLE_KEY)}
    if extra:
        fields["extra"] = extra
    return fields


_LABEL = re.compile(r"^(Inclusion|Exclusion|Examples|Keywords):[ ]?(.*)$")


def _parse_readable(text: str) -> dict:
    """Definition, inclusion, exclusion, examples and keywords from labelled text."""
    out: dict = {"definition": [], "inclusion": [], "exclusion": [], "examples": [], "keywords": []}
    current = "definition"
    for line in text.split("\n"):
        m = _LABEL.match(line)
        if m:
            current = m.group(1).lower()
            if m.group(2).strip():
                out[current].append(m.group(2))
            continue
        if current == "examples" and line.startswith("- "):
            out["examples"].append(line[2:])
        elif current == "examples" and out["examples"] and line.strip():
            out["examples"][-1] += " " + line.strip()
        else:
            out[current].append(line)
    return {
        "definition": "\n".join(out["definition"]).strip(),
        "inclusion": "\n".join(out["inclusion"]).strip(),
        "exclusion": "\n".join(out["exclusion"]).strip(),
        "examples": [e.strip() for e in out["examples"] if e.strip()],
        "keywords": [k.strip() for k in "; ".join(out["keywords"]).split(";") if k.strip()],
    }


def _texts(value) -> list[str]:
    """The strings of a JSON list; anything else (null, a number, a mapping) gives none."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _one_text(value) -> str:
    """A JSON string field; null or a non-string (hand-edited JSON) gives ''."""
    return value if isinstance(value, str) else ""


def _json(text: str, source: str):
    """JSON from another program's file, with depth limits and storable text; None when unusable."""
    from evalbench.safeparse import DataError, load_json

    try:
        return load_json(text, source).data
    except DataError:
        return None


def parse_description(text: str, stored: dict | None = None) -> dict:
    """Structured fields from a Description; ``id`` is present only if evalbench wrote the code.

    ``stored`` is the code's entry in evalbench's own extension (see the module
    docstring); without it, an ``[evalbench] {json}`` last line written by older
    versions serves instead.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    lines = text.split("\n")
    machine = stored if isinstance(stored, dict) else None
    if lines and lines[-1].startswith(MARKER):
        old = _json(lines[-1][len(MARKER) :], "[evalbench] line")
        if isinstance(old, dict):
            text = "\n".join(lines[:-1]).strip()
            machine = machine or old
    if machine is None:
        return {"definition": text.strip()}
    fields: dict[str, Any] = {
        "definition": _one_text(machine.get("definition")),
        "inclusion": _one_text(machine.get("inclusion")),
        "exclusion": _one_text(machine.get("exclusion")),
        "examples": _texts(machine.get("examples")),
        "keywords": _texts(machine.get("keywords")),
    }
    probe = Code(
        id="x",
        name="x",
        definition=fields["definition"],
        inclusion=fields["inclusion"],
        exclusion=fields["exclusion"],
        examples=tuple(fields["examples"]),
        keywords=tuple(fields["keywords"]),
    )
    if _readable(probe).strip() != text:
        fields = _parse_readable(text)  # edited in another program: the visible text wins
    if isinstance(machine.get("id"), str):
        fields["id"] = machine["id"]
    if machine.get("valence_applies") is False:
        fields["valence_applies"] = False
    if isinstance(machine.get("extra"), dict):
        fields["extra"] = machine["extra"]
    return fields


def stored_codes(value) -> dict[str, dict]:
    """The ``codes`` mapping of an extension (GUID -> fields), GUIDs in one comparable form."""
    if not isinstance(value, dict):
        return {}
    return {_norm_guid(k): v for k, v in value.items() if isinstance(k, str) and isinstance(v, dict)}


def _norm_guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


# --- <Codes> <-> codes -----------------------------------------------------------
def slug(name: str) -> str:
    """A code ID segment from a name: lower case letters, digits and underscores."""
    s = re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")
    return s or "code"


def _color(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"#[0-9A-Fa-f]{3}", value):
        return "#" + "".join(ch * 2 for ch in value[1:]).lower()
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return value.lower()
    return None


def codes_from_refi(codes_element, ns: str, stored: dict[str, dict] | None = None) -> list[Code]:
    """Codes from a REFI <Codes> element (nested <Code>s), parents before children.

    IDs come from evalbench's stored fields (``stored``: GUID -> fields, see
    :func:`stored_codes`) or an old ``[evalbench]`` line when present (and not
    already taken); otherwise they are built from the names along the path,
    e.g. ``barriers.staffing``, with ``_2``... added to keep them unique.
    """
    tag, desc_tag = f"{{{ns}}}Code", f"{{{ns}}}Description"
    codes: list[Code] = []
    taken: set[str] = set()

    def unique(base: str) -> str:
        cid, n = base, 2
        while cid in taken:
            cid, n = f"{base}_{n}", n + 1
        return cid

    def walk(parent_el, parent_id: str | None) -> None:
        for pos, el in enumerate(parent_el.findall(tag)):
            name = (el.get("name") or "").strip() or "(unnamed)"
            desc_el = el.find(desc_tag)
            fields = parse_description(
                desc_el.text if desc_el is not None else "", (stored or {}).get(_norm_guid(el.get("guid")))
            )
            wanted = fields.pop("id", None)
            if not (isinstance(wanted, str) and wanted not in taken and ID_PATTERN.match(wanted)):
                wanted = unique(f"{parent_id}.{slug(name)}" if parent_id else slug(name))
            taken.add(wanted)
            extra = dict(fields.pop("extra", {}) or {})
            guid = el.get("guid")
            if guid and guid != str(uuid.uuid5(EVALBENCH_NS, wanted)):
                extra[GUID_KEY] = guid
            if (el.get("isCodable") or "true").strip().lower() in ("false", "0"):
                extra[CODABLE_KEY] = False
            codes.append(
                Code(
                    id=wanted,
                    name=name,
                    parent_id=parent_id,
                    definition=fields.get("definition", "").strip(),
                    inclusion=fields.get("inclusion", "").strip(),
                    exclusion=fields.get("exclusion", "").strip(),
                    examples=tuple(fields.get("examples", ())),
                    keywords=tuple(fields.get("keywords", ())),
                    color=_color(el.get("color")),
                    valence_applies=fields.get("valence_applies", True),
                    position=pos,
                    extra=extra,
                )
            )
            walk(el, wanted)

    walk(codes_element, None)
    return codes


def codes_to_refi(codes: list[Code], parent_element) -> None:
    """Append nested <Code> elements for ``codes`` to a <Codes> element (same namespace)."""
    from lxml import etree

    ns = etree.QName(parent_element).namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    kids: dict[str | None, list[Code]] = {}
    ids = {c.id for c in codes}
    for c in codes:
        kids.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)

    def add(container, parent_id: str | None) -> None:
        for c in sorted(kids.get(parent_id, []), key=lambda c: c.position):
            el = etree.SubElement(container, q("Code"))
            el.set("guid", code_guid(c))
            el.set("name", xml_text(c.name))
            el.set("isCodable", "false" if (c.extra or {}).get(CODABLE_KEY) is False else "true")
            if c.color:
                el.set("color", c.color.upper())
            description = xml_text(description_for(c))
            if description:  # optional in the schema: a code without text gets no empty memo
                etree.SubElement(el, q("Description")).text = description
            add(el, c.id)

    add(parent_element, None)


# --- whole files ------------------------------------------------------------------
def codebook_to_qdc(book: Codebook) -> bytes:
    """A REFI-QDA codebook file (valid against Codebook-mrt2019.xsd)."""
    from lxml import etree

    from evalbench import __version__

    if not book.codes:
        raise CodebookError(
            book.source, "an empty codebook cannot be written as REFI-QDA (a .qdc needs at least one code)"
        )
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", f"evalbench {__version__}")
    codes = book.tree_order()
    codes_to_refi(codes, etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"))
    payload = {"format": QDC_EXTENSION_FORMAT, "codes": {code_guid(c): code_fields(c) for c in codes}}
    # '>' never appears in JSON outside strings, so escaping it keeps '?>' out of the instruction.
    text = json.dumps(payload, ensure_ascii=False).replace(">", "\\u003e")
    root.addnext(etree.ProcessingInstruction(EXTENSION_PI, text))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", pretty_print=True)


def qdc_extension(root) -> dict[str, dict]:
    """evalbench's stored code fields from an ``<?evalbench …?>`` instruction beside ``root``, if any."""
    from lxml import etree

    for node in [*root.itersiblings(preceding=True), *root.itersiblings()]:
        if isinstance(node, etree._ProcessingInstruction) and node.target == EXTENSION_PI:
            data = _json(node.text or "", "<?evalbench?>")
            if isinstance(data, dict) and data.get("format") == QDC_EXTENSION_FORMAT:
                return stored_codes(data.get("codes"))
    return {}


def _codebook_from_root(root, source: str, stored: dict[str, dict] | None = None) -> Codebook:
    from lxml import etree

    ns = etree.QName(root).namespace or ""
    local = etree.QName(root).localname
    if local == "Project":
        book_el = root.find(f"{{{ns}}}CodeBook")
        if book_el is None:
            raise CodebookError(source, "the REFI-QDA project has no <CodeBook>")
    elif local == "CodeBook":
        book_el = root
    else:
        raise CodebookError(source, f"not a REFI-QDA codebook: root element is <{local}>", root.sourceline)
    codes_el = book_el.find(f"{{{ns}}}Codes")
    if codes_el is None:
        raise CodebookError(source, "the <CodeBook> has no <Codes>", book_el.sourceline)
    codes = codes_from_refi(codes_el, ns, stored if stored is not None else qdc_extension(root))
    meta = {"name": Path(source).stem}
    if root.get("origin"):
        meta["description"] = f"Imported from REFI-QDA written by {root.get('origin')}"
    return make_codebook(codes, source=source, meta=meta)


def read_qdc(data: bytes, *, source: str) -> Codebook:
    """Parse a .qdc codebook (or a .qde project's XML) safely into a Codebook."""
    from evalbench.xmlsafe import parse_xml

    return _codebook_from_root(parse_xml(data, source=source), source)


def read_qdpx(path: str | Path, *, source: str | None = None) -> Codebook:
    """The codebook of a REFI-QDA project archive (.qdpx), with evalbench's stored code fields if present.

    Read through the safe archive reader; a damaged or foreign ``evalbench.json``
    only means the IDs are built from the code names.
    """
    from evalbench.refi.archive import SafeZip, project_xml_member
    from evalbench.refi.common import EXTENSION_FORMAT, EXTENSION_MEMBER
    from evalbench.xmlsafe import parse_xml

    source = source or str(path)
    with SafeZip(path) as zf:
        member = project_xml_member(zf)
        if member is None:
            raise CodebookError(source, "no project.qde inside this .qdpx")
        data = zf.read(member)
        found = zf.find(EXTENSION_MEMBER)
        ext = (
            _json(zf.read(found, max_bytes=256 * 1024 * 1024).decode("utf-8", "replace"), EXTENSION_MEMBER)
            if found
            else None
        )
    stored = stored_codes(ext.get("codes")) if isinstance(ext, dict) and ext.get("format") == EXTENSION_FORMAT else {}
    return _codebook_from_root(parse_xml(data, source=source), source, stored)
