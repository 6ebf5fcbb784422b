"""Themes in a .qdpx: whole in evalbench's own member, and as REFI-QDA Sets and Notes for other programs.

REFI-QDA 1.0 has no themes. Its nearest thing is a ``<Set>`` (NVivo's sets,
ATLAS.ti's code groups, MAXQDA's code sets): a named group of codes (and of
sources and notes) with a description. So each theme is written as

- a Set named "Category: Theme", holding each code its rules name
  (``MemberCode``, in rule order) and a Note; its ``Description`` is the
  theme's paragraph followed by labelled lines a person can read and evalbench
  can read back — ``Category:``, ``CFIR:`` (the mapped code's label) and
  ``Codes:`` (each rule's code label, with "(barriers only)" and the like
  where the rule has a valence);
- a Note "Theme: Theme (Category)" (``MemberNote``) with what a set has no
  slot for: the evidence in words, the codings added or kept out by hand, and
  the picked exemplar quotes in their order, with participant and transcript.

The member holds the :func:`evalbench.findings.snapshot.snapshot` of every
category and theme, its coding references turned into the GUIDs of the
selections that carry those codings in this archive, so an import maps them
onto the codings it creates. A coding not in the archive (another coder's,
when one coder's work is exported) is left out and counted.

Reading back (:func:`themes_from_sets`) is for archives whose member is
absent or no longer matches ``project.qde`` (NVivo, ATLAS.ti and MAXQDA drop
members they do not know): each Set with codes becomes a theme with one rule
per code, in the category its ``Category:`` line names (one written by
evalbench), else in "Imported sets". Valences come back from the ``Codes:``
line and the CFIR mapping from the ``CFIR:`` line; hand-picked codings and
exemplars do not come back (a set cannot hold a coded passage). Sets of
documents only are not themes and are reported, as is any part that could
not be carried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from evalbench.codebook.labels import code_labels
from evalbench.findings.snapshot import VERSION
from evalbench.refi.common import guid
from evalbench.refi.qdpx_model import Element, RefiSet

if TYPE_CHECKING:
    from evalbench.model import Code
    from evalbench.store.store import Store

#: The category of themes made from another program's sets.
IMPORTED_CATEGORY = "Imported sets"
#: A rule's valence as the Codes: line words it, and back.
VALENCE_WORDS = {
    "barrier": "barriers only",
    "facilitator": "facilitators only",
    "mixed": "mixed only",
    "neutral": "neutral only",
    "none": "without a valence only",
}
_WORD_VALENCE = {words: valence for valence, words in VALENCE_WORDS.items()}
_ENTRY = re.compile(r"^(?P<code>.+?) \((?P<words>" + "|".join(map(re.escape, _WORD_VALENCE)) + r")\)$")
LABELS = ("Category: ", "CFIR: ", "Codes: ")
#: An exemplar quote longer than this is cut in the note (the coding itself travels whole).
QUOTE_CHARS = 1000


def set_guid(category: str, theme: str) -> str:
    return guid("set", f"{category}\x1f{theme}")


def note_guid(category: str, theme: str) -> str:
    return guid("theme-note", f"{category}\x1f{theme}")


def set_name(category: str, theme: str) -> str:
    return f"{category}: {theme}"


# --- writing ---------------------------------------------------------------------------------


def set_description(theme: dict, category: str, labels: dict[str, str]) -> str:
    """The Set's Description: the theme's paragraph, then the labelled lines (module notes)."""
    lines = [f"Category: {category}"]
    if theme.get("cfir"):
        lines.append(f"CFIR: {labels.get(theme['cfir'], theme['cfir'])}")
    if theme["rules"]:
        lines.append("Codes: " + "; ".join(_rule_words(rule, labels) for rule in theme["rules"]))
    paragraph = theme.get("description") or ""
    return (paragraph.rstrip() + "\n\n" if paragraph.strip() else "") + "\n".join(lines)


def _rule_words(rule: dict, labels: dict[str, str]) -> str:
    label = labels.get(rule["code"], rule["code"])
    return f"{label} ({VALENCE_WORDS[rule['valence']]})" if rule.get("valence") in VALENCE_WORDS else label


def note_text(
    theme: dict, category: str, labels: dict[str, str], quotes: dict[int, tuple[str, str]], exported: set[int]
) -> str:
    """The theme in words, for the Note other programs show: evidence, hand decisions, exemplar quotes.

    ``quotes`` maps a coding id to (quote text, who and where); ``exported``
    holds the coding ids this archive carries.
    """
    head = f"{theme['name']} ({category})"
    if theme.get("cfir"):
        head += f"\nCFIR: {labels.get(theme['cfir'], theme['cfir'])}"
    parts = [head]
    if (theme.get("description") or "").strip():
        parts.append(theme["description"].strip())
    rules = "; ".join(_rule_words(rule, labels) for rule in theme["rules"])
    evidence = [f"Evidence: the codings of {rules}." if rules else "Evidence: no rule; codings added by hand only."]
    added = [link["coding"] for link in theme["codings"] if link["included"]]
    kept_out = [link["coding"] for link in theme["codings"] if not link["included"]]
    if added or kept_out:
        evidence.append(f"{len(added)} coding(s) added by hand, {len(kept_out)} kept out by hand.")
    parts.append(" ".join(evidence))
    for title, ids in (
        ("Exemplar quotes, in the order picked:", theme["exemplars"]),
        ("Codings added by hand:", added),
    ):
        shown = [i for i in ids if i in exported and i in quotes]
        if not shown:
            continue
        lines = [title] + [f"{n}. \u201c{quotes[i][0]}\u201d ({quotes[i][1]})" for n, i in enumerate(shown, 1)]
        if len(shown) < len(ids):
            lines.append(f"({len(ids) - len(shown)} more from codings not in this export)")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def quote_texts(store: Store, coding_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """coding id -> (its words, "participant, transcript · code") for the notes' quotes."""
    rows = store.codings.by_id(sorted(set(coding_ids)))
    docs = store.documents.owners()
    out = {}
    for coding_id, doc_id, _start, _end, _code, coder, _valence in rows:
        # only the quote's own characters: whole texts of every quoted transcript added 12 MB at 200 interviews
        words = " ".join((store.codings.opening(coding_id, QUOTE_CHARS + 1) or "").split())
        if len(words) > QUOTE_CHARS:
            words = words[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        name, participant, _pid = docs.get(doc_id, ("?", None, None))
        out[coding_id] = (words, f"{participant or 'no participant'}, {name}; coded by {coder}")
    return out


class ThemeWriter(Protocol):
    """What writing the themes needs of the .qdpx writer (``qdpx_export``'s, which streams the archive)."""

    ext: dict[str, Any]  #: evalbench's own member, being filled
    selection_of: dict[int, str]  #: coding id -> GUID of the selection written for it
    xml: Callable[[object], str]  #: a value as text XML can hold
    code_guid: Callable[[Code], str]

    def sub(self, parent: Element | None, tag: str, **attrs: object) -> Element: ...

    def theme_note(self, note_guid: str, title: str, text: str) -> None: ...


def write_themes(w: ThemeWriter, store: Store, data: dict, codes: list[Code]) -> tuple[Element | None, int]:
    """Put the themes into the writer ``w``: the member's copy, a Note per theme; returns (``<Sets>``, dropped).

    ``data`` is the project's snapshot; ``w.selection_of`` maps the coding ids
    it names to the selection GUIDs written for them. ``dropped`` counts hand
    decisions and exemplars whose coding is not in this archive.
    """
    from evalbench.findings.snapshot import translate

    member, dropped = translate(data, w.selection_of)
    w.ext["themes"] = member
    themes = [(c["name"], t) for c in data["categories"] for t in c["themes"]]
    if not themes:
        return None, dropped
    labels = code_labels(codes)
    code_guids = {c.id: w.code_guid(c) for c in codes}
    quotes = quote_texts(
        store, {i for _, t in themes for i in [*t["exemplars"], *(link["coding"] for link in t["codings"])]}
    )
    sets = w.sub(None, "Sets")
    for category, theme in themes:
        ref = note_guid(category, theme["name"])
        w.theme_note(
            ref, f"Theme: {theme['name']} ({category})", note_text(theme, category, labels, quotes, set(w.selection_of))
        )
        w.ext["notes"][ref] = {"target_type": "theme", "target_id": set_name(category, theme["name"])}
        el = w.sub(sets, "Set", guid=set_guid(category, theme["name"]), name=set_name(category, theme["name"]))
        w.sub(el, "Description").text = w.xml(set_description(theme, category, labels))
        for code_id in dict.fromkeys(rule["code"] for rule in theme["rules"]):
            if code_id in code_guids:
                w.sub(el, "MemberCode", targetGUID=code_guids[code_id])
        w.sub(el, "MemberNote", targetGUID=ref)
    return sets, dropped


# --- reading another program's sets ------------------------------------------------------------


def parse_description(text: str) -> tuple[str, dict[str, str]]:
    """(the paragraph, {label: value}) of a Set Description; labelled lines only from the trailing block."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    found: dict[str, str] = {}
    cut = len(lines)
    while cut and lines[cut - 1].startswith(LABELS):
        label, _, value = lines[cut - 1].partition(": ")
        found.setdefault(label, value.strip())
        cut -= 1
    if not found:
        return (text or "").strip(), {}
    return "\n".join(lines[:cut]).strip(), found


def themes_from_sets(sets: list[RefiSet], codes: list[Code]) -> tuple[dict, list[str]]:
    """Snapshot data (no hand decisions, no exemplars) for the Sets that hold codes, and warnings.

    ``sets`` are :class:`~evalbench.refi.qdpx_model.RefiSet`; ``codes`` the
    imported codebook (labels and names resolve the ``CFIR:`` and ``Codes:`` lines).
    """
    labels = code_labels(codes)
    by_label: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for c in codes:
        by_label[labels[c.id]] = c.id
        names.setdefault(c.name, []).append(c.id)
    warnings: list[str] = []
    categories: dict[str, list[dict]] = {}
    taken: dict[str, set[str]] = {}
    for s in sets:
        what = f"set {s.name!r}"
        if s.valence_codes:
            warnings.append(
                f"{what}: its valence codes ({', '.join(s.valence_codes)}) are not codes here; left out of the theme"
            )
        if s.unknown_codes:
            warnings.append(f"{what}: {s.unknown_codes} member code(s) not in the codebook; left out")
        paragraph, lines = parse_description(s.description)
        if not s.codes and not lines.get("Category"):  # a theme evalbench wrote may have no rule yet
            if s.sources:
                warnings.append(
                    f"{what} holds {s.sources} document(s) and no codes: not a theme (evalbench keeps "
                    "no document sets; a participant attribute groups documents); not imported"
                )
            elif not s.valence_codes and not s.unknown_codes:
                warnings.append(f"{what} has no codes: not imported")
            continue
        if s.sources:
            warnings.append(
                f"{what}: its {s.sources} document(s) have no place in a theme; only its codes were carried"
            )
        category = lines.get("Category") or IMPORTED_CATEGORY
        name = s.name
        if lines.get("Category") and name.startswith(f"{category}: "):
            name = name[len(category) + 2 :]
        name = name.strip() or "Set"
        base, n = name, 2
        while name.casefold() in taken.setdefault(category.casefold(), set()):
            name, n = f"{base} ({n})", n + 1
        taken[category.casefold()].add(name.casefold())
        cfir = None
        if lines.get("CFIR"):
            cfir = by_label.get(lines["CFIR"]) or _only(names.get(lines["CFIR"]))
            if cfir is None:
                warnings.append(f"{what}: CFIR mapping {lines['CFIR']!r} is not a code here; left out")
        categories.setdefault(category, []).append(
            {
                "name": name,
                "description": paragraph,
                "cfir": cfir,
                "rules": _rules(s.codes, lines.get("Codes", ""), labels, names),
                "codings": [],
                "exemplars": [],
            }
        )
    data = {"version": VERSION, "categories": [{"name": k, "themes": v} for k, v in categories.items()]}
    return data, warnings


def _rules(members: list[str], line: str, labels: dict[str, str], names: dict[str, list[str]]) -> list[dict]:
    """One rule per member code; the valences the Codes: line gives it (any valence when it says none)."""
    wanted: dict[str, list[str | None]] = {}
    for entry in (e.strip() for e in line.split("; ") if e.strip()):
        m = _ENTRY.match(entry)
        label, valence = (m["code"], _WORD_VALENCE[m["words"]]) if m else (entry, None)
        for code_id in members:
            if labels.get(code_id) == label or (label in names and names[label] == [code_id]):
                wanted.setdefault(code_id, [])
                if valence not in wanted[code_id]:
                    wanted[code_id].append(valence)
                break
    return [{"code": code_id, "valence": valence} for code_id in members for valence in wanted.get(code_id, [None])]


def _only(ids: list[str] | None) -> str | None:
    return ids[0] if ids and len(ids) == 1 else None
